/* rootfs.h: a container's root filesystem from unpacked layers: an overlayfs mount of the
   layer directories (each unpacked with HULL_WHITEOUT_OVERLAY) under a private upper and
   work directory, or, where overlay is missing or not wanted, a plain directory the layer
   tarballs are applied to in order (HULL_WHITEOUT_DELETE). */
#ifndef HULL_IMAGE_ROOTFS_H
#define HULL_IMAGE_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/error.h"
#include "unpack.h"

/* Can this process mount overlayfs (the filesystem is known and fsopen allowed)? */
bool hull_rootfs_overlay_available (void);

/* Mount overlayfs at TARGET: LOWERS[0] is the top layer, LOWERS[N-1] the bottom one (the
   order of overlay's lowerdir=top:...:bottom); UPPER and WORK are the caller's private
   directories on one filesystem (both NULL: a read-only mount, which needs N >= 2). No path
   may contain `:`, `,` or `\` (overlay's separators). */
int hull_rootfs_overlay (const char *const *lowers, size_t n, const char *upper, const char *work, const char *target,
                         hull_error_t *err);

/* Unmount what hull_rootfs_overlay mounted at TARGET (lazily: a process still in there keeps
   it alive, but it is gone from the mount tree). */
int hull_rootfs_unmount (const char *target, hull_error_t *err);

/* The copy fallback: apply the layer tarballs LAYERS[0] (bottom) .. LAYERS[N-1] (top) in
   order onto DEST_FD, whiteouts deleting. O's whiteouts field is ignored. Like
   hull_layer_apply, an error leaves DEST_FD to be thrown away. */
int hull_rootfs_copy (int dest_fd, const char *const *layers, size_t n, const struct hull_unpack_opts *o,
                      hull_error_t *err);

#endif
