/* spawn.c: clone3 into new namespaces, setns into joined ones, and the moment the user
   namespace's maps are written (idmap.c). */
#define _GNU_SOURCE
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"
#include "idmap.h"
#include "sync.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Namespaces that setns(2) enters for the caller itself (pid and time only for children). */
static const int self_join_order[] = { CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS, CLONE_NEWCGROUP };

struct ns_plan
{
  unsigned long new_flags;   /* CLONE_NEW* to create */
  bool has_joins;            /* any namespace given by path */
  bool two_stage;
  bool time_offsets;         /* a new time namespace with offsets to write first */
};

pid_t
hull_clone3 (unsigned long flags, int cgroup_fd)
{
  struct clone_args args = { .flags = flags, .exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD };
  if (cgroup_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (unsigned) cgroup_fd;
    }
  return syscall (SYS_clone3, &args, sizeof args);
}

/* The v2 cgroup the runtime's first child is cloned into, or -1. */
static int
first_child_cgroup_fd (const struct hull_init_ctx *ctx)
{
  return ctx->cgroup_join ? ctx->cgroup_join->clone_fd : -1;
}

static int
clone_error (const struct hull_init_ctx *ctx, const char *what, hull_error_t *err)
{
  /* How the kernel refuses unprivileged user namespaces: ENOSPC for user.max_user_namespaces
     at 0, EPERM for Debian's kernel.unprivileged_userns_clone at 0. */
  if (ctx->new_userns && geteuid () != 0 && (errno == EPERM || errno == ENOSPC || errno == EUSERS))
    return hull_error_sys (err, "clone %s in a new user namespace: does this host let unprivileged users create "
                                "them? (sysctls user.max_user_namespaces, kernel.unprivileged_userns_clone)", what);
  if (first_child_cgroup_fd (ctx) >= 0)
    return hull_error_sys (err, "clone %s into cgroup `%s`", what, ctx->cgroup->path);
  return hull_error_sys (err, "clone %s", what);
}

static void
plan_namespaces (const struct hull_spec *spec, struct ns_plan *p)
{
  const struct hull_linux *lx = spec->linux_;
  const struct hull_namespace *user = hull_spec_namespace (spec, CLONE_NEWUSER);

  memset (p, 0, sizeof *p);
  for (size_t i = 0; lx && i < lx->n_namespaces; i++)
    {
      if (lx->namespaces[i].path)
        p->has_joins = true;
      else
        p->new_flags |= lx->namespaces[i].type;
    }
  /* A container always gets a private mount namespace unless it joins one: inheriting the
     runtime's (as a config without a mount entry would ask) and then pivot_root-ing would move
     the host's own root. */
  if (!hull_spec_namespace (spec, CLONE_NEWNS))
    p->new_flags |= CLONE_NEWNS;
  /* The cgroup namespace is entered by the init itself once it sits in its cgroup. */
  p->new_flags &= ~(unsigned long) CLONE_NEWCGROUP;
  p->time_offsets = (p->new_flags & CLONE_NEWTIME) && lx
                    && (lx->time_boottime.present || lx->time_monotonic.present);
  /* A joined user namespace must be entered before anything is created under it, and joins
     of namespaces owned by the host's user namespace must happen before a new one exists:
     both need a first stage that joins, then creates, then clones the init. */
  p->two_stage = (user && user->path) || ((p->new_flags & CLONE_NEWUSER) && p->has_joins);
}

static int
join_ns (const char *path, int type, hull_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_error_sys (err, "linux.namespaces: open %s namespace `%s`", hull_namespace_name (type), path);
  if (setns (fd, type) < 0)
    return hull_error_sys (err, "linux.namespaces: join %s namespace `%s`", hull_namespace_name (type), path);
  return 0;
}

static int
join_self_namespaces (const struct hull_spec *spec, hull_error_t *err)
{
  for (size_t i = 0; i < sizeof self_join_order / sizeof self_join_order[0]; i++)
    {
      const struct hull_namespace *ns = hull_spec_namespace (spec, self_join_order[i]);
      if (ns && ns->path && join_ns (ns->path, ns->type, err) < 0)
        return -1;
    }
  return 0;
}

static int
write_time_offsets (const struct hull_linux *lx, hull_error_t *err)
{
  char buf[128];
  int n = 0;
  if (lx->time_monotonic.present)
    n += snprintf (buf + n, sizeof buf - n, "monotonic %lld %u\n", (long long) lx->time_monotonic.secs,
                   lx->time_monotonic.nanosecs);
  if (lx->time_boottime.present)
    n += snprintf (buf + n, sizeof buf - n, "boottime %lld %u\n", (long long) lx->time_boottime.secs,
                   lx->time_boottime.nanosecs);
  if (hull_write_file_at (AT_FDCWD, "/proc/self/timens_offsets", buf, n, err) < 0)
    return hull_error_wrap (err, "linux.timeOffsets");
  return 0;
}

/* A fresh time namespace for our children, with its offsets set before anyone is in it. */
static int
new_time_ns_for_children (const struct hull_linux *lx, hull_error_t *err)
{
  if (unshare (CLONE_NEWTIME) < 0)
    return hull_error_sys (err, "create the time namespace");
  return write_time_offsets (lx, err);
}

