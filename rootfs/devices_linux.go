package rootfs

import (
	"fmt"
	"os"
	"path"
	"slices"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"sandbox/internal/explain"
	"sandbox/spec"
)

// makeDevices creates the nodes of linux.devices in the container's /dev,
// whose paths spec.Validate has held to /dev. Each parent directory is
// made and opened inside the rootfs (pathrs-lite), and the node is created
// relative to that handle, so no symlink can place it elsewhere.
//
// Without a user namespace, a node is made with mknod(2), with the type,
// number, mode and owner of the config, then bound onto itself with nodev
// cleared: the /dev tmpfs is nodev so that a node container root makes
// with CAP_MKNOD stays unusable, but these are the ones the config asks
// for. In a user namespace the kernel refuses mknod(2) of a device even
// with CAP_MKNOD there, so the host's node at the same path is bound
// instead, as for the default devices, once it is checked to be the device
// asked for. It keeps the host's mode and owner: changing them would change
// the host's node. A fifo needs no privilege and is always made.
func makeDevices(root *os.File, s *specs.Spec, x *explain.Recorder) error {
	userns := spec.HasNamespace(s, specs.UserNamespace)
	for _, d := range s.Linux.Devices {
		if err := makeDevice(root, d, userns, x); err != nil {
			return fmt.Errorf("rootfs: device %s: %w", d.Path, err)
		}
	}
	return nil
}

func makeDevice(root *os.File, d specs.LinuxDevice, userns bool, x *explain.Recorder) error {
	parent, err := pathrs.MkdirAllHandle(root, path.Dir(d.Path), 0o755)
	if err != nil {
		return err
	}
	defer parent.Close()

	name := path.Base(d.Path)
	if userns && d.Type != "p" {
		if err := bindHostDevice(parent, name, d); err != nil {
			return err
		}
		x.Bind(d.Path, d.Path, false, hostNodeAttrs, 0)
		return nil
	}
	if err := mknodDevice(parent, name, d); err != nil {
		return err
	}
	x.Mknod(d.Path, d.Type)
	if d.Type == "p" {
		return nil
	}
	node, err := openNode(parent, name)
	if err != nil {
		return err
	}
	defer node.Close()
	mnt, err := bindOnto(fdPath(node), node, false, deviceAttrs, unix.MOUNT_ATTR_NODEV)
	if err != nil {
		return fmt.Errorf("allow its use on the nodev /dev: %w", err)
	}
	x.Bind(d.Path, d.Path, false, deviceAttrs, unix.MOUNT_ATTR_NODEV)
	return mnt.Close()
}

// mknodDevice makes the node, then sets its mode, which mknod(2) filters
// through the umask, and its owner.
func mknodDevice(parent *os.File, name string, d specs.LinuxDevice) error {
	mode := uint32(spec.DefaultDeviceMode)
	if d.FileMode != nil {
		mode = uint32(d.FileMode.Perm())
	}
	dev := int(unix.Mkdev(uint32(d.Major), uint32(d.Minor)))
	if err := unix.Mknodat(int(parent.Fd()), name, deviceType(d.Type)|mode, dev); err != nil {
		return &os.PathError{Op: "mknod", Path: d.Path, Err: err}
	}
	if err := unix.Fchmodat(int(parent.Fd()), name, mode, 0); err != nil {
		return &os.PathError{Op: "chmod", Path: d.Path, Err: err}
	}
	uid, gid := 0, 0
	if d.UID != nil {
		uid = int(*d.UID)
	}
	if d.GID != nil {
		gid = int(*d.GID)
	}
	if err := unix.Fchownat(int(parent.Fd()), name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "chown", Path: d.Path, Err: err}
	}
	return nil
}

func deviceType(t string) uint32 {
	switch t {
	case "b":
		return unix.S_IFBLK
	case "p":
		return unix.S_IFIFO
	}
	return unix.S_IFCHR // "c" and "u", an unbuffered character device
}

func openNode(parent *os.File, name string) (*os.File, error) {
	fd, err := unix.Openat(int(parent.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}

// bindHostDevice binds the host's node at d.Path onto a new empty file in
// the container's /dev, if the host's node is the device asked for.
func bindHostDevice(parent *os.File, name string, d specs.LinuxDevice) error {
	host, err := os.OpenFile(d.Path, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("in a user namespace sandbox binds the host's node, and the host has none: %w", err)
	}
	defer host.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(host.Fd()), &st); err != nil {
		return &os.PathError{Op: "fstat", Path: d.Path, Err: err}
	}
	want := unix.Mkdev(uint32(d.Major), uint32(d.Minor))
	if st.Mode&unix.S_IFMT != deviceType(d.Type) || st.Rdev != want {
		return fmt.Errorf("in a user namespace sandbox binds the host's node, and the host's %s is not "+
			"the %s device %d:%d asked for", d.Path, d.Type, d.Major, d.Minor)
	}

	fd, err := unix.Openat(int(parent.Fd()), name,
		unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_RDONLY|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return &os.PathError{Op: "create", Path: d.Path, Err: err}
	}
	dst := os.NewFile(uintptr(fd), d.Path)
	defer dst.Close()
	mnt, err := bindOnto(fdPath(host), dst, false, hostNodeAttrs, 0)
	if err != nil {
		return err
	}
	return mnt.Close()
}

// configured reports whether linux.devices lists a node at p, which then
// takes the place of a default device there.
func configured(s *specs.Spec, p string) bool {
	return slices.ContainsFunc(s.Linux.Devices, func(d specs.LinuxDevice) bool { return d.Path == p })
}
