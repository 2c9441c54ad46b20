/* monitor.c: the process that watches one container, conmon's job. hull_engine_start forks
   it; it leaves the starter's session (so a closed terminal or Ctrl-C does not reach it),
   mounts the rootfs, runs the container through libhull's runtime (so the container's init is
   its child and it alone reaps it), writes the container's stdout and stderr to the log (and
   to the starter's own, while an attached starter is there), records the exit code, cleans
   up, and with --rm removes the container. It outlives the `hull` that started it: when the
   starter goes, the container runs on and its output goes on into the log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/sync.h"
#include "../runtime/container.h"
#include "../runtime/state.h"
#include "ctr-log.h"
#include "engine.h"

struct monitor
{
  const struct hull_monitor_args *a;
  const struct hull_engine *e;
  struct hull_db *db;
  json_t *data;       /* the record's engine data (ctr-create.c) */
  int sock;           /* to the starter; -1 once it has gone */
  int out_fd, err_fd; /* the starter's stdout and stderr while attached, else -1 */
  int pipes[2];       /* the container's stdout and stderr (read ends), -1 at EOF */
  int console[2];     /* the console socketpair, tty only */
  int master;         /* the terminal's master, tty only */
  bool master_logged; /* the monitor reads the terminal (detached, or the starter gone) */
  int sfd;            /* SIGCHLD */
  pid_t pid;
  bool exited;
  int code;
  struct hull_log_writer *log;
};

/* A descriptor moved above 2 and made close-on-exec, so that the container's init, which
   gets 0, 1 and 2, inherits nothing else of ours. */
static int
move_high (int fd)
{
  int r;
  if (fd < 0)
    return -1;
  r = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  return r;
}

/* 0, 1 and 2 become what the container's init starts with: stdin the starter's (interactive)
   or /dev/null, stdout and stderr the write ends of two pipes the monitor reads (or
   /dev/null for a tty, whose init gets the terminal instead). */
static int
setup_stdio (struct monitor *m, hull_error_t *err)
{
  int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  int in = m->a->o.interactive && !m->a->o.tty && m->a->in_fd >= 0 ? m->a->in_fd : devnull;
  int w[2] = { devnull, devnull };

  if (devnull < 0)
    return hull_error_sys (err, "monitor: /dev/null");
  if (!m->a->o.tty)
    for (int i = 0; i < 2; i++)
      {
        int p[2];
        if (pipe2 (p, O_CLOEXEC) < 0)
          return hull_error_sys (err, "monitor: pipe");
        m->pipes[i] = p[0];
        w[i] = p[1];
      }
  else if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m->console) < 0)
    return hull_error_sys (err, "monitor: console socketpair");
  if (dup2 (in, 0) < 0 || dup2 (w[0], 1) < 0 || dup2 (w[1], 2) < 0)
    return hull_error_sys (err, "monitor: the container's stdio");
  for (int i = 0; i < 2; i++)
    if (w[i] != devnull)
      close (w[i]);
  close (devnull);
  return 0;
}

/* After the runtime has started the init (which has its copies): the monitor's 0, 1 and 2
   back on /dev/null, so the pipes end when the container's processes close them. */
static void
release_stdio (void)
{
  int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0)
    return;
  dup2 (devnull, 0);
  dup2 (devnull, 1);
  dup2 (devnull, 2);
  close (devnull);
}

/* The terminal's master, sent by the runtime on the console socketpair as to runc's
   --console-socket. */
