/* terminal.c: process.terminal's pseudo-terminal, and the --console-socket it is sent to. */
#define _GNU_SOURCE
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "../core/util.h"
#include "sync.h"

int
hull_pty_open (const struct hull_process *p, int *master, int *slave, hull_error_t *err)
{
  cleanup_close int m = -1;
  cleanup_close int s = -1;
  int unlock = 0;

  /* The container's /dev/ptmx: a link to its own devpts instance, so the pty lives there and
     not in the host's /dev/pts. */
  m = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return hull_error_sys (err, "process.terminal: open /dev/ptmx in the container");
  if (ioctl (m, TIOCSPTLCK, &unlock) < 0)
    return hull_error_sys (err, "process.terminal: unlock the pseudo-terminal");
  /* The slave by descriptor, not by a path under /dev/pts that the container could swap. */
  s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return hull_error_sys (err, "process.terminal: open the pseudo-terminal's slave end");
  if (p->has_console_size)
    {
      struct winsize ws = { .ws_row = p->console_height, .ws_col = p->console_width };
      if (ioctl (m, TIOCSWINSZ, &ws) < 0)
        return hull_error_sys (err, "process.consoleSize %ux%u", p->console_width, p->console_height);
    }
  /* The program owns its terminal, as after a login (the group stays devpts' gid). */
  if (fchown (s, p->user.uid, (gid_t) -1) < 0)
    return hull_error_sys (err, "process.terminal: give the pseudo-terminal to uid %u", p->user.uid);
  *master = hull_steal_fd (m);
  *slave = hull_steal_fd (s);
  return 0;
}

/* /dev/console as a plain file to mount on: made if missing, a symlink replaced. */
static int
console_target (int dev, int *out, hull_error_t *err)
{
  struct stat st;
  int fd;

  if (fstatat (dev, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode) && unlinkat (dev, "console", 0) < 0)
    return hull_error_sys (err, "process.terminal: remove the /dev/console link");
  fd = openat (dev, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    return hull_error_sys (err, "process.terminal: create /dev/console");
  if (fd >= 0)
    close (fd);
  *out = openat (dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (*out < 0)
    return hull_error_sys (err, "process.terminal: open /dev/console");
  /* What is mounted on is what was checked: a file, never a link swapped in meanwhile
     (CVE-2025-52565 sent runc's console mount through one). */
  if (fstat (*out, &st) < 0)
    return hull_error_sys (err, "process.terminal: stat /dev/console");
  if (!S_ISREG (st.st_mode) && !S_ISCHR (st.st_mode))
    return hull_error (err, EINVAL, "process.terminal: /dev/console is neither a file nor a device");
  return 0;
}

int
hull_pty_bind_console (int slave, hull_error_t *err)
{
  cleanup_close int dev = open ("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int target = -1;
  cleanup_close int tree = -1;

  if (dev < 0)
    return hull_error_sys (err, "process.terminal: open /dev");
  if (console_target (dev, &target, err) < 0)
    return -1;
  /* a bind of the slave itself, taken from its descriptor: no path the container could swap */
  tree = open_tree (slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return hull_error_sys (err, "process.terminal: clone the pseudo-terminal for /dev/console");
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_error_sys (err, "process.terminal: mount the pseudo-terminal on /dev/console");
  return 0;
}

int
hull_pty_become_controlling (int slave, hull_error_t *err)
{
  if (setsid () < 0)
    return hull_error_sys (err, "process.terminal: start a new session");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return hull_error_sys (err, "process.terminal: make the pseudo-terminal the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return hull_error_sys (err, "process.terminal: make the pseudo-terminal fd %d", fd);
  if (slave > 2)
    close (slave);
  return 0;
}

int
hull_console_connect (const char *path, int *sock, hull_error_t *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof sa.sun_path)
    return hull_error (err, ENAMETOOLONG, "--console-socket `%s`: path too long for a unix socket", path);
  strcpy (sa.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return hull_error_sys (err, "--console-socket `%s`: socket", path);
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    return hull_error_sys (err, "--console-socket `%s`: connect", path);
  *sock = hull_steal_fd (fd);
  return 0;
}

int
hull_console_send (int sock, int master, hull_error_t *err)
{
  /* runc's message: the terminal's name as data, the master as the one descriptor */
  static const char name[] = "/dev/ptmx";
  if (hull_sendmsg_fds (sock, name, sizeof name - 1, &master, 1) < 0)
    return hull_error_sys (err, "--console-socket: send the terminal");
  return 0;
}
