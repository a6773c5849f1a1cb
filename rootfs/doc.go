// Package rootfs builds the container's view of the filesystem inside its
// new mount namespace and moves the process into it with pivot_root(2).
//
// Every path inside the rootfs (mount destinations, device nodes, masked
// and read-only paths, the working directory) is resolved with
// filepath-securejoin's pathrs-lite: the walk happens inside the rootfs with
// openat2(RESOLVE_IN_ROOT), and the mount is made on the resulting handle
// through /proc/self/fd/N, never on a path string that the image could
// redirect between the check and the use (CVE-2021-30465, CVE-2024-45310).
//
// Every mount's destination is checked against spec.CheckDestination
// where it resolves inside the rootfs, not only as written, so an image
// symlink cannot point a volume at /proc or /sys (CVE-2019-19921).
//
// Prepare runs these steps, in this order:
//
//  1. Make every mount in the namespace private, or slave when
//     linux.rootfsPropagation asks for slave or shared, so that nothing
//     done below propagates to the host (runc#1755, runc#4767).
//  2. Bind the rootfs onto itself, recursively and nodev: pivot_root needs a
//     mount point, and nodev makes every device node shipped in the image,
//     or created later with CAP_MKNOD, unusable.
//  3. Make the mounts of the config, in order: proc, the /dev tmpfs,
//     devpts, shm, mqueue, sysfs (read-only), the cgroup tree, then volumes
//     and tmpfs. A mount of type "cgroup" becomes the mounts that show the
//     container its own cgroup (cgroups.MountPlan): one cgroup2 mount on a
//     v2 host, a tmpfs holding one mount per tree on v1 and hybrid hosts.
//  4. Fill /dev: bind the host's null, zero, full, random, urandom and tty
//     nodes (a bind works inside a user namespace, where mknod does not),
//     then make the nodes of linux.devices (one of them at a default
//     device's path replaces it), then the ptmx, fd, stdin, stdout and
//     stderr links. All of it goes through a handle on the /dev tmpfs taken
//     right after its mount, so none of it can land in a volume.
//  5. Mask linux.maskedPaths and make linux.readonlyPaths read-only, and
//     the cgroup tmpfs with them. This comes after step 3 because the
//     paths live on the new proc and sysfs, and the tmpfs must stay
//     writable until its mountpoints are made.
//  6. Create the working directory if it is missing.
//  7. Make the rootfs read-only when root.readonly is set; last, so the
//     mountpoints above could still be created.
//  8. pivot_root into the rootfs and detach the old root, so no host path
//     stays reachable.
//  9. Give the container's root the propagation of linux.rootfsPropagation.
//     Shared and unbindable wait until here: pivot_root refuses a shared
//     root, and an unbindable one cannot be bound in step 2.
package rootfs
