/* cgroups-procs.c: the processes in a group: listing them (sub-groups included) and signalling
   them, with cgroup.kill on v2 and the v1 freezer so that SIGKILL cannot be outrun by fork. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "cgroups-internal.h"

/* How long to wait for the v1 freezer to report FROZEN before signalling anyway. */
#define FREEZE_BUDGET_US 200000L
/* Re-reading the group after SIGKILL catches children forked meanwhile; a bound keeps a
   pathological group from holding us forever. */
#define KILL_MAX_PASSES 100

struct pidvec
{
  pid_t *v;
  size_t n, cap;
};

static void
pidvec_push (struct pidvec *pv, pid_t pid)
{
  if (pv->n == pv->cap)
    {
      pv->cap = pv->cap ? 2 * pv->cap : 16;
      pv->v = xrealloc (pv->v, pv->cap * sizeof *pv->v);
    }
  pv->v[pv->n++] = pid;
}

static int
cmp_pid (const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
  return (x > y) - (x < y);
}

/* Sort and drop duplicates (v1 cgroup.procs does not promise to be free of them). */
static void
pidvec_uniq (struct pidvec *pv)
{
  size_t k = 0;

  if (pv->n == 0)
    return;
  qsort (pv->v, pv->n, sizeof *pv->v, cmp_pid);
  for (size_t i = 1; i < pv->n; i++)
    if (pv->v[i] != pv->v[k])
      pv->v[++k] = pv->v[i];
  pv->n = k + 1;
}

static bool
pidvec_has (const struct pidvec *pv, pid_t pid)
{
  return pv->n > 0 && bsearch (&pid, pv->v, pv->n, sizeof *pv->v, cmp_pid) != NULL;
}

/* The hierarchy whose membership lists are read: the only one on v2, else a v1 hierarchy that
   every container process is certainly in (pids, freezer, memory), else the first. */
static const struct hull_cgroup_hier *
authoritative (const struct hull_cgroup *cg)
{
  static const char *const prefer[] = { "pids", "freezer", "memory" };

  if (cg->n_hiers == 0)
    return NULL;
  if (cg->mode == HULL_CGROUP_V2)
    return &cg->hiers[0];
  for (size_t p = 0; p < sizeof prefer / sizeof prefer[0]; p++)
    for (size_t i = 0; i < cg->n_hiers; i++)
      if (!cg->hiers[i].v2 && hull_cgroup_hier_has (&cg->hiers[i], prefer[p]))
        return &cg->hiers[i];
  return &cg->hiers[0];
}

static void
parse_procs (const char *text, struct pidvec *pv)
{
  for (const char *p = text; *p;)
    {
      char *end;
      long pid = strtol (p, &end, 10);
      if (end == p)
        break;
      if (pid > 0)
        pidvec_push (pv, (pid_t) pid);
      p = end + strspn (end, "\n ");
    }
}

/* Add the pids of DIR and of every group below it. TOP: DIR itself must exist; sub-groups may
   vanish while we walk, which is not an error. */
static int
collect (const char *dir, bool top, struct pidvec *pv, hull_error_t *err)
{
  cleanup_free char *procs = xasprintf ("%s/cgroup.procs", dir);
  cleanup_free char *text = NULL;
  cleanup_close int fd = open (procs, O_RDONLY | O_CLOEXEC);
  struct dirent *de;
  DIR *d;

  if (fd < 0)
    return errno == ENOENT && !top ? 0 : hull_error_sys (err, "open `%s`", procs);
  if (hull_read_fd (fd, procs, &text, NULL, err) < 0)
    return -1;
  parse_procs (text, pv);
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT && !top ? 0 : hull_error_sys (err, "open cgroup `%s`", dir);
  while ((de = readdir (d)) != NULL)
    {
      cleanup_free char *sub = NULL;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      sub = xasprintf ("%s/%s", dir, de->d_name);
      if (collect (sub, false, pv, err) < 0)
        {
          closedir (d);
          return -1;
        }
    }
  closedir (d);
  return 0;
}

static int
read_pids (const struct hull_cgroup *cg, struct pidvec *pv, hull_error_t *err)
{
  const struct hull_cgroup_hier *h = authoritative (cg);

  pv->n = 0;
  if (h == NULL)
    return 0;
  if (collect (h->dir, true, pv, err) < 0)
    return hull_error_wrap (err, "list processes of cgroup `%s`", cg->path);
  pidvec_uniq (pv);
  return 0;
}

int
hull_cgroup_pids (const struct hull_cgroup *cg, pid_t **pids, size_t *n, hull_error_t *err)
{
  struct pidvec pv = { 0 };

  if (read_pids (cg, &pv, err) < 0)
    {
      free (pv.v);
      return -1;
    }
  *pids = pv.v != NULL ? pv.v : xmalloc0 (sizeof (pid_t));
  *n = pv.n;
  return 0;
}

/* ---- signalling ------------------------------------------------------------------------- */

