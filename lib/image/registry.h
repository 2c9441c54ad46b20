/* registry.h: a client for one OCI distribution registry (distribution-spec), over libcurl.
   Pull: manifests by tag or digest, blobs streamed into a caller's sink and verified, blob
   existence. Push: blob uploads (cross-repository mount, monolithic or chunked), manifests.
   Authentication follows the registry's challenge (Bearer tokens from its realm, or Basic),
   with credentials from containers-auth.json 5 files; tokens are cached per scope for the
   client's life. Credentials are never printed or logged.

   The client knows nothing of the local store: what it fetches goes to callbacks, so that the
   engine's pull and push can join the two. A client is not thread-safe; use one per thread.
   libcurl's global initialisation is done once, lazily, by the first hull_registry_open
   (pthread_once): a program need not call curl_global_init itself. */
#ifndef HULL_IMAGE_REGISTRY_H
#define HULL_IMAGE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../core/error.h"
#include "digest.h"

#define HULL_MANIFEST_MAX (4u << 20) /* bigger manifests are refused (as manifest.h) */

struct hull_registry_opts
{
  const char *host;          /* "host[:port]", required */
  bool plain_http;           /* http:// to this registry; https (TLS verified) otherwise */
  const char *ca_file;       /* CA bundle instead of the system's; NULL: the system's */
  const char *auth_file;     /* only this auth file; NULL: containers-auth.json 5's search */
  long connect_timeout;      /* seconds; 0: 30 */
  long low_speed_time;       /* a transfer below 1 byte/s for this many seconds fails; 0: 30 */
  size_t chunk_size;         /* blobs bigger than this are uploaded in chunks of it; 0: 8 MiB */
};

struct hull_registry;

int hull_registry_open (const struct hull_registry_opts *opts, struct hull_registry **out, hull_error_t *err);
void hull_registry_close (struct hull_registry *r);

/* GET /v2/: is the registry there, and which authentication does it want? Done by the first
   operation anyway; useful to fail early with a clear "cannot reach" message. */
int hull_registry_ping (struct hull_registry *r, hull_error_t *err);

struct hull_registry_manifest
{
  char *body; /* owned, NUL-terminated (the NUL is not part of len) */
  size_t len;
  char *media_type; /* owned: Content-Type without parameters, one of the four known */
  char digest[HULL_DIGEST_LEN + 1]; /* sha256 of body */
};
void hull_registry_manifest_clear (struct hull_registry_manifest *m);

/* Manifest REPO:REF (a tag or a digest). The digest is computed from the body and must be REF
   when REF is a digest, and the registry's Docker-Content-Digest when it sends one. */
int hull_registry_get_manifest (struct hull_registry *r, const char *repo, const char *ref,
                                struct hull_registry_manifest *out, hull_error_t *err);

/* Receives a blob's bytes as they arrive. Returning < 0 (with *err set) stops the transfer.
   A sink must not commit anything before hull_registry_get_blob has returned 0: on any error
   (digest or size mismatch, truncated body, network failure) it must discard all it got.
   A sink of hull_registry_get_blobs with a wait_fd may return HULL_SINK_WAIT, having taken
   none of BUF: that transfer is paused (the others go on) until the descriptor wait_fd names
   is writable, and then BUF is given again. */
typedef int (*hull_registry_sink) (void *data, const void *buf, size_t len, hull_error_t *err);
#define HULL_SINK_WAIT 1

/* Blob DIGEST of REPO into SINK, hashed while it streams, then checked against DIGEST and,
   when EXPECTED_SIZE >= 0, against that size. Redirects are followed (http(s) only, no
   https to http), without the Authorization header once they leave the registry's host. */
int hull_registry_get_blob (struct hull_registry *r, const char *repo, const char *digest, long long expected_size,
                            hull_registry_sink sink, void *sink_data, hull_error_t *err);

/* One blob of hull_registry_get_blobs: what to fetch and where, and (out) its own error. */
struct hull_blob_fetch
{
  const char *digest;
  long long expected_size; /* -1: not checked */
  hull_registry_sink sink;
  void *sink_data;
  bool sink_verifies; /* the sink hashes what it gets and checks DIGEST itself (as a store's
                         blob writer does): the client then checks only size and completeness */
  int (*wait_fd) (void *sink_data); /* after HULL_SINK_WAIT: the fd to wait for; NULL: no waits */
  hull_error_t err; /* set when this blob failed; the caller frees it */
};

/* The N blobs of REPO, at most MAX_PARALLEL (0: 4) at once over libcurl's multi interface,
   each into its own sink with hull_registry_get_blob's checks and redirect rules. Returns 0
   when every one was fetched and verified; else -1, *err saying how many failed and why the
   first did, and each failed blob's err set (its sink must discard what it got); an error
   before any transfer (a bad name, an unreachable registry, a refused login) is set on
   every blob. */
int hull_registry_get_blobs (struct hull_registry *r, const char *repo, struct hull_blob_fetch *blobs, size_t n,
                             unsigned max_parallel, hull_error_t *err);

/* HEAD of blob DIGEST: *exists, and *size (-1 when unknown, or when it does not exist). */
int hull_registry_blob_exists (struct hull_registry *r, const char *repo, const char *digest, bool *exists,
                               long long *size, hull_error_t *err);

enum hull_push_result
{
  HULL_PUSH_EXISTED = 1, /* the registry had it already: nothing sent */
  HULL_PUSH_MOUNTED,     /* mounted from MOUNT_FROM without sending it */
  HULL_PUSH_UPLOADED,    /* sent in one PUT */
  HULL_PUSH_CHUNKED,     /* sent in PATCH chunks and a final PUT */
};
const char *hull_push_result_name (enum hull_push_result r);

/* Upload blob DIGEST of SIZE bytes read from FD (from offset 0, with pread) to REPO, unless
   the registry has it. MOUNT_FROM (may be NULL) names a repository of the same registry to
   mount it from. */
int hull_registry_push_blob (struct hull_registry *r, const char *repo, const char *digest, int fd, off_t size,
                             const char *mount_from, enum hull_push_result *result, hull_error_t *err);

/* PUT manifest BODY (of MEDIA_TYPE, one of the four known) as REPO:REF, REF a tag or its own
   digest. DIGEST_OUT (may be NULL) gets its digest. */
int hull_registry_put_manifest (struct hull_registry *r, const char *repo, const char *ref, const char *body,
                                size_t len, const char *media_type, char digest_out[HULL_DIGEST_LEN + 1],
                                hull_error_t *err);

#endif
