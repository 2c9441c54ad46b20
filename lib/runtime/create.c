/* create.c: `create` and `run`. All checks come first; then the state directory (locked), the
   cgroup, the init process, and the lifecycle handshake with hooks at the points the spec
   gives. Any failure undoes every step done so far: no state, cgroup or process is left. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cgroups/cgroups.h"
#include "../cgroups/resources.h"
#include "../core/util.h"
#include "../linux/init.h"
#include "../linux/spawn.h"
#include "../linux/sync.h"
#include "../linux/terminal.h"
#include "checks.h"
#include "console-proxy.h"
#include "container.h"
#include "hooks.h"
#include "lifecycle.h"
#include "prepare.h"
#include "seccomp-agent.h"
#include "state.h"

struct creation
{
  const struct hull_create_opts *o;
  struct hull_spec *spec;
  struct hull_seccomp *seccomp; /* linux.seccomp compiled, or NULL */
  struct hull_landlock *landlock; /* annotation org.hull.landlock, or NULL */
  char *bundle;        /* absolute */
  char *rootfs;        /* absolute, resolved */
  int root_fd;
  int dir_fd;
  bool dir_made;
  struct hull_cgroup *cg;
  struct hull_cgroup_join cg_join; /* what the init joins its cgroup with, open until it has them */
  int fifo_fd;         /* init's O_RDWR end of exec.fifo (create only) */
  int start_fd;        /* listening socket `start` reports through (create only) */
  int sync[2];         /* [0] runtime, [1] init */
  int console_fd;      /* connection to --console-socket, or -1 */
  int pty_master;      /* a foreground run's terminal without --console-socket, or -1 */
  pid_t pid;
  unsigned long long start_time;
  bool run;            /* `run` rather than `create` */
  char *staged_state;  /* state.json written under another name, renamed once the init is ready */
  bool rootless;       /* run by an unprivileged user */
};

static void
creation_init (struct creation *c, const struct hull_create_opts *o)
{
  memset (c, 0, sizeof *c);
  c->o = o;
  c->root_fd = c->dir_fd = c->fifo_fd = c->start_fd = c->sync[0] = c->sync[1] = c->console_fd = c->pty_master = -1;
  c->cg_join = (struct hull_cgroup_join) HULL_CGROUP_JOIN_INIT;
  c->rootless = geteuid () != 0;
}

