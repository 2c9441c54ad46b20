/* lifecycle.c: `start`, `state`, `kill`, `delete` and `list` on containers already created. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../cgroups/cgroups.h"
#include "../core/util.h"
#include "../linux/sync.h"
#include "container.h"
#include "hooks.h"
#include "lifecycle.h"
#include "seccomp-agent.h"
#include "state.h"

void
hull_lifecycle_hooks_warn (const struct hull_hook *hooks, size_t n, enum hull_hook_kind kind, const char *id,
                           const char *bundle, pid_t pid, json_t *annotations, const struct hull_log *log)
{
  cleanup_free char *state = NULL;
  if (n == 0)
    return;
  state = hull_state_hook_json (id, bundle, pid, kind == HULL_HOOK_POSTSTART ? HULL_STATUS_RUNNING : HULL_STATUS_STOPPED,
                                annotations);
  for (size_t i = 0; i < n; i++)
    {
      hull_error_t err = NULL;
      if (hull_hooks_run (&hooks[i], 1, kind, state, &err) < 0)
        hull_warn (log, "%s", err->msg);
      hull_error_free (&err);
    }
}

int
hull_lifecycle_remove (int root_fd, const char *id, struct hull_cgroup *cg, const struct hull_hook *poststop, size_t n,
                       const char *bundle, json_t *annotations, const struct hull_log *log, hull_error_t *err)
{
  /* Anything left in the group (no pid namespace, or a forked daemon) goes too. */
  if (cg != NULL && hull_cgroup_remove (cg, err) < 0)
    return hull_error_wrap (err, "delete container `%s`", id);
  hull_lifecycle_hooks_warn (poststop, n, HULL_HOOK_POSTSTOP, id, bundle, 0, annotations, log);
  return hull_state_dir_remove (root_fd, id, err);
}

int
hull_lifecycle_open (const char *root, const char *id, bool lock, int *root_fd, int *dir_fd, struct hull_state **st,
                     hull_error_t *err)
{
  if (hull_state_check_id (id, err) < 0)
    return -1;
  *root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*root_fd < 0)
    {
      if (errno == ENOENT)
        return hull_error (err, 0, "container `%s` does not exist", id);
      return hull_error_sys (err, "open state directory `%s`", root);
    }
  if (hull_state_dir_open (*root_fd, id, lock, dir_fd, err) < 0)
    return -1;
  if (hull_state_read (*dir_fd, st, err) < 0)
    return -1;
  /* A directory opened just before a delete may since have been taken over by a new
     container of another ID (state-spare.c): that state is not ID's. */
  if (*st != NULL && strcmp ((*st)->id, id) != 0)
    {
      hull_state_free (*st);
      *st = NULL;
      hull_error (err, 0, "container `%s` does not exist", id);
      (*err)->errno_ = ENOENT;
      return -1;
    }
  return 0;
}

