// Package namespaces starts a container process from a runtime-spec config:
// the parent side that creates the namespaces, and the child side that
// finishes the container inside them and execs the workload.
//
// # Stages
//
// The parent is the sandbox process a user or an engine runs. It re-executes
// its own binary (/proc/self/exe) as the child, with argv[1] == "init" and
// the clone flags of the config's namespaces, so the child starts inside
// every new namespace at once. The child sets up the container and finally
// execve(2)s the container process, the workload, which keeps its PID (1 in
// the new PID namespace).
//
// # Protocol
//
// The child inherits exactly these descriptors, where N is the number of
// descriptors preserved for the workload (--preserve-fds) and argv[2] is
// 3+N:
//
//	0, 1, 2     the container's stdio (the parent's own, or nothing for a tty)
//	3 .. 2+N    descriptors the workload keeps
//	3+N         the read end of a pipe carrying the config as JSON
//	4+N         one end of a SOCK_SEQPACKET socket pair: the sync socket
//	5+N         for create only: an O_PATH descriptor of the exec fifo
//
// The environment carries nothing: the workload's environment comes from the
// config only. Over the sync socket, one JSON message per packet:
//
//	child -> parent  {"type":"hooks"}         only if the config has hooks: the
//	                                          mounts are made, pivot_root is next;
//	                                          the parent runs prestart and
//	                                          createRuntime hooks, then answers
//	parent -> child  {"type":"continue",...}  with the state for the child's hooks
//	child -> parent  {"type":"pty"}           with the pty master as SCM_RIGHTS
//	child -> parent  {"type":"ready"}         create only: all but the exec is
//	                                          done; the child now blocks on the
//	                                          exec fifo until start opens it
//	child -> parent  {"type":"exec"}          not for create: the execve comes
//	                                          next
//	child -> parent  {"type":"error",...}     setup or execve failed; then it exits
//
// With --explain (Options.Explain) the child records its steps, and two
// more kinds of packet take part:
//
//	child -> parent  {"type":"explain",...}   the lines recorded since the last
//	                                          message, in packets of at most
//	                                          8 KiB of text, sent just before
//	                                          each message above, error included
//	parent -> child  {"type":"continue"}      the answer to "exec", once the
//	                                          parent has printed every line; the
//	                                          child reads it with read(2), which
//	                                          any usable seccomp profile allows,
//	                                          and only then calls execve
//
// So the parent prints the child's lines in order with its own (clone, id
// maps, cgroup, hooks), and none after the workload's first output.
//
// The sync socket is close-on-exec, so a successful execve closes it: end of
// file after the exec message is how the parent learns that the workload
// runs. End of file without it means the child died before the exec, and
// the parent reports its wait status as a setup failure. An error text is
// cut in the middle to at most 4 KiB, so that it always fits one packet,
// however long a path it names. The parent writes to it only to answer
// "hooks"; its end closes only when the parent dies, which the child checks
// for just before the exec. The child never writes to the container's
// stdio; errors travel as messages, and the parent prints them.
//
// # Seccomp
//
// The parent resolves and compiles linux.seccomp (package seccomp), and the
// config carries the finished BPF program and its flags, so the child needs
// neither the profile nor libseccomp: it makes one seccomp(2) call. Where
// that call goes in the child's steps follows from who may make it:
//
//   - With no_new_privs (the default), any thread may load a filter, so the
//     child loads it after setting no_new_privs and closing descriptors,
//     just before resetting signals and execve: the runtime's own setup
//     (mounts, pivot_root, setuid, capset, hooks) is never filtered.
//   - Without no_new_privs, seccomp(2) needs CAP_SYS_ADMIN, which the
//     workload may not keep. The child then loads the filter before it
//     trims the bounding set and changes identity, as runc does, and the
//     rest of its setup runs under the filter.
//
// Exec's child (joined) follows the same rule with the container's filter,
// so every process of the container is filtered alike.
//
// For a user namespace, the uid_map and gid_map are written by the parent
// (through os/exec's SysProcAttr) between clone(2) and the child's execve of
// our binary, so the child starts already mapped.
package namespaces
