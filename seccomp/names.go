package seccomp

import (
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Actions lists the rule actions sandbox applies, in the runtime-spec's
// spelling. SCMP_ACT_NOTIFY is left out: it needs a seccomp agent listening
// on linux.seccomp.listenerPath, which sandbox does not talk to.
var Actions = []specs.LinuxSeccompAction{
	specs.ActKill, specs.ActKillProcess, specs.ActKillThread, specs.ActTrap,
	specs.ActErrno, specs.ActTrace, specs.ActAllow, specs.ActLog,
}

// Operators lists the argument comparisons sandbox applies.
var Operators = []specs.LinuxSeccompOperator{
	specs.OpNotEqual, specs.OpLessThan, specs.OpLessEqual, specs.OpEqualTo,
	specs.OpGreaterEqual, specs.OpGreaterThan, specs.OpMaskedEqual,
}

// Architectures lists the architectures a filter may name, each with the
// name libseccomp knows it by.
var Architectures = map[specs.Arch]string{
	specs.ArchX86: "x86", specs.ArchX86_64: "amd64", specs.ArchX32: "x32",
	specs.ArchARM: "arm", specs.ArchAARCH64: "arm64",
	specs.ArchMIPS: "mips", specs.ArchMIPS64: "mips64", specs.ArchMIPS64N32: "mips64n32",
	specs.ArchMIPSEL: "mipsel", specs.ArchMIPSEL64: "mipsel64", specs.ArchMIPSEL64N32: "mipsel64n32",
	specs.ArchPPC: "ppc", specs.ArchPPC64: "ppc64", specs.ArchPPC64LE: "ppc64le",
	specs.ArchS390: "s390", specs.ArchS390X: "s390x",
	specs.ArchPARISC: "parisc", specs.ArchPARISC64: "parisc64",
	specs.ArchRISCV64: "riscv64", specs.ArchLOONGARCH64: "loong64",
	specs.ArchM68K: "m68k", specs.ArchSH: "sh", specs.ArchSHEB: "sheb",
}

// FlagTSYNC is the flag that runc and others accept beside the
// runtime-spec's own three; the runtime-spec has no constant for it.
const FlagTSYNC specs.LinuxSeccompFlag = "SECCOMP_FILTER_FLAG_TSYNC"

// Flags maps the filter flags sandbox passes to seccomp(2) to their bits.
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is left out: it only means
// something with a notify listener.
var Flags = map[specs.LinuxSeccompFlag]uint{
	FlagTSYNC:                       unix.SECCOMP_FILTER_FLAG_TSYNC,
	specs.LinuxSeccompFlagLog:       unix.SECCOMP_FILTER_FLAG_LOG,
	specs.LinuxSeccompFlagSpecAllow: unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW,
}

// goArches maps Go's GOARCH to the architecture names that Docker-format
// profiles use in their includes and excludes (libseccomp's own names).
var goArches = map[string]string{
	"386": "x86", "amd64": "amd64", "arm": "arm", "arm64": "arm64",
	"loong64": "loongarch64", "mips": "mips", "mipsle": "mipsel",
	"mips64": "mips64", "mips64le": "mipsel64", "ppc64": "ppc64", "ppc64le": "ppc64le",
	"riscv64": "riscv64", "s390x": "s390x",
}

// NativeArch is the name of the architecture sandbox runs on, as
// Docker-format profiles spell it: amd64, x86, arm64, s390x...
func NativeArch() string {
	return goArches[runtime.GOARCH]
}

// specArch is the runtime-spec's name of a Docker-format profile's
// architecture name, or "" for one it does not know.
func specArch(name string) specs.Arch {
	if name == "loongarch64" {
		return specs.ArchLOONGARCH64
	}
	for a, n := range Architectures {
		if n == name {
			return a
		}
	}
	return ""
}