static int
receive_master (struct monitor *m, hull_error_t *err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  char name[64];
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *c;

  if (recvmsg (m->console[0], &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
    return hull_error_sys (err, "monitor: receive the terminal");
  c = CMSG_FIRSTHDR (&mh);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN (sizeof (int)))
    return hull_error (err, 0, "monitor: the runtime sent no terminal");
  memcpy (&m->master, CMSG_DATA (c), sizeof (int));
  return 0;
}

/* Up to a running container: rootfs, runtime, init pid, terminal. */
static int
start (struct monitor *m, hull_error_t *err)
{
  cleanup_free char *bundle = hull_engine_ctr_path (m->e, m->a->id, NULL);
  struct hull_create_opts co = {
    .root = m->e->runtime_root,
    .id = m->a->id,
    .bundle = bundle,
    .detach = true,
    .pid_out = &m->pid,
    .prestart = hull_engine_loopback_up,
    .log = m->e->log,
  };
  hull_error_t stale = NULL;
  int status = 0;

  if (setup_stdio (m, err) < 0 || hull_engine_rootfs_mount (m->e, m->a->id, m->data, err) < 0)
    return -1;
  /* what an earlier run left in the runtime (its monitor killed) is gone before this one */
  if (hull_container_delete (m->e->runtime_root, m->a->id, true, m->e->log, &stale) < 0)
    hull_error_free (&stale);
  co.console_fd = m->a->o.tty ? m->console[1] : -1;
  if (hull_container_run (&co, &status, err) < 0)
    return -1;
  release_stdio ();
  return m->a->o.tty ? receive_master (m, err) : 0;
}

/* Best effort: the runtime's container and the rootfs mount gone. */
static void
clean_runtime (struct monitor *m)
{
  hull_error_t err = NULL;

  if (hull_container_delete (m->e->runtime_root, m->a->id, true, m->e->log, &err) < 0)
    {
      if (err->errno_ != ENOENT)
        hull_debug (m->e->log, "container %.12s: runtime delete: %s", m->a->id, err->msg);
      hull_error_free (&err);
    }
  if (hull_engine_rootfs_unmount (m->e, m->a->id, &err) < 0)
    {
      hull_warn (m->e->log, "container %.12s: %s", m->a->id, err->msg);
      hull_error_free (&err);
    }
}

static void
tell (struct monitor *m, enum hull_sync_type type, int value, const int *fd)
{
  hull_error_t err = NULL;

  if (m->sock < 0)
    return;
  if ((fd ? hull_sync_send_fds (m->sock, type, value, fd, 1, &err) : hull_sync_send (m->sock, type, value, NULL, &err))
      < 0)
    {
      hull_error_free (&err);
      hull_closep (&m->sock);
    }
}

/* The starter has gone: nobody is attached any more. */
static void
starter_gone (struct monitor *m)
{
  hull_closep (&m->sock);
  hull_closep (&m->out_fd);
  hull_closep (&m->err_fd);
  m->master_logged = true;
}

/* One read of the container's STREAM from FD into the log and the attached starter; false
   at EOF. */
static bool
relay (struct monitor *m, int fd, enum hull_log_stream stream)
{
  char buf[16384];
  ssize_t n = read (fd, buf, sizeof buf);
  hull_error_t err = NULL;
  int *to = stream == HULL_LOG_STDOUT ? &m->out_fd : &m->err_fd;

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0) /* EOF, or EIO: a terminal whose last slave closed */
    return false;
  if (m->log && hull_log_write (m->log, stream, buf, (size_t) n, &err) < 0)
    {
      hull_warn (m->e->log, "container %.12s: log: %s", m->a->id, err->msg);
      hull_error_free (&err);
    }
  if (*to >= 0 && hull_write_all (*to, buf, (size_t) n, "output", &err) < 0)
    {
      hull_error_free (&err);
      hull_closep (to);
    }
  return true;
}

static void
reap (struct monitor *m)
{
  struct signalfd_siginfo si;
  int status;
  pid_t r;

  while (read (m->sfd, &si, sizeof si) == sizeof si)
    ;
  while ((r = waitpid (-1, &status, WNOHANG)) > 0)
    if (r == m->pid)
      {
        m->exited = true;
        m->code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
      }
}

