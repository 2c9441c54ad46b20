/* init.c: the container's first process, from clone to execve. It waits for the runtime at
   each step the OCI lifecycle defines (cgroup placed, createRuntime hooks run, start), builds
   the filesystem view, and finally becomes the user's program. Every error is sent back to
   the runtime as text before the process exits. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "become.h"
#include "caps.h"
#include "fsutil.h"
#include "mounts.h"
#include "sync.h"
#include "terminal.h"

static int
set_names (const struct hull_spec *spec, hull_error_t *err)
{
  if (spec->hostname && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return hull_error_sys (err, "hostname `%s`", spec->hostname);
  if (spec->domainname && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return hull_error_sys (err, "domainname `%s`", spec->domainname);
  return 0;
}


/* linux.sysctl, written through the container's own /proc (after pivot_root). The keys were
   checked against the namespaced list before the container was made. */
static int
set_sysctls (const struct hull_linux *lx, hull_error_t *err)
{
  for (size_t i = 0; lx && i < lx->n_sysctl; i++)
    {
      cleanup_free char *path = xasprintf ("/proc/sys/%s", lx->sysctl[i].key);
      for (char *p = path + strlen ("/proc/sys/"); *p; p++)
        if (*p == '.')
          *p = '/';
      if (hull_write_file_at (AT_FDCWD, path, lx->sysctl[i].value, strlen (lx->sysctl[i].value), err) < 0)
        return hull_error_wrap (err, "linux.sysctl `%s`", lx->sysctl[i].key);
    }
  return 0;
}


/* `start` connected before it wrote exec.fifo: from here on its connection is the channel
   errors go to (the runtime that ran create is gone). Without one (the fifo written by
   hand) they go nowhere, as before. */
static void
take_start_connection (struct hull_init_ctx *ctx)
{
  int conn;

  if (ctx->start_fd < 0)
    return;
  conn = accept4 (ctx->start_fd, NULL, NULL, SOCK_CLOEXEC);
  close (ctx->start_fd);
  ctx->start_fd = -1;
  if (conn < 0)
    return;
  close (ctx->sync_fd);
  ctx->sync_fd = conn;
}

/* Wait for `start`: a byte through exec.fifo (create), or START on the setup channel (run). */
static int
wait_for_start (struct hull_init_ctx *ctx, hull_error_t *err)
{
  if (ctx->fifo_fd >= 0)
    {
      char c;
      ssize_t r;
      /* The fifo is open read-write here, so read blocks until `start` writes (no EOF). */
      do
        r = read (ctx->fifo_fd, &c, 1);
      while (r < 0 && errno == EINTR);
      if (r != 1)
        return hull_error_sys (err, "wait for start on exec.fifo");
      close (ctx->fifo_fd);
      ctx->fifo_fd = -1;
      take_start_connection (ctx);
      return 0;
    }
  return hull_sync_expect (ctx->sync_fd, HULL_SYNC_START, NULL, err);
}

/* Hooks that run in the container's namespaces; the runtime says how (ctx->run_hooks). */
static int
run_container_hooks (const struct hull_init_ctx *ctx, enum hull_hook_kind kind, hull_error_t *err)
{
  if (ctx->spec->n_hooks[kind] == 0 || ctx->run_hooks == NULL)
    return 0;
  return ctx->run_hooks (ctx, kind, err);
}


/* The first GO brings the `tasks` files of the v1 cgroups, opened by the runtime after it
   made them (while this process was being cloned): join them before anything else. */
static int
receive_go_and_join (struct hull_init_ctx *ctx, int32_t *pid, hull_error_t *err)
{
  struct hull_cgroup_join j = HULL_CGROUP_JOIN_INIT;
  int fds[HULL_SYNC_MAX_FDS];
  size_t n = 0;

  if (hull_sync_expect_fds (ctx->sync_fd, HULL_SYNC_GO, pid, fds, HULL_SYNC_MAX_FDS, &n, err) < 0)
    return -1;
  j.tasks_fds = xmalloc0 ((n ? n : 1) * sizeof *j.tasks_fds);
  memcpy (j.tasks_fds, fds, n * sizeof *fds);
  j.n_tasks = n;
  if (ctx->cgroup == NULL)
    {
      hull_cgroup_join_close (&j);
      return n == 0 ? 0 : hull_error (err, 0, "cgroup descriptors sent to a container without a cgroup");
    }
  return hull_cgroup_join_self (ctx->cgroup, &j, err);
}

