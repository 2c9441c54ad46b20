/* images.c: names, lookup, index.json entries and import; see images.h. */
#define _GNU_SOURCE
#include "images.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"

/* --- names ---------------------------------------------------------------------------- */

static bool
is_alnum_lower (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool
valid_component (const char *p, size_t n)
{
  size_t i = 0;
  if (n == 0 || !is_alnum_lower (p[0]) || !is_alnum_lower (p[n - 1]))
    return false;
  while (i < n)
    {
      if (is_alnum_lower (p[i]))
        {
          i++;
          continue;
        }
      if (p[i] == '.' || (p[i] == '_' && p[i + 1] != '_'))
        i++;
      else if (p[i] == '_' && i + 2 < n && p[i + 2] != '_')
        i += 2;
      else if (p[i] == '-')
        while (i < n && p[i] == '-')
          i++;
      else
        return false;
      if (i >= n || !is_alnum_lower (p[i]))
        return false;
    }
  return true;
}

static bool
valid_domain (const char *p, size_t n)
{
  const char *colon = memchr (p, ':', n);
  size_t host = colon ? (size_t) (colon - p) : n;
  if (host == 0)
    return false;
  for (size_t i = 0; i < host; i++)
    if (!isalnum ((unsigned char) p[i]) && p[i] != '.' && p[i] != '-')
      return false;
  if (colon && colon + 1 == p + n)
    return false;
  for (const char *q = colon ? colon + 1 : p + n; q < p + n; q++)
    if (!isdigit ((unsigned char) *q))
      return false;
  return true;
}

static bool
valid_tag (const char *t)
{
  size_t n = strlen (t);
  if (n == 0 || n > 128 || !(isalnum ((unsigned char) t[0]) || t[0] == '_'))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char) t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
      return false;
  return true;
}

int
hull_ref_normalize (const char *in, char **out, hull_error_t *err)
{
  cleanup_free char *s = xstrdup (in ? in : ""), *name = NULL;
  char *slash, *colon, *tag = "latest", *p, *first_end;
  bool has_domain;

  if (*s == '\0')
    return hull_error (err, 0, "image name: empty");
  if (strchr (s, '@'))
    return hull_error (err, 0, "image name `%s`: digest references (NAME@DIGEST) are not supported", in);
  slash = strrchr (s, '/');
  colon = strrchr (slash ? slash : s, ':');
  if (colon)
    {
      *colon = '\0';
      tag = colon + 1;
      if (!valid_tag (tag))
        return hull_error (err, 0, "image name `%s`: invalid tag `%s` (letters, digits, `_`, `.`, `-`; at most 128)",
                           in, tag);
    }
  first_end = strchr (s, '/');
  has_domain = first_end && (memchr (s, '.', first_end - s) || memchr (s, ':', first_end - s)
                             || (first_end - s == 9 && strncmp (s, "localhost", 9) == 0));
  if (has_domain && !valid_domain (s, first_end - s))
    return hull_error (err, 0, "image name `%s`: invalid registry `%.*s`", in, (int) (first_end - s), s);
  for (p = has_domain ? first_end + 1 : s;;)
    {
      char *e = strchr (p, '/');
      size_t n = e ? (size_t) (e - p) : strlen (p);
      if (!valid_component (p, n))
        return hull_error (err, 0,
                           "image name `%s`: invalid component `%.*s` (lowercase letters and digits, separated by `.`, `_`, `__` or `-`)",
                           in, (int) n, p);
      if (e == NULL)
        break;
      p = e + 1;
    }
  name = has_domain ? xasprintf ("%s:%s", s, tag) : xasprintf ("localhost/%s:%s", s, tag);
  if (strlen (name) > 255)
    return hull_error (err, 0, "image name `%s`: longer than 255 characters", in);
  *out = hull_steal_ptr (name);
  return 0;
}

/* --- images from the index ------------------------------------------------------------ */

