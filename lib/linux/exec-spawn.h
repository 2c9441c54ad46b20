/* exec-spawn.h: a new process in a running container (`exec`): it joins the container's
   cgroup, then every namespace of the container's init that differs from the runtime's in
   one setns(2) through the init's pidfd, takes the init's root, and forks the process that
   becomes the program inside the pid and time namespaces. */
#ifndef HULL_EXEC_SPAWN_H
#define HULL_EXEC_SPAWN_H

#include <sys/types.h>

#include "../cgroups/cgroups.h"
#include "../core/error.h"
#include "become.h"

struct hull_exec_ctx
{
  struct hull_become become;            /* what to become; become.sync_fd is the child's end */
  const struct hull_caps *caps;
  const struct hull_cgroup *cgroup;     /* the container's group, or NULL */
  struct hull_cgroup_join *cgroup_join; /* opened by the caller (NULL: no group) */
  int init_pidfd;                       /* the container's init */
  int init_root;                        /* its /proc/PID/root, O_PATH */
  int ns_flags;                         /* CLONE_NEW* to join (hull_exec_namespaces) */
  int runtime_fds[4];                   /* the runtime's own descriptors, closed first; -1 skipped */
};

/* The CLONE_NEW* flags of the namespaces PID is in that the caller is not. */
int hull_exec_namespaces (pid_t pid, int *flags, hull_error_t *err);
/* Make the process; *PID is its pid (a child of the caller), and it waits, its set-up done
   up to the terminal, on PARENT_SYNC for what hull_sync_wait_exec handles. */
int hull_exec_spawn (struct hull_exec_ctx *x, int parent_sync, pid_t *pid, hull_error_t *err);

#endif
