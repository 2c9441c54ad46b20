/* cgroups.h: the container's control group on cgroup v1, v2 and hybrid hosts (v1 controllers
   plus a cgroup2 mount at /sys/fs/cgroup/unified). Creates the group in every hierarchy, places
   processes in it, signals and removes it. Resource limits are applied by a later module. */
#ifndef HULL_CGROUPS_H
#define HULL_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../core/error.h"

enum hull_cgroup_mode
{
  HULL_CGROUP_V1,     /* only v1 hierarchies */
  HULL_CGROUP_V2,     /* /sys/fs/cgroup is cgroup2 */
  HULL_CGROUP_HYBRID  /* v1 hierarchies plus cgroup2 at /sys/fs/cgroup/unified */
};

/* One mounted hierarchy the container's group lives in. */
struct hull_cgroup_hier
{
  char *mountpoint;   /* host mount point, e.g. "/sys/fs/cgroup/memory" or "/sys/fs/cgroup" */
  char *name;         /* mount point relative to /sys/fs/cgroup ("memory", "unified", "" for v2) */
  char *dir;          /* the container's directory: mountpoint + path */
  bool v2;            /* a cgroup2 hierarchy */
  size_t made;        /* length of the prefix of dir from which on it was created by this
                         process, so cleanup may remove it; 0: the group existed already */
};

struct hull_cgroup
{
  enum hull_cgroup_mode mode;
  char *path;         /* cgroup path within each hierarchy, absolute, e.g. "/hull/c1" */
  struct hull_cgroup_hier *hiers;
  size_t n_hiers;
  bool skip_denied;   /* rootless: a hierarchy where the caller may not make or join the
                         group is left out rather than an error */
};

int hull_cgroup_detect (enum hull_cgroup_mode *mode, hull_error_t *err);
const char *hull_cgroup_mode_name (enum hull_cgroup_mode mode); /* "v1", "v2", "hybrid" */

/* The cgroup path for a container: linux.cgroupsPath when set (absolute, or relative to the
   root of each hierarchy), else "/hull/<id>". Refuses "..", and systemd "slice:prefix:name"
   paths with a clear error. */
int hull_cgroup_resolve_path (const char *cgroups_path, const char *id, char **out, hull_error_t *err);

/* mkdir -p PATH in every hierarchy (v1 cpuset groups get cpus/mems from their parent). On
   failure everything this call created is removed again. */
int hull_cgroup_create (const char *path, struct hull_cgroup **out, hull_error_t *err);
/* The same in two steps, for a runtime that clones its child into the v2 group
   (CLONE_INTO_CGROUP) and makes the v1 groups while the child is busy: describe PATH in
   every hierarchy and create it in the cgroup2 one only (if there is one); then the v1 ones.
   Each step removes what it made when it fails; hull_cgroup_unmake removes what both made.
   With SKIP_DENIED (an unprivileged caller), a hierarchy where the group cannot be made
   (EACCES, EPERM, EROFS) or exists but is not writable is dropped from the description, so
   that a rootless container runs in the groups delegated to its user and in no others; the
   description may then end up with no hierarchy at all. */
int hull_cgroup_create_v2_first (const char *path, bool skip_denied, struct hull_cgroup **out, hull_error_t *err);
int hull_cgroup_create_v1 (struct hull_cgroup *cg, hull_error_t *err);
void hull_cgroup_unmake (struct hull_cgroup *cg);
/* Describe an existing group (no mkdir), e.g. for delete. Hierarchies where it is missing
   are left out, and for an unprivileged caller those where it is not writable (another
   user's group of the same name). */
int hull_cgroup_open (const char *path, struct hull_cgroup **out, hull_error_t *err);

/* Move PID into the group in every hierarchy. This is a move from outside: on an idle host
   the kernel first waits out an RCU grace period (10-20 ms). A new process should rather join
   as below. */
int hull_cgroup_enter (const struct hull_cgroup *cg, pid_t pid, hull_error_t *err);

/* A new process's way into the group without that wait: clone3 with CLONE_INTO_CGROUP and
   clone_fd for the v2 hierarchy; hull_cgroup_join_self in the child for the v1 ones, with
   their `tasks` files opened by the runtime (and, if they were opened after the clone,
   passed to the child over a socket). */
struct hull_cgroup_join
{
  int clone_fd;   /* the group's directory in the v2 hierarchy (for clone3 .cgroup), or -1 */
  int *tasks_fds; /* the `tasks` file of each v1 hierarchy, in the order of cg->hiers, open
                     for writing */
  size_t n_tasks;
};
#define HULL_CGROUP_JOIN_INIT { .clone_fd = -1, .tasks_fds = NULL, .n_tasks = 0 }
/* Open, with the caller's credentials, the v2 directory (nothing without a v2 hierarchy, or
   for a container without a cgroup, CG NULL)... */
int hull_cgroup_join_open_v2 (const struct hull_cgroup *cg, struct hull_cgroup_join *j, hull_error_t *err);
/* ...and the v1 `tasks` files. Each leaves nothing open when it fails. */
int hull_cgroup_join_open_v1 (const struct hull_cgroup *cg, struct hull_cgroup_join *j, hull_error_t *err);
/* In the new, single-threaded child: join every v1 hierarchy through J's tasks files (one per
   v1 hierarchy of CG, or it is refused), then close every descriptor of J: none may reach
   the container. */
int hull_cgroup_join_self (const struct hull_cgroup *cg, struct hull_cgroup_join *j, hull_error_t *err);
void hull_cgroup_join_close (struct hull_cgroup_join *j);
/* PIDs in the group (and its sub-groups), read from the first hierarchy. */
int hull_cgroup_pids (const struct hull_cgroup *cg, pid_t **pids, size_t *n, hull_error_t *err);
/* Send SIG to every process in the group and its sub-groups (cgroup.kill on v2 for SIGKILL). */
int hull_cgroup_kill (const struct hull_cgroup *cg, int sig, hull_error_t *err);
/* pause/resume: freeze (or thaw) every process of the group, with the v1 freezer where the
   group has one, else cgroup.freeze on v2, and wait until the kernel reports it frozen. A
   group that does not freeze in time is thawed again and an error returned. */
int hull_cgroup_freeze (const struct hull_cgroup *cg, bool frozen, hull_error_t *err);

/* Remove the group's directories (sub-groups first) in every hierarchy, retrying briefly while
   exiting processes still hold it (EBUSY). Missing directories are not an error. */
int hull_cgroup_destroy (struct hull_cgroup *cg, hull_error_t *err);
/* Kill whatever is left in the group and remove it: hull_cgroup_kill with SIGKILL, then
   hull_cgroup_destroy, except that an empty group is removed without reading its processes.
   CG keeps only the hierarchies whose group is still there (none, on success). */
int hull_cgroup_remove (struct hull_cgroup *cg, hull_error_t *err);

/* On v2 hierarchies, enable CONTROLLERS (a NULL-terminated list of names, or NULL for every
   controller the hierarchy root offers) in cgroup.subtree_control of each ancestor of the
   group, from the root down, so the group gets their interface files (memory.max, ...). A
   named controller the root does not offer is an error. v1 hierarchies are not touched. */
int hull_cgroup_enable_controllers (const struct hull_cgroup *cg, const char *const *controllers,
                                    hull_error_t *err);

void hull_cgroup_free (struct hull_cgroup *cg);
void hull_cgroup_freep (struct hull_cgroup **cg);
#define cleanup_cgroup __attribute__ ((cleanup (hull_cgroup_freep)))

#endif
