/* pull.c: references and `hull pull`; see pull.h. */
#define _GNU_SOURCE
#include "pull.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/util.h"
#include "images.h"
#include "layers.h"
#include "manifest.h"
#include "registry-parse.h"
#include "registry.h"

/* --- references ------------------------------------------------------------------------ */

static bool
is_host (const char *p, size_t n)
{
  return memchr (p, '.', n) || memchr (p, ':', n) || (n == 9 && strncmp (p, "localhost", 9) == 0);
}

static int
ref_split (char *s, struct hull_remote_ref *out, hull_error_t *err)
{
  char *at = strchr (s, '@'), *slash = strchr (s, '/'), *colon;

  if (slash == NULL || !is_host (s, slash - s))
    return hull_error (err, 0, "no registry host (HOST[:PORT]/REPO[:TAG|@DIGEST]): hull searches no registries");
  if (at)
    *at = '\0';
  colon = at ? NULL : strrchr (slash, ':');
  if (colon)
    *colon = '\0';
  *slash = '\0';
  out->host = xstrdup (s);
  out->repo = xstrdup (slash + 1);
  out->ref = xstrdup (at ? at + 1 : colon ? colon + 1 : "latest");
  return 0;
}

int
hull_remote_ref_parse (const char *in, struct hull_remote_ref *out, hull_error_t *err)
{
  cleanup_free char *s = xstrdup (in ? in : "");
  struct hull_remote_ref r = { 0 };
  cleanup_free char *full = NULL;

  if (ref_split (s, &r, err) < 0 || hull_registry_check_host (r.host, err) < 0
      || hull_registry_check_repo (r.repo, err) < 0 || hull_registry_check_ref (r.ref, err) < 0)
    {
      hull_remote_ref_clear (&r);
      return hull_error_wrap (err, "reference `%s`", in ? in : "");
    }
  if (!hull_registry_ref_is_digest (r.ref))
    {
      full = xasprintf ("%s/%s:%s", r.host, r.repo, r.ref);
      if (hull_ref_normalize (full, &r.name, err) < 0)
        {
          hull_remote_ref_clear (&r);
          return -1;
        }
    }
  *out = r;
  return 0;
}

void
hull_remote_ref_clear (struct hull_remote_ref *r)
{
  free (r->host);
  free (r->repo);
  free (r->ref);
  free (r->name);
  memset (r, 0, sizeof *r);
}

/* --- pull ------------------------------------------------------------------------------ */

struct pull
{
  struct hull_store *s;
  const struct hull_remote_ref *ref;
  const struct hull_transfer_opts *o;
  struct hull_registry *r;
  struct hull_registry_manifest m;
  struct hull_manifest man;
  struct hull_image_config cfg;
  struct hull_pull_timings tm;
};

/* The manifest for the platform: REF's, or, when that is an index, the entry it selects. */
static int
pull_manifest (struct pull *p, hull_error_t *err)
{
  const char *os, *arch, *variant;
  struct hull_index idx = { 0 };
  char digest[HULL_DIGEST_LEN + 1];
  int i;

  if (hull_registry_get_manifest (p->r, p->ref->repo, p->ref->ref, &p->m, err) < 0)
    return -1;
  if (hull_media_type_is_index (p->m.media_type))
    {
      hull_host_platform (&os, &arch, &variant);
      if (hull_index_parse (p->m.body, p->m.len, "index", &idx, err) < 0)
        return -1;
      i = hull_index_select (&idx, p->o->os ?: os, p->o->arch ?: arch, p->o->os ? p->o->variant : NULL, err);
      if (i >= 0)
        memcpy (digest, idx.manifests[i].digest, sizeof digest);
      hull_index_clear (&idx);
      hull_registry_manifest_clear (&p->m);
      if (i < 0 || hull_registry_get_manifest (p->r, p->ref->repo, digest, &p->m, err) < 0)
        return -1;
      if (!hull_media_type_is_manifest (p->m.media_type))
        return hull_error (err, 0, "manifest %s: an index inside an index", digest);
    }
  if (hull_manifest_parse (p->m.body, p->m.len, "manifest", &p->man, err) < 0)
    return -1;
  return hull_store_put_blob (p->s, p->m.body, p->m.len, p->m.digest, NULL, NULL, err);
}

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* A blob fetched into the store: its writer, the layer stream it feeds too (DIFF_ID set), and
   the progress the sink reports. */
