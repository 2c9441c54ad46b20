/* registry-push.c: the registry client's push side: blob uploads (HEAD first so that a blob
   the registry has is not sent again, cross-repository mount, then one PUT for a small blob
   or PATCH chunks and a final PUT for a big one, each following the Location the registry
   gives) and manifest PUTs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "registry-http.h"
#include "registry.h"


const char *
hull_push_result_name (enum hull_push_result r)
{
  switch (r)
    {
    case HULL_PUSH_EXISTED:
      return "exists";
    case HULL_PUSH_MOUNTED:
      return "mounted";
    case HULL_PUSH_UPLOADED:
      return "uploaded";
    case HULL_PUSH_CHUNKED:
      return "chunked";
    }
  return "?";
}

struct upload
{
  struct hull_registry *r;
  const char *repo, *digest, *scope;
  int fd;
  off_t size;
  char *location; /* where the upload goes on, absolute */
};

/* The upload's next URL from RESP's Location. */
static int
next_location (struct upload *u, const struct hull_resp *resp, hull_error_t *err)
{
  char *loc = hull_registry_resolve (u->r->base, resp->location);

  if (loc == NULL)
    return hull_error (err, 0, "registry %s answered %ld without a usable upload Location", u->r->host,
                       resp->status);
  free (u->location);
  u->location = loc;
  return 0;
}

static char *
escaped (struct hull_registry *r, const char *s)
{
  char *e = curl_easy_escape (r->curl, s, 0), *out;

  if (e == NULL)
    abort ();
  out = xstrdup (e);
  curl_free (e);
  return out;
}

/* POST the upload (or the mount); *mounted when the registry answered 201 to a mount. */
static int
start_upload (struct upload *u, const char *mount_from, bool *mounted, hull_error_t *err)
{
  cleanup_free char *url = xasprintf ("%s/v2/%s/blobs/uploads/", u->r->base, u->repo);
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "POST", .repo = u->repo, .scope = u->scope, .fd = -1, .max_body = 64 * 1024 };

  *mounted = false;
  if (mount_from)
    {
      cleanup_free char *d = escaped (u->r, u->digest), *f = escaped (u->r, mount_from);
      cleanup_free char *with_mount = hull_url_add_query (url, "mount", d);
      free (url);
      url = hull_url_add_query (with_mount, "from", f);
    }
  rq.url = url;
  if (hull_registry_request (u->r, &rq, &resp, err) < 0)
    return -1;
  if (resp.status == 201 && mount_from)
    {
      *mounted = true;
      return 0;
    }
  if (resp.status != 202)
    return hull_registry_status_error (u->r, &resp, err);
  return next_location (u, &resp, err);
}

/* PUT LOCATION?digest=D with LEN bytes of the file from OFF (LEN 0: no body). */
static int
finish_upload (struct upload *u, off_t off, off_t len, hull_error_t *err)
{
  cleanup_free char *d = escaped (u->r, u->digest);
  cleanup_free char *url = hull_url_add_query (u->location, "digest", d);
  cleanup_slist struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/octet-stream");
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "PUT", .url = url, .repo = u->repo, .scope = u->scope, .headers = headers,
                         .fd = len > 0 ? u->fd : -1, .fd_off = off, .fd_len = len, .body = "", .body_len = 0,
                         .max_body = 64 * 1024 };

  if (hull_registry_request (u->r, &rq, &resp, err) < 0)
    return -1;
  if (resp.status != 201)
    return hull_registry_status_error (u->r, &resp, err);
  if (resp.docker_digest && strcmp (resp.docker_digest, u->digest) != 0)
    return hull_error (err, 0, "registry %s stored the blob as another digest", u->r->host);
  return 0;
}

/* PATCH one chunk [OFF, OFF + LEN) with its Content-Range. */
static int
send_chunk (struct upload *u, off_t off, off_t len, hull_error_t *err)
{
  cleanup_free char *range = xasprintf ("Content-Range: %lld-%lld", (long long) off, (long long) (off + len - 1));
  cleanup_slist struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/octet-stream");
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "PATCH", .url = u->location, .repo = u->repo, .scope = u->scope,
                         .fd = u->fd, .fd_off = off, .fd_len = len, .max_body = 64 * 1024 };

  headers = curl_slist_append (headers, range);
  rq.headers = headers;
  if (hull_registry_request (u->r, &rq, &resp, err) < 0)
    return -1;
  if (resp.status != 202)
    {
      hull_registry_status_error (u->r, &resp, err);
      return hull_error_wrap (err, "chunk at %lld", (long long) off);
    }
  return next_location (u, &resp, err);
}

