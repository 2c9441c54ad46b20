/* fsutil.c: openat2-based lookups and mkdir -p inside a root. */
#define _GNU_SOURCE
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"

static int
openat2_in_root (int root_fd, const char *path, int flags)
{
  struct open_how how = {
    .flags = flags | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;
  /* An empty path or "/" means the root itself. */
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  do
    fd = syscall (SYS_openat2, root_fd, path, &how, sizeof how);
  while (fd < 0 && (errno == EAGAIN || errno == EINTR));
  return fd;
}

int
hull_open_in_root (int root_fd, const char *path, int extra_flags, int *fd, hull_error_t *err)
{
  *fd = openat2_in_root (root_fd, path, O_PATH | extra_flags);
  if (*fd < 0)
    return hull_error_sys (err, "open `%s` in the container root", path);
  return 0;
}

/* Create the missing last component NAME below the already-resolved PARENT_FD. Returns 1
   when this call made it, 0 when something (maybe a symlink) was there already, which the
   caller then resolves again inside the root. */
static int
create_component (int parent_fd, const char *name, bool dir, const char *path, hull_error_t *err)
{
  int f;

  if (dir)
    {
      if (mkdirat (parent_fd, name, 0755) == 0)
        return 1;
      if (errno == EEXIST)
        return 0;
      return hull_error_sys (err, "create directory `%s` in the container root", path);
    }
  f = openat (parent_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f >= 0)
    {
      close (f);
      return 1;
    }
  if (errno == EEXIST)
    return 0;
  return hull_error_sys (err, "create file `%s` in the container root", path);
}

/* PATH split at its last component: *parent (allocated; "" for the root) and *name (points
   into PATH, trailing slashes not included in its length *name_len). */
static void
split_last (const char *path, char **parent, const char **name, size_t *name_len)
{
  size_t len = strlen (path);
  size_t start;

  while (len > 0 && path[len - 1] == '/')
    len--;
  start = len;
  while (start > 0 && path[start - 1] != '/')
    start--;
  *name = path + start;
  *name_len = len - start;
  *parent = xmalloc0 (start + 1);
  memcpy (*parent, path, start);
}

int
hull_mkpath_in_root (int root_fd, const char *path, bool dir, int *fd, hull_error_t *err)
{
  cleanup_free char *parent_path = NULL;
  cleanup_free char *name = NULL;
  cleanup_close int parent = -1;
  const char *last;
  size_t last_len;
  int made;

  *fd = openat2_in_root (root_fd, path, O_PATH);
  if (*fd >= 0)
    return 0;
  if (errno != ENOENT)
    return hull_error_sys (err, "open `%s` in the container root", path);

  /* Usually only the last component is missing: make the parent (recursively, each level
     resolved inside the root), then the last component in it. */
  split_last (path, &parent_path, &last, &last_len);
  if (last_len == 0)
    return hull_error_sys (err, "open `%s` in the container root", path);
  if (hull_mkpath_in_root (root_fd, parent_path, true, &parent, err) < 0)
    return -1;
  name = xmalloc0 (last_len + 1);
  memcpy (name, last, last_len);
  /* "." and ".." name nothing to create: with the parent there, the path resolves now. */
  made = strcmp (name, ".") == 0 || strcmp (name, "..") == 0
             ? 0
             : create_component (parent, name, dir, path, err);
  if (made < 0)
    return -1;
  /* A directory this call made is opened beside its parent: no symlink can be followed there
     (O_NOFOLLOW, and O_DIRECTORY refuses one swapped in). Anything else is resolved again
     from the root. */
  if (made && dir)
    *fd = openat (parent, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    *fd = openat2_in_root (root_fd, path, O_PATH);
  if (*fd < 0)
    return hull_error_sys (err, "open `%s` in the container root", path);
  return 0;
}

int
hull_open_parent_in_root (int root_fd, const char *path, int *fd, const char **base, hull_error_t *err)
{
  cleanup_free char *parent = xstrdup (path);
  char *slash;
  size_t len = strlen (parent);

  while (len > 1 && parent[len - 1] == '/')
    parent[--len] = '\0';
  slash = strrchr (parent, '/');
  if (slash == NULL)
    {
      *base = path;
      return hull_open_in_root (root_fd, "/", O_DIRECTORY, fd, err);
    }
  *base = path + (slash - parent) + 1;
  *slash = '\0';
  if (strcmp (*base, "..") == 0 || strcmp (*base, ".") == 0 || **base == '\0')
    return hull_error (err, 0, "`%s`: the last component must be a name", path);
  return hull_mkpath_in_root (root_fd, parent, true, fd, err);
}
