/* ctr-start.c: `hull start` and the second half of `hull run`: a monitor forked for the
   container (monitor.c), and, attached, this process as the user's end of it until the
   container ends: its output arrives through the monitor, its terminal (with -t) is relayed
   here, and the signals this process gets go on to the container. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/sync.h"
#include "../runtime/console-proxy.h"
#include "../runtime/container.h"
#include "engine.h"

/* The signals an attached starter passes on to the container (podman's --sig-proxy). */
static void
proxy_signals (sigset_t *set)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
  sigemptyset (set);
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
    sigaddset (set, sigs[i]);
}

struct attach
{
  const struct hull_engine *e;
  const char *id;
  int sock;
  int sfd;
  int master;        /* -1 without a terminal */
  bool in_open;      /* stdin still to be copied to the terminal */
  bool done;
  int code;
};

static void
on_signal (struct attach *t)
{
  struct signalfd_siginfo si;
  hull_error_t err = NULL;

  if (read (t->sfd, &si, sizeof si) != sizeof si)
    return;
  if (si.ssi_signo == SIGWINCH)
    {
      if (t->master >= 0)
        hull_console_pass_window_size (t->master);
      return;
    }
  if (hull_container_kill (t->e->runtime_root, t->id, (int) si.ssi_signo, false, &err) < 0)
    hull_error_free (&err);
}

/* The monitor's message: EXITED ends the attachment; its end without one is an error. */
static int
on_monitor (struct attach *t, hull_error_t *err)
{
  enum hull_sync_type type;
  int32_t value;

  if (hull_sync_recv (t->sock, &type, &value, err) < 0)
    return hull_error (err, 0, "container %.12s: its monitor ended without saying how the container did "
                               "(see `hull ps -a`)", t->id);
  if (type == HULL_SYNC_EXITED)
    {
      t->done = true;
      t->code = value;
    }
  return 0;
}

static int
loop (struct attach *t, hull_error_t *err)
{
  bool master_open = t->master >= 0;

  while (!t->done)
    {
      struct pollfd p[4] = {
        { .fd = t->sfd, .events = POLLIN },
        { .fd = t->sock, .events = POLLIN },
        { .fd = master_open ? t->master : -1, .events = POLLIN },
        { .fd = master_open && t->in_open ? STDIN_FILENO : -1, .events = POLLIN },
      };
      int c;

      if (poll (p, 4, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return hull_error_sys (err, "attach: poll");
        }
      if (p[0].revents)
        on_signal (t);
      /* the terminal first, so that its last output is shown before the exit is taken */
      if (p[2].revents)
        {
          if ((c = hull_console_copy_once (t->master, STDOUT_FILENO, "the terminal", err)) < 0)
            return -1;
          master_open = c > 0;
        }
      if (p[3].revents)
        {
          if ((c = hull_console_copy_once (STDIN_FILENO, t->master, "stdin", err)) < 0)
            return -1;
          t->in_open = c > 0;
          if (!t->in_open)
            hull_console_send_eof (t->master);
        }
      if (p[1].revents && !(master_open && p[2].revents) && on_monitor (t, err) < 0)
        return -1;
    }
  return 0;
}

/* Attached: the terminal relayed (raw, as the runtime's own foreground run does) or only the
   exit awaited; the monitor writes the output of a container without a terminal itself. */
static int
attach (struct attach *t, const struct hull_start_opts *o, hull_error_t *err)
{
  struct termios saved, raw;
  bool restore = false;
  sigset_t set, old;
  size_t n = 0;
  int r;

  if (o->tty)
    {
      if (hull_sync_expect_fds (t->sock, HULL_SYNC_PTY, NULL, &t->master, 1, &n, err) < 0)
        return -1;
      if (n != 1)
        return hull_error (err, 0, "container %.12s: its monitor sent no terminal", t->id);
      hull_console_pass_window_size (t->master);
      t->in_open = o->interactive;
      if (o->interactive && isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          raw = saved;
          cfmakeraw (&raw);
          restore = tcsetattr (STDIN_FILENO, TCSANOW, &raw) == 0;
        }
    }
  proxy_signals (&set);
  sigprocmask (SIG_BLOCK, &set, &old);
  t->sfd = signalfd (-1, &set, SFD_CLOEXEC);
  r = t->sfd < 0 ? hull_error_sys (err, "attach: signalfd") : loop (t, err);
  if (restore)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  hull_closep (&t->sfd);
  hull_closep (&t->master);
  sigprocmask (SIG_SETMASK, &old, NULL);
  return r;
}

int
hull_engine_start (const struct hull_engine *e, const char *id, const struct hull_start_opts *o, int *exit_code,
                   hull_error_t *err)
{
  struct attach t = { .e = e, .id = id, .sfd = -1, .master = -1 };
  cleanup_close int sock = -1;
  enum hull_sync_type type = 0;
  int32_t value = 0;
  int pair[2];
  pid_t child;

  if (hull_sync_pair (pair, err) < 0)
    return -1;
  child = fork ();
  if (child < 0)
    {
      close (pair[0]);
      close (pair[1]);
      return hull_error_sys (err, "container %.12s: fork its monitor", id);
    }
  if (child == 0)
    {
      struct hull_monitor_args a = {
        .e = e, .id = id, .o = *o, .sock = pair[1], .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO,
        .err_fd = STDERR_FILENO,
      };
      close (pair[0]);
      hull_monitor_main (&a);
    }
  close (pair[1]);
  sock = pair[0];
  /* READY, or ERROR with the exit code podman would give (125, or 126/127 for a command
     that cannot be run) */
  *exit_code = 125;
  if (hull_sync_recv (sock, &type, &value, err) < 0)
    {
      if (type == HULL_SYNC_ERROR)
        *exit_code = hull_engine_start_failure_code (value);
      else
        hull_error_wrap (err, "container %.12s: its monitor ended before the container started", id);
      return -1;
    }
  if (type != HULL_SYNC_READY)
    return hull_error (err, 0, "container %.12s: its monitor said %d, not that the container started", id, type);
  *exit_code = 0;
  if (!o->attach)
    return 0;
  t.sock = sock;
  if (attach (&t, o, err) < 0)
    return -1;
  *exit_code = t.code;
  return 0;
}