static int
setup (struct hull_init_ctx *ctx, char **exe, struct hull_caps *caps, hull_error_t *err)
{
  const struct hull_spec *spec = ctx->spec;
  cleanup_close int root_fd = -1;
  int32_t pid;

  /* Names are checked before anything is made, so a bad one fails create, not start. */
  if (hull_caps_parse (spec->process ? spec->process->capabilities : NULL, caps, err) < 0)
    return -1;
  if (receive_go_and_join (ctx, &pid, err) < 0)
    return -1;
  ctx->host_pid = pid;
  umask (0);
  /* In a new user namespace the maps are written by now: become its root, or every file made
     during set-up would belong to an unmapped id (EOVERFLOW). */
  if (ctx->new_userns && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    return hull_error_sys (err, "become root in the user namespace (is 0 mapped in linux.uidMappings?)");
  /* Enter a new cgroup namespace only now that the runtime has placed us in our cgroup, so
     its root is the container's own group. */
  if (hull_spec_namespace (spec, CLONE_NEWCGROUP) && !hull_spec_namespace (spec, CLONE_NEWCGROUP)->path
      && unshare (CLONE_NEWCGROUP) < 0)
    return hull_error_sys (err, "create the cgroup namespace");
  if (set_names (spec, err) < 0 || hull_become_oom_score_adj (spec->process, err) < 0)
    return -1;
  if (!ctx->join_mntns)
    {
      if (hull_mounts_prepare (ctx, &root_fd, err) < 0)
        return -1;
      if (spec->process)
        {
          cleanup_close int cwd_fd = -1;
          if (hull_mkpath_in_root (root_fd, spec->process->cwd, true, &cwd_fd, err) < 0)
            return hull_error_wrap (err, "process.cwd");
        }
    }
  if (hull_sync_send (ctx->sync_fd, HULL_SYNC_MOUNTS_DONE, 0, NULL, err) < 0
      || hull_sync_expect (ctx->sync_fd, HULL_SYNC_GO, NULL, err) < 0)
    return -1;
  if (run_container_hooks (ctx, HULL_HOOK_CREATE_CONTAINER, err) < 0)
    return -1;
  /* sysctls go in after pivot_root (the container's /proc) and before readonlyPaths makes
     /proc/sys read-only */
  if (!ctx->join_mntns && hull_mounts_pivot (ctx, root_fd, err) < 0)
    return -1;
  if (set_sysctls (spec->linux_, err) < 0)
    return -1;
  if (!ctx->join_mntns && hull_mounts_finish (ctx, err) < 0)
    return -1;
  /* Without a process (allowed for create), start is refused by the runtime before the fifo. */
  return spec->process ? hull_become_resolve (spec->process, exe, err) : 0;
}

/* process.terminal: a pty from the container's devpts, also its /dev/console; the master
   goes to the runtime, which sends it to the --console-socket. The slave waits for the
   program. */
static int
open_terminal (const struct hull_init_ctx *ctx, int *slave, hull_error_t *err)
{
  int master, r;

  if (ctx->spec->process == NULL || !ctx->spec->process->terminal)
    return 0;
  if (hull_pty_open (ctx->spec->process, &master, slave, err) < 0)
    return -1;
  if (!ctx->join_mntns && hull_pty_bind_console (*slave, err) < 0)
    {
      close (master);
      return -1;
    }
  r = hull_sync_send_fds (ctx->sync_fd, HULL_SYNC_PTY, 0, &master, 1, err);
  close (master);
  return r;
}

int
hull_init_main (struct hull_init_ctx *ctx)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_free char *exe = NULL;
  cleanup_close int slave = -1;
  struct hull_caps caps;

  if (setup (ctx, &exe, &caps, &err) < 0 || open_terminal (ctx, &slave, &err) < 0)
    goto fail;
  if (hull_sync_send (ctx->sync_fd, HULL_SYNC_READY, 0, NULL, &err) < 0)
    goto fail;
  if (wait_for_start (ctx, &err) < 0)
    goto fail;
  if (run_container_hooks (ctx, HULL_HOOK_START_CONTAINER, &err) < 0)
    goto fail;
  if (ctx->spec->process == NULL)
    {
      hull_error (&err, 0, "config.json: process: required to start a container");
      goto fail;
    }
  {
    /* after wait_for_start: for create, the channel is now `start`'s connection */
    struct hull_become b = {
      .spec = ctx->spec,
      .seccomp = ctx->seccomp,
      .landlock = ctx->landlock,
      .sync_fd = ctx->sync_fd,
      .preserve_fds = ctx->preserve_fds,
      .pty_slave = hull_steal_fd (slave),
    };
    hull_become (&b, exe, &caps, &err);
  }
fail:
  hull_sync_send_error (ctx->sync_fd, &err);
  return 127;
}