struct blob_job
{
  struct pull *p;
  size_t index, n;
  const struct hull_descriptor *d;
  const char *diff_id;          /* unpack the layer while it downloads; NULL: the blob only */
  struct hull_blob_writer *w;
  struct hull_layer_stream *ls; /* started at the blob's first byte */
  int64_t done;
};

static int
stream_start (struct blob_job *j, hull_error_t *err)
{
  return hull_layer_stream_start (j->p->s, j->d->digest, j->diff_id, &j->p->o->limits, j->w, &j->ls, err);
}

/* LEN more bytes for the layer's stream, or HULL_SINK_WAIT when its pipe is full. */
static int
stream_feed (struct blob_job *j, const void *buf, size_t len, hull_error_t *err)
{
  uint64_t t0 = now_ns ();
  int r;

  if (j->ls == NULL && stream_start (j, err) < 0)
    return -1;
  r = hull_layer_stream_feed (j->ls, buf, len, true, err);
  j->p->tm.feed_ns += now_ns () - t0;
  if (r == HULL_LAYER_STREAM_FULL)
    {
      j->p->tm.waits++;
      return HULL_SINK_WAIT;
    }
  if (r < 0)
    return -1;
  if (j->done + (int64_t) len == j->d->size)
    hull_layer_stream_close (j->ls); /* all of it: the unpacker may finish before the others */
  return 0;
}

static int
stream_wait_fd (void *data)
{
  struct blob_job *j = data;
  return hull_layer_stream_fd (j->ls);
}

static int
blob_sink (void *data, const void *buf, size_t len, hull_error_t *err)
{
  struct blob_job *j = data;
  int r = j->diff_id ? stream_feed (j, buf, len, err) : hull_blob_writer_write (j->w, buf, len, err);

  if (r != 0)
    return r;
  j->done += (int64_t) len;
  if (j->p->o->progress)
    j->p->o->progress (j->p->o->progress_arg, j->index, j->n, j->d->digest, j->done, j->d->size, false);
  return 0;
}

static void
job_clear (struct blob_job *j)
{
  hull_layer_stream_free (j->ls); /* first: its thread writes into j->w */
  if (j->w)
    hull_blob_writer_times (j->w, &j->p->tm.blob_hash_ns, &j->p->tm.blob_write_ns);
  j->p->tm.bytes += (uint64_t) j->done;
  hull_blob_writer_free (j->w);
}

static void
progress_cached (struct pull *p, size_t index, size_t n, const struct hull_descriptor *d)
{
  if (p->o->progress)
    p->o->progress (p->o->progress_arg, index, n, d->digest, d->size, d->size, true);
}

/* The config into the store, unless it is there; it must not pass HULL_CONFIG_MAX. */
static int
fetch_config (struct pull *p, hull_error_t *err)
{
  const struct hull_descriptor *d = &p->man.config;
  struct blob_job j = { .p = p, .index = 0, .n = p->man.n_layers + 1, .d = d };
  cleanup_free char *what = xasprintf ("config %s", d->digest);
  int r;

  if (d->size > (int64_t) HULL_CONFIG_MAX)
    return hull_error (err, 0, "%s: %lld bytes, more than the limit of %u", what, (long long) d->size,
                       HULL_CONFIG_MAX);
  if (hull_store_has_blob (p->s, d->digest))
    {
      progress_cached (p, 0, j.n, d);
      return 0;
    }
  r = hull_blob_writer_new (p->s, d->digest, d->size, what, &j.w, err);
  if (r == 0)
    r = hull_registry_get_blob (p->r, p->ref->repo, d->digest, d->size, blob_sink, &j, err);
  if (r == 0)
    r = hull_blob_writer_commit (j.w, NULL, NULL, NULL, err);
  job_clear (&j);
  return r;
}

/* What layer I needs: nothing (-1: cached, or a blob an earlier layer has), the blob only
   (0: its layer is unpacked, or is being unpacked from an earlier blob), the blob and its
   layer streamed (1), or its layer unpacked from the stored blob (2). */
