/* exec-spawn.c: the way of an exec'd process into a running container (see exec-spawn.h).
   Two processes: the first is cloned into the container's cgroup, joins the namespaces and
   the root, and forks the second as the runtime's child (CLONE_PARENT), which is then in
   the container's pid and time namespaces (setns gives those to children only). */
#define _GNU_SOURCE
#include "exec-spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"
#include "spawn.h"
#include "sync.h"
#include "terminal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct
{
  const char *name;
  int flag;
} ns_names[] = {
  { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },  { "pid", CLONE_NEWPID },       { "net", CLONE_NEWNET },
  { "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS }, { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int
hull_exec_namespaces (pid_t pid, int *flags, hull_error_t *err)
{
  *flags = 0;
  for (size_t i = 0; i < sizeof ns_names / sizeof ns_names[0]; i++)
    {
      char path[64];
      struct stat ours, theirs;
      snprintf (path, sizeof path, "/proc/self/ns/%s", ns_names[i].name);
      if (stat (path, &ours) < 0)
        {
          if (errno == ENOENT)
            continue; /* a kernel without this namespace type */
          return hull_error_sys (err, "stat %s", path);
        }
      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, ns_names[i].name);
      if (stat (path, &theirs) < 0)
        return hull_error_sys (err, "stat %s", path);
      if (ours.st_dev != theirs.st_dev || ours.st_ino != theirs.st_ino)
        *flags |= ns_names[i].flag;
    }
  return 0;
}

/* After setns into the mount namespace the root is that namespace's; a container made with
   --no-pivot lives in a chroot below it, which the init's root names. */
static int
enter_root (int init_root, hull_error_t *err)
{
  struct stat want, now;

  if (fstat (init_root, &want) < 0 || stat ("/", &now) < 0)
    return hull_error_sys (err, "exec: examine the container's root");
  if ((want.st_dev != now.st_dev || want.st_ino != now.st_ino)
      && (fchdir (init_root) < 0 || chroot (".") < 0))
    return hull_error_sys (err, "exec: enter the container's root");
  if (chdir ("/") < 0)
    return hull_error_sys (err, "exec: chdir /");
  return 0;
}

/* The process that becomes the program: it waits for GO, so that the runtime has its pid
   before anything else it sends. */
static void __attribute__ ((noreturn))
second (struct hull_exec_ctx *x)
{
  const struct hull_process *p = x->become.spec->process;
  int sync_fd = x->become.sync_fd;
  hull_error_t err = NULL;
  cleanup_free char *exe = NULL;
  int master = -1;

  if (hull_sync_expect (sync_fd, HULL_SYNC_GO, NULL, &err) < 0 || hull_become_oom_score_adj (p, &err) < 0)
    hull_sync_fail_exit (sync_fd, &err);
  if (p->terminal)
    {
      if (hull_pty_open (p, &master, &x->become.pty_slave, &err) < 0)
        hull_sync_fail_exit (sync_fd, &err);
      if (hull_sync_send_fds (sync_fd, HULL_SYNC_PTY, 0, &master, 1, &err) < 0)
        hull_sync_fail_exit (sync_fd, &err);
      close (master);
    }
  if (hull_become_resolve (p, &exe, &err) < 0)
    hull_sync_fail_exit (sync_fd, &err);
  hull_become (&x->become, exe, x->caps, &err);
  hull_sync_fail_exit (sync_fd, &err);
}

static void __attribute__ ((noreturn))
first (struct hull_exec_ctx *x, int parent_sync)
{
  int sync_fd = x->become.sync_fd;
  hull_error_t err = NULL;
  pid_t pid;

  close (parent_sync);
  for (size_t i = 0; i < sizeof x->runtime_fds / sizeof x->runtime_fds[0]; i++)
    if (x->runtime_fds[i] >= 0)
      close (x->runtime_fds[i]);
  if (x->cgroup_join && x->cgroup_join->clone_fd >= 0)
    close (hull_steal_fd (x->cgroup_join->clone_fd));
  /* Not dumpable until execve: nothing in the container may ptrace or open /proc of a
     process that still holds the host's privileges (CVE-2016-9962). */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    {
      hull_error_sys (&err, "exec: prctl PR_SET_DUMPABLE");
      hull_sync_fail_exit (sync_fd, &err);
    }
  /* The v1 groups first, while our credentials are still the host's. */
  if (x->cgroup != NULL && hull_cgroup_join_self (x->cgroup, x->cgroup_join, &err) < 0)
    hull_sync_fail_exit (sync_fd, &err);
  /* One call for all: the kernel orders the user namespace itself and joins all or none. */
  if (x->ns_flags != 0 && setns (x->init_pidfd, x->ns_flags) < 0)
    {
      hull_error_sys (&err, "exec: join the container's namespaces");
      hull_sync_fail_exit (sync_fd, &err);
    }
  close (x->init_pidfd);
  if (enter_root (x->init_root, &err) < 0)
    hull_sync_fail_exit (sync_fd, &err);
  close (x->init_root);
  pid = hull_clone3 (CLONE_PARENT, -1);
  if (pid < 0)
    {
      hull_error_sys (&err, "exec: fork the process in the container");
      hull_sync_fail_exit (sync_fd, &err);
    }
  if (pid == 0)
    second (x);
  if (hull_sync_send (sync_fd, HULL_SYNC_CHILD_PID, pid, NULL, &err) < 0)
    {
      kill (pid, SIGKILL);
      hull_sync_fail_exit (sync_fd, &err);
    }
  _exit (0);
}

int
hull_exec_spawn (struct hull_exec_ctx *x, int parent_sync, pid_t *pid, hull_error_t *err)
{
  int cgroup_fd = x->cgroup_join ? x->cgroup_join->clone_fd : -1;
  pid_t c = hull_clone3 (0, cgroup_fd);
  int32_t value = 0;
  int status;

  if (c < 0)
    return hull_error_sys (err, "exec: clone into the container's cgroup");
  if (c == 0)
    first (x, parent_sync);
  if (hull_sync_expect (parent_sync, HULL_SYNC_CHILD_PID, &value, err) < 0)
    kill (c, SIGKILL);
  while (waitpid (c, &status, 0) < 0 && errno == EINTR)
    ;
  if (*err)
    return -1;
  *pid = value;
  if (hull_sync_send (parent_sync, HULL_SYNC_GO, 0, NULL, err) < 0)
    {
      kill (*pid, SIGKILL);
      while (waitpid (*pid, &status, 0) < 0 && errno == EINTR)
        ;
      return -1;
    }
  return 0;
}