int
hull_container_start (const char *root, const char *id, const struct hull_log *log, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  cleanup_close int fifo = -1;
  cleanup_close int report = -1;
  cleanup_state struct hull_state *st = NULL;
  cleanup_spec struct hull_spec *spec = NULL;
  enum hull_status status;

  if (hull_lifecycle_open (root, id, true, &root_fd, &dir_fd, &st, err) < 0)
    return -1;
  status = hull_state_status (dir_fd, st);
  if (status != HULL_STATUS_CREATED)
    return hull_error (err, 0, "container `%s` is %s, not created: cannot start it", id, hull_status_name (status));
  if (hull_spec_load (st->bundle, &spec, err) < 0)
    return hull_error_wrap (err, "start container `%s`", id);
  if (spec->process == NULL)
    return hull_error (err, 0, "start container `%s`: config.json: process: required to start a container", id);
  /* Non-blocking: with no reader (the init died) this fails at once with ENXIO. */
  fifo = openat (dir_fd, HULL_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return hull_error_sys (err, "start container `%s`: open exec.fifo", id);
  /* Connected before the byte is written, so the init finds the connection waiting. */
  report = hull_sync_connect_at (dir_fd, HULL_START_SOCKET, err);
  if (report < 0)
    return hull_error_wrap (err, "start container `%s`", id);
  if (hull_write_all (fifo, "0", 1, "exec.fifo", err) < 0)
    return -1;
  if (unlinkat (dir_fd, HULL_EXEC_FIFO, 0) < 0)
    return hull_error_sys (err, "start container `%s`: remove exec.fifo", id);
  if (unlinkat (dir_fd, HULL_START_SOCKET, 0) < 0)
    return hull_error_sys (err, "start container `%s`: remove %s", id, HULL_START_SOCKET);
  /* The hooks may take their time: `delete` and `kill` need not wait for the lock meanwhile. */
  close (hull_steal_fd (dir_fd));
  {
    struct hull_seccomp_agent agent = {
      .seccomp = spec->linux_ ? spec->linux_->seccomp : NULL,
      .id = id,
      .bundle = st->bundle,
      .pid = st->pid,
      .annotations = st->annotations,
    };
    if (hull_sync_wait_exec (report, hull_seccomp_agent_send, &agent, err) < 0)
      return hull_error_wrap (err, "start container `%s`", id);
  }
  /* poststart hooks come from the config as it is now, as runc does. */
  hull_lifecycle_hooks_warn (spec->hooks[HULL_HOOK_POSTSTART], spec->n_hooks[HULL_HOOK_POSTSTART], HULL_HOOK_POSTSTART,
                             id, st->bundle, st->pid, st->annotations, log);
  return 0;
}

int
hull_container_state (const char *root, const char *id, json_t **out, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  cleanup_state struct hull_state *st = NULL;

  if (hull_lifecycle_open (root, id, false, &root_fd, &dir_fd, &st, err) < 0)
    return -1;
  if (st == NULL)
    {
      *out = json_pack ("{s:s, s:s, s:s, s:i, s:s}", "ociVersion", "1.2.0", "id", id, "status", "creating", "pid", 0,
                        "bundle", "");
      return 0;
    }
  *out = hull_state_oci_json (st, hull_state_status (dir_fd, st));
  return 0;
}

int
hull_lifecycle_init_pidfd (const struct hull_state *st, hull_error_t *err)
{
  unsigned long long start;
  bool zombie;
  int fd = syscall (SYS_pidfd_open, st->pid, 0);
  if (fd < 0)
    {
      if (errno == ESRCH)
        return -1;
      return hull_error_sys (err, "pidfd_open %d", (int) st->pid);
    }
  if (hull_proc_start_time (st->pid, &start, &zombie) < 0 || start != st->start_time)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static int
signal_init (const struct hull_state *st, int sig, hull_error_t *err)
{
  cleanup_close int fd = hull_lifecycle_init_pidfd (st, err);
  if (fd < 0)
    return *err ? -1 : 0;
  if (syscall (SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0 && errno != ESRCH)
    return hull_error_sys (err, "send signal %d to container `%s`", sig, st->id);
  return 0;
}

int
hull_container_kill (const char *root, const char *id, int sig, bool all, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  cleanup_state struct hull_state *st = NULL;
  enum hull_status status;

  if (hull_lifecycle_open (root, id, false, &root_fd, &dir_fd, &st, err) < 0)
    return -1;
  status = hull_state_status (dir_fd, st);
  if (status != HULL_STATUS_CREATED && status != HULL_STATUS_RUNNING && status != HULL_STATUS_PAUSED)
    return hull_error (err, 0, "container `%s` is %s: cannot send it a signal", id, hull_status_name (status));
  if (all && st->cgroup_path)
    {
      cleanup_cgroup struct hull_cgroup *cg = NULL;
      if (hull_cgroup_open (st->cgroup_path, &cg, err) < 0)
        return -1;
      return hull_cgroup_kill (cg, sig, err);
    }
  return signal_init (st, sig, err);
}

/* Wait until the init is gone (it is not our child: poll its pidfd). */
static void
wait_gone (const struct hull_state *st)
{
  hull_error_t ignored = NULL;
  int fd = hull_lifecycle_init_pidfd (st, &ignored);
  hull_error_free (&ignored);
  if (fd < 0)
    return;
  struct pollfd p = { .fd = fd, .events = POLLIN };
  while (poll (&p, 1, 10000) < 0 && errno == EINTR)
    ;
  close (fd);
}

/* A paused container's processes die only once thawed (the v1 freezer holds even SIGKILL):
   kill the whole group, then thaw it. */
static int
kill_paused (const struct hull_state *st, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;

  if (st->cgroup_path == NULL)
    return 0;
  if (hull_cgroup_open (st->cgroup_path, &cg, err) < 0 || hull_cgroup_kill (cg, SIGKILL, err) < 0
      || hull_cgroup_freeze (cg, false, err) < 0)
    return hull_error_wrap (err, "delete container `%s`", st->id);
  wait_gone (st);
  return 0;
}

/* pause (PAUSE) or resume: freeze or thaw the container's cgroup, and mark the state. */
static int
set_paused (const char *root, const char *id, bool pause, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  cleanup_state struct hull_state *st = NULL;
  cleanup_cgroup struct hull_cgroup *cg = NULL;
  enum hull_status status, want = pause ? HULL_STATUS_RUNNING : HULL_STATUS_PAUSED;

  if (hull_lifecycle_open (root, id, true, &root_fd, &dir_fd, &st, err) < 0)
    return -1;
  status = hull_state_status (dir_fd, st);
  if (status != want)
    return hull_error (err, 0, "container `%s` is %s, not %s: cannot %s it", id, hull_status_name (status),
                       hull_status_name (want), pause ? "pause" : "resume");
  if (st->cgroup_path == NULL)
    return hull_error (err, 0, "container `%s` has no cgroup to freeze", id);
  if (hull_cgroup_open (st->cgroup_path, &cg, err) < 0 || hull_cgroup_freeze (cg, pause, err) < 0)
    return hull_error_wrap (err, "%s container `%s`", pause ? "pause" : "resume", id);
  if (!pause)
    {
      if (unlinkat (dir_fd, HULL_PAUSED_MARK, 0) < 0 && errno != ENOENT)
        return hull_error_sys (err, "resume container `%s`: remove the paused mark", id);
      return 0;
    }
  if (hull_write_file_atomic_at (dir_fd, HULL_PAUSED_MARK, "", 0, 0600, err) < 0)
    {
      hull_error_t ignored = NULL;
      hull_cgroup_freeze (cg, false, &ignored);
      hull_error_free (&ignored);
      return hull_error_wrap (err, "pause container `%s`", id);
    }
  return 0;
}

int
hull_container_pause (const char *root, const char *id, hull_error_t *err)
{
  return set_paused (root, id, true, err);
}

int
hull_container_resume (const char *root, const char *id, hull_error_t *err)
{
  return set_paused (root, id, false, err);
}

/* Remove the container that ST describes (its directory locked by the caller). */
static int
remove_by_state (int root_fd, const struct hull_state *st, const struct hull_log *log, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;
  struct hull_hook *hooks = NULL;
  size_t n;
  int ret;

  if (st->cgroup_path && hull_cgroup_open (st->cgroup_path, &cg, err) < 0)
    return hull_error_wrap (err, "delete container `%s`", st->id);
  n = st->hooks ? hull_hooks_from_json (st->hooks, HULL_HOOK_POSTSTOP, &hooks) : 0;
  ret = hull_lifecycle_remove (root_fd, st->id, cg, hooks, n, st->bundle, st->annotations, log, err);
  hull_hooks_free (hooks, n);
  return ret;
}

/* A create that died before it wrote state.json (the runtime killed mid-create): whatever
   is in the cgroup it was making is killed, and the group and the directory removed. */
static int
remove_half_created (int root_fd, int dir_fd, const char *id, hull_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_cgroup struct hull_cgroup *cg = NULL;
  size_t len;

  if (hull_read_file_at (dir_fd, HULL_CGROUP_MARK, &path, &len, err) < 0)
    {
      if ((*err)->errno_ != ENOENT)
        return hull_error_wrap (err, "delete container `%s`", id);
      hull_error_free (err); /* it died before it made a cgroup */
    }
  else if (len > 0 && path[0] == '/' && hull_cgroup_open (path, &cg, err) < 0)
    return hull_error_wrap (err, "delete container `%s`", id);
  if (cg != NULL && hull_cgroup_remove (cg, err) < 0)
    return hull_error_wrap (err, "delete container `%s`", id);
  return hull_state_dir_remove (root_fd, id, err);
}

int
hull_container_delete (const char *root, const char *id, bool force, const struct hull_log *log, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  cleanup_state struct hull_state *st = NULL;
  enum hull_status status;

  if (hull_lifecycle_open (root, id, true, &root_fd, &dir_fd, &st, err) < 0)
    {
      /* A directory without a readable state.json is a create that died half-way: --force
         cleans it. */
      if (force && *err && root_fd >= 0 && dir_fd >= 0)
        {
          hull_error_free (err);
          return remove_half_created (root_fd, dir_fd, id, err);
        }
      return -1;
    }
  if (st == NULL)
    {
      if (!force)
        return hull_error (err, 0, "container `%s` is being created: use --force to remove it", id);
      return remove_half_created (root_fd, dir_fd, id, err);
    }
  status = hull_state_status (dir_fd, st);
  if ((status == HULL_STATUS_RUNNING || status == HULL_STATUS_PAUSED) && !force)
    return hull_error (err, 0, "container `%s` is %s: stop it first or use --force", id, hull_status_name (status));
  if (status == HULL_STATUS_PAUSED && kill_paused (st, err) < 0)
    return -1;
  if (status == HULL_STATUS_RUNNING || status == HULL_STATUS_CREATED)
    {
      if (signal_init (st, SIGKILL, err) < 0)
        return -1;
      wait_gone (st);
    }
  return remove_by_state (root_fd, st, log, err);
}

static int
cmp_json_id (const void *a, const void *b)
{
  json_t *const *x = a, *const *y = b;
  return strcmp (json_string_value (json_object_get (*x, "id")), json_string_value (json_object_get (*y, "id")));
}

int
hull_container_list (const char *root, json_t **out, hull_error_t *err)
{
  DIR *d = opendir (root);
  struct dirent *de;
  json_t **items = NULL;
  size_t n = 0;

  *out = json_array ();
  if (d == NULL)
    return errno == ENOENT ? 0 : hull_error_sys (err, "open state directory `%s`", root);
  while ((de = readdir (d)) != NULL)
    {
      json_t *o = NULL;
      hull_error_t ignored = NULL;
      if (de->d_name[0] == '.' || de->d_type != DT_DIR)
        continue;
      if (hull_container_state (root, de->d_name, &o, &ignored) == 0 && o)
        {
          items = xrealloc (items, (n + 1) * sizeof *items);
          items[n++] = o;
        }
      hull_error_free (&ignored);
    }
  closedir (d);
  if (n > 1)
    qsort (items, n, sizeof *items, cmp_json_id);
  for (size_t i = 0; i < n; i++)
    json_array_append_new (*out, items[i]);
  free (items);
  return 0;
}

int
hull_lifecycle_write_pid_file (const char *path, pid_t pid, hull_error_t *err)
{
  cleanup_free char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  const char *name = path;
  cleanup_close int dfd = -1;
  char buf[32];

  if (slash)
    {
      name = path + (slash - dir) + 1;
      *slash = '\0';
      dfd = open (*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  else
    dfd = open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return hull_error_sys (err, "--pid-file `%s`", path);
  snprintf (buf, sizeof buf, "%d", (int) pid);
  if (hull_write_file_atomic_at (dfd, name, buf, strlen (buf), 0644, err) < 0)
    return hull_error_wrap (err, "--pid-file `%s`", path);
  return 0;
}
