//go:build linux && cgo

// The join stage of `sandbox exec`: it runs before the Go runtime starts.
//
// setns(2) refuses a user namespace to a multi-threaded process, and a mount
// namespace to one whose threads share their filesystem information, and a
// Go process has several threads sharing it before main runs. So this
// constructor runs first, in the single thread that execve(2) gave us, and
// does nothing unless the parent set _SANDBOX_JOIN.
//
// The steps, in order:
//
//  1. Become non-dumpable. Until the workload's execve, this process holds
//     descriptors opened on the host (the config pipe, the sync socket); a
//     non-dumpable process cannot be ptraced nor have its /proc/PID/fd read
//     by the container's processes (CVE-2016-9962). execve(2) restores it.
//  2. Join every namespace of the container at once through a pidfd of its
//     init (setns(2) with a pidfd, Linux 5.8): the kernel orders the user
//     namespace first, and a recycled PID cannot redirect the join.
//  3. Fork. A PID namespace applies to children only; CLONE_PARENT makes
//     the new process a child of the sandbox process that started us, so
//     it is reaped there for its exit status. This process reports the new
//     PID (as the host numbers it) over the sync socket and exits; the new
//     process returns from here into the Go runtime, inside the container.
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
	char msg[256];
	int n = snprintf(msg, sizeof msg, "{\"type\":\"error\",\"error\":\"%s: %s\",\"code\":%d}",
			 what, strerror(errno), EXIT_SETUP);
	if (sync < 0 || send(sync, msg, n, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "sandbox: %s: %s\n", what, strerror(errno));
	_exit(EXIT_SETUP);
}

__attribute__((constructor)) static void sandbox_join(void)
{
	const char *v = getenv(JOIN_ENV);
	int pidfd, sync;
	unsigned long flags;
	pid_t child;

	if (v == NULL)
		return;
	if (sscanf(v, "%d:%d:%lu", &pidfd, &sync, &flags) != 3) {
		errno = EINVAL;
		fail(-1, "exec: malformed " JOIN_ENV);
	}

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail(sync, "exec: make the process non-dumpable");

	if (setns(pidfd, (int)flags) < 0)
		fail(sync, "exec: join the container's namespaces");
	close(pidfd);

	child = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (child < 0)
		fail(sync, "exec: fork into the container's PID namespace");
	if (child == 0) {
		unsetenv(JOIN_ENV);
		return;
	}

	char msg[64];
	int n = snprintf(msg, sizeof msg, "{\"type\":\"pid\",\"pid\":%d}", (int)child);
	if (send(sync, msg, n, MSG_NOSIGNAL) < 0) {
		kill(child, SIGKILL);
		fail(-1, "exec: report the process to sandbox");
	}
	_exit(0);
}
