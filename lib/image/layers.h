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
#include <stdint.h>

#include "store.h"
#include "unpack.h"

/* Is the layer DIFF_ID unpacked? */
bool hull_layers_has (struct hull_store *s, const char *diff_id);

/* Limits of one layer (unpack.h: 0 is the default), and where its unpacking spent its time:
   waiting in wall-clock time, the rest in the unpacking thread's CPU time. */
struct hull_layer_opts
{
  uint64_t max_bytes;   /* of the uncompressed stream */
  uint64_t max_entries;
};
struct hull_layer_times
{
  uint64_t wait_ns;   /* waiting for compressed bytes (the download, or the disk) */
  uint64_t gunzip_ns; /* decompressing (gzip or zstd; copying for a plain tar), reading the source */
  uint64_t hash_ns;   /* hashing the uncompressed stream (the diff_id) */
  uint64_t tree_ns;   /* making the tree: parsing the tar, writing files */
  uint64_t bytes;     /* the uncompressed stream's size */
};

/* Unpack the stored blob BLOB (a layer: plain tar, gzip or zstd, decompressed while it is
   read) as the layer DIFF_ID, unless it is there already. The uncompressed stream must hash
   to DIFF_ID, else nothing is left. O and T may be NULL; T's times are added to. */
int hull_layers_unpack (struct hull_store *s, const char *blob, const char *diff_id, const struct hull_layer_opts *o,
                        struct hull_layer_times *t, hull_error_t *err);

/* A layer unpacked while its blob downloads (layer-stream.c): the bytes fed in go through a
   pipe to a thread of the stream's own, which writes them into the blob writer W (hash and
   temp file) and decompresses, hashes and unpacks them into ROOT/layers/sha256/.tmp-HEX-PID
   as hull_layers_unpack does. The caller feeds every byte of the blob, then ends it; W is the
   thread's until then (the caller then verifies and commits it). The layer is renamed into
   place only by commit, after the stream ended well: so the caller commits the blob and the
   layer only when both digests held. Freeing a stream that was not committed removes its
   directory (not W: the caller's). A stream is used by one thread (its feeder); several
   streams may run at once. */
struct hull_layer_stream;
int hull_layer_stream_start (struct hull_store *s, const char *blob, const char *diff_id,
                             const struct hull_layer_opts *o, struct hull_blob_writer *w,
                             struct hull_layer_stream **out, hull_error_t *err);
/* Feed LEN bytes, a pipe's worth ahead of the unpacker at most. When the pipe is full: with
   MAY_WAIT and none of BUF taken yet, returns HULL_LAYER_STREAM_FULL (the caller waits for
   hull_layer_stream_fd to be writable and feeds BUF again), else blocks. Once the unpacker
   has stopped with an error (which _end returns), bytes are dropped: the download goes on,
   so that its digest is checked, and a corrupt blob is reported as one rather than as the
   bad tar it makes. */
#define HULL_LAYER_STREAM_FULL 1
int hull_layer_stream_feed (struct hull_layer_stream *ls, const void *buf, size_t len, bool may_wait,
                            hull_error_t *err);
/* The descriptor a full stream's feeder waits on (writable: room again). */
int hull_layer_stream_fd (struct hull_layer_stream *ls);
/* All bytes are fed: the unpacker gets the end of its stream (does not wait for it). */
void hull_layer_stream_close (struct hull_layer_stream *ls);
/* No more bytes (closed if not yet): wait for the unpacker. 0 when the layer applied and its uncompressed stream
   hashed to DIFF_ID; else its error. T (may be NULL) is added to. Idempotent. */
int hull_layer_stream_end (struct hull_layer_stream *ls, struct hull_layer_times *t, hull_error_t *err);
/* Rename the ended, good layer into place (a layer already there is kept). */
int hull_layer_stream_commit (struct hull_layer_stream *ls, hull_error_t *err);
/* End (if not yet) and free; an uncommitted layer's directory is removed. */
void hull_layer_stream_free (struct hull_layer_stream *ls);

/* Remove every layer directory that no image of INDEX has in its config's diff_ids, and any
   temp directory a crash left. A config that cannot be read stops it before anything is
   removed. The number removed goes to *REMOVED (may be NULL). */
int hull_layers_gc (struct hull_store *s, json_t *index, size_t *removed, hull_error_t *err);

#endif
