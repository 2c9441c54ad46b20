/* registry-http.c: the registry client's HTTP layer: one libcurl exchange (headers kept,
   body to a sink or a bounded buffer, request body from memory or a file), redirects followed
   by hand (http(s) only, never https to http, Authorization only to the registry's own
   origin), and authentication: the /v2/ ping's challenge, Bearer tokens fetched from the
   realm and cached per scope, Basic credentials from the auth files. */
#define _GNU_SOURCE
#include "registry-http.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../core/util.h"
#include "digest.h"

#define ERROR_BODY_MAX (64 * 1024)
#define TOKEN_BODY_MAX (1024 * 1024)
#define MAX_REDIRECTS 5


void
hull_resp_clear (struct hull_resp *resp)
{
  free (resp->content_type);
  free (resp->docker_digest);
  free (resp->location);
  free (resp->www_auth);
  free (resp->range);
  free (resp->body);
  hull_error_free (&resp->sink_err);
  memset (resp, 0, sizeof *resp);
  resp->content_length = -1;
}

void
hull_resp_clearp (struct hull_resp *resp)
{
  hull_resp_clear (resp);
}

void
hull_slist_freep (struct curl_slist **l)
{
  for (struct curl_slist *h = *l; h; h = h->next)
    if (strncasecmp (h->data, "Authorization:", 14) == 0)
      explicit_bzero (h->data, strlen (h->data));
  curl_slist_free_all (*l);
}

/* Credentials and tokens: zeroed before they are freed. */
static void
secret_freep (char **s)
{
  if (*s)
    explicit_bzero (*s, strlen (*s));
  free (*s);
}
#define cleanup_secret __attribute__ ((cleanup (secret_freep)))

char *
hull_registry_scope (const char *repo, const char *actions)
{
  return xasprintf ("repository:%s:%s", repo, actions);
}

/* Keep one header of the response ("Name: value\r\n" at LINE) if it is one we use. */
static void
keep_header (struct hull_resp *resp, const char *line, size_t len)
{
  static const struct
  {
    const char *name;
    size_t off;
  } wanted[] = {
    { "content-type", offsetof (struct hull_resp, content_type) },
    { "docker-content-digest", offsetof (struct hull_resp, docker_digest) },
    { "location", offsetof (struct hull_resp, location) },
    { "www-authenticate", offsetof (struct hull_resp, www_auth) },
    { "range", offsetof (struct hull_resp, range) },
  };
  const char *colon = memchr (line, ':', len);
  const char *v, *end = line + len;

  if (colon == NULL)
    return;
  for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
    ;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  if ((size_t) (colon - line) == 14 && strncasecmp (line, "content-length", 14) == 0)
    {
      unsigned long long n;
      resp->content_length = hull_parse_u64_n (v, end - v, &n) && n < (1ULL << 62) ? (long long) n : -1;
      return;
    }
  for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
    if ((size_t) (colon - line) == strlen (wanted[i].name) && strncasecmp (line, wanted[i].name, colon - line) == 0)
      {
        char **slot = (char **) ((char *) resp + wanted[i].off);
        if (*slot != NULL)
          return; /* the first one counts */
        *slot = strndup (v, end - v);
        if (*slot == NULL)
          abort ();
      }
}

static size_t
on_header (char *buf, size_t size, size_t n, void *data)
{
  struct hull_xfer *x = data;
  size_t len = size * n;

  if (len >= 5 && strncmp (buf, "HTTP/", 5) == 0)
    {
      /* a new response (after 100 Continue): forget the headers of the one before */
      const char *sp = memchr (buf, ' ', len);
      struct hull_resp *resp = x->resp;
      free (resp->content_type);
      free (resp->docker_digest);
      free (resp->location);
      free (resp->www_auth);
      free (resp->range);
      resp->content_type = resp->docker_digest = resp->location = resp->www_auth = resp->range = NULL;
      resp->content_length = -1;
      resp->status = sp ? strtol (sp + 1, NULL, 10) : 0;
      return len;
    }
  keep_header (x->resp, buf, len);
  return len;
}

