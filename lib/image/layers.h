/* layers.h: the store's unpacked layers. ROOT/layers/sha256/HEX is the layer whose
   uncompressed tar stream has the digest sha256:HEX (its diff_id, config.md rootfs.diff_ids),
   unpacked once with overlay whiteouts (HULL_WHITEOUT_OVERLAY: a lower directory of an
   overlay rootfs) and shared by every image that has it. A layer is unpacked into
   ROOT/layers/sha256/.tmp-HEX-PID and renamed into place only when it applied and its
   uncompressed stream hashed to the diff_id; so a directory under a digest's name is whole.
   Everything here is done with the store's lock held. */
#ifndef HULL_IMAGE_LAYERS_H
#define HULL_IMAGE_LAYERS_H

#include <jansson.h>
#include <stdbool.h>

#include "store.h"
#include "unpack.h"

/* Is the layer DIFF_ID unpacked? */
bool hull_layers_has (struct hull_store *s, const char *diff_id);

/* Unpack the stored blob BLOB (a layer: plain tar, gzip or zstd, decompressed while it is
   read) as the layer DIFF_ID, unless it is there already. The uncompressed stream must hash
   to DIFF_ID, else nothing is left. STATS may be NULL. */
int hull_layers_unpack (struct hull_store *s, const char *blob, const char *diff_id, struct hull_unpack_stats *stats,
                        hull_error_t *err);

/* Remove every layer directory that no image of INDEX has in its config's diff_ids, and any
   temp directory a crash left. A config that cannot be read stops it before anything is
   removed. The number removed goes to *REMOVED (may be NULL). */
int hull_layers_gc (struct hull_store *s, json_t *index, size_t *removed, hull_error_t *err);

#endif