/* Undo whatever was made, newest first. */
static void
creation_undo (struct creation *c)
{
  hull_error_t ignored = NULL;
  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      while (waitpid (c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
      c->pid = 0;
    }
  if (c->cg)
    {
      hull_cgroup_kill (c->cg, SIGKILL, &ignored);
      hull_error_free (&ignored);
      if (hull_cgroup_destroy (c->cg, &ignored) < 0 && c->o->log)
        hull_warn (c->o->log, "clean up cgroup: %s", ignored->msg);
      hull_error_free (&ignored);
    }
  if (c->dir_made)
    {
      hull_state_dir_remove (c->root_fd, c->o->id, &ignored);
      hull_error_free (&ignored);
      c->dir_made = false;
    }
}

static void
creation_free (struct creation *c)
{
  hull_closep (&c->fifo_fd);
  hull_closep (&c->start_fd);
  hull_closep (&c->console_fd);
  hull_closep (&c->pty_master);
  hull_closep (&c->sync[0]);
  hull_closep (&c->sync[1]);
  hull_closep (&c->dir_fd);
  hull_closep (&c->root_fd);
  hull_cgroup_join_close (&c->cg_join);
  hull_cgroup_free (c->cg);
  hull_spec_free (c->spec);
  hull_seccomp_free (c->seccomp);
  hull_landlock_free (c->landlock);
  free (c->bundle);
  free (c->rootfs);
  free (c->staged_state);
}

/* Everything that can be refused without touching the system. */
/* How the console socket is named in errors, NULL when there is none. */
static const char *
console_name (const struct hull_create_opts *o)
{
  if (o->console_socket)
    return o->console_socket;
  return o->console_fd > 2 ? "(the caller's console socket)" : NULL;
}

static int
load_and_check (struct creation *c, hull_error_t *err)
{
  char buf[PATH_MAX];
  struct stat st;

  if (hull_state_check_id (c->o->id, err) < 0)
    return -1;
  if (realpath (c->o->bundle ? c->o->bundle : ".", buf) == NULL)
    return hull_error_sys (err, "bundle `%s`", c->o->bundle ? c->o->bundle : ".");
  c->bundle = xstrdup (buf);
  if (hull_spec_load (c->bundle, &c->spec, err) < 0)
    return -1;
  if (hull_check_spec (c->spec, console_name (c->o), c->run, c->run && !c->o->detach, err) < 0 || hull_prepare_landlock (c->spec, &c->landlock, err) < 0)
    return -1;
  {
    cleanup_free char *rp = c->spec->root_path[0] == '/' ? xstrdup (c->spec->root_path)
                                                          : xasprintf ("%s/%s", c->bundle, c->spec->root_path);
    if (realpath (rp, buf) == NULL)
      return hull_error_sys (err, "root.path `%s`", c->spec->root_path);
  }
  if (stat (buf, &st) < 0 || !S_ISDIR (st.st_mode))
    return hull_error (err, ENOTDIR, "root.path `%s`", c->spec->root_path);
  c->rootfs = xstrdup (buf);
  return 0;
}

/* What `start` uses: exec.fifo, whose byte releases the init, and a socket it connects to
   first, through which the init reports how its startContainer hooks and exec went. */
static int
make_start_channel (struct creation *c, hull_error_t *err)
{
  if (mkfifoat (c->dir_fd, HULL_EXEC_FIFO, 0600) < 0)
    return hull_error_sys (err, "create exec.fifo");
  /* Opened read-write in the init's hands: its read blocks until `start` writes a byte. */
  c->fifo_fd = openat (c->dir_fd, HULL_EXEC_FIFO, O_RDWR | O_CLOEXEC);
  if (c->fifo_fd < 0)
    return hull_error_sys (err, "open exec.fifo");
  c->start_fd = hull_sync_listen_at (c->dir_fd, HULL_START_SOCKET, err);
  return c->start_fd < 0 ? -1 : 0;
}

static char *
creation_hook_state (struct creation *c, enum hull_status status)
{
  return hull_state_hook_json (c->o->id, c->bundle, c->pid, status, json_object_get (c->spec->raw, "annotations"));
}

static int
run_runtime_hooks (struct creation *c, hull_error_t *err)
{
  static const enum hull_hook_kind kinds[] = { HULL_HOOK_PRESTART, HULL_HOOK_CREATE_RUNTIME };
  for (size_t i = 0; i < 2; i++)
    {
      cleanup_free char *state = NULL;
      if (c->spec->n_hooks[kinds[i]] == 0)
        continue;
      state = creation_hook_state (c, HULL_STATUS_CREATING);
      if (hull_hooks_run (c->spec->hooks[kinds[i]], c->spec->n_hooks[kinds[i]], kinds[i], state, err) < 0)
        return -1;
    }
  return 0;
}

/* The init's createContainer and startContainer hooks (see hull_init_hooks_fn). As runc
   does, hooks run in the container's namespaces get the pid as seen there. */
static int
init_hooks (const struct hull_init_ctx *ctx, enum hull_hook_kind kind, hull_error_t *err)
{
  enum hull_status status = kind == HULL_HOOK_START_CONTAINER ? HULL_STATUS_CREATED : HULL_STATUS_CREATING;
  cleanup_free char *state = hull_state_hook_json (ctx->id, ctx->bundle, getpid (), status,
                                                   json_object_get (ctx->spec->raw, "annotations"));
  return hull_hooks_run (ctx->spec->hooks[kind], ctx->spec->n_hooks[kind], kind, state, err);
}

static int
spawn_init (struct creation *c, bool with_fifo, hull_error_t *err)
{
  struct hull_init_ctx ctx = {
    .spec = c->spec,
    .id = c->o->id,
    .bundle = c->bundle,
    .rootfs = c->rootfs,
    .cgroup = c->cg,
    .cgroup_join = &c->cg_join,
    .fifo_fd = with_fifo ? c->fifo_fd : -1,
    .start_fd = with_fifo ? c->start_fd : -1,
    .preserve_fds = c->o->preserve_fds,
    .no_pivot = c->o->no_pivot,
    .log = c->o->log,
    .run_hooks = init_hooks,
    .seccomp = c->seccomp,
    .landlock = c->landlock,
    .runtime_fds = { c->root_fd, c->dir_fd, c->o->log ? c->o->log->fd : -1, -1 },
  };
  const struct hull_namespace *mnt = hull_spec_namespace (c->spec, CLONE_NEWNS);
  bool zombie;

  ctx.join_mntns = mnt && mnt->path;
  if (hull_sync_pair (c->sync, err) < 0)
    return -1;
  ctx.sync_fd = c->sync[1];
  if (hull_cgroup_join_open_v2 (c->cg, &c->cg_join, err) < 0)
    return -1;
  if (hull_spawn (&ctx, c->sync[0], &c->pid, err) < 0)
    return -1;
  hull_closep (&c->sync[1]);
  hull_closep (&c->fifo_fd);
  hull_closep (&c->start_fd);
  hull_cgroup_join_close (&c->cg_join);
  if (hull_proc_start_time (c->pid, &c->start_time, &zombie) < 0)
    return hull_error (err, 0, "the container process exited during setup");
  return 0;
}

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  char buf[HULL_UTC_BUF];
  clock_gettime (CLOCK_REALTIME, &ts);
  hull_format_utc (&ts, true, buf);
  return xstrdup (buf);
}