static struct hull_image *
image_of (struct hull_image_list *l, const char *digest)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->v[i].digest, digest) == 0)
      return &l->v[i];
  return NULL;
}

static void
add_name (struct hull_image *im, const char *name)
{
  size_t n = hull_strv_len (im->names);
  im->names = xrealloc (im->names, (n + 2) * sizeof (char *));
  im->names[n] = xstrdup (name);
  im->names[n + 1] = NULL;
}

static int
load_one (struct hull_store *s, json_t *e, size_t i, struct hull_image_list *l, hull_error_t *err)
{
  struct hull_descriptor d = { 0 };
  struct hull_image *im;
  cleanup_free char *path = xasprintf ("store `%s`: index.json manifests[%zu]", s->root, i), *data = NULL, *what = NULL;
  json_t *wrap = json_pack ("{s:i, s:[O]}", "schemaVersion", 2, "manifests", e);
  cleanup_free char *wtext = json_dumps (wrap, JSON_COMPACT);
  struct hull_index x;
  size_t len;
  int r;

  json_decref (wrap);
  if (hull_index_parse (wtext, strlen (wtext), path, &x, err) < 0)
    return -1;
  d = x.manifests[0];
  memset (&x.manifests[0], 0, sizeof d);
  hull_index_clear (&x);
  im = image_of (l, d.digest);
  if (im == NULL)
    {
      l->v = xrealloc (l->v, (l->n + 1) * sizeof *l->v);
      im = &l->v[l->n++];
      memset (im, 0, sizeof *im);
      memcpy (im->digest, d.digest, sizeof d.digest);
      im->media_type = xstrdup (d.media_type);
      im->manifest_size = d.size;
      im->names = xmalloc0 (sizeof (char *));
      what = xasprintf ("manifest %s", d.digest);
      r = hull_store_read_blob (s, d.digest, HULL_MANIFEST_MAX, false, &data, &len, err);
      if (r == 0)
        r = hull_manifest_parse (data, len, what, &im->manifest, err);
      if (r < 0)
        {
          hull_descriptor_clear (&d);
          return hull_error_wrap (err, "%s", path);
        }
      memcpy (im->id, im->manifest.config.digest, sizeof im->id);
    }
  if (d.ref_name)
    add_name (im, d.ref_name);
  hull_descriptor_clear (&d);
  return 0;
}

int
hull_images_load (struct hull_store *s, json_t *index, struct hull_image_list *out, hull_error_t *err)
{
  json_t *ms = json_object_get (index, "manifests"), *e;
  size_t i;

  memset (out, 0, sizeof *out);
  json_array_foreach (ms, i, e)
    if (load_one (s, e, i, out, err) < 0)
      {
        hull_images_clear (out);
        return -1;
      }
  return 0;
}

void
hull_images_clear (struct hull_image_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->v[i].media_type);
      hull_strv_free (l->v[i].names);
      hull_manifest_clear (&l->v[i].manifest);
    }
  free (l->v);
  memset (l, 0, sizeof *l);
}

static int
find_by_name (const struct hull_image_list *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    for (char **n = l->v[i].names; n && *n; n++)
      if (strcmp (*n, name) == 0)
        return (int) i;
  return -1;
}

static int
find_by_id (const struct hull_image_list *l, const char *arg, hull_error_t *err)
{
  const char *hex = strncmp (arg, HULL_DIGEST_PREFIX, strlen (HULL_DIGEST_PREFIX)) == 0 ? arg + 7 : arg;
  size_t n = strlen (hex);
  int found = -1;

  if (n < 12 || n > 64 || strspn (hex, "0123456789abcdef") != n)
    return -1;
  for (size_t i = 0; i < l->n; i++)
    if (strncmp (l->v[i].id + 7, hex, n) == 0)
      {
        if (found >= 0 && strcmp (l->v[found].id, l->v[i].id) != 0)
          return hull_error (err, 0, "image ID prefix `%s` is ambiguous: %s and %s", arg, l->v[found].id,
                             l->v[i].id), -2;
        if (found < 0)
          found = (int) i;
      }
  return found;
}

