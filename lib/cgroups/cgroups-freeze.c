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

static const struct hull_cgroup_hier *
v2_hier (const struct hull_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_hiers; i++)
    if (cg->hiers[i].v2)
      return &cg->hiers[i];
  return NULL;
}

int
hull_cgroup_freeze (const struct hull_cgroup *cg, bool frozen, hull_error_t *err)
{
  cleanup_free char *v1 = hull_cgroup_v1_freezer_file (cg);
  cleanup_free char *control = NULL;
  cleanup_free char *events = NULL;
  const struct hull_cgroup_hier *v2;
  hull_error_t ignored = NULL;

  if (v1)
    {
      if (set_and_wait (v1, frozen ? "FROZEN" : "THAWED", v1, frozen ? "FROZEN" : "THAWED", err) == 0)
        return 0;
      if (frozen)
        set_and_wait (v1, "THAWED", v1, "THAWED", &ignored);
      hull_error_free (&ignored);
      return hull_error_wrap (err, "%s cgroup `%s`", frozen ? "freeze" : "thaw", cg->path);
    }
  if ((v2 = v2_hier (cg)) == NULL)
    return hull_error (err, 0, "cgroup `%s`: no freezer (neither a v1 freezer hierarchy nor cgroup v2)", cg->path);
  control = xasprintf ("%s/cgroup.freeze", v2->dir);
  events = xasprintf ("%s/cgroup.events", v2->dir);
  if (set_and_wait (control, frozen ? "1" : "0", events, frozen ? "frozen 1" : "frozen 0", err) == 0)
    return 0;
  if (frozen)
    set_and_wait (control, "0", events, "frozen 0", &ignored);
  hull_error_free (&ignored);
  return hull_error_wrap (err, "%s cgroup `%s`", frozen ? "freeze" : "thaw", cg->path);
}
