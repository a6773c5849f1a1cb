// Command status prints the identity and capability lines of its own
// /proc/self/status. The integration tests install it setuid root in a
// rootfs: unlike busybox, it does not drop the privilege it gains.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "Uid:") || strings.HasPrefix(line, "Cap") {
			fmt.Println(line)
		}
	}
}
