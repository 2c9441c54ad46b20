/* lifecycle.h: helpers shared by the lifecycle commands (create.c, lifecycle.c, exec.c,
   ps.c, events.c). */
#ifndef HULL_LIFECYCLE_H
#define HULL_LIFECYCLE_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../cgroups/cgroups.h"
#include "../core/error.h"
#include "../core/log.h"
#include "../spec/spec.h"
#include "state.h"

/* Open ID's directory under ROOT (with LOCK, locked) and read its state: *st is NULL while
   the container is being created. Fails naming the ID when it does not exist. */
int hull_lifecycle_open (const char *root, const char *id, bool lock, int *root_fd, int *dir_fd,
                         struct hull_state **st, hull_error_t *err);
/* A pidfd for the container's init, checked against its start time so a recycled pid is never
   signalled. -1 (no error) when the init is gone. */
int hull_lifecycle_init_pidfd (const struct hull_state *st, hull_error_t *err);

/* poststart or poststop hooks (KIND): a failure is a warning, and the remaining hooks still
   run (runtime.md). PID is the container's for poststart, 0 for poststop. */
void hull_lifecycle_hooks_warn (const struct hull_hook *hooks, size_t n, enum hull_hook_kind kind, const char *id,
                                const char *bundle, pid_t pid, json_t *annotations, const struct hull_log *log);

/* The end of every container, its state directory locked by the caller: whatever is left in
   CG (if any) is killed and the group removed, the poststop hooks run, and the directory goes. */
int hull_lifecycle_remove (int root_fd, const char *id, struct hull_cgroup *cg, const struct hull_hook *poststop,
                           size_t n, const char *bundle, json_t *annotations, const struct hull_log *log,
                           hull_error_t *err);

/* The signals a foreground `run` or `exec` relays to its process, blocked (the old mask in
   *OLD); blocked before the clone, so that none is lost. */
void hull_signals_block_forwarded (sigset_t *set, sigset_t *old);
/* Relay each signal of SET to PID until PID (a child) ends; *EXIT_STATUS is its exit code,
   or 128 + the signal that killed it. Other children that end are reaped on the way. */
int hull_signals_forward_wait (pid_t pid, const sigset_t *set, int *exit_status);

/* --pid-file PATH: PID written atomically (temp file and rename). */
int hull_lifecycle_write_pid_file (const char *path, pid_t pid, hull_error_t *err);

#endif
