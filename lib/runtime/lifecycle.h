/* lifecycle.h: helpers shared by create.c and lifecycle.c. */
#ifndef HULL_LIFECYCLE_H
#define HULL_LIFECYCLE_H

#include <jansson.h>
#include <sys/types.h>

#include "../cgroups/cgroups.h"
#include "../core/error.h"
#include "../core/log.h"
#include "../spec/spec.h"

/* poststart or poststop hooks (KIND): a failure is a warning, and the remaining hooks still
   run (runtime.md). PID is the container's for poststart, 0 for poststop. */
void hull_lifecycle_hooks_warn (const struct hull_hook *hooks, size_t n, enum hull_hook_kind kind, const char *id,
                                const char *bundle, pid_t pid, json_t *annotations, const struct hull_log *log);

/* The end of every container, its state directory locked by the caller: whatever is left in
   CG (if any) is killed and the group removed, the poststop hooks run, and the directory goes. */
int hull_lifecycle_remove (int root_fd, const char *id, struct hull_cgroup *cg, const struct hull_hook *poststop,
                           size_t n, const char *bundle, json_t *annotations, const struct hull_log *log,
                           hull_error_t *err);

struct hull_state;
/* Open ID's state directory under ROOT (with LOCK, under its flock) and read its state; *st is
   NULL while the container is being created. Fails naming the ID when it does not exist. */
int hull_lifecycle_open (const char *root, const char *id, bool lock, int *root_fd, int *dir_fd,
                         struct hull_state **st, hull_error_t *err);

#endif