static int
layer_need (struct pull *p, size_t i)
{
  const struct hull_descriptor *ls = p->man.layers;
  bool unpacked = hull_layers_has (p->s, p->cfg.diff_ids[i]);

  for (size_t k = 0; k < i; k++)
    if (strcmp (ls[k].digest, ls[i].digest) == 0)
      return -1;
  if (hull_store_has_blob (p->s, ls[i].digest))
    return unpacked ? -1 : 2;
  for (size_t k = 0; k < i && !unpacked; k++)
    unpacked = strcmp (p->cfg.diff_ids[k], p->cfg.diff_ids[i]) == 0;
  return unpacked ? 0 : 1;
}

/* Job J's error after the transfers: the download's (a corrupt or truncated blob), else the
   unpacker's. */
static int
job_end (struct blob_job *j, struct hull_blob_fetch *f, hull_error_t *err)
{
  cleanup_error hull_error_t ue = NULL;
  int ur = 0;

  if (j->diff_id && j->ls == NULL && f->err == NULL && stream_start (j, err) < 0) /* an empty blob */
    return -1;
  if (j->ls)
    ur = hull_layer_stream_end (j->ls, &j->p->tm.layers, &ue); /* the writer is ours again */
  if (f->err)
    return hull_error (err, 0, "%s", f->err->msg);
  if (hull_blob_writer_verify (j->w, err) < 0)
    return -1;
  if (ur < 0)
    *err = hull_steal_ptr (ue);
  return ur;
}

/* Each blob, then each layer: both digests held for all, so all are kept. */
static int
commit_all (struct blob_job *jobs, size_t n, hull_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    if (jobs[i].w && (hull_blob_writer_commit (jobs[i].w, NULL, NULL, NULL, err) < 0
                      || (jobs[i].ls && hull_layer_stream_commit (jobs[i].ls, err) < 0)))
      return -1;
  return 0;
}

/* The transfers of the N jobs whose writers are made, and the end of their streams. */
static int
run_jobs (struct pull *p, struct blob_job *jobs, size_t n, hull_error_t *err)
{
  struct hull_blob_fetch *f = xmalloc0 ((n + 1) * sizeof *f);
  hull_error_t all = NULL; /* each blob's own error is in its f[i].err */
  size_t failed = 0;

  for (size_t i = 0; i < n; i++)
    f[i] = (struct hull_blob_fetch){ .digest = jobs[i].d->digest, .expected_size = jobs[i].d->size,
                                     .sink = blob_sink, .sink_data = &jobs[i], .sink_verifies = true,
                                     .wait_fd = jobs[i].diff_id ? stream_wait_fd : NULL };
  if (hull_registry_get_blobs (p->r, p->ref->repo, f, n, 0, &all) < 0)
    hull_error_free (&all);
  for (size_t i = 0; i < n; i++)
    {
      hull_error_t e = NULL;
      if (job_end (&jobs[i], &f[i], &e) < 0 && failed++ == 0)
        *err = hull_steal_ptr (e);
      hull_error_free (&e);
      hull_error_free (&f[i].err);
    }
  free (f);
  if (failed > 0 && n > 1)
    return hull_error_wrap (err, "%zu of %zu layers failed, the first", failed, n);
  if (failed > 0)
    return -1;
  return commit_all (jobs, n, err);
}

/* The layers: those the store lacks fetched in parallel (unpacked as they stream in), then
   those whose stored blob is not unpacked yet. */
static int
fetch_layers (struct pull *p, hull_error_t *err)
{
  size_t nl = p->man.n_layers, nj = 0;
  struct blob_job *jobs = xmalloc0 ((nl + 1) * sizeof *jobs);
  int *need = xmalloc0 ((nl + 1) * sizeof *need);
  uint64_t t0 = now_ns ();
  int r = 0;

  for (size_t i = 0; i < nl && r == 0; i++)
    {
      const struct hull_descriptor *d = &p->man.layers[i];
      need[i] = layer_need (p, i);
      if (need[i] < 0 || need[i] == 2)
        {
          progress_cached (p, i + 1, nl + 1, d);
          continue;
        }
      cleanup_free char *what = xasprintf ("layer %s", d->digest);
      jobs[nj] = (struct blob_job){ .p = p, .index = i + 1, .n = nl + 1, .d = d,
                                    .diff_id = need[i] == 1 ? p->cfg.diff_ids[i] : NULL };
      r = hull_blob_writer_new (p->s, d->digest, d->size, what, &jobs[nj++].w, err);
    }
  if (r == 0 && nj > 0)
    r = run_jobs (p, jobs, nj, err);
  for (size_t i = 0; i < nj; i++)
    job_clear (&jobs[i]);
  p->tm.layers_ns = now_ns () - t0;
  t0 = now_ns ();
  for (size_t i = 0; i < nl && r == 0; i++)
    if (need[i] == 2)
      {
        r = hull_layers_unpack (p->s, p->man.layers[i].digest, p->cfg.diff_ids[i], &p->o->limits, &p->tm.layers, err);
        p->tm.from_store++;
      }
  for (size_t i = 0; i < nl; i++)
    p->tm.streamed += need[i] == 1;
  p->tm.unpack_ns = now_ns () - t0;
  free (need);
  free (jobs);
  return r;
}

