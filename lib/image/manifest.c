/* manifest.c: manifests, indexes and image configs from untrusted bytes (jansson). Each
   parser walks the document field by field and names the field in every error. */
#define _GNU_SOURCE
#include "manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

static const char *const layer_types[] = {
  HULL_MT_OCI_LAYER,
  HULL_MT_OCI_LAYER_GZIP,
  HULL_MT_OCI_LAYER_ZSTD,
  "application/vnd.oci.image.layer.nondistributable.v1.tar",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  HULL_MT_DOCKER_LAYER,
  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  NULL,
};

bool
hull_media_type_is_manifest (const char *mt)
{
  return mt && (strcmp (mt, HULL_MT_OCI_MANIFEST) == 0 || strcmp (mt, HULL_MT_DOCKER_MANIFEST) == 0);
}

bool
hull_media_type_is_index (const char *mt)
{
  return mt && (strcmp (mt, HULL_MT_OCI_INDEX) == 0 || strcmp (mt, HULL_MT_DOCKER_LIST) == 0);
}

bool
hull_media_type_is_layer (const char *mt)
{
  for (size_t i = 0; mt && layer_types[i]; i++)
    if (strcmp (mt, layer_types[i]) == 0)
      return true;
  return false;
}

static bool
is_config_type (const char *mt)
{
  return strcmp (mt, HULL_MT_OCI_CONFIG) == 0 || strcmp (mt, HULL_MT_DOCKER_CONFIG) == 0;
}

/* --- generic field readers ------------------------------------------------------------ */

static int
load_doc (const char *data, size_t len, size_t max, const char *what, json_t **out, hull_error_t *err)
{
  json_error_t je;
  if (len > max)
    return hull_error (err, 0, "%s: %zu bytes, more than the limit of %zu", what, len, max);
  *out = json_loadb (data, len, JSON_REJECT_DUPLICATES, &je);
  if (*out == NULL)
    return hull_error (err, 0, "%s: not JSON: %s (line %d, column %d)", what, je.text, je.line, je.column);
  if (!json_is_object (*out))
    {
      json_decref (hull_steal_ptr (*out));
      return hull_error (err, 0, "%s: not a JSON object", what);
    }
  return 0;
}

/* KEY of OBJ as a newly allocated string into *OUT; absent is an error only when REQUIRED. */
static int
get_str (json_t *obj, const char *key, const char *path, bool required, char **out, hull_error_t *err)
{
  json_t *v = json_object_get (obj, key);
  *out = NULL;
  if (v == NULL || (json_is_null (v) && !required))
    return required ? hull_error (err, 0, "%s.%s: missing", path, key) : 0;
  if (!json_is_string (v))
    return hull_error (err, 0, "%s.%s: not a string", path, key);
  if (strlen (json_string_value (v)) != json_string_length (v))
    return hull_error (err, 0, "%s.%s: contains a NUL byte", path, key);
  *out = xstrdup (json_string_value (v));
  return 0;
}

/* An array of strings (or null/absent: *OUT NULL) as a NULL-terminated vector. */
static int
get_strv (json_t *obj, const char *key, const char *path, char ***out, hull_error_t *err)
{
  json_t *v = json_object_get (obj, key), *e;
  size_t i;
  *out = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_array (v))
    return hull_error (err, 0, "%s.%s: not an array of strings", path, key);
  cleanup_strv char **vec = xmalloc0 ((json_array_size (v) + 1) * sizeof (char *));
  json_array_foreach (v, i, e)
    {
      if (!json_is_string (e) || strlen (json_string_value (e)) != json_string_length (e))
        return hull_error (err, 0, "%s.%s[%zu]: not a string", path, key, i);
      vec[i] = xstrdup (json_string_value (e));
    }
  *out = hull_steal_ptr (vec);
  return 0;
}

