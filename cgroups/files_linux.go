package cgroups

import (
	"strconv"
	"strings"

	cg "github.com/opencontainers/cgroups"
)

// readCounter reads a file that holds one number, or the value of key in
// a file of "key value" lines; 0 when it cannot be read.
func readCounter(dir, file, key string) uint64 {
	data, err := cg.ReadFile(dir, file)
	if err != nil {
		return 0
	}
	return parseCounter(data, key)
}

func parseCounter(data, key string) uint64 {
	data = strings.TrimSpace(data)
	if n, err := strconv.ParseUint(data, 10, 64); err == nil {
		return n
	}
	for _, line := range strings.Split(data, "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			n, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// readLimit reads a memory limit: "max" on v2, and v1's largest page
// multiple, mean no limit (-1).
func readLimit(dir, file string) int64 {
	data, err := cg.ReadFile(dir, file)
	if err != nil {
		return -1
	}
	return parseLimit(data)
}

func parseLimit(data string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(data), 10, 64)
	if err != nil || n >= 1<<62 {
		return -1
	}
	return n
}
