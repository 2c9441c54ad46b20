/* ctr-net.c: the container's network namespace made usable before its process starts: the
   loopback interface brought up, as podman does for --network private and none (the kernel
   makes a new namespace's lo down, and a runtime leaves it so). Done from a child of the
   monitor that joins the container's user namespace (rootless: the user's powers over the
   network namespace come from it) and network namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"
#include "engine.h"

/* Whether /proc/self/ns/NS and /proc/PID/ns/NS are the same namespace; *FD gets PID's open. */
static int
ns_open (pid_t pid, const char *ns, int *fd, bool *same, hull_error_t *err)
{
  char path[64];
  struct stat mine, theirs;

  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, ns);
  *fd = open (path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0)
    return hull_error_sys (err, "`%s`", path);
  snprintf (path, sizeof path, "/proc/self/ns/%s", ns);
  if (fstat (*fd, &theirs) < 0 || stat (path, &mine) < 0)
    return hull_error_sys (err, "the %s namespace of pid %d", ns, (int) pid);
  *same = mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
  return 0;
}

/* In the child: lo up in the namespaces joined; the errno of a failure, else 0. setns to the
   user namespace first: the network namespace belongs to it. */
static int
child_lo_up (int user_fd, int net_fd)
{
  struct ifreq ifr = { 0 };
  int s;

  if ((user_fd >= 0 && setns (user_fd, CLONE_NEWUSER) < 0) || setns (net_fd, CLONE_NEWNET) < 0)
    return errno;
  s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return errno;
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return errno;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return errno;
  return 0;
}

int
hull_engine_loopback_up (pid_t pid, void *arg, hull_error_t *err)
{
  cleanup_close int net_fd = -1;
  cleanup_close int user_fd = -1;
  bool same_net, same_user;
  pid_t child;
  int status;

  (void) arg;
  if (ns_open (pid, "net", &net_fd, &same_net, err) < 0)
    return -1;
  if (same_net) /* --network host */
    return 0;
  if (ns_open (pid, "user", &user_fd, &same_user, err) < 0)
    return -1;
  if (same_user)
    hull_closep (&user_fd);
  child = fork ();
  if (child < 0)
    return hull_error_sys (err, "container network: fork");
  if (child == 0)
    _exit (child_lo_up (user_fd, net_fd));
  if (waitpid (child, &status, 0) < 0)
    return hull_error_sys (err, "container network: waitpid");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return hull_error (err, WIFEXITED (status) ? WEXITSTATUS (status) : 0, "container network: bringing lo up: %s",
                       WIFEXITED (status) ? strerror (WEXITSTATUS (status)) : "the helper was killed");
  return 0;
}
