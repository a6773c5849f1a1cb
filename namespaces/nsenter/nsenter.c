//go:build linux && cgo

// The join stage: it runs before the Go runtime starts, and enters
// namespaces that already exist, for `sandbox exec` and for a config that
// names a namespace by path.
//
// setns(2) refuses a user namespace to a multi-threaded process, and a mount
// namespace to one whose threads share their filesystem information, and a
// Go process has several threads sharing it before main runs. So this
// constructor runs first, in the single thread that execve(2) gave us, and
// does nothing unless the parent set _SANDBOX_JOIN, which reads
//
//	SYNC:FORK:FD/TYPE[,FD/TYPE...]
//
// SYNC is the sync socket, FORK is 1 when a PID namespace is joined, and
// each FD is a namespace file or a pidfd to pass to setns(2) with TYPE, in
// the order given. The steps:
//
//  1. Become non-dumpable. Until the workload's execve, this process holds
//     descriptors opened on the host (the config pipe, the sync socket); a
//     non-dumpable process cannot be ptraced nor have its /proc/PID/fd read
//     by the container's processes (CVE-2016-9962). execve(2) restores it.
//  2. Join each namespace. For exec, one pidfd of the container's init
//     names them all (setns(2) with a pidfd, Linux 5.8): the kernel orders
//     the user namespace first, and a recycled PID cannot redirect the join.
//  3. With FORK: fork. A PID namespace applies to children only;
//     CLONE_PARENT makes the new process a child of the sandbox process
//     that started us, so it is reaped there for its exit status. This
//     process reports the new PID (as the host numbers it) over the sync
//     socket and exits; the new process returns from here into the Go
//     runtime, inside the namespaces.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define JOIN_ENV "_SANDBOX_JOIN"
#define EXIT_SETUP 125

// fail sends an error message in the sync socket's JSON form and exits.
// The text comes from this file and strerror(3): no quotes to escape.
static void fail(int sync, const char *what)
{
	const char *reason = strerror(errno);
	char msg[256];
	int n = snprintf(msg, sizeof msg, "{\"type\":\"error\",\"error\":\"%s: %s\",\"code\":%d}",
			 what, reason, EXIT_SETUP);
	if (sync < 0 || send(sync, msg, n, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "sandbox: %s: %s\n", what, reason);
	_exit(EXIT_SETUP);
}

// nsName names a namespace type for an error message.
static const char *nsName(unsigned long type)
{
	switch (type) {
	case CLONE_NEWUSER: return "user";
	case CLONE_NEWNS: return "mount";
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNET: return "network";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWCGROUP: return "cgroup";
	case CLONE_NEWTIME: return "time";
	}
	return "container's";
}

__attribute__((constructor)) static void sandbox_join(void)
{
	const char *v = getenv(JOIN_ENV);
	char *end, what[64];
	int sync, dofork;
	pid_t child;

	if (v == NULL)
		return;
	sync = (int)strtol(v, &end, 10);
	if (*end != ':')
		goto malformed;
	dofork = (int)strtol(end + 1, &end, 10);
	if (*end != ':')
		goto malformed;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail(sync, "make the process non-dumpable");

	while (*end == ':' || *end == ',') {
		int fd = (int)strtol(end + 1, &end, 10);
		unsigned long type;

		if (*end != '/')
			goto malformed;
		type = strtoul(end + 1, &end, 10);
		if (setns(fd, (int)type) < 0) {
			snprintf(what, sizeof what, "join the %s namespace", nsName(type));
			fail(sync, what);
		}
		close(fd);
	}
	if (*end != '\0')
		goto malformed;
	if (!dofork)
		goto done;

	child = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (child < 0)
		fail(sync, "fork into the PID namespace");
	if (child == 0)
		goto done;

	char msg[64];
	int n = snprintf(msg, sizeof msg, "{\"type\":\"pid\",\"pid\":%d}", (int)child);
	if (send(sync, msg, n, MSG_NOSIGNAL) < 0) {
		kill(child, SIGKILL);
		fail(-1, "report the forked process to sandbox");
	}
	_exit(0);

malformed:
	errno = EINVAL;
	fail(-1, "malformed " JOIN_ENV);
done:
	unsetenv(JOIN_ENV);
}
