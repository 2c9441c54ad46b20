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

/* Create one missing component NAME below the already-resolved PARENT_FD. EEXIST is fine:
   something (maybe a symlink) is there, and the caller resolves it again inside the root. */
static int
create_component (int parent_fd, const char *name, bool dir, const char *path, hull_error_t *err)
{
  if (dir)
    {
      if (mkdirat (parent_fd, name, 0755) < 0 && errno != EEXIST)
        return hull_error_sys (err, "create directory `%s` in the container root", path);
      return 0;
    }
  int f = openat (parent_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f < 0 && errno != EEXIST)
    return hull_error_sys (err, "create file `%s` in the container root", path);
  if (f >= 0)
    close (f);
  return 0;
}

int
hull_mkpath_in_root (int root_fd, const char *path, bool dir, int *fd, hull_error_t *err)
{
  cleanup_free char *copy = NULL;
  char *p;

  *fd = openat2_in_root (root_fd, path, O_PATH);
  if (*fd >= 0)
    return 0;
  if (errno != ENOENT)
    return hull_error_sys (err, "open `%s` in the container root", path);

  /* Walk the prefixes from the root: resolve each with openat2 (so symlinks and ".." stay
     inside), and create the first component that is missing, one at a time. */
  copy = xstrdup (path);
  p = copy;
  while (*p == '/')
    p++;
  while (*p)
    {
      char *slash = strchr (p, '/');
      bool last;
      cleanup_close int parent = -1;
      cleanup_close int cur = -1;
      char saved;

      if (slash == NULL)
        slash = p + strlen (p);
      saved = *slash;
      *slash = '\0';
      last = saved == '\0' || slash[1 + strspn (slash + 1, "/")] == '\0';
      cur = openat2_in_root (root_fd, copy, O_PATH);
      if (cur < 0 && errno == ENOENT)
        {
          char *name = p;
          char c = *name;
          *name = '\0';
          parent = openat2_in_root (root_fd, copy, O_PATH | O_DIRECTORY);
          *name = c;
          if (parent < 0)
            return hull_error_sys (err, "open parent of `%s` in the container root", path);
          if (create_component (parent, name, last ? dir : true, path, err) < 0)
            return -1;
        }
      else if (cur < 0)
        return hull_error_sys (err, "open `%s` in the container root", copy);
      *slash = saved;
      p = slash;
      while (*p == '/')
        p++;
    }
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
