/* registry-multi.c: the registry client's parallel blob download (hull_registry_get_blobs):
   several blobs of one repository at once over libcurl's multi interface, each into its own
   sink, each hashed and checked as hull_registry_get_blob checks one. The token is fetched
   once before the transfers start; redirects are followed per blob, Authorization only to
   the registry's origin. A blob that fails does not stop the others. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <strings.h>

#include "../core/util.h"
#include "registry-http.h"
#include "registry.h"

#define MAX_REDIRECTS 5

struct job
{
  struct hull_blob_fetch *blob;
  struct hull_req rq;
  struct hull_resp resp;
  struct hull_xfer x;
  CURL *easy;
  char *url;
  struct curl_slist *headers;
  int hops;
  bool done; /* its outcome is in blob->err (NULL: fetched and verified) */
};

static void
job_clear (struct job *j)
{
  if (j->easy)
    curl_easy_cleanup (j->easy);
  for (struct curl_slist *h = j->headers; h; h = h->next)
    explicit_bzero (h->data, strlen (h->data));
  curl_slist_free_all (j->headers);
  hull_resp_clear (&j->resp);
  if (j->rq.hash)
    hull_sha256_free (j->rq.hash);
  free (j->url);
}

/* Start (or restart, after a redirect) J's GET of its URL. */
static int
job_start (struct hull_registry *r, CURLM *multi, struct job *j, const char *authz, hull_error_t *err)
{
  cleanup_free char *origin = hull_url_origin (j->url);

  curl_slist_free_all (j->headers);
  j->headers = NULL;
  if (authz && origin && strcmp (origin, r->origin) == 0)
    {
      cleanup_free char *line = xasprintf ("Authorization: %s", authz);
      j->headers = curl_slist_append (NULL, line);
      explicit_bzero (line, strlen (line));
    }
  hull_resp_clear (&j->resp);
  j->x = (struct hull_xfer) { .rq = &j->rq, .resp = &j->resp };
  if (j->easy == NULL && (j->easy = curl_easy_init ()) == NULL)
    return hull_error (err, 0, "libcurl: cannot make a handle");
  curl_easy_reset (j->easy);
  hull_registry_setup_easy (r, j->easy, &j->x, j->url, j->headers);
  curl_easy_setopt (j->easy, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt (j->easy, CURLOPT_PRIVATE, j);
  if (curl_multi_add_handle (multi, j->easy) != CURLM_OK)
    return hull_error (err, 0, "libcurl: cannot add a transfer");
  return 0;
}

/* J's transfer ended with CODE: done (0, or -1 with its error), or redirected (1). */
static int
job_end (struct hull_registry *r, struct job *j, CURLcode code, hull_error_t *err)
{
  struct hull_blob_fetch *b = j->blob;

  j->resp.code = code;
  if (code == CURLE_OK && hull_http_is_redirect (j->resp.status) && j->hops < MAX_REDIRECTS)
    {
      cleanup_free char *from = hull_url_origin (j->url);
      char *next = hull_registry_resolve (from ? from : r->base, j->resp.location);
      if (next == NULL)
        return hull_error (err, 0, "registry %s: a redirect without a usable http(s) Location", r->host);
      if (strncasecmp (j->url, "https:", 6) == 0 && strncasecmp (next, "http:", 5) == 0)
        {
          free (next);
          return hull_error (err, 0, "registry %s: refused a redirect from https to plain http", r->host);
        }
      free (j->url);
      j->url = next;
      j->hops++;
      return 1;
    }
  if (code != CURLE_OK && (j->resp.streamed == 0 || j->resp.sink_err != NULL))
    return hull_registry_transfer_error (r, &j->resp, err);
  if (code == CURLE_OK && j->resp.status != 200)
    return hull_registry_status_error (r, &j->resp, err);
  return hull_registry_check_blob (b->digest, b->expected_size, j->rq.hash, &j->resp, err);
}

/* Each ended transfer: restarted after a redirect, or its blob's outcome recorded. */
static int
collect (struct hull_registry *r, CURLM *multi, const char *repo, const char *authz, size_t *failed,
         size_t *pending, hull_error_t *err)
{
  CURLMsg *msg;
  int left;

  while ((msg = curl_multi_info_read (multi, &left)) != NULL)
    {
      struct job *j = NULL;
      if (msg->msg != CURLMSG_DONE)
        continue;
      curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &j);
      CURLcode code = msg->data.result;
      curl_multi_remove_handle (multi, j->easy);
      int ret = job_end (r, j, code, &j->blob->err);
      if (ret == 1 && job_start (r, multi, j, authz, &j->blob->err) == 0)
        continue;
      j->done = true;
      (*pending)--;
      if (j->blob->err == NULL)
        continue;
      hull_error_wrap (&j->blob->err, "pull blob %s/%s@%s", r->host, repo, j->blob->digest);
      if ((*failed)++ == 0)
        hull_error (err, 0, "%s", j->blob->err->msg);
    }
  return 0;
}

/* The paused jobs' wait descriptors into W (their jobs into WJ); how many. */
static unsigned
paused_fds (struct job *jobs, size_t n, struct curl_waitfd *w, struct job **wj)
{
  unsigned k = 0;

  for (size_t i = 0; i < n; i++)
    if (!jobs[i].done && jobs[i].resp.paused)
      {
        w[k] = (struct curl_waitfd){ .fd = jobs[i].blob->wait_fd (jobs[i].blob->sink_data), .events = CURL_WAIT_POLLOUT };
        wj[k++] = &jobs[i];
      }
  return k;
}

