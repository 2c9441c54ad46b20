/* unpack-whiteout.c: layer.md's whiteouts. `.wh.NAME` removes NAME of the lower layers and
   `.wh..wh..opq` everything the lower layers put in its directory (HULL_WHITEOUT_DELETE), or
   both are kept the way overlayfs reads them in a lower directory (HULL_WHITEOUT_OVERLAY).
   What this layer itself wrote is never hidden by its own whiteouts (layer.md). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/fsutil.h"
#include "unpack-internal.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

static const char *
last_component (const char *name)
{
  const char *slash = strrchr (name, '/');
  return slash ? slash + 1 : name;
}

bool
hull_unpack_is_whiteout (const char *name)
{
  return strncmp (last_component (name), WH_PREFIX, strlen (WH_PREFIX)) == 0;
}

/* DIR (of the clean NAME, "." for the root) opened O_RDONLY beneath the root, following no
   symlink, or -1 when there is nothing to hide: DIR is missing, or a symlink or file is on the
   way (a lower path through a symlink is not the path the whiteout names: umoci, for one,
   writes `to-link/.wh.t` after turning the directory to-link into a symlink). */
static int
open_dir (struct hull_unpack *u, const char *dir, const char *name, int *fd, hull_error_t *err)
{
  cleanup_close int path_fd = -1;
  bool blocked;

  *fd = -1;
  if (hull_unpack_open_dir_nofollow (u, dir, &path_fd, &blocked, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`", name);
  if (path_fd < 0)
    return 0;
  if (hull_unpack_keep_times (u, strcmp (dir, ".") == 0 ? "" : dir, path_fd, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`", name);
  *fd = openat (path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return hull_error_sys (err, "layer entry `%s`: open `%s`", name, dir);
  return 0;
}

/* For overlay whiteouts: DIR made where missing, or -1 when a symlink or file is on the way. */
static int
make_dir (struct hull_unpack *u, const char *dir, const char *name, int *fd, hull_error_t *err)
{
  cleanup_close int path_fd = -1;
  bool blocked;

  *fd = -1;
  if (hull_unpack_open_dir_nofollow (u, dir, &path_fd, &blocked, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`", name);
  if (blocked)
    return 0;
  /* ENOENT with RESOLVE_NO_SYMLINKS: every component there is a real directory, so the
     missing ones are made below real directories only. */
  if (path_fd < 0 && hull_mkpath_in_root (u->root_fd, dir, true, &path_fd, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`", name);
  if (hull_unpack_keep_times (u, strcmp (dir, ".") == 0 ? "" : dir, path_fd, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`", name);
  *fd = openat (path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return hull_error_sys (err, "layer entry `%s`: open `%s`", name, dir);
  return 0;
}

static char *
child_path (const char *dir, const char *child)
{
  return strcmp (dir, ".") == 0 ? xstrdup (child) : xasprintf ("%s/%s", dir, child);
}

/* Opaque, deleting: every child of DIR the layer has not written itself goes. The names are
   read first, then removed, so the directory stream never sees its own changes. */
static int
opaque_delete (struct hull_unpack *u, const char *dir, const char *name, hull_error_t *err)
{
  cleanup_close int fd = -1;
  cleanup_strv char **names = NULL;
  size_t n = 0;
  DIR *d;
  struct dirent *de;

  if (open_dir (u, dir, name, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  d = fdopendir (fcntl (fd, F_DUPFD_CLOEXEC, 0)); /* a copy: closedir closes it, FD stays */
  if (d == NULL)
    return hull_error_sys (err, "layer entry `%s`: read `%s`", name, dir);
  names = xmalloc0 (sizeof *names);
  while ((de = readdir (d)) != NULL)
    {
      cleanup_free char *path = NULL;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      path = child_path (dir, de->d_name);
      if (hull_path_set_find (&u->written, path) != NULL)
        continue;
      names = xrealloc (names, (n + 2) * sizeof *names);
      names[n++] = xstrdup (de->d_name);
      names[n] = NULL;
    }
  closedir (d);
  for (size_t i = 0; i < n; i++)
    if (hull_unpack_clear (fd, names[i], false, name, err) < 0)
      return -1;
  return 0;
}

/* Opaque, for overlayfs: the directory (made if missing) gets trusted.overlay.opaque=y. */
static int
opaque_overlay (struct hull_unpack *u, const char *dir, const char *name, hull_error_t *err)
{
  cleanup_close int fd = -1;

  if (make_dir (u, dir, name, &fd, err) < 0)
    return -1;
  if (fd >= 0 && fsetxattr (fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
    return hull_error_sys (err, "layer entry `%s`: mark `%s` opaque (trusted.overlay.opaque)", name, dir);
  return 0;
}

/* `.wh.TARGET`, deleting: TARGET of the lower layers goes, with all of its contents. */
static int
whiteout_delete (struct hull_unpack *u, const char *dir, const char *target, const char *name, hull_error_t *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *path = child_path (dir, target);

  if (hull_path_set_find (&u->written, path) != NULL)
    return 0; /* this layer's own: only a later layer can hide it */
  if (open_dir (u, dir, name, &fd, err) < 0)
    return -1;
  if (fd >= 0 && hull_unpack_clear (fd, target, false, name, err) < 0)
    return -1;
  return 0;
}

/* `.wh.TARGET`, for overlayfs: TARGET becomes a 0:0 character device. */
static int
whiteout_overlay (struct hull_unpack *u, const char *dir, const char *target, const char *name,
                  hull_error_t *err)
{
  cleanup_free char *path = child_path (dir, target);
  cleanup_close int fd = -1;

  if (hull_path_set_find (&u->written, path) != NULL)
    return 0;
  if (make_dir (u, dir, name, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  if (hull_unpack_clear (fd, target, false, name, err) < 0)
    return -1;
  if (mknodat (fd, target, S_IFCHR | 0, makedev (0, 0)) < 0)
    return hull_error_sys (err, "layer entry `%s`: make the overlay whiteout `%s`", name, path);
  return 0;
}

int
hull_unpack_whiteout (struct hull_unpack *u, const char *name, hull_error_t *err)
{
  const char *base = last_component (name);
  cleanup_free char *dir = base == name ? xstrdup (".") : xmalloc0 (base - name);
  const char *target = base + strlen (WH_PREFIX);

  if (base != name)
    memcpy (dir, name, base - name - 1);
  u->st->whiteouts++;
  if (strcmp (base, WH_OPAQUE) == 0)
    return u->o.whiteouts == HULL_WHITEOUT_OVERLAY ? opaque_overlay (u, dir, name, err)
                                                    : opaque_delete (u, dir, name, err);
  if (*target == '\0' || strcmp (target, ".") == 0 || strcmp (target, "..") == 0)
    return hull_error (err, 0, "layer entry `%s`: whiteout of no name", name);
  return u->o.whiteouts == HULL_WHITEOUT_OVERLAY ? whiteout_overlay (u, dir, target, name, err)
                                                  : whiteout_delete (u, dir, target, name, err);
}
