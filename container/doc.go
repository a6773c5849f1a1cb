// Package container runs the OCI lifecycle of a container: create, start,
// kill, delete, and the queries on it. It joins the state record (package
// state) with the launch path (package namespaces) so that the commands
// of cmd/sandbox only parse flags and print.
//
// The lifecycle follows the runtime spec's: create sets the container up
// completely and leaves its init blocked on the exec fifo ("created");
// start opens the fifo and the init execs the workload ("running"); the
// workload's exit makes it "stopped", which needs no action from us since
// the status is derived; delete removes what is left.
package container
