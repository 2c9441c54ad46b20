/* layers-internal.h: what layers.c (unpacking from a stored blob) and layer-stream.c
   (unpacking while the blob downloads) share: the temp directory of a layer, filling it from
   a file descriptor, and renaming it into place. Not for other modules. */
#ifndef HULL_IMAGE_LAYERS_INTERNAL_H
#define HULL_IMAGE_LAYERS_INTERNAL_H

#include "layers.h"

/* ROOT/layers/sha256 opened into *LFD and the temp name of layer DIFF_ID (.tmp-HEX-PID) into
   *TMP, a leftover of that name removed. */
int hull_layers_tmp (struct hull_store *s, const char *diff_id, int *lfd, char **tmp, hull_error_t *err);
/* Make the directory TMP of LFD and apply into it the layer (plain tar, gzip or zstd) read
   from FD; its uncompressed stream must hash to DIFF_ID. TEE (may be NULL) gets every byte
   read from FD. WHAT names the layer in errors. On error TMP is left for the caller to
   discard. FD may hold more after the compressed stream's end: the caller reads it. */
int hull_layers_fill (struct hull_store *s, int lfd, const char *tmp, int fd, struct hull_blob_writer *tee,
                      const char *what, const char *diff_id, const struct hull_layer_opts *o,
                      struct hull_layer_times *t, hull_error_t *err);
/* Rename TMP into place as DIFF_ID (one already there is kept, TMP removed). */
int hull_layers_place (struct hull_store *s, int lfd, const char *tmp, const char *diff_id, hull_error_t *err);
/* Remove TMP, errors ignored (a leftover is collected by the next hull_layers_gc). */
void hull_layers_discard (int lfd, const char *tmp);

#endif
