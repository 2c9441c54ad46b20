/* registry.c: the registry client's life (open, close) and its pull side: manifests by tag or
   digest (bounded, media type and digest checked), blobs streamed into a sink and verified,
   blob existence. Uploads are in registry-push.c, the HTTP and auth layer in
   registry-http.c. */
#define _GNU_SOURCE
#include "registry.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "hull-config.h"
#include "registry-http.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code; /* written once, under curl_once */

static void
curl_init (void)
{
  curl_init_code = curl_global_init (CURL_GLOBAL_DEFAULT);
}


static void
sha_freep (struct hull_sha256 **h)
{
  if (*h)
    hull_sha256_free (*h);
}
#define cleanup_sha __attribute__ ((cleanup (sha_freep)))

int
hull_registry_open (const struct hull_registry_opts *opts, struct hull_registry **out, hull_error_t *err)
{
  struct hull_registry *r;

  *out = NULL;
  if (hull_registry_check_host (opts->host, err) < 0)
    return -1;
  pthread_once (&curl_once, curl_init);
  if (curl_init_code != CURLE_OK)
    return hull_error (err, 0, "libcurl: %s", curl_easy_strerror (curl_init_code));
  r = xmalloc0 (sizeof *r);
  r->curl = curl_easy_init ();
  if (r->curl == NULL)
    {
      free (r);
      return hull_error (err, ENOMEM, "libcurl: cannot make a handle");
    }
  r->host = xstrdup (opts->host);
  r->plain_http = opts->plain_http;
  r->base = xasprintf ("%s://%s", opts->plain_http ? "http" : "https", opts->host);
  r->origin = hull_url_origin (r->base);
  r->ca_file = opts->ca_file ? xstrdup (opts->ca_file) : NULL;
  r->auth_file = opts->auth_file ? xstrdup (opts->auth_file) : NULL;
  r->connect_timeout = opts->connect_timeout > 0 ? opts->connect_timeout : 30;
  r->low_speed_time = opts->low_speed_time > 0 ? opts->low_speed_time : 30;
  r->chunk_size = opts->chunk_size > 0 ? opts->chunk_size : 8u * 1024 * 1024;
  r->user_agent = xstrdup ("hull/" HULL_VERSION);
  if (r->origin == NULL)
    {
      hull_registry_close (r);
      return hull_error (err, EINVAL, "registry host `%s`: not a host[:port]", opts->host);
    }
  *out = r;
  return 0;
}

void
hull_registry_close (struct hull_registry *r)
{
  if (r == NULL)
    return;
  hull_registry_free_tokens (r);
  hull_challenge_clear (&r->challenge);
  curl_easy_cleanup (r->curl);
  free (r->host);
  free (r->base);
  free (r->origin);
  free (r->ca_file);
  free (r->auth_file);
  free (r->user_agent);
  free (r);
}

void
hull_registry_manifest_clear (struct hull_registry_manifest *m)
{
  free (m->body);
  free (m->media_type);
  memset (m, 0, sizeof *m);
}

/* "HOST/REPO:TAG" or "HOST/REPO@DIGEST", for messages. */
static char *
ref_name (struct hull_registry *r, const char *repo, const char *ref)
{
  ref = ref ? ref : "";
  return xasprintf ("%s/%s%c%s", r->host, repo ? repo : "", hull_registry_ref_is_digest (ref) ? '@' : ':', ref);
}

/* Content-Type without parameters or surrounding blanks. */
static char *
bare_media_type (const char *ct)
{
  size_t n;

  if (ct == NULL)
    return NULL;
  while (*ct == ' ')
    ct++;
  n = strcspn (ct, "; ");
  return n ? strndup (ct, n) : NULL;
}

/* Printable, bounded copy of a value the registry sent, for messages. */
static char *
shown (const char *s)
{
  char *out = strndup (s ? s : "(none)", 100);
  for (char *p = out; p && *p; p++)
    if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7f)
      *p = '?';
  return out;
}

static int
check_manifest (struct hull_registry *r, const char *ref, const struct hull_resp *resp,
                struct hull_registry_manifest *m, hull_error_t *err)
{
  m->media_type = bare_media_type (resp->content_type);
  if (!hull_manifest_type_known (m->media_type))
    {
      cleanup_free char *t = shown (resp->content_type);
      return hull_error (err, 0, "unknown manifest media type `%s` (hull takes OCI and Docker v2 schema 2 "
                                 "manifests and indexes)", t);
    }
  hull_sha256_of (resp->body ? resp->body : "", resp->len, m->digest);
  if (hull_registry_ref_is_digest (ref) && strcmp (ref, m->digest) != 0)
    return hull_error (err, 0, "digest mismatch: wanted %s, the body's is %s", ref, m->digest);
  if (resp->docker_digest && strcmp (resp->docker_digest, m->digest) != 0)
    {
      cleanup_free char *d = shown (resp->docker_digest);
      return hull_error (err, 0, "digest mismatch: the registry says %s, the body's is %s", d, m->digest);
    }
  return 0;
}

