/* manifest.h: OCI and Docker v2 schema 2 manifests, OCI image indexes and Docker manifest
   lists, and the image config (image-spec manifest.md, image-index.md, config.md), parsed from
   untrusted bytes into typed structs. Every error names the field ("manifest.layers[2].digest:
   ..."). Digests are checked with hull_digest_check, sizes are >= 0, media types are the known
   ones, documents are at most HULL_MANIFEST_MAX bytes. */
#ifndef HULL_IMAGE_MANIFEST_H
#define HULL_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "digest.h"

#define HULL_MANIFEST_MAX (4u << 20) /* as containerd and podman: 4 MiB */
#define HULL_CONFIG_MAX (8u << 20)

#define HULL_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define HULL_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define HULL_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define HULL_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define HULL_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define HULL_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define HULL_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define HULL_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define HULL_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define HULL_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define HULL_ANNOT_REF_NAME "org.opencontainers.image.ref.name"

struct hull_platform
{
  char *os, *architecture, *variant; /* variant may be NULL */
};

struct hull_descriptor
{
  char *media_type;
  char digest[HULL_DIGEST_LEN + 1];
  int64_t size;
  char *ref_name;                 /* annotations[org.opencontainers.image.ref.name], or NULL */
  bool has_platform;
  struct hull_platform platform;
};

struct hull_manifest
{
  char *media_type;               /* OCI or Docker v2 schema 2 */
  struct hull_descriptor config;
  struct hull_descriptor *layers;
  size_t n_layers;
};

struct hull_index
{
  char *media_type;               /* OCI index or Docker manifest list */
  struct hull_descriptor *manifests;
  size_t n_manifests;
};

struct hull_history
{
  char *created, *created_by, *comment;
  bool empty_layer;
};

struct hull_image_config
{
  char *architecture, *os, *variant, *created, *author;
  char *user, *working_dir, *stop_signal;
  char **env, **entrypoint, **cmd;          /* NULL-terminated, or NULL when absent */
  char **labels;                            /* "KEY=VALUE" pairs, NULL-terminated */
  char **exposed_ports, **volumes;          /* the keys of those objects */
  char (*diff_ids)[HULL_DIGEST_LEN + 1];
  size_t n_diff_ids;
  struct hull_history *history;
  size_t n_history;
};

/* Is MT a media type Hull knows: a manifest, an index, a config or a layer? */
bool hull_media_type_is_manifest (const char *mt);
bool hull_media_type_is_index (const char *mt);
bool hull_media_type_is_layer (const char *mt);

/* Parse DATA (LEN bytes, untrusted). WHAT names the document in errors ("manifest"). */
int hull_manifest_parse (const char *data, size_t len, const char *what, struct hull_manifest *out,
                         hull_error_t *err);
int hull_index_parse (const char *data, size_t len, const char *what, struct hull_index *out, hull_error_t *err);
int hull_image_config_parse (const char *data, size_t len, const char *what, struct hull_image_config *out,
                             hull_error_t *err);
/* The media type a document declares (its mediaType field), NULL when it has none or does not
   parse; for telling a manifest from an index. Caller frees. */
char *hull_document_media_type (const char *data, size_t len);

/* The entry of IDX for the platform OS/ARCH/VARIANT (VARIANT NULL: any; entries without a
   platform never match), or -1 with an error listing what the index has. */
int hull_index_select (const struct hull_index *idx, const char *os, const char *arch, const char *variant,
                       hull_error_t *err);
/* The host's platform in OCI terms (GOARCH names: amd64, arm64, ...). */
void hull_host_platform (const char **os, const char **arch, const char **variant);

void hull_descriptor_clear (struct hull_descriptor *d);
void hull_manifest_clear (struct hull_manifest *m);
void hull_index_clear (struct hull_index *i);
void hull_image_config_clear (struct hull_image_config *c);

#endif
