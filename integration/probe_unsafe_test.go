package integration

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// probeTIOCSTI is the BC_PROBE=tiocsti mode of the test binary (see init in
// bugcases_test.go): it tries to push one character into the input queue of
// the terminal on its stdin and prints what the kernel said.
//
// unsafe: TIOCSTI reads one byte through the pointer it is given; c lives
// on this goroutine's stack for the whole call.
func probeTIOCSTI() {
	c := byte('#')
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, 0, syscall.TIOCSTI, uintptr(unsafe.Pointer(&c)))
	if errno != 0 {
		fmt.Printf("tiocsti=%v\n", errno)
	} else {
		fmt.Println("tiocsti=injected")
	}
	os.Exit(0)
}