static int
read_config (struct pull *p, hull_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  if (hull_store_read_blob (p->s, p->man.config.digest, HULL_CONFIG_MAX, true, &data, &len, err) < 0
      || hull_image_config_parse (data, len, "config", &p->cfg, err) < 0)
    return -1;
  if (p->cfg.n_diff_ids != p->man.n_layers)
    return hull_error (err, 0, "config %s: %zu rootfs.diff_ids for the manifest's %zu layers", p->man.config.digest,
                       p->cfg.n_diff_ids, p->man.n_layers);
  return 0;
}

/* The name, and where it came from (push mounts blobs from there). */
static int
name_image (struct pull *p, hull_error_t *err)
{
  cleanup_json json_t *index = NULL;
  cleanup_free char *source = xasprintf ("%s/%s", p->ref->host, p->ref->repo);

  if (hull_store_read_index (p->s, &index, err) < 0)
    return -1;
  hull_index_set_name (index, p->ref->name, p->m.media_type, p->m.digest, (int64_t) p->m.len);
  hull_index_set_source (index, p->m.digest, source);
  return hull_store_write_index (p->s, index, err);
}

static int
pull_locked (struct pull *p, char id[HULL_DIGEST_LEN + 1], hull_error_t *err)
{
  struct hull_registry_opts ro = { .host = p->ref->host, .plain_http = p->o->plain_http,
                                   .auth_file = p->o->auth_file };
  cleanup_json json_t *index = NULL;
  uint64_t t0 = now_ns (), t1;

  /* with the lock held no other pull runs: a layer temp directory is a killed one's */
  if (hull_store_read_index (p->s, &index, err) < 0 || hull_layers_gc (p->s, index, NULL, err) < 0)
    return -1;
  if (hull_registry_open (&ro, &p->r, err) < 0 || pull_manifest (p, err) < 0)
    return -1;
  t1 = now_ns ();
  p->tm.manifest_ns = t1 - t0;
  if (fetch_config (p, err) < 0 || read_config (p, err) < 0)
    return -1;
  p->tm.config_ns = now_ns () - t1;
  if (fetch_layers (p, err) < 0)
    return -1;
  t1 = now_ns ();
  if (name_image (p, err) < 0)
    return -1;
  p->tm.commit_ns = now_ns () - t1;
  memcpy (id, p->man.config.digest, HULL_DIGEST_LEN + 1);
  return 0;
}

int
hull_image_pull (struct hull_store *s, const struct hull_remote_ref *ref, const struct hull_transfer_opts *o,
                 char id[HULL_DIGEST_LEN + 1], hull_error_t *err)
{
  struct pull p = { .s = s, .ref = ref, .o = o };
  cleanup_json json_t *index = NULL;
  hull_error_t e2 = NULL;
  int r;

  uint64_t t0 = now_ns ();

  if (hull_store_lock (s, err) < 0)
    return -1;
  r = pull_locked (&p, id, err);
  p.tm.total_ns = now_ns () - t0;
  if (o->timings)
    *o->timings = p.tm;
  if (r < 0 && (hull_store_read_index (s, &index, &e2) < 0 || hull_store_gc (s, index, NULL, &e2) < 0
                || hull_layers_gc (s, index, NULL, &e2) < 0))
    hull_error_free (&e2); /* what this pull added is not named: collected */
  hull_store_unlock (s);
  hull_registry_close (p.r);
  hull_registry_manifest_clear (&p.m);
  hull_manifest_clear (&p.man);
  hull_image_config_clear (&p.cfg);
  if (r < 0)
    return hull_error_wrap (err, "pull `%s/%s%s%s`", ref->host, ref->repo,
                            hull_registry_ref_is_digest (ref->ref) ? "@" : ":", ref->ref);
  return 0;
}
