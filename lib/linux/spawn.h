/* spawn.h: creating the container's init process in its namespaces. New namespaces come from
   one clone3(2); joined ones (linux.namespaces[].path) are entered with setns(2) in the order
   the kernel's ownership rules need, through a short-lived first stage when a new user
   namespace must own namespaces created after the joins. */
#ifndef HULL_SPAWN_H
#define HULL_SPAWN_H

#include <sys/types.h>

#include "../core/error.h"
#include "init.h"

/* Start the init (it runs hull_init_main(ctx) and waits for the first GO on the channel).
   PARENT_SYNC is the runtime's end; ctx->sync_fd the init's. On return the init's uid/gid maps
   are written. */
int hull_spawn (struct hull_init_ctx *ctx, int parent_sync, pid_t *pid, hull_error_t *err);

/* clone3 with FLAGS (and SIGCHLD as exit signal, but for CLONE_PARENT, which takes none);
   with CGROUP_FD >= 0 the child starts in that (v2) cgroup (CLONE_INTO_CGROUP). */
pid_t hull_clone3 (unsigned long flags, int cgroup_fd);

#endif