int
hull_images_find (const struct hull_image_list *l, const char *arg, hull_error_t *err)
{
  cleanup_free char *name = NULL, *hub = NULL;
  hull_error_t e2 = NULL;
  int i = -1;

  if (hull_ref_normalize (arg, &name, &e2) == 0)
    {
      i = find_by_name (l, name);
      if (i < 0 && strchr (arg, '/') == NULL) /* a short name may also be docker.io's */
        {
          hub = xasprintf ("docker.io/library/%s", name + strlen ("localhost/"));
          i = find_by_name (l, hub);
        }
    }
  hull_error_free (&e2);
  if (i >= 0)
    return i;
  i = find_by_id (l, arg, err);
  if (i == -2)
    return -1;
  if (i < 0)
    return hull_error (err, 0, "%s: no such image", arg);
  return i;
}

/* --- index entries -------------------------------------------------------------------- */

static const char *
entry_name (json_t *e)
{
  return json_string_value (json_object_get (json_object_get (e, "annotations"), HULL_ANNOT_REF_NAME));
}

bool
hull_index_drop_name (json_t *index, const char *name)
{
  json_t *ms = json_object_get (index, "manifests");
  for (size_t i = 0; i < json_array_size (ms); i++)
    {
      const char *n = entry_name (json_array_get (ms, i));
      if (n && strcmp (n, name) == 0)
        {
          json_array_remove (ms, i);
          return true;
        }
    }
  return false;
}

void
hull_index_drop_manifest (json_t *index, const char *digest)
{
  json_t *ms = json_object_get (index, "manifests");
  for (size_t i = json_array_size (ms); i-- > 0;)
    if (strcmp (json_string_value (json_object_get (json_array_get (ms, i), "digest")) ?: "", digest) == 0)
      json_array_remove (ms, i);
}

void
hull_index_set_name (json_t *index, const char *name, const char *media_type, const char *digest, int64_t size)
{
  json_t *ms = json_object_get (index, "manifests"), *e;
  size_t i;

  if (name)
    hull_index_drop_name (index, name);
  else
    json_array_foreach (ms, i, e)
      if (strcmp (json_string_value (json_object_get (e, "digest")) ?: "", digest) == 0)
        return; /* already there, named or not */
  /* an untagged entry of this manifest is replaced by the named one */
  for (i = json_array_size (ms); name && i-- > 0;)
    {
      e = json_array_get (ms, i);
      if (entry_name (e) == NULL && strcmp (json_string_value (json_object_get (e, "digest")) ?: "", digest) == 0)
        json_array_remove (ms, i);
    }
  e = json_pack ("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size", (json_int_t) size);
  if (name)
    json_object_set_new (e, "annotations", json_pack ("{s:s}", HULL_ANNOT_REF_NAME, name));
  json_array_append_new (ms, e);
}

void
hull_index_set_source (json_t *index, const char *digest, const char *source)
{
  json_t *ms = json_object_get (index, "manifests"), *e, *a;
  size_t i;

  json_array_foreach (ms, i, e)
    {
      if (strcmp (json_string_value (json_object_get (e, "digest")) ?: "", digest) != 0)
        continue;
      a = json_object_get (e, "annotations");
      if (!json_is_object (a))
        {
          a = json_object ();
          json_object_set_new (e, "annotations", a);
        }
      json_object_set_new (a, HULL_ANNOT_SOURCE, json_string (source));
    }
}

/* --- import --------------------------------------------------------------------------- */

/* CMD and ENTRYPOINT: a JSON array, or a shell command (sh -c). */
static json_t *
exec_form (const char *v)
{
  json_t *a = json_loads (v, 0, NULL), *e;
  size_t i;
  bool ok = json_is_array (a);
  json_array_foreach (a, i, e)
    ok = ok && json_is_string (e);
  if (ok)
    return a;
  json_decref (a);
  return json_pack ("[s, s, s]", "/bin/sh", "-c", v);
}