static int
stage_state (struct creation *c, hull_error_t *err)
{
  struct hull_state st = {
    .id = (char *) c->o->id,
    .pid = c->pid,
    .start_time = c->start_time,
    .bundle = c->bundle,
    .rootfs = c->rootfs,
    .created = now_rfc3339 (),
    .cgroup_path = c->cg ? c->cg->path : NULL,
    .owner = geteuid (),
    .annotations = json_object_get (c->spec->raw, "annotations"),
    .hooks = json_object_get (c->spec->raw, "hooks"),
  };
  int r = hull_state_stage (c->dir_fd, &st, &c->staged_state, err);
  free (st.created);
  return r;
}

/* The v2 group first, for the init to be cloned into; the v1 groups are made while the init
   builds its network namespace, and sent to it with the first GO (cgroups-join.c). Rootless,
   only the groups delegated to the caller are used, all made before the init exists (it must
   know which hierarchies it joins); with none, the container runs without a cgroup. */
static int
make_cgroup (struct creation *c, hull_error_t *err)
{
  cleanup_free char *path = NULL;

  if (hull_cgroup_resolve_path (c->spec->linux_ ? c->spec->linux_->cgroups_path : NULL, c->o->id, &path, err) < 0)
    return hull_error_wrap (err, "linux.cgroupsPath");
  if (hull_state_file_write (c->dir_fd, HULL_CGROUP_MARK, path, strlen (path), err) < 0)
    return -1;
  if (hull_cgroup_create_v2_first (path, c->rootless, &c->cg, err) < 0
      || (c->rootless && hull_cgroup_create_v1 (c->cg, err) < 0))
    return hull_error_wrap (err, "linux.cgroupsPath");
  if (c->cg->n_hiers > 0)
    return 0;
  if (c->o->log)
    hull_debug (c->o->log, "rootless: no cgroup hierarchy is delegated for `%s`; running without a cgroup", path);
  hull_cgroup_free (c->cg);
  c->cg = NULL;
  return 0;
}

/* linux.resources, into every hierarchy of the group, before the init (which waits for the
   first GO) runs anything of the container's. */
static int
apply_resources (struct creation *c, hull_error_t *err)
{
  const struct hull_linux *lx = c->spec->linux_;

  if (c->cg != NULL)
    return hull_cgroup_apply_resources (c->cg, lx, err);
  /* rootless without a delegated group: device rules are moot (no mknod in a user
     namespace); a limit would be dropped, which is refused */
  if (hull_res_wanted (lx ? lx->resources : NULL) & ~(unsigned) HULL_RES_DEVICES)
    return hull_error (err, 0, "linux.resources: no cgroup is delegated to uid %u to apply the limits in",
                       (unsigned) geteuid ());
  return 0;
}

/* process.terminal: the init sends the pty's master end once its /dev is built; it goes on
   to --console-socket (connected before anything was made), or is kept by a foreground run
   without one. */