/* The keys of an object (ExposedPorts, Volumes), or with VALUES "KEY=VALUE" of a string map. */
static int
get_keys (json_t *obj, const char *key, const char *path, bool values, char ***out, hull_error_t *err)
{
  json_t *v = json_object_get (obj, key), *e;
  const char *k;
  size_t i = 0;
  *out = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_object (v))
    return hull_error (err, 0, "%s.%s: not an object", path, key);
  cleanup_strv char **vec = xmalloc0 ((json_object_size (v) + 1) * sizeof (char *));
  json_object_foreach (v, k, e)
    {
      if (values && !json_is_string (e))
        return hull_error (err, 0, "%s.%s[\"%s\"]: not a string", path, key, k);
      if (!values && !json_is_object (e))
        return hull_error (err, 0, "%s.%s[\"%s\"]: not an object", path, key, k);
      vec[i++] = values ? xasprintf ("%s=%s", k, json_string_value (e)) : xstrdup (k);
    }
  *out = hull_steal_ptr (vec);
  return 0;
}

static int
check_schema_version (json_t *doc, const char *what, hull_error_t *err)
{
  json_t *v = json_object_get (doc, "schemaVersion");
  if (!json_is_integer (v))
    return hull_error (err, 0, "%s.schemaVersion: %s", what, v ? "not an integer" : "missing");
  if (json_integer_value (v) != 2)
    return hull_error (err, 0, "%s.schemaVersion: %lld, only 2 is supported", what,
                       (long long) json_integer_value (v));
  return 0;
}

static int
parse_platform (json_t *p, const char *path, struct hull_platform *out, hull_error_t *err)
{
  if (!json_is_object (p))
    return hull_error (err, 0, "%s: not an object", path);
  if (get_str (p, "os", path, true, &out->os, err) < 0 || get_str (p, "architecture", path, true, &out->architecture, err) < 0
      || get_str (p, "variant", path, false, &out->variant, err) < 0)
    return -1;
  return 0;
}

static int
parse_descriptor (json_t *d, const char *path, struct hull_descriptor *out, hull_error_t *err)
{
  cleanup_free char *digest = NULL, *ppath = NULL;
  json_t *size, *ann, *plat;

  if (!json_is_object (d))
    return hull_error (err, 0, "%s: not an object", path);
  if (get_str (d, "mediaType", path, true, &out->media_type, err) < 0 || get_str (d, "digest", path, true, &digest, err) < 0)
    return -1;
  ppath = xasprintf ("%s.digest", path);
  if (hull_digest_check (digest, ppath, err) < 0)
    return -1;
  memcpy (out->digest, digest, HULL_DIGEST_LEN + 1);
  size = json_object_get (d, "size");
  if (!json_is_integer (size))
    return hull_error (err, 0, "%s.size: %s", path, size ? "not an integer" : "missing");
  if (json_integer_value (size) < 0)
    return hull_error (err, 0, "%s.size: %lld is negative", path, (long long) json_integer_value (size));
  out->size = json_integer_value (size);
  ann = json_object_get (d, "annotations");
  if (ann && !json_is_null (ann))
    {
      free (ppath);
      ppath = xasprintf ("%s.annotations", path);
      if (!json_is_object (ann))
        return hull_error (err, 0, "%s: not an object", ppath);
      if (get_str (ann, HULL_ANNOT_REF_NAME, ppath, false, &out->ref_name, err) < 0)
        return -1;
    }
  plat = json_object_get (d, "platform");
  if (plat && !json_is_null (plat))
    {
      free (ppath);
      ppath = xasprintf ("%s.platform", path);
      out->has_platform = true;
      if (parse_platform (plat, ppath, &out->platform, err) < 0)
        return -1;
    }
  return 0;
}

/* --- manifest ------------------------------------------------------------------------- */

static int
parse_layers (json_t *doc, const char *what, struct hull_manifest *m, hull_error_t *err)
{
  json_t *layers = json_object_get (doc, "layers"), *l;
  size_t i;

  if (!json_is_array (layers))
    return hull_error (err, 0, "%s.layers: %s", what, layers ? "not an array" : "missing");
  m->layers = xmalloc0 ((json_array_size (layers) + 1) * sizeof *m->layers);
  json_array_foreach (layers, i, l)
    {
      cleanup_free char *path = xasprintf ("%s.layers[%zu]", what, i);
      m->n_layers = i + 1;
      if (parse_descriptor (l, path, &m->layers[i], err) < 0)
        return -1;
      if (!hull_media_type_is_layer (m->layers[i].media_type))
        return hull_error (err, 0, "%s.mediaType: `%s` is not a layer media type", path, m->layers[i].media_type);
    }
  return 0;
}

