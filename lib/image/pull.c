/* pull.c: references and `hull pull`; see pull.h. */
#define _GNU_SOURCE
#include "pull.h"

#include <stdlib.h>
#include <string.h>

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

/* A blob fetched into the store: its writer, and the progress the sink reports. */
struct blob_job
{
  struct pull *p;
  struct hull_blob_writer *w;
  size_t index, n;
  const struct hull_descriptor *d;
  int64_t done;
};

static int
blob_sink (void *data, const void *buf, size_t len, hull_error_t *err)
{
  struct blob_job *j = data;
  if (hull_blob_writer_write (j->w, buf, len, err) < 0)
    return -1;
  j->done += (int64_t) len;
  if (j->p->o->progress)
    j->p->o->progress (j->p->o->progress_arg, j->index, j->n, j->d->digest, j->done, j->d->size, false);
  return 0;
}

/* Should blob I of DS be fetched: not in the store, not an earlier one of DS? */
static bool
wanted (struct pull *p, const struct hull_descriptor *const *ds, size_t i)
{
  for (size_t k = 0; k < i; k++)
    if (strcmp (ds[k]->digest, ds[i]->digest) == 0)
      return false;
  return !hull_store_has_blob (p->s, ds[i]->digest);
}

static int
commit_all (struct blob_job *jobs, size_t n, hull_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    if (jobs[i].w && hull_blob_writer_commit (jobs[i].w, NULL, NULL, NULL, err) < 0)
      return -1;
  return 0;
}

/* DS (N descriptors) into the store, those it lacks fetched in parallel. */
static int
fetch_blobs (struct pull *p, const struct hull_descriptor *const *ds, size_t n, hull_error_t *err)
{
  struct blob_job *jobs = xmalloc0 ((n + 1) * sizeof *jobs);
  struct hull_blob_fetch *f = xmalloc0 ((n + 1) * sizeof *f);
  size_t nf = 0;
  int r = 0;

  for (size_t i = 0; i < n && r == 0; i++)
    {
      jobs[i] = (struct blob_job){ .p = p, .index = i, .n = n, .d = ds[i] };
      if (!wanted (p, ds, i))
        {
          if (p->o->progress)
            p->o->progress (p->o->progress_arg, i, n, ds[i]->digest, ds[i]->size, ds[i]->size, true);
          continue;
        }
      char *what = xasprintf ("blob %s", ds[i]->digest);
      r = hull_blob_writer_new (p->s, ds[i]->digest, ds[i]->size, what, &jobs[i].w, err);
      free (what);
      f[nf++] = (struct hull_blob_fetch){ .digest = ds[i]->digest, .expected_size = ds[i]->size, .sink = blob_sink,
                                          .sink_data = &jobs[i] };
    }
  if (r == 0 && nf > 0)
    r = hull_registry_get_blobs (p->r, p->ref->repo, f, nf, 0, err);
  if (r == 0)
    r = commit_all (jobs, n, err);
  for (size_t i = 0; i < nf; i++)
    hull_error_free (&f[i].err);
  for (size_t i = 0; i < n; i++)
    hull_blob_writer_free (jobs[i].w);
  free (f);
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

static int
pull_locked (struct pull *p, char id[HULL_DIGEST_LEN + 1], hull_error_t *err)
{
  struct hull_registry_opts ro = { .host = p->ref->host, .plain_http = p->o->plain_http,
                                   .auth_file = p->o->auth_file };
  const struct hull_descriptor **ds = NULL;
  cleanup_json json_t *index = NULL;
  int r;

  /* with the lock held no other pull runs: a layer temp directory is a killed one's */
  if (hull_store_read_index (p->s, &index, err) < 0 || hull_layers_gc (p->s, index, NULL, err) < 0)
    return -1;
  json_decref (hull_steal_ptr (index));
  if (hull_registry_open (&ro, &p->r, err) < 0 || pull_manifest (p, err) < 0)
    return -1;
  ds = xmalloc0 ((p->man.n_layers + 1) * sizeof *ds);
  ds[0] = &p->man.config;
  for (size_t i = 0; i < p->man.n_layers; i++)
    ds[i + 1] = &p->man.layers[i];
  r = fetch_blobs (p, ds, p->man.n_layers + 1, err);
  free (ds);
  if (r < 0 || read_config (p, err) < 0)
    return -1;
  for (size_t i = 0; i < p->man.n_layers; i++)
    if (hull_layers_unpack (p->s, p->man.layers[i].digest, p->cfg.diff_ids[i], NULL, err) < 0)
      return -1;
  if (hull_store_read_index (p->s, &index, err) < 0)
    return -1;
  hull_index_set_name (index, p->ref->name, p->m.media_type, p->m.digest, (int64_t) p->m.len);
  if (hull_store_write_index (p->s, index, err) < 0)
    return -1;
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

  if (hull_store_lock (s, err) < 0)
    return -1;
  r = pull_locked (&p, id, err);
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
