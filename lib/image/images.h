/* images.h: images in the store: names (podman's normalisation), lookup by name or ID, the
   store's index.json entries, and `import` (a rootfs tarball as a one-layer image). An image
   is a manifest in index.json; its ID is its config's digest; each name is one index entry
   whose annotation org.opencontainers.image.ref.name is the full name (localhost/busybox:latest). */
#ifndef HULL_IMAGE_IMAGES_H
#define HULL_IMAGE_IMAGES_H

#include <jansson.h>
#include <stdint.h>

#include "manifest.h"
#include "store.h"

/* NAME[:TAG] as podman normalises it: a first component without a dot or a colon (and not
   "localhost") gets "localhost/", no tag gets ":latest". Invalid names are refused. */
int hull_ref_normalize (const char *in, char **out, hull_error_t *err);

struct hull_image
{
  char digest[HULL_DIGEST_LEN + 1];  /* the manifest's */
  char *media_type;
  int64_t manifest_size;
  char id[HULL_DIGEST_LEN + 1];      /* the config's digest */
  char **names;                      /* NULL-terminated; empty when untagged */
  struct hull_manifest manifest;
};

struct hull_image_list
{
  struct hull_image *v;
  size_t n;
};

/* The images of INDEX (one per manifest digest, names gathered), manifests read from S. */
int hull_images_load (struct hull_store *s, json_t *index, struct hull_image_list *out, hull_error_t *err);
void hull_images_clear (struct hull_image_list *l);
/* ARG as a name (normalised), an ID, or an ID prefix of at least 12 hex digits; the index of
   the image in L, or -1 ("no such image"). */
int hull_images_find (const struct hull_image_list *l, const char *arg, hull_error_t *err);

/* index.json entries: point NAME (normalised) at the manifest (taking it from any other
   image); NAME NULL adds an untagged entry unless the manifest has one. */
void hull_index_set_name (json_t *index, const char *name, const char *media_type, const char *digest, int64_t size);
/* The annotation on a pulled image's entries naming the repository it came from,
   "HOST[:PORT]/REPO": push mounts its blobs from there when it pushes to the same registry. */
#define HULL_ANNOT_SOURCE "io.hull.image.source"
/* Set SOURCE as HULL_ANNOT_SOURCE on every entry of the manifest DIGEST. */
void hull_index_set_source (json_t *index, const char *digest, const char *source);
/* Remove NAME's entry; true if there was one. */
bool hull_index_drop_name (json_t *index, const char *name);
/* Remove every entry of the manifest DIGEST. */
void hull_index_drop_manifest (json_t *index, const char *digest);

struct hull_import_opts
{
  char **changes;        /* "CMD=...", "ENTRYPOINT ...", ENV, USER, WORKDIR, LABEL, EXPOSE, VOLUME, STOPSIGNAL */
  const char *message;   /* history comment */
};
/* Apply podman-style --change instructions to a config's "config" object. */
int hull_import_apply_changes (json_t *cfg, char **changes, hull_error_t *err);
/* A rootfs tarball read from FD (plain, gzip, zstd, xz...: stored uncompressed) becomes a
   one-layer image named NAME (may be NULL). The store must be locked; on failure nothing new is
   left. The image ID goes to ID. */
int hull_image_import (struct hull_store *s, int fd, const char *what, const char *name,
                       const struct hull_import_opts *o, char id[HULL_DIGEST_LEN + 1], hull_error_t *err);

#endif