static int
forward_terminal (struct creation *c, hull_error_t *err)
{
  if (c->spec->process == NULL || !c->spec->process->terminal)
    return 0;
  return hull_console_take (c->sync[0], &c->console_fd, &c->pty_master, err);
}

/* The init stops twice for the runtime: after its mounts (for the prestart and createRuntime
   hooks, which the runtime runs), and once ready (for `start`, or a run's prestart callback).
   When there is nothing to run at a stop, the message that ends it is sent ahead (the second
   GO with the first, START with the second): the init finds it queued instead of waiting a
   round trip for it. */
static bool
no_runtime_hooks (const struct creation *c)
{
  return c->spec->n_hooks[HULL_HOOK_PRESTART] == 0 && c->spec->n_hooks[HULL_HOOK_CREATE_RUNTIME] == 0;
}

/* The second GO, which ends the stop after the mounts; for a run with no prestart callback
   to call once the init is ready, START right behind it. */
static int
send_go2 (struct creation *c, hull_error_t *err)
{
  if (hull_sync_send (c->sync[0], HULL_SYNC_GO, 0, NULL, err) < 0)
    return -1;
  if (c->run && c->o->prestart == NULL)
    return hull_sync_send (c->sync[0], HULL_SYNC_START, 0, NULL, err);
  return 0;
}

/* The part of create shared with run: up to an init that waits for start. */
static int
build (struct creation *c, bool with_fifo, hull_error_t *err)
{
  bool go2_ahead;

  if (load_and_check (c, err) < 0)
    return -1;
  /* Before anything is made: a socket nobody listens on leaves nothing behind. */
  if (c->o->console_socket && hull_console_connect (c->o->console_socket, &c->console_fd, err) < 0)
    return -1;
  if (c->o->console_socket == NULL && c->o->console_fd > 2)
    {
      c->console_fd = fcntl (c->o->console_fd, F_DUPFD_CLOEXEC, 3);
      if (c->console_fd < 0)
        return hull_error_sys (err, "console socket descriptor %d", c->o->console_fd);
    }
  if (hull_state_root_open (c->o->root, &c->root_fd, err) < 0)
    return -1;
  /* Before the container's directory exists: a filter libseccomp refuses leaves nothing. */
  if (hull_prepare_seccomp (c->root_fd, c->spec, &c->seccomp, err) < 0)
    return -1;
  if (hull_state_dir_create (c->root_fd, c->o->id, &c->dir_fd, err) < 0)
    return -1;
  c->dir_made = true;
  if (make_cgroup (c, err) < 0)
    return -1;
  if (with_fifo && make_start_channel (c, err) < 0)
    return -1;
  if (spawn_init (c, with_fifo, err) < 0)
    return -1;
  if (!c->rootless && hull_cgroup_create_v1 (c->cg, err) < 0)
    return hull_error_wrap (err, "linux.cgroupsPath");
  if (apply_resources (c, err) < 0)
    return -1;
  if (hull_cgroup_join_open_v1 (c->cg, &c->cg_join, err) < 0)
    return -1;
  /* GO carries the init's pid as the host sees it, for the state its hooks are given, and
     the v1 tasks files it joins first. */
  if (hull_sync_send_fds (c->sync[0], HULL_SYNC_GO, c->pid, c->cg_join.tasks_fds, c->cg_join.n_tasks, err) < 0)
    return -1;
  go2_ahead = no_runtime_hooks (c);
  if (go2_ahead && send_go2 (c, err) < 0)
    return -1;
  hull_cgroup_join_close (&c->cg_join);
  /* Written while the init joins its cgroups and builds its mounts; state.json appears (by a
     rename) only once the init is ready, so a runtime killed before then leaves a container
     that is still `creating`. A failure removes the directory, the staged file with it. */
  if (stage_state (c, err) < 0)
    return -1;
  if (hull_sync_expect (c->sync[0], HULL_SYNC_MOUNTS_DONE, NULL, err) < 0)
    return -1;
  if (!go2_ahead && (run_runtime_hooks (c, err) < 0 || send_go2 (c, err) < 0))
    return -1;
  if (forward_terminal (c, err) < 0 || hull_sync_expect (c->sync[0], HULL_SYNC_READY, NULL, err) < 0)
    return -1;
  if (hull_state_commit (c->dir_fd, c->staged_state, err) < 0)
    return -1;
  if (c->o->pid_file && hull_lifecycle_write_pid_file (c->o->pid_file, c->pid, err) < 0)
    return -1;
  return 0;
}

