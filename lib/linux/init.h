/* init.h: what the container's first process (its "init", which later execs the user's
   program) is told by the runtime, and the entry point it runs after clone. */
#ifndef HULL_INIT_H
#define HULL_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "../cgroups/cgroups.h"
#include "../core/log.h"
#include "../spec/spec.h"
#include "landlock-rules.h"
#include "seccomp-filter.h"

struct hull_init_ctx;
/* Runs the hooks of KIND that belong inside the container's namespaces (createContainer,
   startContainer) from the init. Hooks and the state they are given are the runtime's
   business, so the runtime supplies this. */
typedef int (*hull_init_hooks_fn) (const struct hull_init_ctx *ctx, enum hull_hook_kind kind, hull_error_t *err);

struct hull_init_ctx
{
  const struct hull_spec *spec;
  const char *id;
  const char *bundle;              /* absolute */
  const char *rootfs;              /* absolute, symlinks resolved */
  const struct hull_cgroup *cgroup;/* NULL when the container has none */
  struct hull_cgroup_join *cgroup_join; /* how the first child gets into it (NULL: none) */
  int sync_fd;                     /* the init's end of the setup channel */
  int fifo_fd;                     /* exec.fifo opened O_RDWR (create), or -1 (run: START on sync_fd) */
  int start_fd;                    /* create: listening socket `start` connects to before it writes
                                      exec.fifo; the connection becomes sync_fd. -1 for run */
  int preserve_fds;                /* extra fds from 3 on that the process keeps */
  bool no_pivot;                   /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
  bool new_userns;                 /* the container has its own user namespace */
  bool join_mntns;                 /* the mount namespace is joined: no rootfs set-up */
  pid_t host_pid;                  /* set by the init from the first GO message */
  /* The runtime's own descriptors, closed by the child right after clone: the state
     directory's fd carries the state lock (flock), which a copy held by the waiting init
     would keep taken until exec, blocking `start` and `delete`. -1 entries are skipped. */
  int runtime_fds[4];
  const struct hull_log *log;
  hull_init_hooks_fn run_hooks;    /* NULL: the container's hooks are not run */
  const struct hull_seccomp *seccomp; /* linux.seccomp compiled, or NULL */
  const struct hull_landlock *landlock; /* annotation org.hull.landlock parsed, or NULL */
};

/* Runs in the cloned child. Never returns on success (it execs); on failure the error has been
   sent over sync_fd and the return value is the exit code to use. */
int hull_init_main (struct hull_init_ctx *ctx);

#endif