static size_t
on_body (char *buf, size_t size, size_t n, void *data)
{
  struct hull_xfer *x = data;
  struct hull_resp *resp = x->resp;
  size_t len = size * n;

  if (x->rq->sink != NULL && resp->status >= 200 && resp->status < 300)
    {
      int r = x->rq->sink (x->rq->sink_data, buf, len, &resp->sink_err);
      if (r == HULL_SINK_WAIT && x->rq->sink_may_wait)
        {
          resp->paused = true; /* libcurl keeps BUF and gives it again once unpaused */
          return CURL_WRITEFUNC_PAUSE;
        }
      if (r != 0)
        {
          if (resp->sink_err == NULL)
            hull_error (&resp->sink_err, 0, "the blob's sink failed");
          return 0;
        }
      if (x->rq->hash)
        hull_sha256_update (x->rq->hash, buf, len);
      resp->streamed += len;
      return len;
    }
  size_t max = (resp->status >= 200 && resp->status < 300) ? x->rq->max_body : ERROR_BODY_MAX;
  if (resp->len + len > max)
    {
      if (resp->status >= 200 && resp->status < 300)
        {
          resp->too_large = true;
          return 0; /* stop: we will not read it */
        }
      len = max - resp->len; /* error bodies: keep their beginning */
      if (len == 0)
        return size * n;
    }
  resp->body = xrealloc (resp->body, resp->len + len + 1);
  memcpy (resp->body + resp->len, buf, len);
  resp->len += len;
  resp->body[resp->len] = '\0';
  return size * n;
}

static size_t
on_read (char *buf, size_t size, size_t n, void *data)
{
  struct hull_xfer *x = data;
  const struct hull_req *rq = x->rq;
  size_t want = size * n;
  off_t total = rq->fd >= 0 ? rq->fd_len : (off_t) rq->body_len;

  if ((off_t) want > total - x->sent)
    want = total - x->sent;
  if (want == 0)
    return 0;
  if (rq->fd < 0)
    memcpy (buf, rq->body + x->sent, want);
  else
    {
      ssize_t got = pread (rq->fd, buf, want, rq->fd_off + x->sent);
      if (got <= 0)
        return CURL_READFUNC_ABORT;
      want = got;
    }
  x->sent += want;
  return want;
}

static int
set_method (CURL *c, const struct hull_req *rq)
{
  bool has_body = rq->body != NULL || rq->fd >= 0;
  off_t len = rq->fd >= 0 ? rq->fd_len : (off_t) rq->body_len;

  if (strcmp (rq->method, "HEAD") == 0)
    return curl_easy_setopt (c, CURLOPT_NOBODY, 1L);
  if (strcmp (rq->method, "GET") == 0)
    return curl_easy_setopt (c, CURLOPT_HTTPGET, 1L);
  if (strcmp (rq->method, "POST") == 0 && !has_body)
    {
      curl_easy_setopt (c, CURLOPT_POSTFIELDS, "");
      return curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE, 0L);
    }
  curl_easy_setopt (c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (c, CURLOPT_INFILESIZE_LARGE, (curl_off_t) (has_body ? len : 0));
  return curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, rq->method);
}

void
hull_registry_setup_easy (struct hull_registry *r, CURL *c, struct hull_xfer *x, const char *url, struct curl_slist *headers)
{
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (c, CURLOPT_USERAGENT, r->user_agent);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, r->connect_timeout);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, r->low_speed_time);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (r->ca_file)
    curl_easy_setopt (c, CURLOPT_CAINFO, r->ca_file);
  curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, x);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, x);
  curl_easy_setopt (c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt (c, CURLOPT_READDATA, x);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, x->resp->errbuf);
}

static bool
tls_failure (CURLcode code)
{
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR
         || code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM;
}

/* The error for a transfer that got no complete answer. */
int
hull_registry_transfer_error (struct hull_registry *r, struct hull_resp *resp, hull_error_t *err)
{
  const char *why = resp->errbuf[0] ? resp->errbuf : curl_easy_strerror (resp->code);

  if (resp->sink_err != NULL)
    {
      *err = hull_steal_ptr (resp->sink_err);
      return -1;
    }
  if (tls_failure (resp->code))
    return hull_error (err, 0, "registry %s: TLS failure: %s (a private CA needs its CA file; plain HTTP only if "
                               "asked for)", r->host, why);
  if (resp->code == CURLE_COULDNT_CONNECT || resp->code == CURLE_COULDNT_RESOLVE_HOST
      || resp->code == CURLE_OPERATION_TIMEDOUT)
    return hull_error (err, 0, "registry %s: cannot reach it: %s", r->host, why);
  return hull_error (err, 0, "registry %s: %s", r->host, why);
}

/* One exchange, no redirects, no auth logic: CURL errors other than a sink's stop or a
   too-large body are returned as failures. */
static int
perform (struct hull_registry *r, const struct hull_req *rq, const char *url, const char *authz,
         struct hull_resp *resp, hull_error_t *err)
{
  struct hull_xfer x = { .rq = rq, .resp = resp };
  cleanup_slist struct curl_slist *headers = NULL;
  cleanup_secret char *auth_line = NULL;