/* Until the init has ended: its output relayed, its children reaped, the starter watched. */
static void
watch (struct monitor *m)
{
  while (!m->exited)
    {
      struct pollfd p[5] = {
        { .fd = m->sfd, .events = POLLIN },
        { .fd = m->pipes[0], .events = POLLIN },
        { .fd = m->pipes[1], .events = POLLIN },
        { .fd = m->master_logged ? m->master : -1, .events = POLLIN },
        { .fd = m->sock, .events = POLLIN }, /* nothing comes: it tells of the starter's end */
      };
      if (poll (p, 5, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          hull_warn (m->e->log, "container %.12s: monitor: poll: %m", m->a->id);
          return;
        }
      if (p[0].revents)
        reap (m);
      for (int i = 0; i < 2; i++)
        if (p[1 + i].revents && !relay (m, m->pipes[i], i == 0 ? HULL_LOG_STDOUT : HULL_LOG_STDERR))
          hull_closep (&m->pipes[i]);
      if (p[3].revents && !relay (m, m->master, HULL_LOG_STDOUT))
        hull_closep (&m->master);
      if (p[4].revents)
        starter_gone (m);
    }
}

/* What is still in the pipes once the init has ended (never waiting: a process the init left
   behind may hold a write end until the runtime's delete kills it). */
static void
drain (struct monitor *m)
{
  int fds[3] = { m->pipes[0], m->pipes[1], m->master_logged ? m->master : -1 };

  for (int i = 0; i < 3; i++)
    {
      if (fds[i] < 0 || fcntl (fds[i], F_SETFL, O_NONBLOCK) < 0)
        continue;
      while (relay (m, fds[i], i == 1 ? HULL_LOG_STDERR : HULL_LOG_STDOUT))
        {
          struct pollfd p = { .fd = fds[i], .events = POLLIN };
          if (poll (&p, 1, 0) <= 0)
            break;
        }
    }
}

/* --rm: the record claimed (unless `rm` did first) and everything removed. */
static void
remove_container (struct monitor *m)
{
  hull_error_t err = NULL;
  bool moved = false;

  if (hull_db_claim_removal (m->db, m->a->id, 1u << HULL_CTR_EXITED | 1u << HULL_CTR_CREATED, &moved, &err) < 0
      || (moved && (hull_engine_teardown (m->e, m->a->id, &err) < 0 || hull_db_delete (m->db, m->a->id, &err) < 0)))
    {
      hull_warn (m->e->log, "container %.12s: --rm: %s", m->a->id, err->msg);
      hull_error_free (&err);
    }
}

static int
open_all (struct monitor *m, hull_error_t *err)
{
  struct hull_ctr rec = { 0 };
  cleanup_close int dir = -1;
  unsigned long long start_time = 0;
  json_error_t jerr;
  sigset_t set;
  bool zombie;
  int r;

  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0 || (m->sfd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
    return hull_error_sys (err, "monitor: signalfd");
  if (hull_engine_db (m->e, &m->db, err) < 0 || hull_db_get (m->db, m->a->id, &rec, err) < 0)
    return -1;
  m->data = json_loads (rec.spec ?: "{}", 0, &jerr);
  hull_ctr_clear (&rec);
  if (m->data == NULL)
    return hull_error (err, 0, "container %.12s: its record's data: %s", m->a->id, jerr.text);
  hull_proc_start_time (getpid (), &start_time, &zombie);
  r = hull_db_set_monitor (m->db, m->a->id, getpid (), start_time, err);
  if (r < 0 || hull_engine_ctr_dir (m->e, m->a->id, &dir, err) < 0)
    return -1;
  return hull_log_writer_open (dir, HULL_CTR_LOG, HULL_CTR_LOG_MAX, &m->log, err);
}


static void
failed_start (struct monitor *m, hull_error_t *err)
{
  hull_error_t e2 = NULL;
  int code = hull_engine_start_failure_code ((*err)->errno_);

  release_stdio ();
  hull_sync_send_error (m->sock, err);
  clean_runtime (m);
  if (m->db && (hull_db_set_monitor (m->db, m->a->id, 0, 0, &e2) < 0
                || hull_db_set_exited (m->db, m->a->id, code, hull_engine_now_ns (), &e2) < 0))
    hull_error_free (&e2);
  if (m->db && m->a->o.remove)
    remove_container (m);
  hull_error_free (err);
}

__attribute__ ((noreturn)) void
hull_monitor_main (const struct hull_monitor_args *a)
{
  struct monitor m = {
    .a = a,
    .e = a->e,
    .sock = a->sock,
    .pipes = { -1, -1 },
    .console = { -1, -1 },
    .master = -1,
    .sfd = -1,
  };
  hull_error_t err = NULL;

  /* its own session: no terminal signals, and a starter's death is nothing to it */
  setsid ();
  signal (SIGPIPE, SIG_IGN);
  m.out_fd = a->o.attach ? move_high (a->out_fd) : -1;
  m.err_fd = a->o.attach ? move_high (a->err_fd) : -1;
  /* the container's init is cloned as this process's child; anything it leaves orphaned
     comes here too rather than to the host's init */
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  if (open_all (&m, &err) < 0 || start (&m, &err) < 0)
    {
      failed_start (&m, &err);
      _exit (1);
    }
  if (hull_db_set_running (m.db, a->id, m.pid, hull_engine_now_ns (), &err) < 0)
    {
      hull_warn (m.e->log, "container %.12s: %s", a->id, err->msg);
      hull_error_free (&err);
    }
  tell (&m, HULL_SYNC_READY, m.pid, NULL);
  if (a->o.tty && a->o.attach && m.sock >= 0)
    tell (&m, HULL_SYNC_PTY, 0, &m.master);
  m.master_logged = !(a->o.tty && a->o.attach && m.sock >= 0);
  watch (&m);
  drain (&m);
  if (m.log && hull_log_writer_close (m.log, &err) < 0)
    {
      hull_warn (m.e->log, "container %.12s: log: %s", a->id, err->msg);
      hull_error_free (&err);
    }
  m.log = NULL;
  clean_runtime (&m);
  if (hull_db_set_exited (m.db, a->id, m.code, hull_engine_now_ns (), &err) < 0)
    {
      hull_warn (m.e->log, "container %.12s: %s", a->id, err->msg);
      hull_error_free (&err);
    }
  if (a->o.remove)
    remove_container (&m);
  tell (&m, HULL_SYNC_EXITED, m.code, NULL);
  _exit (0);
}
