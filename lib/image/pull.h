/* pull.h: `hull pull` and `hull push`, joining the registry client (registry.h), the store
   (store.h) and the unpacker (layers.h).

   Pull: the manifest (an index or manifest list picks the platform), then the config (its
   diff_ids name the layers), then the layers the store lacks, in parallel. Each layer blob is
   streamed through a verified blob writer and, in the same pass, through a layer stream
   (layers.h) whose thread decompresses, hashes and unpacks it into a temp directory of
   ROOT/layers/sha256. Both are committed (the blob linked, the layer renamed into place) only
   when every blob's digest and every layer's diff_id held; otherwise neither is left. A blob
   the store has but whose layer is not unpacked is unpacked from the stored blob afterwards.
   Only then does the image get its name in index.json, and the repository it came from (an
   annotation, HULL_ANNOT_SOURCE, for push's cross-repository mounts); on any failure the
   blobs and layers no image uses are collected again. The store is locked throughout (blob
   writers need it); a pull starts by collecting unused layers, and so the temp directories of
   a pull that was killed. */
#ifndef HULL_IMAGE_PULL_H
#define HULL_IMAGE_PULL_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"
#include "digest.h"
#include "layers.h"
#include "store.h"

/* HOST[:PORT]/REPO[:TAG|@DIGEST], parsed. */
struct hull_remote_ref
{
  char *host;  /* "host[:port]" */
  char *repo;  /* "a/b" */
  char *ref;   /* the tag ("latest" when none) or the digest */
  char *name;  /* HOST/REPO:TAG, the name in the store; NULL for a digest reference */
};

/* Parse IN. A name without a registry host (its first component has no `.` or `:` and is not
   `localhost`) is refused: Hull searches no registries. */
int hull_remote_ref_parse (const char *in, struct hull_remote_ref *out, hull_error_t *err);
void hull_remote_ref_clear (struct hull_remote_ref *r);

/* Progress of one blob: INDEX of N (the config is 0, layers 1..), DONE of TOTAL bytes
   (TOTAL < 0: unknown); DONE == TOTAL with CACHED when the store had it. */
typedef void (*hull_progress_fn) (void *arg, size_t index, size_t n, const char *digest, int64_t done,
                                  int64_t total, bool cached);

/* Where a pull's time went (hull pull --timings). Wall-clock phases, then the download
   thread's time in the blobs' sinks, then the unpacking threads' times summed. */
struct hull_pull_timings
{
  uint64_t total_ns, manifest_ns, config_ns, layers_ns, unpack_ns, commit_ns;
  uint64_t blob_hash_ns, blob_write_ns; /* wherever the blobs were written (CPU) */
  uint64_t feed_ns;   /* the download thread's time feeding the unpackers */
  uint64_t waits;     /* times a download paused: its unpacker was a pipe's worth behind */
  struct hull_layer_times layers;
  uint64_t bytes;     /* blob bytes downloaded */
  size_t streamed;    /* layers unpacked while they downloaded */
  size_t from_store;  /* layers unpacked from a blob the store had */
};

struct hull_transfer_opts
{
  bool plain_http;        /* http:// (--tls-verify=false) */
  const char *auth_file;  /* NULL: containers-auth.json 5's search */
  const char *os, *arch, *variant; /* the platform to pull; NULL: the host's */
  hull_progress_fn progress; /* may be NULL */
  void *progress_arg;
  struct hull_layer_opts limits;     /* of each layer unpacked (0: unpack.h's defaults) */
  struct hull_pull_timings *timings; /* filled by a pull when not NULL */
};

/* Pull REF into S (unlocked: it is locked here). The image ID goes to ID. */
int hull_image_pull (struct hull_store *s, const struct hull_remote_ref *ref, const struct hull_transfer_opts *o,
                     char id[HULL_DIGEST_LEN + 1], hull_error_t *err);

/* Push the image IMAGE (a name or ID of S) to DEST (NULL: the image's first name, which
   must then name a registry): its config and layers unless the
   registry has them, then its manifest. The manifest's digest goes to DIGEST. */
int hull_image_push (struct hull_store *s, const char *image, const struct hull_remote_ref *dest,
                     const struct hull_transfer_opts *o, char digest[HULL_DIGEST_LEN + 1], hull_error_t *err);

#endif
