/* become.c: the last steps from a process that sits in the container's namespaces to the
   user's program: working directory, environment, labels, rlimits, scheduling, Landlock and
   seccomp, capabilities and the uid switch, no_new_privs, and execve. Shared by the
   container's init (init.c) and by the processes `exec` puts into a running container
   (exec.c), so both are walled in by the same code in the same order. */
#define _GNU_SOURCE
#include "become.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"
#include "lsm-labels.h"
#include "procattr.h"
#include "sync.h"
#include "terminal.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *
env_get (char *const *env, const char *name)
{
  size_t n = strlen (name);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], name, n) == 0 && env[i][n] == '=')
      return env[i] + n + 1;
  return NULL;
}

int
hull_become_oom_score_adj (const struct hull_process *p, hull_error_t *err)
{
  char buf[16];
  if (p == NULL || !p->has_oom_score_adj)
    return 0;
  snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  if (hull_write_file_at (AT_FDCWD, "/proc/self/oom_score_adj", buf, strlen (buf), err) < 0)
    return hull_error_wrap (err, "process.oomScoreAdj %d", p->oom_score_adj);
  return 0;
}

static bool
is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 0111);
}


/* A command that is not there: the message says so itself, and errno_ is ENOENT for callers
   that tell it from other failures (the engine's exit code 127). */
static int __attribute__ ((format (printf, 2, 3)))
missing (hull_error_t *err, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  hull_verror (err, 0, fmt, ap);
  va_end (ap);
  if (*err)
    (*err)->errno_ = ENOENT;
  return -1;
}

/* Find args[0] as execvp would, in the container (after pivot_root), with the container's PATH. */
int
hull_become_resolve (const struct hull_process *p, char **out, hull_error_t *err)
{
  const char *arg0 = p->args[0];
  const char *path = env_get (p->env, "PATH");
  cleanup_free char *copy = NULL;
  char *save = NULL;

  if (strchr (arg0, '/'))
    {
      if (access (arg0, F_OK) < 0)
        return missing (err, "exec `%s`: no such file or directory", arg0);
      *out = xstrdup (arg0);
      return 0;
    }
  copy = xstrdup (path ? path : DEFAULT_PATH);
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *cand = xasprintf ("%s/%s", *dir ? dir : ".", arg0);
      if (is_executable (cand))
        {
          *out = hull_steal_ptr (cand);
          return 0;
        }
    }
  return missing (err, "exec `%s`: executable file not found in $PATH", arg0);
}

static int
set_rlimits (const struct hull_process *p, hull_error_t *err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit (p->rlimits[i].resource, &rl) < 0)
        return hull_error_sys (err, "process.rlimits[%zu] %s (soft %llu, hard %llu)", i, p->rlimits[i].type,
                               (unsigned long long) rl.rlim_cur, (unsigned long long) rl.rlim_max);
    }
  return 0;
}

/* The environment the program gets: process.env, plus HOME from /etc/passwd when unset. */
static char **
final_env (const struct hull_process *p)
{
  size_t n = hull_strv_len (p->env);
  char **env = xmalloc0 ((n + 2) * sizeof *env);
  memcpy (env, p->env, n * sizeof *env);
  if (env_get (p->env, "HOME") == NULL)
    {
      cleanup_free char *home = hull_passwd_field ("/etc/passwd", p->user.uid, 5);
      env[n] = xasprintf ("HOME=%s", home && home[0] ? home : "/");
    }
  return env;
}


/* A user namespace whose gid map an unprivileged runtime wrote itself denies setgroups(2)
   for good: the process keeps the supplementary groups it had, which is all there is to do
   when none are asked for (as runc does). */
static bool
setgroups_denied (void)
{
  char buf[8] = "";
  cleanup_close int fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read (fd, buf, sizeof buf - 1) > 0 && strncmp (buf, "deny", 4) == 0;
}

/* process.user.additionalGids. Where setgroups is denied, none asked for is fine; any is an
   error naming the field. */
