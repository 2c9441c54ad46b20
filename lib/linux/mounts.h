/* mounts.h: building the container's filesystem view inside its new mount namespace: the
   rootfs as a mount of its own, every `mounts` entry in order, the cgroup tree, then
   pivot_root, rootfs propagation, masked and read-only paths, and a read-only root. */
#ifndef HULL_MOUNTS_H
#define HULL_MOUNTS_H

#include "../core/error.h"
#include "init.h"

/* Before pivot_root: stop propagation to the host, bind the rootfs, do every mount entry.
   *root_fd receives an O_PATH fd of the rootfs mount. */
int hull_mounts_prepare (const struct hull_init_ctx *ctx, int *root_fd, hull_error_t *err);
/* pivot_root (or MS_MOVE + chroot with --no-pivot) into ROOT_FD and drop the old root. */
int hull_mounts_pivot (const struct hull_init_ctx *ctx, int root_fd, hull_error_t *err);
/* After pivot_root: rootfsPropagation, maskedPaths, readonlyPaths, root.readonly. */
int hull_mounts_finish (const struct hull_init_ctx *ctx, hull_error_t *err);

/* Devices and /dev links (devices.c). Called by hull_mounts_prepare. */
int hull_devices_create (const struct hull_init_ctx *ctx, int root_fd, hull_error_t *err);

#endif