static int
get_manifest (struct hull_registry *r, const char *repo, const char *ref, struct hull_registry_manifest *out,
              hull_error_t *err)
{
  cleanup_free char *url = hull_registry_url (r->base, repo, "manifests", ref);
  cleanup_free char *scope = hull_registry_scope (repo, "pull");
  cleanup_slist struct curl_slist *headers = curl_slist_append (NULL, "Accept: " HULL_MANIFEST_ACCEPT);
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "GET", .url = url, .repo = repo, .scope = scope, .headers = headers,
                         .follow = true, .fd = -1, .max_body = HULL_MANIFEST_MAX };

  if (hull_registry_request (r, &rq, &resp, err) < 0)
    return -1;
  if (resp.status == 200 && (resp.too_large || resp.content_length > (long long) HULL_MANIFEST_MAX))
    return hull_error (err, 0, "manifest too large (more than %u bytes)", HULL_MANIFEST_MAX);
  if (resp.status != 200)
    return hull_registry_status_error (r, &resp, err);
  if (check_manifest (r, ref, &resp, out, err) < 0)
    return -1;
  out->len = resp.len;
  out->body = resp.body ? hull_steal_ptr (resp.body) : xstrdup ("");
  return 0;
}

int
hull_registry_get_manifest (struct hull_registry *r, const char *repo, const char *ref,
                            struct hull_registry_manifest *out, hull_error_t *err)
{
  cleanup_free char *name = NULL;

  memset (out, 0, sizeof *out);
  name = ref_name (r, repo, ref);
  if (hull_registry_check_repo (repo, err) < 0 || hull_registry_check_ref (ref, err) < 0
      || get_manifest (r, repo, ref, out, err) < 0)
    {
      hull_registry_manifest_clear (out);
      return hull_error_wrap (err, "pull manifest %s", name);
    }
  return 0;
}

int
hull_registry_check_blob (const char *digest, long long expected_size, struct hull_sha256 *h, const struct hull_resp *resp,
            hull_error_t *err)
{
  char got[HULL_DIGEST_LEN + 1];
  const char *got_sep = h ? ": got " : "";

  if (h)
    hull_sha256_final (h, got);
  else
    got[0] = '\0'; /* the sink checks the digest */
  if (resp->code != CURLE_OK)
    return hull_error (err, 0, "truncated body after %llu bytes (%s)%s%s, wanted %s", resp->streamed,
                       resp->errbuf[0] ? resp->errbuf : curl_easy_strerror (resp->code), got_sep, got, digest);
  if (expected_size >= 0 && resp->streamed != (unsigned long long) expected_size)
    return hull_error (err, 0, "size mismatch: %llu bytes, %lld expected%s%s, wanted %s", resp->streamed,
                       expected_size, got_sep, got, digest);
  if (h && strcmp (got, digest) != 0)
    return hull_error (err, 0, "digest mismatch: got %s, wanted %s", got, digest);
  return 0;
}

static int
get_blob (struct hull_registry *r, const char *repo, const char *digest, long long expected_size,
          hull_registry_sink sink, void *sink_data, hull_error_t *err)
{
  cleanup_free char *url = hull_registry_url (r->base, repo, "blobs", digest);
  cleanup_free char *scope = hull_registry_scope (repo, "pull");
  cleanup_sha struct hull_sha256 *h = hull_sha256_new ();
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "GET", .url = url, .repo = repo, .scope = scope, .follow = true, .fd = -1,
                         .sink = sink, .sink_data = sink_data, .hash = h };

  if (hull_registry_request (r, &rq, &resp, err) < 0)
    {
      /* a transfer cut short after the body began is a truncated blob */
      if (resp.streamed == 0 || resp.sink_err != NULL)
        return -1;
      hull_error_free (err);
      return hull_registry_check_blob (digest, expected_size, h, &resp, err);
    }
  if (resp.status != 200)
    return hull_registry_status_error (r, &resp, err);
  return hull_registry_check_blob (digest, expected_size, h, &resp, err);
}

int
hull_registry_get_blob (struct hull_registry *r, const char *repo, const char *digest, long long expected_size,
                        hull_registry_sink sink, void *sink_data, hull_error_t *err)
{
  cleanup_free char *name = NULL;

  name = ref_name (r, repo, digest);
  if (hull_registry_check_repo (repo, err) < 0 || hull_digest_check (digest, "blob", err) < 0
      || get_blob (r, repo, digest, expected_size, sink, sink_data, err) < 0)
    return hull_error_wrap (err, "pull blob %s", name);
  return 0;
}

int
hull_registry_head_blob (struct hull_registry *r, const char *repo, const char *digest, const char *scope,
                         bool *exists, long long *size, hull_error_t *err)
{
  cleanup_free char *url = hull_registry_url (r->base, repo, "blobs", digest);
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "HEAD", .url = url, .repo = repo, .scope = scope, .follow = true, .fd = -1 };

  *exists = false;
  *size = -1;
  if (hull_registry_request (r, &rq, &resp, err) < 0)
    return -1;
  if (resp.status == 404)
    return 0;
  if (resp.status != 200)
    return hull_registry_status_error (r, &resp, err);
  *exists = true;
  *size = resp.content_length;
  return 0;
}

int
hull_registry_blob_exists (struct hull_registry *r, const char *repo, const char *digest, bool *exists,
                           long long *size, hull_error_t *err)
{
  cleanup_free char *scope = NULL, *name = NULL;

  *exists = false;
  *size = -1;
  if (hull_registry_check_repo (repo, err) < 0 || hull_digest_check (digest, "blob", err) < 0)
    return -1;
  scope = hull_registry_scope (repo, "pull");
  name = ref_name (r, repo, digest);
  if (hull_registry_head_blob (r, repo, digest, scope, exists, size, err) < 0)
    return hull_error_wrap (err, "blob %s", name);
  return 0;
}