static int
set_pair (json_t *cfg, const char *key, const char *v, const char *change, hull_error_t *err)
{
  const char *eq = strchr (v, '=');
  json_t *obj = json_object_get (cfg, key);
  cleanup_free char *k = NULL;
  if (eq == NULL || eq == v)
    return hull_error (err, 0, "--change `%s`: expected KEY=VALUE", change);
  k = strndup (v, eq - v);
  if (obj == NULL)
    json_object_set_new (cfg, key, obj = json_object ());
  json_object_set_new (obj, k, json_string (eq + 1));
  return 0;
}

/* NAME=VALUE into the config's Env, replacing an entry of the same name. */
static void
env_put (json_t *cfg, const char *kv)
{
  json_t *env = json_object_get (cfg, "Env"), *e;
  size_t n = strcspn (kv, "="), i;

  if (env == NULL)
    json_object_set_new (cfg, "Env", env = json_array ());
  json_array_foreach (env, i, e)
    {
      const char *old = json_string_value (e) ?: "";
      if (strncmp (old, kv, n) == 0 && (old[n] == '=' || old[n] == '\0'))
        {
          json_array_set_new (env, i, json_string (kv));
          return;
        }
    }
  json_array_append_new (env, json_string (kv));
}

/* The next word of *P (spaces between words; a double-quoted part may hold spaces; a
   backslash keeps the next character as it is), or NULL at the end; *BAD when a quote is
   left open. */
static char *
next_word (const char **p, bool *bad)
{
  char *out = xmalloc0 (strlen (*p) + 1), *o = out;
  bool quoted = false;

  while (**p == ' ' || **p == '\t')
    (*p)++;
  if (**p == '\0')
    {
      free (out);
      return NULL;
    }
  for (; **p && (quoted || (**p != ' ' && **p != '\t')); (*p)++)
    if (**p == '"')
      quoted = !quoted;
    else if (**p == '\\' && (*p)[1])
      *o++ = *++(*p);
    else
      *o++ = **p;
  *bad = quoted;
  return out;
}

/* ENV as a Containerfile has it: NAME=VALUE pairs (values may be double-quoted), or the old
   form NAME VALUE (the rest of the line is the value). */
static int
set_env (json_t *cfg, const char *v, const char *change, hull_error_t *err)
{
  size_t first = strcspn (v, " \t");
  const char *p = v;
  bool bad = false;
  char *w;

  if (memchr (v, '=', first) == NULL)
    {
      cleanup_free char *kv = NULL;
      if (v[first] == '\0')
        return hull_error (err, 0, "--change `%s`: expected ENV NAME=VALUE or ENV NAME VALUE", change);
      kv = xasprintf ("%.*s=%s", (int) first, v, v + first + strspn (v + first, " \t"));
      env_put (cfg, kv);
      return 0;
    }
  while ((w = next_word (&p, &bad)) != NULL)
    {
      cleanup_free char *kv = w;
      if (bad)
        return hull_error (err, 0, "--change `%s`: a quote is not closed", change);
      if (strchr (kv, '=') == NULL || kv[0] == '=')
        return hull_error (err, 0, "--change `%s`: `%s` is not NAME=VALUE", change, kv);
      env_put (cfg, kv);
    }
  return 0;
}