  for (struct curl_slist *h = rq->headers; h; h = h->next)
    headers = curl_slist_append (headers, h->data);
  headers = curl_slist_append (headers, "Expect:");
  if (authz)
    headers = curl_slist_append (headers, auth_line = xasprintf ("Authorization: %s", authz));
  if (headers == NULL)
    abort ();
  hull_resp_clear (resp);
  curl_easy_reset (r->curl);
  hull_registry_setup_easy (r, r->curl, &x, url, headers);
  if (set_method (r->curl, rq) != CURLE_OK)
    return hull_error (err, 0, "registry %s: libcurl refused the request's options", r->host);
  resp->code = curl_easy_perform (r->curl);
  if (resp->code == CURLE_OK || (resp->code == CURLE_WRITE_ERROR && resp->too_large))
    return 0;
  return hull_registry_transfer_error (r, resp, err);
}

bool
hull_http_is_redirect (long status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* PERFORM, following redirects when RQ asks; AUTHZ goes only to the registry's origin. */
static int
perform_follow (struct hull_registry *r, const struct hull_req *rq, const char *authz, struct hull_resp *resp,
                hull_error_t *err)
{
  cleanup_free char *url = xstrdup (rq->url);

  for (int hop = 0;; hop++)
    {
      cleanup_free char *origin = hull_url_origin (url);
      bool same = origin && strcmp (origin, r->origin) == 0;
      char *next;

      if (perform (r, rq, url, same ? authz : NULL, resp, err) < 0)
        return -1;
      if (!rq->follow || !hull_http_is_redirect (resp->status))
        return 0;
      if (hop == MAX_REDIRECTS)
        return hull_error (err, 0, "registry %s: more than %d redirects", r->host, MAX_REDIRECTS);
      cleanup_free char *from = origin ? xstrdup (origin) : xstrdup (r->base);
      next = hull_registry_resolve (from, resp->location);
      if (next == NULL)
        return hull_error (err, 0, "registry %s: a redirect without a usable http(s) Location", r->host);
      if (strncasecmp (url, "https:", 6) == 0 && strncasecmp (next, "http:", 5) == 0)
        {
          free (next);
          return hull_error (err, 0, "registry %s: refused a redirect from https to plain http", r->host);
        }
      free (url);
      url = next;
    }
}

/* GET REALM?service=..&scope=.. (Basic credentials when the auth files have some) and cache
   the token under SCOPE. */
static int
fetch_token (struct hull_registry *r, const char *repo, const char *scope, hull_error_t *err)
{
  cleanup_free char *url = NULL, *scopes = xstrdup (scope);
  cleanup_secret char *user = NULL, *pass = NULL, *basic = NULL;
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "GET", .fd = -1, .max_body = TOKEN_BODY_MAX };
  struct hull_token *t;
  char *tok = NULL, *save = NULL;

  if (strncasecmp (r->challenge.realm, "https://", 8) != 0
      && !(r->plain_http && strncasecmp (r->challenge.realm, "http://", 7) == 0))
    return hull_error (err, 0, "registry %s: the token realm is not an https URL", r->host);
  url = xstrdup (r->challenge.realm);
  if (r->challenge.service)
    {
      char *e = curl_easy_escape (r->curl, r->challenge.service, 0), *u = hull_url_add_query (url, "service", e);
      curl_free (e);
      free (url);
      url = u;
    }
  for (char *s = strtok_r (scopes, " ", &save); s; s = strtok_r (NULL, " ", &save))
    {
      char *e = curl_easy_escape (r->curl, s, 0), *u = hull_url_add_query (url, "scope", e);
      curl_free (e);
      free (url);
      url = u;
    }
  rq.url = url;
  if (hull_auth_find (r->auth_file, r->host, repo, &user, &pass, err) < 0)
    return -1;
  if (user)
    {
      cleanup_secret char *pair = xasprintf ("%s:%s", user, pass);
      basic = hull_basic_header (pair);
    }
  if (perform (r, &rq, url, basic, &resp, err) < 0)
    return hull_error_wrap (err, "token for %s", scope);
  if (resp.status != 200)
    {
      hull_registry_status_error (r, &resp, err);
      return hull_error_wrap (err, "token for %s: the realm", scope);
    }
  if (hull_token_parse (resp.body ? resp.body : "", resp.len, &tok, err) < 0)
    return hull_error_wrap (err, "registry %s: token for %s", r->host, scope);
  t = xmalloc0 (sizeof *t);
  t->scope = xstrdup (scope);
  t->token = tok;
  t->next = r->tokens;
  r->tokens = t;
  return 0;
}

static struct hull_token *
find_token (struct hull_registry *r, const char *scope)
{
  for (struct hull_token *t = r->tokens; t; t = t->next)
    if (strcmp (t->scope, scope) == 0)
      return t;
  return NULL;
}

