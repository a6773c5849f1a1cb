// Package state keeps the record of each container that the OCI commands
// (create, start, state, kill, delete...) share between invocations.
//
// Each container has a directory under the state root (--root), named by
// its id, holding:
//
//	state.json   the record, replaced atomically (write a temporary file,
//	             then rename it over the old one)
//	exec.fifo    present from create until start: the container's init
//	             blocks opening it for writing, and start opens it for
//	             reading to let the workload run
//
// Every command that reads and then changes a record holds an exclusive
// flock(2) on the directory for the whole time, so concurrent calls on one
// id never see or write half a change. The status is not stored: it is
// derived each time from the init process (alive, and the same process by
// its start time) and the fifo, so a container whose init died reads
// "stopped" without anybody having to notice.
package state