static int
apply_change (json_t *cfg, const char *change, hull_error_t *err)
{
  size_t n = strcspn (change, "= ");
  const char *v = change + n + (change[n] ? 1 : 0);
  cleanup_free char *instr = strndup (change, n);

  for (char *p = instr; *p; p++)
    *p = toupper ((unsigned char) *p);
  if (change[n] == '\0' || *v == '\0')
    return hull_error (err, 0, "--change `%s`: expected INSTRUCTION=VALUE", change);
  if (strcmp (instr, "CMD") == 0 || strcmp (instr, "ENTRYPOINT") == 0)
    json_object_set_new (cfg, strcmp (instr, "CMD") == 0 ? "Cmd" : "Entrypoint", exec_form (v));
  else if (strcmp (instr, "USER") == 0 || strcmp (instr, "WORKDIR") == 0 || strcmp (instr, "STOPSIGNAL") == 0)
    json_object_set_new (cfg, instr[0] == 'U' ? "User" : instr[0] == 'W' ? "WorkingDir" : "StopSignal", json_string (v));
  else if (strcmp (instr, "ENV") == 0)
    return set_env (cfg, v, change, err);
  else if (strcmp (instr, "LABEL") == 0)
    return set_pair (cfg, "Labels", v, change, err);
  else if (strcmp (instr, "EXPOSE") == 0 || strcmp (instr, "VOLUME") == 0)
    {
      const char *key = instr[0] == 'E' ? "ExposedPorts" : "Volumes";
      cleanup_free char *k = instr[0] == 'E' && strchr (v, '/') == NULL ? xasprintf ("%s/tcp", v) : xstrdup (v);
      if (json_object_get (cfg, key) == NULL)
        json_object_set_new (cfg, key, json_object ());
      json_object_set_new (json_object_get (cfg, key), k, json_object ());
    }
  else
    return hull_error (err, 0,
                       "--change `%s`: `%s` is not one of CMD, ENTRYPOINT, ENV, USER, WORKDIR, LABEL, EXPOSE, VOLUME, STOPSIGNAL",
                       change, instr);
  return 0;
}

int
hull_import_apply_changes (json_t *cfg, char **changes, hull_error_t *err)
{
  for (char **c = changes; c && *c; c++)
    if (apply_change (cfg, *c, err) < 0)
      return -1;
  return 0;
}

/* Stream FD, decompressed, into W. */
static int
copy_decompressed (int fd, const char *what, struct hull_blob_writer *w, hull_error_t *err)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *ae;
  char buf[1 << 16];
  la_ssize_t n;
  int r = 0;

  /* the compressions libarchive does itself: filter_all could start external programs */
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_zstd (a);
  archive_read_support_filter_xz (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_format_raw (a);
  if (archive_read_open_fd (a, fd, 1 << 16) != ARCHIVE_OK || archive_read_next_header (a, &ae) != ARCHIVE_OK)
    r = hull_error (err, 0, "%s: %s", what, archive_error_string (a) ?: "empty");
  while (r == 0 && (n = archive_read_data (a, buf, sizeof buf)) != 0)
    if (n < 0)
      r = hull_error (err, 0, "%s: %s", what, archive_error_string (a));
    else
      r = hull_blob_writer_write (w, buf, n, err);
  archive_read_free (a);
  return r;
}

/* Is the blob a well-formed tar? Read through libarchive's tar reader, every header. */
static int
check_tar (int fd, const char *what, hull_error_t *err)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *ae;
  size_t n = 0;
  int r = 0, st;

  archive_read_support_format_tar (a);
  if (lseek (fd, 0, SEEK_SET) < 0)
    r = hull_error_sys (err, "%s: lseek", what);
  else if (archive_read_open_fd (a, fd, 1 << 16) != ARCHIVE_OK)
    r = hull_error (err, 0, "%s: not a tar archive: %s", what, archive_error_string (a));
  while (r == 0 && (st = archive_read_next_header (a, &ae)) != ARCHIVE_EOF)
    {
      if (st < ARCHIVE_WARN)
        r = hull_error (err, 0, "%s: not a tar archive (after %zu entries): %s", what, n, archive_error_string (a));
      else if (archive_read_data_skip (a) != ARCHIVE_OK)
        r = hull_error (err, 0, "%s: entry `%s`: %s", what, archive_entry_pathname (ae), archive_error_string (a));
      n++;
    }
  if (r == 0 && n == 0)
    r = hull_error (err, 0, "%s: the tar archive has no entries", what);
  archive_read_free (a);
  return r;
}