/* First thing in the runtime's child: drop the runtime's descriptors, among them its copy of
   the v2 cgroup it was cloned into. (The v1 groups are joined on the first GO, see init.c.) */
static void
child_begin (struct hull_init_ctx *ctx, int parent_sync)
{
  close (parent_sync);
  for (size_t i = 0; i < sizeof ctx->runtime_fds / sizeof ctx->runtime_fds[0]; i++)
    if (ctx->runtime_fds[i] >= 0)
      close (ctx->runtime_fds[i]);
  if (ctx->cgroup_join && ctx->cgroup_join->clone_fd >= 0)
    close (ctx->cgroup_join->clone_fd);
}

/* First stage (only when joins and a new user namespace must be ordered): join, create, then
   clone the init as a sibling (CLONE_PARENT) so the runtime is its parent, report its pid. */
static void __attribute__ ((noreturn))
stage1 (struct hull_init_ctx *ctx, const struct ns_plan *plan)
{
  const struct hull_spec *spec = ctx->spec;
  const struct hull_namespace *user = hull_spec_namespace (spec, CLONE_NEWUSER);
  const struct hull_namespace *pidns = hull_spec_namespace (spec, CLONE_NEWPID);
  const struct hull_namespace *timens = hull_spec_namespace (spec, CLONE_NEWTIME);
  unsigned long create_now = plan->new_flags & (CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS);
  hull_error_t err = NULL;
  pid_t pid;

  if (user && user->path && join_ns (user->path, CLONE_NEWUSER, &err) < 0)
    hull_sync_fail_exit (ctx->sync_fd, &err);
  if (join_self_namespaces (spec, &err) < 0)
    hull_sync_fail_exit (ctx->sync_fd, &err);
  if (pidns && pidns->path && join_ns (pidns->path, CLONE_NEWPID, &err) < 0)
    hull_sync_fail_exit (ctx->sync_fd, &err);
  if (timens && timens->path && join_ns (timens->path, CLONE_NEWTIME, &err) < 0)
    hull_sync_fail_exit (ctx->sync_fd, &err);
  /* unshare with CLONE_NEWUSER creates the user namespace first, so the others are owned by it */
  if (create_now && unshare (create_now) < 0)
    {
      hull_error_sys (&err, "create namespaces");
      hull_sync_fail_exit (ctx->sync_fd, &err);
    }
  if (plan->new_flags & CLONE_NEWUSER)
    {
      if (hull_sync_send (ctx->sync_fd, HULL_SYNC_USERNS, 0, NULL, &err) < 0
          || hull_sync_expect (ctx->sync_fd, HULL_SYNC_GO, NULL, &err) < 0)
        hull_sync_fail_exit (ctx->sync_fd, &err);
      if (setresuid (0, 0, 0) < 0 || setresgid (0, 0, 0) < 0)
        {
          hull_error_sys (&err, "become root in the new user namespace");
          hull_sync_fail_exit (ctx->sync_fd, &err);
        }
    }
  if (plan->new_flags & CLONE_NEWTIME)
    {
      if (new_time_ns_for_children (spec->linux_, &err) < 0)
        hull_sync_fail_exit (ctx->sync_fd, &err);
    }
  /* no cgroup here: the init inherits stage 1's, joined at its start */
  pid = hull_clone3 (CLONE_PARENT | (plan->new_flags & CLONE_NEWPID), -1);
  if (pid < 0)
    {
      hull_error_sys (&err, "clone the container process");
      hull_sync_fail_exit (ctx->sync_fd, &err);
    }
  if (pid == 0)
    _exit (hull_init_main (ctx));
  if (hull_sync_send (ctx->sync_fd, HULL_SYNC_CHILD_PID, pid, NULL, &err) < 0)
    hull_sync_fail_exit (ctx->sync_fd, &err);
  _exit (0);
}

static int
spawn_two_stage (struct hull_init_ctx *ctx, const struct ns_plan *plan, int parent_sync, pid_t *out,
                 hull_error_t *err)
{
  pid_t s1 = hull_clone3 (0, first_child_cgroup_fd (ctx));
  enum hull_sync_type type;
  int32_t value;
  int status;

  if (s1 < 0)
    return clone_error (ctx, "the container's first stage", err);
  if (s1 == 0)
    {
      child_begin (ctx, parent_sync);
      stage1 (ctx, plan);
    }
  for (;;)
    {
      if (hull_sync_recv (parent_sync, &type, &value, err) < 0)
        break;
      if (type == HULL_SYNC_USERNS)
        {
          if (hull_idmap_write (s1, ctx->spec->linux_, err) < 0 || hull_sync_send (parent_sync, HULL_SYNC_GO, 0, NULL, err) < 0)
            break;
          continue;
        }
      if (type == HULL_SYNC_CHILD_PID)
        {
          *out = value;
          break;
        }
      hull_error (err, 0, "unexpected message %d from the container's first stage", (int) type);
      break;
    }
  if (*err)
    kill (s1, SIGKILL);
  while (waitpid (s1, &status, 0) < 0 && errno == EINTR)
    ;
  return *err ? -1 : 0;
}