int
hull_container_create (const struct hull_create_opts *o, hull_error_t *err)
{
  struct creation c;
  int ret;

  creation_init (&c, o);
  ret = build (&c, true, err);
  if (ret < 0)
    creation_undo (&c);
  creation_free (&c);
  return ret;
}

/* After a foreground run of PID: remove the container with what this process still holds
   (its cgroup, config and hooks), unless a `delete` got there first: the directory is gone, or
   holds a new container of the same ID. That is told by the state (pid and start time), not by
   the directory's inode, which a new container may have taken over (state-spare.c). */
static int
remove_after_run (struct creation *c, pid_t pid, hull_error_t *err)
{
  cleanup_close int dir_fd = -1;
  cleanup_state struct hull_state *st = NULL;

  if (hull_state_dir_open (c->root_fd, c->o->id, true, &dir_fd, err) < 0)
    {
      if ((*err)->errno_ != ENOENT)
        return -1;
      hull_error_free (err);
      return 0;
    }
  if (hull_state_read (dir_fd, &st, err) < 0)
    return -1;
  if (st == NULL || st->pid != pid || st->start_time != c->start_time)
    return 0;
  return hull_lifecycle_remove (c->root_fd, c->o->id, c->cg, c->spec->hooks[HULL_HOOK_POSTSTOP],
                                c->spec->n_hooks[HULL_HOOK_POSTSTOP], c->bundle,
                                json_object_get (c->spec->raw, "annotations"), c->o->log, err);
}

int
hull_container_run (const struct hull_create_opts *o, int *exit_status, hull_error_t *err)
{
  struct creation c;
  sigset_t set, old;
  int ret;

  creation_init (&c, o);
  c.run = true;
  /* Blocked before clone so no signal is lost; the init unblocks them before execve. */
  if (!o->detach)
    hull_signals_block_forwarded (&set, &old);
  ret = build (&c, false, err);
  /* Without a prestart callback, START went with the second GO (send_go2). */
  if (ret == 0 && o->prestart && (ret = o->prestart (c.pid, o->prestart_arg, err)) == 0)
    ret = hull_sync_send (c.sync[0], HULL_SYNC_START, 0, NULL, err);
  if (ret == 0)
    {
      struct hull_seccomp_agent agent = {
        .seccomp = c.spec->linux_ ? c.spec->linux_->seccomp : NULL,
        .id = o->id,
        .bundle = c.bundle,
        .pid = c.pid,
        .annotations = json_object_get (c.spec->raw, "annotations"),
      };
      ret = hull_sync_wait_exec (c.sync[0], hull_seccomp_agent_send, &agent, err);
    }
  if (ret < 0)
    {
      creation_undo (&c);
      creation_free (&c);
      if (!o->detach)
        sigprocmask (SIG_SETMASK, &old, NULL);
      return -1;
    }
  hull_lifecycle_hooks_warn (c.spec->hooks[HULL_HOOK_POSTSTART], c.spec->n_hooks[HULL_HOOK_POSTSTART],
                             HULL_HOOK_POSTSTART, o->id, c.bundle, c.pid, json_object_get (c.spec->raw, "annotations"),
                             o->log);
  if (!o->detach)
    {
      pid_t pid = c.pid;
      /* The state lock is let go while the container runs, so that `delete` and the like
         need not wait for it to end. */
      hull_closep (&c.dir_fd);
      if (c.pty_master >= 0)
        ret = hull_console_proxy (c.pid, hull_steal_fd (c.pty_master), &set, exit_status, err);
      else
        hull_signals_forward_wait (c.pid, &set, exit_status);
      c.pid = 0;
      sigprocmask (SIG_SETMASK, &old, NULL);
      {
        /* removed even when the terminal failed; that error is the one reported */
        hull_error_t rerr = NULL;
        if (remove_after_run (&c, pid, ret < 0 ? &rerr : err) < 0)
          ret = -1;
        hull_error_free (&rerr);
      }
      creation_free (&c);
      return ret;
    }
  *exit_status = 0;
  if (o->pid_out)
    *o->pid_out = c.pid;
  creation_free (&c);
  return 0;
}
