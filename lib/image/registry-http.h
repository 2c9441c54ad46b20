/* registry-http.h: internal to the registry client. One HTTP exchange with a registry over
   libcurl (registry-http.c), with the authentication dance around it: the challenge from the
   /v2/ ping, Bearer tokens per scope or Basic credentials, one retry after a 401, and
   redirects followed by hand so that Authorization never leaves the registry's origin. */
#ifndef HULL_IMAGE_REGISTRY_HTTP_H
#define HULL_IMAGE_REGISTRY_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <sys/types.h>

#include "registry-parse.h"
#include "registry.h"

struct hull_token
{
  char *scope;
  char *token;
  struct hull_token *next;
};

struct hull_registry
{
  char *host;   /* "host[:port]" */
  char *base;   /* "https://host[:port]" */
  char *origin; /* base, lower-cased, to compare redirect targets with */
  bool plain_http;
  char *ca_file;
  char *auth_file;
  long connect_timeout, low_speed_time;
  size_t chunk_size;
  char *user_agent;
  CURL *curl; /* reused, so that connections are kept alive */
  bool pinged;
  struct hull_challenge challenge;
  struct hull_token *tokens;
};

struct hull_req
{
  const char *method; /* GET HEAD POST PUT PATCH */
  const char *url;
  const char *repo;  /* the repository whose credentials apply (auth.json lookup) */
  const char *scope; /* space-separated token scopes; NULL: no authentication */
  struct curl_slist *headers; /* extra request headers, the caller's */
  bool follow;                /* follow redirects (GET, HEAD) */
  /* request body: BODY/BODY_LEN, or FD_LEN bytes of FD from FD_OFF (fd >= 0) */
  const char *body;
  size_t body_len;
  int fd;
  off_t fd_off, fd_len;
  /* response body: to SINK (2xx only, hashed into HASH) or buffered up to MAX_BODY */
  size_t max_body;
  hull_registry_sink sink;
  void *sink_data;
  bool sink_may_wait; /* HULL_SINK_WAIT pauses the transfer (registry-multi.c) */
  struct hull_sha256 *hash;
};

struct hull_resp
{
  long status;
  char *content_type, *docker_digest, *location, *www_auth, *range;
  long long content_length; /* -1 when not sent */
  char *body;               /* buffered non-sink body, NUL-terminated */
  size_t len;
  bool too_large;               /* the body went beyond max_body */
  unsigned long long streamed;  /* bytes given to the sink */
  bool paused;                  /* the sink said HULL_SINK_WAIT */
  hull_error_t sink_err;        /* what the sink said when it stopped the transfer */
  CURLcode code;
  char errbuf[CURL_ERROR_SIZE];
};

void hull_resp_clear (struct hull_resp *resp);
/* Cleanup helpers: a response cleared, a header list freed with its Authorization lines
   zeroed first. */
void hull_resp_clearp (struct hull_resp *resp);
void hull_slist_freep (struct curl_slist **l);
#define cleanup_resp __attribute__ ((cleanup (hull_resp_clearp)))
#define cleanup_slist __attribute__ ((cleanup (hull_slist_freep)))

/* One transfer's state for libcurl's callbacks. */
struct hull_xfer
{
  const struct hull_req *rq;
  struct hull_resp *resp;
  off_t sent; /* of the request body */
};
/* Every option of an exchange with the registry but the method: URL, callbacks into X,
   timeouts, TLS, protocols, HEADERS (which must outlive the transfer). */
void hull_registry_setup_easy (struct hull_registry *r, CURL *c, struct hull_xfer *x, const char *url,
                               struct curl_slist *headers);
/* The error of a transfer that got no complete answer (RESP's curl code, or its sink's). */
int hull_registry_transfer_error (struct hull_registry *r, struct hull_resp *resp, hull_error_t *err);
bool hull_http_is_redirect (long status);
/* The Authorization value for SCOPE under the current challenge (*OUT NULL for none),
   fetching a token when there is none cached. */
int hull_registry_authorization (struct hull_registry *r, const char *repo, const char *scope, char **out,
                                 hull_error_t *err);
/* A streamed blob's checks: transfer complete, EXPECTED_SIZE (when >= 0), DIGEST (registry.c). */
int hull_registry_check_blob (const char *digest, long long expected_size, struct hull_sha256 *h,
                              const struct hull_resp *resp, hull_error_t *err);

/* Send RQ (authenticating as RQ->scope asks, retrying once after a 401 with a fresh
   challenge) and fill RESP. Fails only when no HTTP answer came (the message names the
   registry and curl's reason) or authentication could not be done; any status is
   returned in RESP for the caller to judge. A sink's error is returned as such. */
int hull_registry_request (struct hull_registry *r, const struct hull_req *rq, struct hull_resp *resp,
                           hull_error_t *err);

/* "registry HOST answered STATUS[ (CODE: message)]" for an unexpected status. */
int hull_registry_status_error (struct hull_registry *r, const struct hull_resp *resp, hull_error_t *err);

/* "Basic " + base64 of "user:password" PAIR, owned. */
char *hull_basic_header (const char *pair);
void hull_registry_free_tokens (struct hull_registry *r);

/* HEAD of blob DIGEST in REPO with SCOPE's authorisation (registry.c). */
int hull_registry_head_blob (struct hull_registry *r, const char *repo, const char *digest, const char *scope,
                             bool *exists, long long *size, hull_error_t *err);

/* "repository:REPO:ACTIONS" */
char *hull_registry_scope (const char *repo, const char *actions);

#endif