int
hull_manifest_parse (const char *data, size_t len, const char *what, struct hull_manifest *out, hull_error_t *err)
{
  cleanup_json json_t *doc = NULL;
  cleanup_free char *cpath = xasprintf ("%s.config", what);

  memset (out, 0, sizeof *out);
  if (load_doc (data, len, HULL_MANIFEST_MAX, what, &doc, err) < 0 || check_schema_version (doc, what, err) < 0
      || get_str (doc, "mediaType", what, false, &out->media_type, err) < 0)
    goto fail;
  if (out->media_type == NULL)
    out->media_type = xstrdup (HULL_MT_OCI_MANIFEST); /* OCI: SHOULD, not MUST */
  if (!hull_media_type_is_manifest (out->media_type))
    {
      hull_error (err, 0, "%s.mediaType: `%s` is not an image manifest", what, out->media_type);
      goto fail;
    }
  if (json_object_get (doc, "config") == NULL)
    {
      hull_error (err, 0, "%s: missing", cpath);
      goto fail;
    }
  if (parse_descriptor (json_object_get (doc, "config"), cpath, &out->config, err) < 0)
    goto fail;
  if (!is_config_type (out->config.media_type))
    {
      hull_error (err, 0, "%s.mediaType: `%s` is not an image config", cpath, out->config.media_type);
      goto fail;
    }
  if (parse_layers (doc, what, out, err) < 0)
    goto fail;
  return 0;
fail:
  hull_manifest_clear (out);
  return -1;
}

/* --- index ---------------------------------------------------------------------------- */

int
hull_index_parse (const char *data, size_t len, const char *what, struct hull_index *out, hull_error_t *err)
{
  cleanup_json json_t *doc = NULL;
  json_t *ms, *m;
  size_t i;

  memset (out, 0, sizeof *out);
  if (load_doc (data, len, HULL_MANIFEST_MAX, what, &doc, err) < 0 || check_schema_version (doc, what, err) < 0
      || get_str (doc, "mediaType", what, false, &out->media_type, err) < 0)
    goto fail;
  if (out->media_type == NULL)
    out->media_type = xstrdup (HULL_MT_OCI_INDEX);
  if (!hull_media_type_is_index (out->media_type))
    {
      hull_error (err, 0, "%s.mediaType: `%s` is not an image index", what, out->media_type);
      goto fail;
    }
  ms = json_object_get (doc, "manifests");
  if (!json_is_array (ms))
    {
      hull_error (err, 0, "%s.manifests: %s", what, ms ? "not an array" : "missing");
      goto fail;
    }
  out->manifests = xmalloc0 ((json_array_size (ms) + 1) * sizeof *out->manifests);
  json_array_foreach (ms, i, m)
    {
      cleanup_free char *path = xasprintf ("%s.manifests[%zu]", what, i);
      struct hull_descriptor *d = &out->manifests[i];
      out->n_manifests = i + 1;
      if (parse_descriptor (m, path, d, err) < 0)
        goto fail;
      if (!hull_media_type_is_manifest (d->media_type) && !hull_media_type_is_index (d->media_type))
        {
          hull_error (err, 0, "%s.mediaType: `%s` is neither a manifest nor an index", path, d->media_type);
          goto fail;
        }
    }
  return 0;
fail:
  hull_index_clear (out);
  return -1;
}

char *
hull_document_media_type (const char *data, size_t len)
{
  cleanup_json json_t *doc = NULL;
  json_t *mt;
  if (len > HULL_MANIFEST_MAX)
    return NULL;
  doc = json_loadb (data, len, 0, NULL);
  mt = json_object_get (doc, "mediaType");
  return json_is_string (mt) ? xstrdup (json_string_value (mt)) : NULL;
}

void
hull_host_platform (const char **os, const char **arch, const char **variant)
{
  *os = "linux";
  *variant = NULL;
#if defined(__x86_64__)
  *arch = "amd64";
#elif defined(__aarch64__)
  *arch = "arm64";
  *variant = "v8";
#elif defined(__i386__)
  *arch = "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  *arch = "ppc64le";
#elif defined(__s390x__)
  *arch = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  *arch = "riscv64";
#else
  *arch = "unknown";
#endif
}

