/* ps.c: `ps`: the host pids of a container's processes (everything in its cgroup, sub-groups
   included), and the host's ps(1) output cut down to the lines of those pids. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cgroups/cgroups.h"
#include "../core/util.h"
#include "container.h"
#include "lifecycle.h"
#include "state.h"

/* ID's cgroup; refused for a container still being created, or made without a cgroup. */
static int
open_group (const char *root, const char *id, struct hull_cgroup **cg, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  cleanup_state struct hull_state *st = NULL;

  if (hull_lifecycle_open (root, id, false, &root_fd, &dir_fd, &st, err) < 0)
    return -1;
  if (st == NULL)
    return hull_error (err, 0, "container `%s` is being created: it has no processes to list yet", id);
  if (st->cgroup_path == NULL)
    return hull_error (err, 0, "container `%s` has no cgroup: its processes cannot be listed", id);
  if (hull_cgroup_open (st->cgroup_path, cg, err) < 0)
    return hull_error_wrap (err, "list processes of container `%s`", id);
  return 0;
}

int
hull_container_pids (const char *root, const char *id, pid_t **pids, size_t *n, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;

  if (open_group (root, id, &cg, err) < 0)
    return -1;
  if (hull_cgroup_pids (cg, pids, n, err) < 0)
    return hull_error_wrap (err, "list processes of container `%s`", id);
  return 0;
}

/* ---- filtering ps's output -------------------------------------------------------------- */

/* Word INDEX (from 0) of the LEN bytes at LINE, split at blanks; false when it has fewer. */
static bool
word_at (const char *line, size_t len, size_t index, const char **word, size_t *wlen)
{
  const char *p = line, *end = line + len;

  for (size_t i = 0;; i++)
    {
      while (p < end && (*p == ' ' || *p == '\t'))
        p++;
      if (p == end)
        return false;
      *word = p;
      while (p < end && *p != ' ' && *p != '\t')
        p++;
      *wlen = (size_t) (p - *word);
      if (i == index)
        return true;
    }
}

/* The index of the word "PID" in ps's header line, or -1. */
static long
pid_column (const char *header, size_t len)
{
  const char *w;
  size_t wl;

  for (size_t i = 0; word_at (header, len, i, &w, &wl); i++)
    if (wl == 3 && strncmp (w, "PID", 3) == 0)
      return (long) i;
  return -1;
}

static bool
in_list (const pid_t *pids, size_t n, unsigned long long pid)
{
  for (size_t i = 0; i < n; i++)
    if ((unsigned long long) pids[i] == pid)
      return true;
  return false;
}

int
hull_ps_filter (const char *ps_output, const pid_t *pids, size_t n, char **out, hull_error_t *err)
{
  size_t hlen = strcspn (ps_output, "\n"), len;
  long col = pid_column (ps_output, hlen);
  const char *p = ps_output + hlen, *w;
  cleanup_free char *text = NULL;
  size_t text_len = 0, wl;
  cleanup_fclose FILE *f = NULL;

  if (col < 0)
    return hull_error (err, 0, "no PID column in the header of ps's output: `%.*s`", (int) hlen, ps_output);
  f = open_memstream (&text, &text_len);
  if (f == NULL)
    return hull_error_sys (err, "ps: open_memstream");
  fprintf (f, "%.*s\n", (int) hlen, ps_output);
  for (; *p; p += len)
    {
      unsigned long long pid;
      p += *p == '\n';
      len = strcspn (p, "\n");
      if (strspn (p, " \t") >= len)
        continue; /* an empty line */
      if (!word_at (p, len, (size_t) col, &w, &wl) || !hull_parse_u64_n (w, wl, &pid))
        return hull_error (err, 0, "ps's output line `%.*s` has no pid in the PID column", (int) len, p);
      if (in_list (pids, n, pid))
        fprintf (f, "%.*s\n", (int) len, p);
    }
  if (fclose (hull_steal_ptr (f)) != 0)
    return hull_error_sys (err, "ps: write the filtered output");
  *out = hull_steal_ptr (text);
  return 0;
}

/* ---- running ps ------------------------------------------------------------------------- */

/* "ps ARGS..." for messages. */
static char *
command_line (char *const *argv)
{
  char *s = xstrdup (argv[0]);
  for (size_t i = 1; argv[i]; i++)
    {
      char *t = xasprintf ("%s %s", s, argv[i]);
      free (s);
      s = t;
    }
  return s;
}

static int
spawn_ps (char *const *argv, int out_fd, pid_t *child, hull_error_t *err)
{
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, dfl;
  int r;

  sigemptyset (&none);
  sigemptyset (&dfl);
  sigaddset (&dfl, SIGPIPE); /* hull-runtime ignores it; ps should not inherit that */
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, out_fd, STDOUT_FILENO);
  posix_spawnattr_init (&attr);
  posix_spawnattr_setsigmask (&attr, &none);
  posix_spawnattr_setsigdefault (&attr, &dfl);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  r = posix_spawnp (child, argv[0], &fa, &attr, argv, environ);
  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&fa);
  if (r != 0)
    return hull_error (err, r, "run ps");
  return 0;
}

/* ps ARGS (default -ef), its standard output in *OUT; its standard error is ours. */
static int
run_ps (char *const *args, char **out, hull_error_t *err)
{
  static char *const default_args[] = { "-ef", NULL };
  size_t n = args && args[0] ? hull_strv_len (args) : 1;
  cleanup_free char **argv = xmalloc0 ((n + 2) * sizeof *argv);
  cleanup_free char *cmd = NULL;
  cleanup_close int rd = -1;
  cleanup_close int wr = -1;
  int fds[2], status, r;
  pid_t child;

  argv[0] = "ps";
  memcpy (argv + 1, args && args[0] ? args : default_args, n * sizeof *argv);
  cmd = command_line (argv);
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return hull_error_sys (err, "`%s`: pipe", cmd);
  rd = fds[0];
  wr = fds[1];
  if (spawn_ps (argv, wr, &child, err) < 0)
    return hull_error_wrap (err, "`%s`", cmd);
  close (hull_steal_fd (wr));
  r = hull_read_fd (rd, "the output of ps", out, NULL, err);
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return hull_error_sys (err, "`%s`: wait", cmd);
  if (r < 0)
    return hull_error_wrap (err, "`%s`", cmd);
  if (WIFSIGNALED (status))
    return hull_error (err, 0, "`%s` was killed by signal %d", cmd, WTERMSIG (status));
  if (WEXITSTATUS (status) != 0)
    return hull_error (err, 0, "`%s` exited with status %d", cmd, WEXITSTATUS (status));
  return 0;
}

int
hull_container_ps (const char *root, const char *id, char *const *ps_args, char **out, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;
  cleanup_free char *text = NULL;
  cleanup_free pid_t *pids = NULL;
  size_t n;

  if (open_group (root, id, &cg, err) < 0)
    return -1;
  /* ps first, the group after: a process ps saw that is still in the group is the
     container's; one that left in between is gone from both. */
  if (run_ps (ps_args, &text, err) < 0 || hull_cgroup_pids (cg, &pids, &n, err) < 0
      || hull_ps_filter (text, pids, n, out, err) < 0)
    return hull_error_wrap (err, "ps of container `%s`", id);
  return 0;
}
