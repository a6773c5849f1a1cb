package caps

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
)

// Apply gives the calling thread the capability sets in c, switching
// identity in the middle with setIDs.
//
// Preconditions: locked to its OS thread (capset(2) is per thread, and this
// thread must be the one that calls execve), running as root of its user
// namespace with CAP_SETPCAP, CAP_SETUID and CAP_SETGID effective.
//
// The order is forced by the kernel:
//  1. Trim the bounding set while CAP_SETPCAP is still effective; nothing
//     can add to it afterwards, so a setuid-root or file-capability binary
//     cannot regain what was dropped.
//  2. Set PR_SET_KEEPCAPS and run setIDs: without it, a change to a non-zero
//     uid empties the permitted set and the added capabilities are lost.
//  3. Clear PR_SET_KEEPCAPS, then capset the effective, permitted and
//     inheritable sets, and raise the ambient set (which needs the
//     capability in both permitted and inheritable).
//  4. Read the sets back and compare, since a capset that silently did less
//     than asked would leave a wider container than the user was told.
//
// x records each step with the sets before and after; nil records nothing.
func Apply(c *specs.LinuxCapabilities, setIDs func() error, x *explain.Recorder) error {
	want, err := newSets(c)
	if err != nil {
		return err
	}
	if err := checkWithheld(c); err != nil {
		return err
	}
	before, err := explainSets(x)
	if err != nil {
		return err
	}
	if err := want.Apply(capability.BOUNDS); err != nil {
		return fmt.Errorf("caps: drop from bounding set: %w", err)
	}
	if x.On() {
		x.Capbset(before.bounding, mask(want, capability.BOUNDING), before.last)
	}

	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("caps: keep capabilities across setuid: %w", os.NewSyscallError("prctl", err))
	}
	x.Prctl(unix.PR_SET_KEEPCAPS, 1)
	if err := setIDs(); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("caps: clear keep-capabilities: %w", os.NewSyscallError("prctl", err))
	}
	x.Prctl(unix.PR_SET_KEEPCAPS, 0)

	// The sets in between, after setIDs, are what capset changes.
	if before, err = explainSets(x); err != nil {
		return err
	}
	if err := want.Apply(capability.CAPS | capability.AMBS); err != nil {
		return fmt.Errorf("caps: set capability sets: %w", err)
	}
	got, err := verify(want)
	if err == nil && x.On() {
		x.Capset(before.sets, maskSets(got), before.last)
	}
	return err
}

// snapshot is the calling thread's sets as masks, for explain.
type snapshot struct {
	sets     explain.CapSets
	bounding uint64
	last     int
}

// explainSets reads the calling thread's sets when x records, and returns
// nothing otherwise.
func explainSets(x *explain.Recorder) (snapshot, error) {
	if !x.On() {
		return snapshot{}, nil
	}
	c, err := capability.NewPid2(0)
	if err == nil {
		err = c.Load()
	}
	if err != nil {
		return snapshot{}, fmt.Errorf("caps: read the sets: %w", err)
	}
	last, err := capability.LastCap()
	if err != nil {
		return snapshot{}, fmt.Errorf("caps: %w", err)
	}
	return snapshot{sets: maskSets(c), bounding: mask(c, capability.BOUNDING), last: int(last)}, nil
}

func maskSets(c capability.Capabilities) explain.CapSets {
	return explain.CapSets{
		Effective: mask(c, capability.EFFECTIVE), Permitted: mask(c, capability.PERMITTED),
		Inheritable: mask(c, capability.INHERITABLE), Ambient: mask(c, capability.AMBIENT),
	}
}

// mask is one set of c as a bit mask, capability n at bit n.
func mask(c capability.Capabilities, which capability.CapType) uint64 {
	var m uint64
	for _, cp := range capability.ListKnown() {
		if c.Get(which, cp) {
			m |= 1 << uint(cp)
		}
	}
	return m
}

// checkWithheld names the capabilities of c that the runtime's own
// bounding set lacks. No process can gain those, so capset(2) would fail
// with a bare EPERM; some hosts withhold capabilities even from root, as
// CAP_SYS_RESOURCE is on some container and CI machines.
func checkWithheld(c *specs.LinuxCapabilities) error {
	if c == nil {
		return nil
	}
	bounding, err := OwnBounding()
	if err != nil {
		return err
	}
	all := slices.Concat(c.Bounding, c.Effective, c.Permitted, c.Inheritable, c.Ambient)
	if missing := Withheld(all, bounding); len(missing) > 0 {
		return fmt.Errorf("caps: this host withholds %s from sandbox's own bounding set, so no container can have it: "+
			"leave it out of --cap-add or the config's capabilities", strings.Join(missing, ", "))
	}
	return nil
}

// OwnBounding returns the calling thread's bounding set as a mask: the
// capabilities any process it starts can have at most.
func OwnBounding() (uint64, error) {
	last, err := capability.LastCap()
	if err != nil {
		return 0, fmt.Errorf("caps: %w", err)
	}
	var mask uint64
	for c := capability.Cap(0); c <= last; c++ {
		in, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0)
		if err != nil {
			return 0, fmt.Errorf("caps: read the bounding set: %w", os.NewSyscallError("prctl", err))
		}
		if in == 1 {
			mask |= 1 << uint(c)
		}
	}
	return mask, nil
}

// newSets turns the spec's names into a capability object for this thread.
// A missing set is an empty set, never a full one (see B09).
func newSets(c *specs.LinuxCapabilities) (capability.Capabilities, error) {
	if c == nil {
		c = &specs.LinuxCapabilities{}
	}
	sets, err := capability.NewPid2(0)
	if err != nil {
		return nil, fmt.Errorf("caps: %w", err)
	}
	sets.Clear(capability.CAPS | capability.BOUNDS | capability.AMBS)
	for _, s := range []struct {
		which capability.CapType
		names []string
	}{
		{capability.BOUNDING, c.Bounding},
		{capability.EFFECTIVE, c.Effective},
		{capability.PERMITTED, c.Permitted},
		{capability.INHERITABLE, c.Inheritable},
		{capability.AMBIENT, c.Ambient},
	} {
		for _, n := range s.names {
			v, err := Parse(n)
			if err != nil {
				return nil, fmt.Errorf("caps: %s set: %w", s.which, err)
			}
			sets.Set(s.which, v)
		}
	}
	return sets, nil
}

// verify reads the thread's sets back from the kernel and compares them with
// what was asked, for the capabilities this kernel knows; it returns what it
// read.
func verify(want capability.Capabilities) (capability.Capabilities, error) {
	got, err := capability.NewPid2(0)
	if err != nil {
		return nil, fmt.Errorf("caps: %w", err)
	}
	if err := got.Load(); err != nil {
		return nil, fmt.Errorf("caps: read back: %w", err)
	}
	last, err := capability.LastCap()
	if err != nil {
		return nil, fmt.Errorf("caps: %w", err)
	}
	for _, which := range []capability.CapType{
		capability.BOUNDING, capability.EFFECTIVE, capability.PERMITTED,
		capability.INHERITABLE, capability.AMBIENT,
	} {
		for c := capability.Cap(0); c <= last; c++ {
			if got.Get(which, c) != want.Get(which, c) {
				return nil, fmt.Errorf("caps: %s set: the kernel kept CAP_%s in a different state than asked",
					which, strings.ToUpper(c.String()))
			}
		}
	}
	return got, nil
}