static int
push_blob (struct upload *u, const char *mount_from, enum hull_push_result *result, hull_error_t *err)
{
  bool exists = false, mounted = false;
  long long have = -1;

  if (hull_registry_head_blob (u->r, u->repo, u->digest, u->scope, &exists, &have, err) < 0)
    return -1;
  if (exists)
    {
      *result = HULL_PUSH_EXISTED;
      return 0;
    }
  if (start_upload (u, mount_from, &mounted, err) < 0)
    return -1;
  if (mounted)
    {
      *result = HULL_PUSH_MOUNTED;
      return 0;
    }
  if ((size_t) u->size <= u->r->chunk_size)
    {
      *result = HULL_PUSH_UPLOADED;
      return finish_upload (u, 0, u->size, err);
    }
  for (off_t off = 0; off < u->size; off += (off_t) u->r->chunk_size)
    {
      off_t n = u->size - off < (off_t) u->r->chunk_size ? u->size - off : (off_t) u->r->chunk_size;
      if (send_chunk (u, off, n, err) < 0)
        return -1;
    }
  *result = HULL_PUSH_CHUNKED;
  return finish_upload (u, u->size, 0, err);
}

int
hull_registry_push_blob (struct hull_registry *r, const char *repo, const char *digest, int fd, off_t size,
                         const char *mount_from, enum hull_push_result *result, hull_error_t *err)
{
  cleanup_free char *scope = NULL;
  struct upload u = { .r = r, .repo = repo, .digest = digest, .fd = fd, .size = size };
  int ret;

  if (hull_registry_check_repo (repo, err) < 0 || hull_digest_check (digest, "blob", err) < 0
      || (mount_from && hull_registry_check_repo (mount_from, err) < 0))
    return -1;
  if (size < 0)
    return hull_error (err, EINVAL, "push blob %s/%s@%s: negative size", r->host, repo, digest);
  scope = hull_registry_scope (repo, "pull,push");
  if (mount_from)
    {
      char *s = xasprintf ("%s repository:%s:pull", scope, mount_from);
      free (scope);
      scope = s;
    }
  u.scope = scope;
  ret = push_blob (&u, mount_from, result, err);
  free (u.location);
  if (ret < 0)
    return hull_error_wrap (err, "push blob %s/%s@%s", r->host, repo, digest);
  return 0;
}

static int
put_manifest (struct hull_registry *r, const char *repo, const char *ref, const char *body, size_t len,
              const char *media_type, const char *digest, hull_error_t *err)
{
  cleanup_free char *url = hull_registry_url (r->base, repo, "manifests", ref);
  cleanup_free char *scope = hull_registry_scope (repo, "pull,push");
  cleanup_free char *ct = xasprintf ("Content-Type: %s", media_type);
  cleanup_slist struct curl_slist *headers = curl_slist_append (NULL, ct);
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "PUT", .url = url, .repo = repo, .scope = scope, .headers = headers,
                         .body = body, .body_len = len, .fd = -1, .max_body = 64 * 1024 };

  if (!hull_manifest_type_known (media_type))
    return hull_error (err, 0, "unknown manifest media type `%s`", media_type);
  if (len > HULL_MANIFEST_MAX)
    return hull_error (err, 0, "manifest too large (more than %u bytes)", HULL_MANIFEST_MAX);
  if (hull_registry_ref_is_digest (ref) && strcmp (ref, digest) != 0)
    return hull_error (err, 0, "digest mismatch: the reference is %s, the body's digest is %s", ref, digest);
  if (hull_registry_request (r, &rq, &resp, err) < 0)
    return -1;
  if (resp.status != 201)
    return hull_registry_status_error (r, &resp, err);
  if (resp.docker_digest && strcmp (resp.docker_digest, digest) != 0)
    return hull_error (err, 0, "digest mismatch: the registry stored it as another digest than %s", digest);
  return 0;
}

int
hull_registry_put_manifest (struct hull_registry *r, const char *repo, const char *ref, const char *body,
                            size_t len, const char *media_type, char digest_out[HULL_DIGEST_LEN + 1],
                            hull_error_t *err)
{
  char digest[HULL_DIGEST_LEN + 1];

  if (hull_registry_check_repo (repo, err) < 0 || hull_registry_check_ref (ref, err) < 0)
    return -1;
  hull_sha256_of (body, len, digest);
  if (put_manifest (r, repo, ref, body, len, media_type, digest, err) < 0)
    return hull_error_wrap (err, "push manifest %s/%s%c%s", r->host, repo,
                            hull_registry_ref_is_digest (ref) ? '@' : ':', ref);
  if (digest_out)
    memcpy (digest_out, digest, sizeof digest);
  return 0;
}