static int
set_additional_gids (const struct hull_user *u, hull_error_t *err)
{
  cleanup_free gid_t *gids = xmalloc0 ((u->n_additional_gids + 1) * sizeof *gids);
  int e;

  for (size_t i = 0; i < u->n_additional_gids; i++)
    gids[i] = u->additional_gids[i];
  if (setgroups (u->n_additional_gids, gids) == 0)
    return 0;
  e = errno;
  if (e == EPERM && setgroups_denied ())
    return u->n_additional_gids == 0 ? 0
                                     : hull_error (err, EPERM, "process.user.additionalGids: setgroups is denied in "
                                                               "this user namespace (a gid map written without newgidmap)");
  errno = e;
  return hull_error_sys (err, "process.user.additionalGids");
}

static int
switch_user (const struct hull_process *p, hull_error_t *err)
{
  const struct hull_user *u = &p->user;
  if (set_additional_gids (u, err) < 0)
    return -1;
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return hull_error_sys (err, "process.user.gid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return hull_error_sys (err, "process.user.uid %u", u->uid);
  return 0;
}

static void
reset_signals (void)
{
  sigset_t none;
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}


/* linux.seccomp, if any. Errors after this point are reported only if the filter still
   lets sendmsg through. A listener (SCMP_ACT_NOTIFY) goes to the runtime on the host side
   (`run`, or `start` through its connection), which passes it to linux.seccomp.listenerPath:
   that path is the host's, out of this mount namespace's reach. */
static int
install_seccomp (const struct hull_become *ctx, hull_error_t *err)
{
  int listener, r;

  if (ctx->seccomp == NULL)
    return 0;
  if (hull_seccomp_install (ctx->seccomp, &listener, err) < 0)
    return -1;
  if (listener < 0)
    return 0;
  r = hull_sync_send_fds (ctx->sync_fd, HULL_SYNC_SECCOMP_FD, 0, &listener, 1, err);
  close (listener);
  if (r < 0)
    return hull_error_wrap (err, "linux.seccomp: hand the listener to the runtime");
  return hull_sync_expect (ctx->sync_fd, HULL_SYNC_GO, NULL, err);
}

/* The walls that need no_new_privs or CAP_SYS_ADMIN: Landlock, then seccomp (whose filter
   could refuse Landlock's own syscalls). */
static int
install_walls (const struct hull_become *ctx, hull_error_t *err)
{
  if (ctx->landlock && hull_landlock_apply (ctx->landlock, err) < 0)
    return -1;
  return install_seccomp (ctx, err);
}

int
hull_become (const struct hull_become *ctx, const char *exe, const struct hull_caps *caps, hull_error_t *err)
{
  const struct hull_process *p = ctx->spec->process;
  bool nnp = p->no_new_privileges;
  cleanup_free char **env = NULL;

  if (ctx->pty_slave >= 0 && hull_pty_become_controlling (ctx->pty_slave, err) < 0)
    return -1;
  if (chdir (p->cwd) < 0)
    return hull_error_sys (err, "process.cwd `%s`", p->cwd);
  env = final_env (p); /* reads /etc/passwd: before any filter is in place */
  /* after every hook (they run before this), before Landlock could close /proc */
  if (hull_lsm_set_exec_labels (ctx->spec, err) < 0)
    return -1;
  if (set_rlimits (p, err) < 0 || hull_procattr_apply (ctx->spec, err) < 0)
    return -1;
  /* Without no_new_privs a filter goes in only with CAP_SYS_ADMIN, which the steps below give
     up: then it is installed now, and applies to them too (as runc does). */
  if (!nnp && install_walls (ctx, err) < 0)
    return -1;
  /* bounding set and KEEPCAPS while still root, then the uid switch, then the other sets */
  if (hull_caps_before_user (caps, err) < 0 || switch_user (p, err) < 0 || hull_caps_after_user (caps, err) < 0)
    return -1;
  umask (p->user.has_umask ? p->user.umask : 0022);
  if (nnp && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hull_error_sys (err, "process.noNewPrivileges");
  /* No descriptor of the runtime may reach the program (CVE-2024-21626): everything above
     stdio and the preserved fds is closed on exec. */
  if (syscall (SYS_close_range, 3 + ctx->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return hull_error_sys (err, "mark inherited descriptors close-on-exec");
  reset_signals ();
  /* With no_new_privs, as late as can be: execve is the only syscall left under the filter. */
  if (nnp && install_walls (ctx, err) < 0)
    return -1;
  execve (exe, p->args, env);
  return hull_error_sys (err, "exec `%s`", exe);
}
