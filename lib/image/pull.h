/* pull.h: `hull pull` and `hull push`, joining the registry client (registry.h), the store
   (store.h) and the unpacker (layers.h).

   Pull: the manifest (an index or manifest list picks the platform), then the config, then
   the layers the store lacks, in parallel, each streamed through a verified blob writer (a
   wrong digest or size, a truncated body: nothing is committed). Each layer is then unpacked
   from its stored blob into ROOT/layers/sha256/DIFF_ID (layers.h), its uncompressed stream
   checked against the config's diff_id. Only then does the image get its name in index.json;
   on any failure the blobs and layers no image uses are collected again. The store is locked
   throughout (blob writers need it); a pull starts by collecting unused layers, and so the
   temp directories of a pull that was killed. */
#ifndef HULL_IMAGE_PULL_H
#define HULL_IMAGE_PULL_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"
#include "digest.h"
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

struct hull_transfer_opts
{
  bool plain_http;        /* http:// (--tls-verify=false) */
  const char *auth_file;  /* NULL: containers-auth.json 5's search */
  const char *os, *arch, *variant; /* the platform to pull; NULL: the host's */
  hull_progress_fn progress; /* may be NULL */
  void *progress_arg;
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
