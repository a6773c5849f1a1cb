package cgroups

import (
	"fmt"
	"os"
	"unsafe"

	cg "github.com/opencontainers/cgroups"
	"golang.org/x/sys/unix"
)

// progLoadAttr is the head of union bpf_attr for BPF_PROG_LOAD, up to
// expected_attach_type; the kernel treats the fields we leave out as zero.
//
// Why the unsafe use is sound: the kernel's __aligned_u64 pointer fields
// are held as unsafe.Pointer, not as integers, so the garbage collector
// keeps what they point at alive and updates them should a stack move
// before the syscall; the struct itself is passed as
// uintptr(unsafe.Pointer(&attr)) in the call expression, which the
// compiler keeps alive and in place until the call returns. A pointer is
// 8 bytes only on 64-bit platforms: pointerIs64Bits stops the build
// elsewhere rather than send the kernel a wrong layout.
type progLoadAttr struct {
	progType           uint32
	insnCnt            uint32
	insns              unsafe.Pointer
	license            unsafe.Pointer
	logLevel           uint32
	logSize            uint32
	logBuf             unsafe.Pointer
	kernVersion        uint32
	progFlags          uint32
	progName           [16]byte
	progIfindex        uint32
	expectedAttachType uint32
}

// pointerIs64Bits does not compile where a pointer is not 8 bytes.
const pointerIs64Bits = uint(unsafe.Sizeof(uintptr(0)) - 8)

// progAttachAttr is union bpf_attr for BPF_PROG_ATTACH.
type progAttachAttr struct {
	targetFd     uint32
	attachBpfFd  uint32
	attachType   uint32
	attachFlags  uint32
	replaceBpfFd uint32
}

// setDevicesV2 compiles the device rules into a filter and attaches it to
// the cgroup. BPF_F_ALLOW_MULTI leaves the filters of the ancestors in
// force: an access must pass all of them.
func setDevicesV2(dir string, r *cg.Resources) error {
	if r.SkipDevices {
		return nil
	}
	prog, err := loadDevFilter(encode(devFilter(r.Devices)))
	if err != nil {
		return err
	}
	defer unix.Close(prog)
	return attachDevFilter(dir, prog)
}

// loadDevFilter loads the program. When the kernel refuses it, a second
// load with the verifier's log asks why, for the error.
func loadDevFilter(code []byte) (int, error) {
	fd, err := progLoad(code, nil)
	if err == nil {
		return fd, nil
	}
	log := make([]byte, 64<<10)
	if _, err := progLoad(code, log); err != nil {
		return -1, fmt.Errorf("load the device filter: %w (verifier: %s)", err, unix.ByteSliceToString(log))
	}
	return -1, fmt.Errorf("load the device filter: %w", err)
}

func progLoad(code, log []byte) (int, error) {
	license := []byte("GPL\x00")
	attr := progLoadAttr{
		progType:           unix.BPF_PROG_TYPE_CGROUP_DEVICE,
		insnCnt:            uint32(len(code) / 8),
		insns:              unsafe.Pointer(&code[0]),
		license:            unsafe.Pointer(&license[0]),
		expectedAttachType: unix.BPF_CGROUP_DEVICE,
	}
	if log != nil {
		attr.logLevel, attr.logSize, attr.logBuf = 1, uint32(len(log)), unsafe.Pointer(&log[0])
	}
	copy(attr.progName[:], "sandbox_dev")
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return -1, os.NewSyscallError("bpf", errno)
	}
	return int(fd), nil
}

func attachDevFilter(dir string, prog int) error {
	cgroup, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(cgroup)
	attr := progAttachAttr{
		targetFd:    uint32(cgroup),
		attachBpfFd: uint32(prog),
		attachType:  unix.BPF_CGROUP_DEVICE,
		attachFlags: unix.BPF_F_ALLOW_MULTI,
	}
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_ATTACH, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return fmt.Errorf("attach the device filter to %s: %w", dir, os.NewSyscallError("bpf", errno))
	}
	return nil
}
