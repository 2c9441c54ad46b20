/* rootfs.c: overlayfs mounts of unpacked layers with the new mount API (mount(2) where the
   kernel has no fsopen), and the plain-copy fallback that re-applies the layers in order. */
#define _GNU_SOURCE
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"

static int
sys_fsopen (const char *fs, unsigned flags)
{
  return syscall (SYS_fsopen, fs, flags);
}

static int
sys_fsconfig (int fd, unsigned cmd, const char *key, const void *value, int aux)
{
  return syscall (SYS_fsconfig, fd, cmd, key, value, aux);
}

static int
sys_fsmount (int fd, unsigned flags, unsigned attrs)
{
  return syscall (SYS_fsmount, fd, flags, attrs);
}

static int
sys_move_mount (int from_fd, const char *from, int to_fd, const char *to, unsigned flags)
{
  return syscall (SYS_move_mount, from_fd, from, to_fd, to, flags);
}

bool
hull_rootfs_overlay_available (void)
{
  cleanup_close int fd = sys_fsopen ("overlay", FSOPEN_CLOEXEC);
  return fd >= 0;
}

/* "top:...:bottom", refusing the characters overlay would read as separators. */
static int
join_lowers (const char *const *lowers, size_t n, char **out, hull_error_t *err)
{
  size_t len = 1;
  char *p;

  *out = NULL;
  if (n == 0)
    return hull_error (err, EINVAL, "overlay: no lower layer");
  for (size_t i = 0; i < n; i++)
    {
      if (strpbrk (lowers[i], ":,\\") != NULL)
        return hull_error (err, EINVAL, "overlay: layer `%s`: `:`, `,` or `\\` in the path", lowers[i]);
      len += strlen (lowers[i]) + 1;
    }
  *out = p = xmalloc0 (len);
  for (size_t i = 0; i < n; i++)
    p = stpcpy (stpcpy (p, i ? ":" : ""), lowers[i]);
  return 0;
}

static int
set_option (int fd, const char *key, const char *value, hull_error_t *err)
{
  if (sys_fsconfig (fd, FSCONFIG_SET_STRING, key, value, 0) < 0)
    return hull_error_sys (err, "overlay: %s=%s", key, value);
  return 0;
}

static int
overlay_new_api (int fs, const char *lower, const char *upper, const char *work, const char *target,
                 hull_error_t *err)
{
  cleanup_close int mnt = -1;

  if (set_option (fs, "lowerdir", lower, err) < 0)
    return -1;
  if (upper != NULL && (set_option (fs, "upperdir", upper, err) < 0 || set_option (fs, "workdir", work, err) < 0))
    return -1;
  if (sys_fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return hull_error_sys (err, "overlay: create the filesystem");
  mnt = sys_fsmount (fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0)
    return hull_error_sys (err, "overlay: fsmount");
  /* Only the finished mount is attached: nothing is visible at TARGET half-configured. */
  if (sys_move_mount (mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return hull_error_sys (err, "overlay: attach at `%s`", target);
  return 0;
}

int
hull_rootfs_overlay (const char *const *lowers, size_t n, const char *upper, const char *work, const char *target,
                     hull_error_t *err)
{
  cleanup_free char *lower = NULL;
  cleanup_free char *data = NULL;
  cleanup_close int fs = -1;

  if ((upper == NULL) != (work == NULL))
    return hull_error (err, EINVAL, "overlay: an upper directory needs a work directory and the other way round");
  if (join_lowers (lowers, n, &lower, err) < 0)
    return -1;
  if ((upper && strpbrk (upper, ":,\\")) || (work && strpbrk (work, ":,\\")))
    return hull_error (err, EINVAL, "overlay: `:`, `,` or `\\` in the upper or work path");
  fs = sys_fsopen ("overlay", FSOPEN_CLOEXEC);
  if (fs >= 0)
    return overlay_new_api (fs, lower, upper, work, target, err);
  if (errno != ENOSYS)
    return hull_error_sys (err, "overlay: fsopen");
  data = upper ? xasprintf ("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work)
               : xasprintf ("lowerdir=%s", lower);
  if (mount ("overlay", target, "overlay", 0, data) < 0)
    return hull_error_sys (err, "overlay: mount at `%s`", target);
  return 0;
}

int
hull_rootfs_unmount (const char *target, hull_error_t *err)
{
  if (umount2 (target, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
    return hull_error_sys (err, "unmount `%s`", target);
  return 0;
}

int
hull_rootfs_copy (int dest_fd, const char *const *layers, size_t n, const struct hull_unpack_opts *o,
                  hull_error_t *err)
{
  struct hull_unpack_opts opts = { 0 };

  if (o != NULL)
    opts = *o;
  opts.whiteouts = HULL_WHITEOUT_DELETE;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_close int fd = open (layers[i], O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return hull_error_sys (err, "layer `%s`", layers[i]);
      if (hull_layer_apply_fd (dest_fd, fd, &opts, NULL, err) < 0)
        return hull_error_wrap (err, "layer `%s`", layers[i]);
    }
  return 0;
}