/* SIGKILL through cgroup.kill (Linux 5.14+): the kernel kills every process in the group and
   its sub-groups and refuses forks into it meanwhile. Returns 1 when used, 0 when there is no
   v2 hierarchy with cgroup.kill. */
static int
kill_via_cgroup_kill (const struct hull_cgroup *cg, hull_error_t *err)
{
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      cleanup_free char *file = NULL;
      if (!cg->hiers[i].v2)
        continue;
      file = xasprintf ("%s/cgroup.kill", cg->hiers[i].dir);
      if (access (file, F_OK) < 0)
        return 0;
      if (hull_write_file_at (AT_FDCWD, file, "1", 1, err) < 0)
        return -1;
      return 1;
    }
  return 0;
}

/* Freeze the group so nothing in it can fork while it is being killed; waits a short while
   for FROZEN but carries on regardless (tasks in uninterruptible sleep can delay it). */
static int
freeze (const char *state_file, hull_error_t *err)
{
  long slept_us = 0, delay_us = 1000;

  if (hull_write_file_at (AT_FDCWD, state_file, "FROZEN", 6, err) < 0)
    return -1;
  do
    {
      cleanup_free char *state = NULL;
      if (hull_read_file_at (AT_FDCWD, state_file, &state, NULL, err) < 0)
        return -1;
      if (strncmp (state, "FROZEN", 6) == 0)
        return 0;
    }
  while (hull_cgroup_backoff (&slept_us, &delay_us, FREEZE_BUDGET_US));
  return 0;
}

/* Signal every pid in the group not signalled yet (ALREADY, sorted). Returns how many new
   pids there were. A pid may exit and, in a tiny window, be reused before kill() reaches
   it; freezing the group first (SIGKILL on v1) closes that window. */
static int
signal_pass (const struct hull_cgroup *cg, int sig, struct pidvec *already, hull_error_t *err)
{
  struct pidvec cur = { 0 };
  int fresh = 0;

  if (read_pids (cg, &cur, err) < 0)
    {
      fresh = -1;
      goto out;
    }
  for (size_t i = 0; i < cur.n; i++)
    {
      if (pidvec_has (already, cur.v[i]))
        continue;
      if (kill (cur.v[i], sig) < 0 && errno != ESRCH)
        {
          fresh = hull_error_sys (err, "send signal %d to process %d", sig, (int) cur.v[i]);
          goto out;
        }
      fresh++;
    }
  for (size_t i = 0; i < cur.n; i++)
    pidvec_push (already, cur.v[i]);
  pidvec_uniq (already);
out:
  free (cur.v);
  return fresh;
}

/* One pass for ordinary signals; for SIGKILL repeat until a pass finds nobody new, so children
   forked before their parent died are caught too. */
static int
signal_all (const struct hull_cgroup *cg, int sig, hull_error_t *err)
{
  struct pidvec done = { 0 };
  int r = 0;

  for (int pass = 0; pass < (sig == SIGKILL ? KILL_MAX_PASSES : 1); pass++)
    if ((r = signal_pass (cg, sig, &done, err)) <= 0)
      break;
  free (done.v);
  return r < 0 ? -1 : 0;
}

int
hull_cgroup_kill (const struct hull_cgroup *cg, int sig, hull_error_t *err)
{
  cleanup_free char *state_file = NULL;
  int r;

  if (cg->n_hiers == 0)
    return 0;
  if (sig == SIGKILL)
    {
      r = kill_via_cgroup_kill (cg, err);
      if (r < 0)
        return hull_error_wrap (err, "kill cgroup `%s`", cg->path);
      /* On hybrid hosts the v1 pass below still runs, for processes that might be in the v1
         groups only; everything cgroup.kill reached is merely signalled twice. */
      if (r > 0 && cg->mode == HULL_CGROUP_V2)
        return 0;
      if (r == 0)
        {
          /* Freezing is not free for the host (turning the v1 freezer on patches kernel code
             on every CPU): only when someone in the group could fork. Nobody can enter an
             empty group from inside it. */
          struct pidvec pv = { 0 };
          r = read_pids (cg, &pv, err);
          free (pv.v);
          if (r < 0)
            return hull_error_wrap (err, "kill cgroup `%s`", cg->path);
          if (pv.n == 0)
            return 0;
          state_file = hull_cgroup_v1_freezer_file (cg);
        }
    }
  if (state_file != NULL && freeze (state_file, err) < 0)
    return hull_error_wrap (err, "freeze cgroup `%s`", cg->path);
  r = signal_all (cg, sig, err);
  /* Thaw even after an error: frozen processes would otherwise hang forever. Killed ones die
     as soon as they thaw. */
  if (state_file != NULL && hull_write_file_at (AT_FDCWD, state_file, "THAWED", 6, err) < 0)
    r = -1;
  return r < 0 ? hull_error_wrap (err, "signal cgroup `%s`", cg->path) : 0;
}