/* Start the init on another CPU than ours. A new process is queued on its parent's CPU, and
   where the scheduler packs tasks onto few CPUs (as on this 2-vCPU VM) it stays there while the
   other CPU idles, until the runtime blocks: the init's network namespace and the runtime's v1
   groups, made at the same time by design, were then made one after the other (0.1 ms or more
   per run). Narrowing the init's affinity moves it while it is only queued; giving its own set
   back at once does not move it again, so what the container inherits is unchanged. */
static int
start_elsewhere (pid_t pid, hull_error_t *err)
{
  cpu_set_t own, other;
  int cpu = sched_getcpu ();

  if (cpu < 0 || sched_getaffinity (pid, sizeof own, &own) < 0 || CPU_COUNT (&own) < 2 || !CPU_ISSET (cpu, &own))
    return 0; /* nothing to gain, or no way to tell: leave it where it is */
  other = own;
  CPU_CLR (cpu, &other);
  if (sched_setaffinity (pid, sizeof other, &other) < 0)
    return 0; /* unchanged: it simply starts here */
  if (sched_setaffinity (pid, sizeof own, &own) < 0)
    return hull_error_sys (err, "give the container process back its CPU affinity");
  return 0;
}

/* Save the namespace we are in, to come back to it after changing what our children get. */
static int
save_ns (const char *name, hull_error_t *err)
{
  char path[64];
  int fd;
  snprintf (path, sizeof path, "/proc/self/ns/%s", name);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    hull_error_sys (err, "open %s", path);
  return fd;
}

static int
spawn_direct (struct hull_init_ctx *ctx, const struct ns_plan *plan, int parent_sync, pid_t *out, hull_error_t *err)
{
  const struct hull_spec *spec = ctx->spec;
  const struct hull_namespace *pidns = hull_spec_namespace (spec, CLONE_NEWPID);
  const struct hull_namespace *timens = hull_spec_namespace (spec, CLONE_NEWTIME);
  unsigned long flags = plan->new_flags;
  cleanup_close int own_pid = -1;
  cleanup_close int own_time = -1;
  pid_t pid;
  int ret = 0;

  /* pid and time namespaces apply to children: set them for the clone, restore right after. */
  if (pidns && pidns->path)
    {
      if ((own_pid = save_ns ("pid", err)) < 0 || join_ns (pidns->path, CLONE_NEWPID, err) < 0)
        return -1;
    }
  if ((timens && timens->path) || plan->time_offsets)
    {
      if ((own_time = save_ns ("time", err)) < 0)
        return -1;
      if (timens && timens->path ? join_ns (timens->path, CLONE_NEWTIME, err) < 0
                                 : new_time_ns_for_children (spec->linux_, err) < 0)
        ret = -1;
      flags &= ~(unsigned long) CLONE_NEWTIME;
    }
  /* A new network namespace is the costliest thing clone makes (about 0.5 ms): the child
     makes it itself, while the runtime makes the v1 cgroups. Owned by the same user
     namespace either way. */
  pid = ret < 0 ? -1 : hull_clone3 (flags & ~(unsigned long) CLONE_NEWNET, first_child_cgroup_fd (ctx));
  if (pid == 0)
    {
      hull_error_t cerr = NULL;
      child_begin (ctx, parent_sync);
      if ((flags & CLONE_NEWNET) && unshare (CLONE_NEWNET) < 0)
        hull_error_sys (&cerr, "create the network namespace");
      if (cerr != NULL || join_self_namespaces (spec, &cerr) < 0)
        hull_sync_fail_exit (ctx->sync_fd, &cerr);
      _exit (hull_init_main (ctx));
    }
  if (ret == 0 && pid < 0)
    ret = clone_error (ctx, "the container process", err);
  if (ret == 0 && start_elsewhere (pid, err) < 0)
    ret = -1;
  if (own_pid >= 0 && setns (own_pid, CLONE_NEWPID) < 0 && ret == 0)
    ret = hull_error_sys (err, "return to the runtime's pid namespace");
  if (own_time >= 0 && setns (own_time, CLONE_NEWTIME) < 0 && ret == 0)
    ret = hull_error_sys (err, "return to the runtime's time namespace");
  if (ret == 0 && (flags & CLONE_NEWUSER))
    ret = hull_idmap_write (pid, spec->linux_, err);
  if (ret < 0 && pid > 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
    }
  if (ret == 0)
    *out = pid;
  return ret;
}

int
hull_spawn (struct hull_init_ctx *ctx, int parent_sync, pid_t *pid, hull_error_t *err)
{
  struct ns_plan plan;
  plan_namespaces (ctx->spec, &plan);
  ctx->new_userns = (plan.new_flags & CLONE_NEWUSER) != 0;
  if (plan.two_stage)
    return spawn_two_stage (ctx, &plan, parent_sync, pid, err);
  return spawn_direct (ctx, &plan, parent_sync, pid, err);
}