static bool
platform_matches (const struct hull_descriptor *d, const char *os, const char *arch, const char *variant)
{
  if (!d->has_platform || strcmp (d->platform.os, os) != 0 || strcmp (d->platform.architecture, arch) != 0)
    return false;
  /* arm64 images often carry no variant: v8 is the only one */
  return variant == NULL || d->platform.variant == NULL || strcmp (d->platform.variant, variant) == 0;
}

int
hull_index_select (const struct hull_index *idx, const char *os, const char *arch, const char *variant,
                   hull_error_t *err)
{
  cleanup_free char *have = xstrdup ("");
  for (size_t i = 0; i < idx->n_manifests; i++)
    if (platform_matches (&idx->manifests[i], os, arch, variant))
      return (int) i;
  for (size_t i = 0; i < idx->n_manifests; i++)
    {
      const struct hull_descriptor *d = &idx->manifests[i];
      char *n = d->has_platform ? xasprintf ("%s%s%s/%s%s%s", have, *have ? ", " : "", d->platform.os,
                                             d->platform.architecture, d->platform.variant ? "/" : "",
                                             d->platform.variant ? d->platform.variant : "")
                                : xasprintf ("%s%s(no platform)", have, *have ? ", " : "");
      free (have);
      have = n;
    }
  return hull_error (err, 0, "no image for %s/%s%s%s in the index (it has: %s)", os, arch, variant ? "/" : "",
                     variant ? variant : "", *have ? have : "nothing");
}

/* --- config --------------------------------------------------------------------------- */

static int
parse_rootfs (json_t *doc, const char *what, struct hull_image_config *c, hull_error_t *err)
{
  json_t *rootfs = json_object_get (doc, "rootfs"), *ids, *e;
  cleanup_free char *type = NULL, *path = xasprintf ("%s.rootfs", what);
  size_t i;

  if (!json_is_object (rootfs))
    return hull_error (err, 0, "%s: %s", path, rootfs ? "not an object" : "missing");
  if (get_str (rootfs, "type", path, true, &type, err) < 0)
    return -1;
  if (strcmp (type, "layers") != 0)
    return hull_error (err, 0, "%s.type: `%s`, only `layers` is defined", path, type);
  ids = json_object_get (rootfs, "diff_ids");
  if (!json_is_array (ids))
    return hull_error (err, 0, "%s.diff_ids: %s", path, ids ? "not an array" : "missing");
  c->diff_ids = xmalloc0 ((json_array_size (ids) + 1) * sizeof *c->diff_ids);
  json_array_foreach (ids, i, e)
    {
      cleanup_free char *p = xasprintf ("%s.diff_ids[%zu]", path, i);
      if (!json_is_string (e))
        return hull_error (err, 0, "%s: not a string", p);
      if (hull_digest_check (json_string_value (e), p, err) < 0)
        return -1;
      memcpy (c->diff_ids[i], json_string_value (e), HULL_DIGEST_LEN + 1);
      c->n_diff_ids = i + 1;
    }
  return 0;
}

static int
parse_history (json_t *doc, const char *what, struct hull_image_config *c, hull_error_t *err)
{
  json_t *h = json_object_get (doc, "history"), *e;
  size_t i;

  if (h == NULL || json_is_null (h))
    return 0;
  if (!json_is_array (h))
    return hull_error (err, 0, "%s.history: not an array", what);
  c->history = xmalloc0 ((json_array_size (h) + 1) * sizeof *c->history);
  json_array_foreach (h, i, e)
    {
      cleanup_free char *p = xasprintf ("%s.history[%zu]", what, i);
      struct hull_history *hi = &c->history[i];
      json_t *empty;
      c->n_history = i + 1;
      if (!json_is_object (e))
        return hull_error (err, 0, "%s: not an object", p);
      if (get_str (e, "created", p, false, &hi->created, err) < 0 || get_str (e, "created_by", p, false, &hi->created_by, err) < 0
          || get_str (e, "comment", p, false, &hi->comment, err) < 0)
        return -1;
      empty = json_object_get (e, "empty_layer");
      if (empty && !json_is_boolean (empty) && !json_is_null (empty))
        return hull_error (err, 0, "%s.empty_layer: not a boolean", p);
      hi->empty_layer = json_is_true (empty);
    }
  return 0;
}

