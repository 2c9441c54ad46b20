/* ctr-rootfs.c: a container's root filesystem while it runs: an overlay of the store's
   unpacked layers (top first, as the record lists them) under the container's own upper and
   work directories, mounted at ROOT/containers/ID/rootfs by the monitor before the runtime
   starts and unmounted after the container has ended. A copied rootfs (rootless, or a host
   without overlayfs) is just there and needs neither. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "../image/rootfs.h"
#include "engine.h"

/* Is PATH the root of a mount? */
static int
is_mount_root (const char *path, bool *yes, hull_error_t *err)
{
  struct statx stx;

  if (statx (AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
    return hull_error_sys (err, "`%s`", path);
  if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
    return hull_error (err, 0, "`%s`: this kernel does not tell mount roots (statx)", path);
  *yes = (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  return 0;
}

int
hull_engine_rootfs_mount (const struct hull_engine *e, const char *id, json_t *spec, hull_error_t *err)
{
  cleanup_free char *target = hull_engine_ctr_path (e, id, "rootfs");
  cleanup_free char *upper = hull_engine_ctr_path (e, id, "diff");
  cleanup_free char *work = hull_engine_ctr_path (e, id, "work");
  json_t *layers = json_object_get (spec, "layers");
  size_t n = json_array_size (layers);
  const char **lowers;
  bool mounted;
  int r;

  if (strcmp (json_string_value (json_object_get (spec, "rootfs")) ?: "", "overlay") != 0)
    return 0;
  if (n == 0)
    return hull_error (err, 0, "container %.12s: an overlay rootfs without layers", id);
  if (is_mount_root (target, &mounted, err) < 0)
    return -1;
  if (mounted) /* a monitor that was killed left it: it is the same overlay */
    return 0;
  lowers = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    lowers[i] = xasprintf ("%s/layers/sha256/%s", e->root, json_string_value (json_array_get (layers, i)) ?: "");
  r = hull_rootfs_overlay (lowers, n, upper, work, target, err);
  for (size_t i = 0; i < n; i++)
    free ((char *) lowers[i]);
  free (lowers);
  return r < 0 ? hull_error_wrap (err, "container %.12s: rootfs", id) : 0;
}

int
hull_engine_rootfs_unmount (const struct hull_engine *e, const char *id, hull_error_t *err)
{
  cleanup_free char *target = hull_engine_ctr_path (e, id, "rootfs");
  hull_error_t again = NULL;
  bool mounted = true;
  int r;

  if (hull_rootfs_unmount (target, err) == 0)
    return 0;
  /* A failure with nothing mounted there is nothing left to do: a copied rootfs, the
     container's directory gone, or the monitor and an rm of a container that ended meanwhile
     both tearing it down, the other first. */
  r = is_mount_root (target, &mounted, &again);
  if ((r == 0 && !mounted) || (r < 0 && again->errno_ == ENOENT))
    {
      hull_error_free (err);
      mounted = false;
    }
  hull_error_free (&again);
  return mounted ? -1 : 0;
}
