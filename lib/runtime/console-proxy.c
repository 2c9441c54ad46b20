/* console-proxy.c: the foreground runtime as its process's terminal (see console-proxy.h). */
#define _GNU_SOURCE
#include "console-proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/sync.h"
#include "../linux/terminal.h"
#include "lifecycle.h"

void
hull_console_pass_window_size (int master)
{
  struct winsize ws;
  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl (master, TIOCSWINSZ, &ws);
}

int
hull_console_take (int sync, int *console_fd, int *master, hull_error_t *err)
{
  int fd = -1;
  size_t n = 0;
  int r;

  if (hull_sync_expect_fds (sync, HULL_SYNC_PTY, NULL, &fd, 1, &n, err) < 0)
    return -1;
  if (n != 1)
    return hull_error (err, 0, "process.terminal: the container sent no terminal");
  if (*console_fd < 0)
    {
      /* sized now, before the program starts and asks (the proxy passes changes later) */
      hull_console_pass_window_size (fd);
      *master = fd;
      return 0;
    }
  r = hull_console_send (*console_fd, fd, err);
  close (fd);
  close (hull_steal_fd (*console_fd));
  return r;
}

struct proxy
{
  pid_t pid;
  int master;
  int sfd;
  bool in_open;      /* stdin not at EOF yet */
  int eofs;          /* end-of-file characters still to type once stdin has ended */
  bool master_open;  /* the slave end still open somewhere */
  bool exited;
  int status;
};


/* One read from FROM written whole to TO. 0 at EOF (or EIO: a pty with no slave left). */
int
hull_console_copy_once (int from, int to, const char *what, hull_error_t *err)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 1;
  if (n < 0 && errno == EIO)
    return 0;
  if (n < 0)
    return hull_error_sys (err, "terminal: read %s", what);
  if (n == 0)
    return 0;
  return hull_write_all (to, buf, n, what, err) < 0 ? -1 : 1;
}

/* stdin at EOF: the terminal gets its end-of-file character, so a reading program ends. */
#define EOF_QUIET_MS 100
#define EOF_TRIES 3
void
hull_console_send_eof (int master)
{
  struct termios t;
  char eof = 4;
  if (tcgetattr (master, &t) == 0)
    eof = (char) t.c_cc[VEOF];
  if (write (master, &eof, 1) < 0)
    return;
}

static void
on_signal (struct proxy *p)
{
  struct signalfd_siginfo si;
  int status;
  pid_t r;

  if (read (p->sfd, &si, sizeof si) != sizeof si)
    return;
  if (si.ssi_signo == SIGWINCH)
    {
      hull_console_pass_window_size (p->master);
      return;
    }
  if (si.ssi_signo != SIGCHLD)
    {
      kill (p->pid, (int) si.ssi_signo);
      return;
    }
  while ((r = waitpid (-1, &status, WNOHANG)) > 0)
    if (r == p->pid)
      {
        p->exited = true;
        p->status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
      }
}

static int
loop (struct proxy *p, hull_error_t *err)
{
  while (!p->exited || p->master_open)
    {
      struct pollfd fds[3] = {
        { .fd = p->sfd, .events = POLLIN },
        { .fd = p->master_open ? p->master : -1, .events = POLLIN },
        { .fd = p->in_open && !p->exited ? STDIN_FILENO : -1, .events = POLLIN },
      };
      /* Once the process is gone, what is left in the terminal is drained without waiting
         for others that may hold its slave. After stdin's end, the program is typed its
         end-of-file character once it has been quiet a while (one typed at once could be
         lost to a program still setting up its terminal), a few times at most. */
      int timeout = p->exited ? 0 : (!p->in_open && p->eofs > 0 ? EOF_QUIET_MS : -1);
      int r = poll (fds, 3, timeout);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return hull_error_sys (err, "terminal: poll");
      if (r == 0 && p->exited)
        break;
      if (r == 0)
        {
          hull_console_send_eof (p->master);
          p->eofs--;
          continue;
        }
      if (fds[0].revents)
        on_signal (p);
      if (fds[1].revents)
        {
          int c = hull_console_copy_once (p->master, STDOUT_FILENO, "the terminal", err);
          if (c < 0)
            return -1;
          p->master_open = c > 0;
        }
      if (fds[2].revents)
        {
          int c = hull_console_copy_once (STDIN_FILENO, p->master, "stdin", err);
          if (c < 0)
            return -1;
          p->in_open = c > 0;
        }
    }
  return 0;
}

int
hull_console_proxy (pid_t pid, int master, const sigset_t *set, int *exit_status, hull_error_t *err)
{
  struct proxy p = { .pid = pid, .master = master, .in_open = true, .master_open = true, .eofs = EOF_TRIES };
  struct termios saved, raw;
  bool restore = false;
  int ret;

  p.sfd = signalfd (-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (p.sfd < 0)
    {
      close (master);
      return hull_error_sys (err, "terminal: signalfd");
    }
  if (isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      raw = saved;
      cfmakeraw (&raw);
      restore = tcsetattr (STDIN_FILENO, TCSANOW, &raw) == 0;
    }
  ret = loop (&p, err);
  if (restore)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  close (p.sfd);
  close (master);
  *exit_status = p.status;
  /* The process still runs when copying failed: wait for it as without a terminal. */
  if (!p.exited)
    hull_signals_forward_wait (pid, set, exit_status);
  return ret;
}