static int
parse_exec_config (json_t *doc, const char *what, struct hull_image_config *c, hull_error_t *err)
{
  json_t *cfg = json_object_get (doc, "config");
  cleanup_free char *p = xasprintf ("%s.config", what);

  if (cfg == NULL || json_is_null (cfg))
    return 0;
  if (!json_is_object (cfg))
    return hull_error (err, 0, "%s: not an object", p);
  if (get_str (cfg, "User", p, false, &c->user, err) < 0 || get_str (cfg, "WorkingDir", p, false, &c->working_dir, err) < 0
      || get_str (cfg, "StopSignal", p, false, &c->stop_signal, err) < 0 || get_strv (cfg, "Env", p, &c->env, err) < 0
      || get_strv (cfg, "Entrypoint", p, &c->entrypoint, err) < 0 || get_strv (cfg, "Cmd", p, &c->cmd, err) < 0
      || get_keys (cfg, "Labels", p, true, &c->labels, err) < 0
      || get_keys (cfg, "ExposedPorts", p, false, &c->exposed_ports, err) < 0
      || get_keys (cfg, "Volumes", p, false, &c->volumes, err) < 0)
    return -1;
  for (size_t i = 0; c->env && c->env[i]; i++)
    if (strchr (c->env[i], '=') == NULL || c->env[i][0] == '=')
      return hull_error (err, 0, "%s.Env[%zu]: `%s` is not NAME=VALUE", p, i, c->env[i]);
  return 0;
}

int
hull_image_config_parse (const char *data, size_t len, const char *what, struct hull_image_config *out,
                         hull_error_t *err)
{
  cleanup_json json_t *doc = NULL;

  memset (out, 0, sizeof *out);
  if (load_doc (data, len, HULL_CONFIG_MAX, what, &doc, err) < 0
      || get_str (doc, "architecture", what, true, &out->architecture, err) < 0
      || get_str (doc, "os", what, true, &out->os, err) < 0 || get_str (doc, "variant", what, false, &out->variant, err) < 0
      || get_str (doc, "created", what, false, &out->created, err) < 0
      || get_str (doc, "author", what, false, &out->author, err) < 0 || parse_exec_config (doc, what, out, err) < 0
      || parse_rootfs (doc, what, out, err) < 0 || parse_history (doc, what, out, err) < 0)
    {
      hull_image_config_clear (out);
      return -1;
    }
  return 0;
}

/* --- freeing -------------------------------------------------------------------------- */

void
hull_descriptor_clear (struct hull_descriptor *d)
{
  free (d->media_type);
  free (d->ref_name);
  free (d->platform.os);
  free (d->platform.architecture);
  free (d->platform.variant);
  memset (d, 0, sizeof *d);
}

void
hull_manifest_clear (struct hull_manifest *m)
{
  free (m->media_type);
  hull_descriptor_clear (&m->config);
  for (size_t i = 0; i < m->n_layers; i++)
    hull_descriptor_clear (&m->layers[i]);
  free (m->layers);
  memset (m, 0, sizeof *m);
}

void
hull_index_clear (struct hull_index *x)
{
  free (x->media_type);
  for (size_t i = 0; i < x->n_manifests; i++)
    hull_descriptor_clear (&x->manifests[i]);
  free (x->manifests);
  memset (x, 0, sizeof *x);
}

void
hull_image_config_clear (struct hull_image_config *c)
{
  char **vecs[] = { c->env, c->entrypoint, c->cmd, c->labels, c->exposed_ports, c->volumes };
  char *strs[] = { c->architecture, c->os, c->variant, c->created, c->author, c->user, c->working_dir, c->stop_signal };
  for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
    hull_strv_free (vecs[i]);
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    free (strs[i]);
  for (size_t i = 0; i < c->n_history; i++)
    {
      free (c->history[i].created);
      free (c->history[i].created_by);
      free (c->history[i].comment);
    }
  free (c->history);
  free (c->diff_ids);
  memset (c, 0, sizeof *c);
}
