/* devices.c: the container's /dev: the default character devices every container gets,
   linux.devices entries, and the /dev/fd, /dev/std*, /dev/ptmx links. As real root the nodes
   are made with mknod; inside a user namespace (where mknod is refused) the host's node is
   bound over an empty file instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../core/util.h"
#include "fsutil.h"
#include "mounts.h"

static const struct hull_device default_devices[] = {
  { .path = "/dev/null", .type = 'c', .has_major_minor = true, .major = 1, .minor = 3, .has_file_mode = true, .file_mode = 0666 },
  { .path = "/dev/zero", .type = 'c', .has_major_minor = true, .major = 1, .minor = 5, .has_file_mode = true, .file_mode = 0666 },
  { .path = "/dev/full", .type = 'c', .has_major_minor = true, .major = 1, .minor = 7, .has_file_mode = true, .file_mode = 0666 },
  { .path = "/dev/random", .type = 'c', .has_major_minor = true, .major = 1, .minor = 8, .has_file_mode = true, .file_mode = 0666 },
  { .path = "/dev/urandom", .type = 'c', .has_major_minor = true, .major = 1, .minor = 9, .has_file_mode = true, .file_mode = 0666 },
  { .path = "/dev/tty", .type = 'c', .has_major_minor = true, .major = 5, .minor = 0, .has_file_mode = true, .file_mode = 0666 },
};

static const struct
{
  const char *target, *name;
} dev_links[] = {
  { "/proc/self/fd", "fd" },
  { "/proc/self/fd/0", "stdin" },
  { "/proc/self/fd/1", "stdout" },
  { "/proc/self/fd/2", "stderr" },
  { "pts/ptmx", "ptmx" },
};

static mode_t
node_type (char t)
{
  switch (t)
    {
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      return S_IFCHR; /* 'c' and 'u' */
    }
}

/* Inside a user namespace: bind the host's node at the same path over an empty file. */
static int
bind_host_device (int root_fd, const struct hull_device *d, const char *what, hull_error_t *err)
{
  cleanup_close int target = -1;
  cleanup_close int mfd = -1;

  if (hull_mkpath_in_root (root_fd, d->path, false, &target, err) < 0)
    return hull_error_wrap (err, "%s", what);
  mfd = open_tree (AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (mfd < 0)
    return hull_error_sys (err, "%s: bind host device `%s`", what, d->path);
  if (move_mount (mfd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_error_sys (err, "%s: attach host device `%s`", what, d->path);
  return 0;
}

/* mknod at BASE in PARENT, replacing whatever is there (the rootfs may ship its own /dev). */
static int
mknod_replacing (int parent, const char *base, mode_t mode, dev_t dev)
{
  if (mknodat (parent, base, mode, dev) == 0)
    return 0;
  if (errno != EEXIST || unlinkat (parent, base, 0) < 0)
    return -1;
  return mknodat (parent, base, mode, dev);
}

/* DEV_FD is the container's /dev, for the usual device right in it. */
static int
make_node (int root_fd, int dev_fd, const struct hull_device *d, const char *what, hull_error_t *err)
{
  cleanup_close int own_parent = -1;
  int parent = dev_fd;
  const char *base = d->path + strlen ("/dev/");
  mode_t mode = node_type (d->type) | (d->has_file_mode ? (d->file_mode & 07777) : 0666);
  dev_t dev = d->type == 'p' ? 0 : makedev (d->major, d->minor);

  if (strncmp (d->path, "/dev/", 5) != 0 || strchr (base, '/') != NULL || *base == '\0' || strcmp (base, "..") == 0
      || strcmp (base, ".") == 0)
    {
      if (hull_open_parent_in_root (root_fd, d->path, &own_parent, &base, err) < 0)
        return hull_error_wrap (err, "%s", what);
      parent = own_parent;
    }
  /* The init runs with umask 0, so the mode is exactly the one asked for. */
  if (mknod_replacing (parent, base, mode, dev) < 0)
    return hull_error_sys (err, "%s: mknod `%s`", what, d->path);
  if (fchownat (parent, base, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_error_sys (err, "%s: chown `%s`", what, d->path);
  return 0;
}

static int
create_device (const struct hull_init_ctx *ctx, int root_fd, int dev_fd, const struct hull_device *d,
               const char *what, hull_error_t *err)
{
  if (ctx->new_userns)
    return bind_host_device (root_fd, d, what, err);
  return make_node (root_fd, dev_fd, d, what, err);
}

static bool
listed_in_config (const struct hull_linux *lx, const char *path)
{
  for (size_t i = 0; lx && i < lx->n_devices; i++)
    if (strcmp (lx->devices[i].path, path) == 0)
      return true;
  return false;
}

int
hull_devices_create (const struct hull_init_ctx *ctx, int root_fd, hull_error_t *err)
{
  const struct hull_linux *lx = ctx->spec->linux_;
  cleanup_close int dev_fd = -1;
  char what[64];

  if (hull_mkpath_in_root (root_fd, "/dev", true, &dev_fd, err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
    {
      if (listed_in_config (lx, default_devices[i].path))
        continue; /* linux.devices overrides the default of the same path */
      snprintf (what, sizeof what, "default device %s", default_devices[i].path);
      if (create_device (ctx, root_fd, dev_fd, &default_devices[i], what, err) < 0)
        return -1;
    }
  for (size_t i = 0; lx && i < lx->n_devices; i++)
    {
      snprintf (what, sizeof what, "linux.devices[%zu]", i);
      if (create_device (ctx, root_fd, dev_fd, &lx->devices[i], what, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < sizeof dev_links / sizeof dev_links[0]; i++)
    if (symlinkat (dev_links[i].target, dev_fd, dev_links[i].name) < 0 && errno != EEXIST)
      return hull_error_sys (err, "create link /dev/%s", dev_links[i].name);
  return 0;
}
