/* exec.c: `exec`, a new process in a running container. Everything that can be refused is
   checked before any process is made: the container's status, the process (as the spec
   module checks a config's), its labels, the seccomp filter and Landlock rules (the
   container's), the console socket. The process is then made by exec-spawn.c and waited
   for, in the foreground, with signals relayed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/exec-spawn.h"
#include "../linux/lsm-labels.h"
#include "../linux/sync.h"
#include "../linux/terminal.h"
#include "checks.h"
#include "console-proxy.h"
#include "container.h"
#include "lifecycle.h"
#include "prepare.h"
#include "seccomp-agent.h"
#include "state.h"

struct execution
{
  const struct hull_exec_opts *o;
  int root_fd, dir_fd;
  struct hull_state *st;
  struct hull_spec *spec;         /* config.json with process replaced by the exec'd one */
  struct hull_seccomp *seccomp;
  struct hull_landlock *landlock;
  struct hull_caps caps;
  struct hull_cgroup *cg;
  struct hull_cgroup_join join;
  int pidfd, init_root, ns_flags;
  int console_fd;
  int pty_master;                 /* a foreground exec's terminal without --console-socket */
  int sync[2];
  pid_t pid;                      /* the exec'd process, once made */
};

static void
execution_init (struct execution *e, const struct hull_exec_opts *o)
{
  memset (e, 0, sizeof *e);
  e->o = o;
  e->root_fd = e->dir_fd = e->pidfd = e->init_root = e->console_fd = e->pty_master = e->sync[0] = e->sync[1] = -1;
  e->join = (struct hull_cgroup_join) HULL_CGROUP_JOIN_INIT;
}

