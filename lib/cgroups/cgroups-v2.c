/* cgroups-v2.c: delegating controllers down a v2 hierarchy (cgroup.subtree_control), so that
   a group gets the interface files of the controllers its limits need. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cgroups.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "cgroups-internal.h"

bool
hull_cgroup_word_in (const char *list, const char *word, size_t len)
{
  for (const char *p = list; *p;)
    {
      size_t n = strcspn (p, " \n");
      if (n == len && strncmp (p, word, len) == 0)
        return true;
      p += n;
      p += strspn (p, " \n");
    }
  return false;
}

const struct hull_cgroup_hier *
hull_cgroup_v2_hier (const struct hull_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_hiers; i++)
    if (cg->hiers[i].v2)
      return &cg->hiers[i];
  return NULL;
}

/* The controllers to enable: WANTED checked against what the root offers (AVAIL), or AVAIL. */
static int
pick_controllers (const char *avail, const char *const *wanted, const char *root, char **out, hull_error_t *err)
{
  size_t len = 0;
  char *s;

  if (wanted == NULL)
    {
      *out = xstrdup (avail);
      (*out)[strcspn (*out, "\n")] = '\0';
      return 0;
    }
  for (const char *const *w = wanted; *w; w++)
    len += strlen (*w) + 1;
  s = *out = xmalloc0 (len + 1);
  for (const char *const *w = wanted; *w; w++)
    {
      if (!hull_cgroup_word_in (avail, *w, strlen (*w)))
        return hull_error (err, 0, "cgroup controller `%s` is not available in `%s`", *w, root);
      s = stpcpy (stpcpy (s, s == *out ? "" : " "), *w);
    }
  return 0;
}

/* Enable the controllers in the space-separated WANT that DIR's subtree_control lacks. */
static int
enable_at (const char *dir, const char *want, hull_error_t *err)
{
  cleanup_free char *file = xasprintf ("%s/cgroup.subtree_control", dir);
  cleanup_free char *have = NULL;
  cleanup_free char *cmd = xmalloc0 (2 * strlen (want) + 2);
  char *c = cmd;

  if (hull_read_file_at (AT_FDCWD, file, &have, NULL, err) < 0)
    return -1;
  for (const char *p = want; *p;)
    {
      size_t n = strcspn (p, " ");
      if (n > 0 && !hull_cgroup_word_in (have, p, n))
        c += sprintf (c, "%s+%.*s", c == cmd ? "" : " ", (int) n, p);
      p += n;
      p += strspn (p, " ");
    }
  if (c == cmd)
    return 0;
  return hull_write_file_at (AT_FDCWD, file, cmd, c - cmd, err);
}

static int
enable_in_hier (const struct hull_cgroup_hier *h, const char *const *controllers, hull_error_t *err)
{
  cleanup_free char *avail_file = xasprintf ("%s/cgroup.controllers", h->mountpoint);
  cleanup_free char *avail = NULL;
  cleanup_free char *want = NULL;
  cleanup_free char *buf = xstrdup (h->dir);

  if (hull_read_file_at (AT_FDCWD, avail_file, &avail, NULL, err) < 0)
    return -1;
  if (pick_controllers (avail, controllers, h->mountpoint, &want, err) < 0)
    return -1;
  if (want[0] == '\0')
    return 0;
  /* Every ancestor from the mount point down to the group's parent; not the group itself,
     since a v2 group with controllers in its subtree_control cannot hold processes. */
  if (enable_at (h->mountpoint, want, err) < 0)
    return -1;
  for (char *p = strchr (buf + strlen (h->mountpoint) + 1, '/'); p != NULL; p = strchr (p + 1, '/'))
    {
      int r;
      *p = '\0';
      r = enable_at (buf, want, err);
      *p = '/';
      if (r < 0)
        return -1;
    }
  return 0;
}

int
hull_cgroup_enable_controllers (const struct hull_cgroup *cg, const char *const *controllers,
                                hull_error_t *err)
{
  for (size_t i = 0; i < cg->n_hiers; i++)
    if (cg->hiers[i].v2 && enable_in_hier (&cg->hiers[i], controllers, err) < 0)
      return hull_error_wrap (err, "enable controllers for cgroup `%s`", cg->path);
  return 0;
}