static void
drop_token (struct hull_registry *r, const char *scope)
{
  for (struct hull_token **p = &r->tokens; *p; p = &(*p)->next)
    if (strcmp ((*p)->scope, scope) == 0)
      {
        struct hull_token *t = *p;
        *p = t->next;
        explicit_bzero (t->token, strlen (t->token));
        free (t->token);
        free (t->scope);
        free (t);
        return;
      }
}

int
hull_registry_authorization (struct hull_registry *r, const char *repo, const char *scope, char **out, hull_error_t *err)
{
  *out = NULL;
  if (scope == NULL || r->challenge.scheme == HULL_AUTH_NONE)
    return 0;
  if (r->challenge.scheme == HULL_AUTH_BEARER)
    {
      struct hull_token *t = find_token (r, scope);
      if (t == NULL && fetch_token (r, repo, scope, err) < 0)
        return -1;
      t = find_token (r, scope);
      *out = xasprintf ("Bearer %s", t->token);
      return 0;
    }
  cleanup_secret char *user = NULL, *pass = NULL;
  if (hull_auth_find (r->auth_file, r->host, repo, &user, &pass, err) < 0)
    return -1;
  if (user == NULL)
    return hull_error (err, 0, "registry %s wants a login (Basic) and the auth files have no credentials for %s/%s",
                       r->host, r->host, repo ? repo : "");
  cleanup_secret char *pair = xasprintf ("%s:%s", user, pass);
  *out = hull_basic_header (pair);
  return 0;
}

static int
take_challenge (struct hull_registry *r, const struct hull_resp *resp, hull_error_t *err)
{
  struct hull_challenge c;

  if (resp->www_auth == NULL)
    return hull_error (err, 0, "registry %s answered 401 without a WWW-Authenticate challenge", r->host);
  if (hull_challenge_parse (resp->www_auth, strlen (resp->www_auth), &c, err) < 0)
    return hull_error_wrap (err, "registry %s", r->host);
  if (c.scheme == HULL_AUTH_NONE)
    return hull_error (err, 0, "registry %s: an authentication scheme hull does not speak (Bearer, Basic)", r->host);
  hull_challenge_clear (&r->challenge);
  r->challenge = c;
  return 0;
}

int
hull_registry_ping (struct hull_registry *r, hull_error_t *err)
{
  cleanup_free char *url = xasprintf ("%s/v2/", r->base);
  cleanup_resp struct hull_resp resp = { .content_length = -1 };
  struct hull_req rq = { .method = "GET", .url = url, .fd = -1, .max_body = ERROR_BODY_MAX };

  if (perform (r, &rq, url, NULL, &resp, err) < 0)
    return -1;
  if (resp.status == 401 && take_challenge (r, &resp, err) < 0)
    return -1;
  if (resp.status != 200 && resp.status != 401)
    return hull_error (err, 0, "registry %s: /v2/ answered %ld: not a distribution-spec registry?", r->host,
                       resp.status);
  r->pinged = true;
  return 0;
}

int
hull_registry_request (struct hull_registry *r, const struct hull_req *rq, struct hull_resp *resp, hull_error_t *err)
{
  if (rq->scope && !r->pinged && hull_registry_ping (r, err) < 0)
    return -1;
  for (int attempt = 0;; attempt++)
    {
      cleanup_secret char *authz = NULL;
      if (hull_registry_authorization (r, rq->repo, rq->scope, &authz, err) < 0)
        return -1;
      if (perform_follow (r, rq, authz, resp, err) < 0)
        return -1;
      if (resp->status != 401 || rq->scope == NULL || attempt == 1 || (rq->sink != NULL && resp->streamed > 0))
        return 0;
      /* refused: a new challenge (another scheme, or an expired token); once */
      if (take_challenge (r, resp, err) < 0)
        return -1;
      drop_token (r, rq->scope);
    }
}

int
hull_registry_status_error (struct hull_registry *r, const struct hull_resp *resp, hull_error_t *err)
{
  cleanup_free char *text = hull_registry_error_text (resp->body, resp->len);
  const char *hint = resp->status == 401 ? " (not logged in, or the credentials are refused)"
                     : resp->status == 403 ? " (denied)"
                                           : "";

  if (text)
    return hull_error (err, 0, "registry %s answered %ld: %s%s", r->host, resp->status, text, hint);
  return hull_error (err, 0, "registry %s answered %ld%s", r->host, resp->status, hint);
}

void
hull_registry_free_tokens (struct hull_registry *r)
{
  while (r->tokens)
    drop_token (r, r->tokens->scope);
}

char *
hull_basic_header (const char *pair)
{
  size_t len = strlen (pair);
  char *out = xmalloc0 (6 + 4 * ((len + 2) / 3) + 1);

  memcpy (out, "Basic ", 6);
  EVP_EncodeBlock ((unsigned char *) out + 6, (const unsigned char *) pair, (int) len);
  return out;
}