static void
execution_free (struct execution *e)
{
  if (e->pid > 0)
    {
      kill (e->pid, SIGKILL);
      while (waitpid (e->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  hull_closep (&e->root_fd);
  hull_closep (&e->dir_fd);
  hull_closep (&e->pidfd);
  hull_closep (&e->init_root);
  hull_closep (&e->console_fd);
  hull_closep (&e->pty_master);
  hull_closep (&e->sync[0]);
  hull_closep (&e->sync[1]);
  hull_cgroup_join_close (&e->join);
  hull_cgroup_free (e->cg);
  hull_state_free (e->st);
  hull_spec_free (e->spec);
  hull_seccomp_free (e->seccomp);
  hull_landlock_free (e->landlock);
}

/* config.json with its process replaced by the exec'd one, parsed and checked whole: the
   process is checked as a config's is, and against the rest of the config. */
static int
load_spec (struct execution *e, hull_error_t *err)
{
  cleanup_spec struct hull_spec *config = NULL;
  cleanup_json json_t *proc = NULL;
  cleanup_json json_t *doc = NULL;
  cleanup_free char *text = NULL;
  const char *what = e->o->process_file ? e->o->process_file : "the exec'd process";

  if (hull_spec_load (e->st->bundle, &config, err) < 0)
    return -1;
  if (hull_exec_process_json (config->raw, e->o, &proc, err) < 0)
    return -1;
  doc = json_deep_copy (config->raw);
  json_object_set (doc, "process", proc);
  text = json_dumps (doc, JSON_COMPACT);
  if (text == NULL)
    return hull_error (err, ENOMEM, "exec: serialise the process");
  if (hull_spec_parse (text, strlen (text), &e->spec, err) < 0 || hull_spec_validate_linux (e->spec, err) < 0
      || hull_lsm_check (e->spec, err) < 0)
    return hull_error_wrap (err, "exec: %s", what);
  return hull_check_terminal (e->spec->process, e->o->console_socket, !e->o->detach, err);
}

static int
open_running (struct execution *e, hull_error_t *err)
{
  enum hull_status status;

  if (hull_lifecycle_open (e->o->root, e->o->id, true, &e->root_fd, &e->dir_fd, &e->st, err) < 0)
    return -1;
  if (e->st == NULL)
    return hull_error (err, 0, "container `%s` is being created: cannot exec in it", e->o->id);
  status = hull_state_status (e->dir_fd, e->st);
  if (status != HULL_STATUS_RUNNING && status != HULL_STATUS_CREATED)
    return hull_error (err, 0, "container `%s` is %s: cannot exec in it", e->o->id, hull_status_name (status));
  return 0;
}

/* The init's pidfd and root, the namespaces to join, and the cgroup's way in. */
static int
open_init (struct execution *e, hull_error_t *err)
{
  char path[64];
  struct pollfd p;

  e->pidfd = hull_lifecycle_init_pidfd (e->st, err);
  if (e->pidfd < 0)
    return *err ? -1 : hull_error (err, ESRCH, "container `%s` is stopped: cannot exec in it", e->o->id);
  snprintf (path, sizeof path, "/proc/%d/root", (int) e->st->pid);
  e->init_root = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (e->init_root < 0)
    return hull_error_sys (err, "exec: open %s", path);
  if (hull_exec_namespaces (e->st->pid, &e->ns_flags, err) < 0)
    return -1;
  /* Still alive after the opens, so the pid they went through was still the init's. */
  p = (struct pollfd) { .fd = e->pidfd, .events = POLLIN };
  if (poll (&p, 1, 0) != 0)
    return hull_error (err, ESRCH, "container `%s` stopped: cannot exec in it", e->o->id);
  if (e->st->cgroup_path == NULL)
    return 0;
  if (hull_cgroup_open (e->st->cgroup_path, &e->cg, err) < 0 || hull_cgroup_join_open_v2 (e->cg, &e->join, err) < 0
      || hull_cgroup_join_open_v1 (e->cg, &e->join, err) < 0)
    return hull_error_wrap (err, "exec: cgroup of container `%s`", e->o->id);
  return 0;
}

static int
prepare (struct execution *e, hull_error_t *err)
{
  if (open_running (e, err) < 0 || load_spec (e, err) < 0)
    return -1;
  if (hull_prepare_seccomp (e->root_fd, e->spec, &e->seccomp, err) < 0
      || hull_prepare_landlock (e->spec, &e->landlock, err) < 0
      || hull_caps_parse (e->spec->process->capabilities, &e->caps, err) < 0)
    return hull_error_wrap (err, "exec");
  if (open_init (e, err) < 0)
    return -1;
  if (e->o->console_socket && hull_console_connect (e->o->console_socket, &e->console_fd, err) < 0)
    return -1;
  return 0;
}

static int
spawn (struct execution *e, hull_error_t *err)
{
  struct hull_exec_ctx x = {
    .become = {
      .spec = e->spec,
      .seccomp = e->seccomp,
      .landlock = e->landlock,
      .preserve_fds = e->o->preserve_fds,
      .pty_slave = -1,
    },
    .caps = &e->caps,
    .cgroup = e->cg,
    .cgroup_join = e->cg ? &e->join : NULL,
    .init_pidfd = e->pidfd,
    .init_root = e->init_root,
    .ns_flags = e->ns_flags,
    .runtime_fds = { e->root_fd, e->dir_fd, e->console_fd, e->o->log ? e->o->log->fd : -1 },
  };

  if (hull_sync_pair (e->sync, err) < 0)
    return -1;
  x.become.sync_fd = e->sync[1];
  if (hull_exec_spawn (&x, e->sync[0], &e->pid, err) < 0)
    return -1;
  hull_closep (&e->sync[1]);
  hull_cgroup_join_close (&e->join);
  return 0;
}

/* The pty's master end, from the process to --console-socket or kept for the foreground. */
static int
forward_terminal (struct execution *e, hull_error_t *err)
{
  if (!e->spec->process->terminal)
    return 0;
  return hull_console_take (e->sync[0], &e->console_fd, &e->pty_master, err);
}

static int
start (struct execution *e, hull_error_t *err)
{
  struct hull_seccomp_agent agent = {
    .seccomp = e->spec->linux_ ? e->spec->linux_->seccomp : NULL,
    .id = e->o->id,
    .bundle = e->st->bundle,
    .pid = e->st->pid,
    .annotations = e->st->annotations,
  };

  if (spawn (e, err) < 0 || forward_terminal (e, err) < 0)
    return -1;
  if (hull_sync_wait_exec (e->sync[0], hull_seccomp_agent_send, &agent, err) < 0)
    return -1;
  if (e->o->pid_file && hull_lifecycle_write_pid_file (e->o->pid_file, e->pid, err) < 0)
    return -1;
  return 0;
}

int
hull_container_exec (const struct hull_exec_opts *o, int *exit_status, hull_error_t *err)
{
  struct execution e;
  sigset_t set, old;
  int ret;

  execution_init (&e, o);
  *exit_status = 0;
  if (!o->detach)
    hull_signals_block_forwarded (&set, &old);
  ret = prepare (&e, err);
  if (ret == 0)
    ret = start (&e, err);
  if (ret == 0)
    {
      /* The state lock is let go: `delete` and the like need not wait for this process. */
      hull_closep (&e.dir_fd);
      if (!o->detach && e.pty_master >= 0)
        ret = hull_console_proxy (e.pid, hull_steal_fd (e.pty_master), &set, exit_status, err);
      else if (!o->detach)
        hull_signals_forward_wait (e.pid, &set, exit_status);
      e.pid = 0; /* it ran: in the foreground it is reaped, detached it is no longer ours */
    }
  execution_free (&e);
  if (!o->detach)
    sigprocmask (SIG_SETMASK, &old, NULL);
  return ret;
}