static json_t *
import_config (const char *diff_id, const char *created, const struct hull_import_opts *o, hull_error_t *err)
{
  const char *os, *arch, *variant;
  json_t *cfg = json_object (), *doc;
  hull_host_platform (&os, &arch, &variant);
  if (hull_import_apply_changes (cfg, o->changes, err) < 0)
    {
      json_decref (cfg);
      return NULL;
    }
  doc = json_pack ("{s:s, s:s, s:s, s:o, s:{s:s, s:[s]}, s:[{s:s, s:s}]}", "created", created, "architecture", arch,
                   "os", os, "config", cfg, "rootfs", "type", "layers", "diff_ids", diff_id, "history", "created",
                   created, "created_by", "hull import");
  if (variant)
    json_object_set_new (doc, "variant", json_string (variant));
  if (o->message)
    json_object_set_new (json_array_get (json_object_get (doc, "history"), 0), "comment", json_string (o->message));
  return doc;
}

static int
import_layer (struct hull_store *s, int fd, const char *what, char digest[HULL_DIGEST_LEN + 1], int64_t *size,
              hull_error_t *err)
{
  cleanup_blob_writer struct hull_blob_writer *w = NULL;
  if (hull_blob_writer_new (s, NULL, -1, what, &w, err) < 0 || copy_decompressed (fd, what, w, err) < 0
      || check_tar (hull_blob_writer_fd (w), what, err) < 0)
    return -1;
  return hull_blob_writer_commit (w, digest, size, NULL, err);
}

static int
put_json (struct hull_store *s, json_t *doc, char digest[HULL_DIGEST_LEN + 1], int64_t *size, hull_error_t *err)
{
  cleanup_free char *text = json_dumps (doc, JSON_COMPACT);
  *size = (int64_t) strlen (text);
  return hull_store_put_blob (s, text, strlen (text), NULL, digest, NULL, err);
}

static int
import_unlocked (struct hull_store *s, int fd, const char *what, const char *name, const struct hull_import_opts *o,
                 char id[HULL_DIGEST_LEN + 1], hull_error_t *err)
{
  char layer[HULL_DIGEST_LEN + 1], mdigest[HULL_DIGEST_LEN + 1], now[HULL_UTC_BUF];
  int64_t lsize, csize, msize;
  cleanup_json json_t *cfg = NULL, *man = NULL, *index = NULL;
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  hull_format_utc (&ts, true, now);
  if (import_layer (s, fd, what, layer, &lsize, err) < 0)
    return -1;
  cfg = import_config (layer, now, o, err);
  if (cfg == NULL || put_json (s, cfg, id, &csize, err) < 0)
    return -1;
  man = json_pack ("{s:i, s:s, s:{s:s, s:s, s:I}, s:[{s:s, s:s, s:I}]}", "schemaVersion", 2, "mediaType",
                   HULL_MT_OCI_MANIFEST, "config", "mediaType", HULL_MT_OCI_CONFIG, "digest", id, "size",
                   (json_int_t) csize, "layers", "mediaType", HULL_MT_OCI_LAYER, "digest", layer, "size",
                   (json_int_t) lsize);
  if (put_json (s, man, mdigest, &msize, err) < 0 || hull_store_read_index (s, &index, err) < 0)
    return -1;
  hull_index_set_name (index, name, HULL_MT_OCI_MANIFEST, mdigest, msize);
  return hull_store_write_index (s, index, err);
}

int
hull_image_import (struct hull_store *s, int fd, const char *what, const char *name, const struct hull_import_opts *o,
                   char id[HULL_DIGEST_LEN + 1], hull_error_t *err)
{
  cleanup_json json_t *index = NULL;
  hull_error_t e2 = NULL;

  if (import_unlocked (s, fd, what, name, o, id, err) == 0)
    return 0;
  /* whatever this import added is not named by the index: collect it */
  if (hull_store_read_index (s, &index, &e2) < 0 || hull_store_gc (s, index, NULL, &e2) < 0)
    hull_error_free (&e2);
  return -1;
}
