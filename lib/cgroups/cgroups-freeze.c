/* cgroups-freeze.c: freezing and thawing a group for pause/resume: the v1 freezer
   (freezer.state) where the group has one, else cgroup v2's cgroup.freeze. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "cgroups-internal.h"

/* How long pause waits for every task to stop (tasks in uninterruptible sleep delay it). */
#define FREEZE_WAIT_US 2000000L

char *
hull_cgroup_v1_freezer_file (const struct hull_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      char *file;
      if (cg->hiers[i].v2)
        continue;
      file = xasprintf ("%s/freezer.state", cg->hiers[i].dir);
      if (access (file, F_OK) == 0)
        return file;
      free (file);
    }
  return NULL;
}

/* Whether FILE holds WANT as a whole line, or starts with it (freezer.state). */
static int
file_says (const char *file, const char *want, bool *yes, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  size_t n = strlen (want);

  if (hull_read_file_at (AT_FDCWD, file, &text, NULL, err) < 0)
    return -1;
  *yes = false;
  for (const char *p = text; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, want, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
      *yes = true;
  return 0;
}

/* Write CMD to CONTROL, then wait until REPORT says DONE. */
static int
set_and_wait (const char *control, const char *cmd, const char *report, const char *done, hull_error_t *err)
{
  long slept_us = 0, delay_us = 500;
  bool yes = false;

  if (hull_write_file_at (AT_FDCWD, control, cmd, strlen (cmd), err) < 0)
    return -1;
  do
    if (file_says (report, done, &yes, err) < 0 || yes)
      return yes ? 0 : -1;
  while (hull_cgroup_backoff (&slept_us, &delay_us, FREEZE_WAIT_US));
  return hull_error (err, EBUSY, "`%s` did not report %s in %ld ms", report, done, FREEZE_WAIT_US / 1000);
}

int
hull_cgroup_freeze (const struct hull_cgroup *cg, bool frozen, hull_error_t *err)
{
  cleanup_free char *control = hull_cgroup_v1_freezer_file (cg);
  cleanup_free char *report = NULL;
  const struct hull_cgroup_hier *v2 = hull_cgroup_v2_hier (cg);
  const char *cmd[2] = { "THAWED", "FROZEN" }, *done[2] = { "THAWED", "FROZEN" };
  hull_error_t ignored = NULL;

  if (control)
    report = xstrdup (control);
  else if (v2)
    {
      control = xasprintf ("%s/cgroup.freeze", v2->dir);
      report = xasprintf ("%s/cgroup.events", v2->dir);
      cmd[0] = "0", cmd[1] = "1", done[0] = "frozen 0", done[1] = "frozen 1";
    }
  else
    return hull_error (err, 0, "cgroup `%s`: no freezer (neither a v1 freezer hierarchy nor cgroup v2)", cg->path);
  if (set_and_wait (control, cmd[frozen], report, done[frozen], err) == 0)
    return 0;
  /* a group half frozen would hang its processes: thaw it again */
  if (frozen)
    set_and_wait (control, cmd[0], report, done[0], &ignored);
  hull_error_free (&ignored);
  return hull_error_wrap (err, "%s cgroup `%s`", frozen ? "freeze" : "thaw", cg->path);
}