/* Wait for the transfers and for the descriptors paused sinks wait on; unpause those ready
   (libcurl then gives the sink its bytes again, from within curl_easy_pause). */
static int
wait_jobs (CURLM *multi, struct job *jobs, size_t n, struct curl_waitfd *w, struct job **wj)
{
  unsigned k = paused_fds (jobs, n, w, wj);

  if (curl_multi_poll (multi, w, k, 1000, NULL) != CURLM_OK)
    return -1;
  for (unsigned i = 0; i < k; i++)
    if (w[i].revents & (CURL_WAIT_POLLOUT | POLLERR | POLLHUP))
      {
        wj[i]->resp.paused = false;
        curl_easy_pause (wj[i]->easy, CURLPAUSE_CONT);
      }
  return 0;
}

static int
run_jobs (struct hull_registry *r, CURLM *multi, const char *repo, struct job *jobs, size_t n, const char *authz,
          hull_error_t *err)
{
  size_t failed = 0, pending = n, before;
  int running = 0, idle = 0;
  cleanup_free struct curl_waitfd *w = xmalloc0 ((n + 1) * sizeof *w);
  cleanup_free struct job **wj = xmalloc0 ((n + 1) * sizeof *wj);

  for (size_t i = 0; i < n; i++)
    if (job_start (r, multi, &jobs[i], authz, &jobs[i].blob->err) < 0)
      {
        jobs[i].done = true;
        pending--;
        if (failed++ == 0)
          hull_error (err, 0, "%s", jobs[i].blob->err->msg);
      }
  /* until every job is done: a redirected one starts again after its first transfer ended */
  while (pending > 0)
    {
      if (curl_multi_perform (multi, &running) != CURLM_OK || (running > 0 && wait_jobs (multi, jobs, n, w, wj) < 0))
        break;
      before = pending;
      collect (r, multi, repo, authz, &failed, &pending, err);
      /* nothing running and nothing ending: a job libcurl lost; do not spin */
      idle = (running == 0 && pending == before) ? idle + 1 : 0;
      if (idle > 2)
        break;
    }
  for (size_t i = 0; i < n; i++)
    if (!jobs[i].done && jobs[i].blob->err == NULL)
      {
        hull_error (&jobs[i].blob->err, 0, "pull blob %s/%s@%s: libcurl's multi interface failed", r->host, repo,
                    jobs[i].blob->digest);
        if (failed++ == 0)
          hull_error (err, 0, "%s", jobs[i].blob->err->msg);
      }
  if (failed > 0)
    return hull_error_wrap (err, "%zu of %zu blobs failed, the first", failed, n);
  return 0;
}

static void
multi_cleanupp (CURLM **m)
{
  if (*m)
    curl_multi_cleanup (*m);
}

static void
secret_freep (char **s)
{
  if (*s)
    explicit_bzero (*s, strlen (*s));
  free (*s);
}

/* An error before any transfer is every blob's. */
static int
fail_all (struct hull_blob_fetch *blobs, size_t n, hull_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    if (blobs[i].err == NULL)
      hull_error (&blobs[i].err, (*err)->errno_, "%s", (*err)->msg);
  return -1;
}

int
hull_registry_get_blobs (struct hull_registry *r, const char *repo, struct hull_blob_fetch *blobs, size_t n,
                         unsigned max_parallel, hull_error_t *err)
{
  __attribute__ ((cleanup (multi_cleanupp))) CURLM *multi = NULL;
  __attribute__ ((cleanup (secret_freep))) char *authz = NULL;
  cleanup_free char *scope = NULL;
  cleanup_free struct job *jobs = NULL;
  int ret;

  if (hull_registry_check_repo (repo, err) < 0)
    return hull_error_wrap (err, "pull blobs from %s", r->host), fail_all (blobs, n, err);
  for (size_t i = 0; i < n; i++)
    if (hull_digest_check (blobs[i].digest, "blob", err) < 0)
      return hull_error_wrap (err, "pull blobs from %s/%s", r->host, repo), fail_all (blobs, n, err);
  scope = hull_registry_scope (repo, "pull");
  if ((!r->pinged && hull_registry_ping (r, err) < 0) || hull_registry_authorization (r, repo, scope, &authz, err) < 0)
    return hull_error_wrap (err, "pull blobs from %s/%s", r->host, repo), fail_all (blobs, n, err);
  multi = curl_multi_init ();
  if (multi == NULL)
    return hull_error (err, 0, "libcurl: cannot make a multi handle"), fail_all (blobs, n, err);
  curl_multi_setopt (multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long) (max_parallel ? max_parallel : 4));
  jobs = xmalloc0 ((n ? n : 1) * sizeof *jobs);
  for (size_t i = 0; i < n; i++)
    {
      jobs[i].blob = &blobs[i];
      jobs[i].url = hull_registry_url (r->base, repo, "blobs", blobs[i].digest);
      jobs[i].rq = (struct hull_req) { .method = "GET", .fd = -1, .sink = blobs[i].sink,
                                       .sink_data = blobs[i].sink_data, .sink_may_wait = blobs[i].wait_fd != NULL,
                                       .hash = blobs[i].sink_verifies ? NULL : hull_sha256_new () };
    }
  ret = run_jobs (r, multi, repo, jobs, n, authz, err);
  for (size_t i = 0; i < n; i++)
    {
      if (jobs[i].easy)
        curl_multi_remove_handle (multi, jobs[i].easy);
      job_clear (&jobs[i]);
    }
  return ret;
}
