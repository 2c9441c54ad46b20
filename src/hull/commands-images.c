/* commands-images.c: the image commands: import, images, inspect, rmi, tag, save, load
   (podman's command lines). The work is in libhull-image (lib/image/images.c, archive.c);
   here are the flags, the store's lock and the output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "core/util.h"
#include "image/archive.h"
#include "image/images.h"
#include "engine/engine.h"
#include "image/layers.h"

/* The store, opened (made if missing) and locked. */
static int
open_locked (struct hull_cli *g, struct hull_store **s)
{
  hull_error_t err = NULL;
  if (hull_store_open (g->store, true, s, &err) < 0 || hull_store_lock (*s, &err) < 0)
    return hull_cli_fail_err (g, &err);
  return 0;
}

/* The store's images, the store locked. */
static int
open_images (struct hull_cli *g, struct hull_store **s, json_t **index, struct hull_image_list *l)
{
  hull_error_t err = NULL;
  if (open_locked (g, s) != 0)
    return 1;
  if (hull_store_read_index (*s, index, &err) < 0 || hull_images_load (*s, *index, l, &err) < 0)
    return hull_cli_fail_err (g, &err);
  return 0;
}

static bool
is_help (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
      return true;
  return false;
}

/* --- import --------------------------------------------------------------------------- */

int
cmd_import (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "change", required_argument, NULL, 'c' },
                                        { "message", required_argument, NULL, 'm' },
                                        { "quiet", no_argument, NULL, 'q' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_strv char **changes = xmalloc0 (sizeof (char *));
  cleanup_json json_t *probe = json_object ();
  struct hull_import_opts o = { 0 };
  cleanup_store struct hull_store *s = NULL;
  cleanup_free char *name = NULL;
  cleanup_close int fd = -1;
  hull_error_t err = NULL;
  char id[HULL_DIGEST_LEN + 1];
  size_t n = 0;
  int c;

  while ((c = getopt_long (argc, argv, "+c:m:qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'c':
        changes = xrealloc (changes, (n + 2) * sizeof (char *));
        changes[n++] = xstrdup (optarg);
        changes[n] = NULL;
        break;
      case 'm':
        o.message = optarg;
        break;
      case 'q':
        break;
      case 'h':
        return hull_cli_usage ("import", 0);
      default:
        return hull_cli_usage ("import", 2);
      }
  if (argc - optind < 1 || argc - optind > 2)
    return hull_cli_usage ("import", 2);
  o.changes = changes;
  if (argc - optind == 2 && hull_ref_normalize (argv[optind + 1], &name, &err) < 0)
    return hull_cli_fail_err (g, &err);
  if (hull_import_apply_changes (probe, changes, &err) < 0) /* refuse bad flags before reading */
    return hull_cli_fail_err (g, &err);
  if (strcmp (argv[optind], "-") == 0)
    fd = dup (0);
  else
    fd = open (argv[optind], O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_cli_fail (g, "import: open `%s`: %m", argv[optind]);
  if (open_locked (g, &s) != 0)
    return 1;
  if (hull_image_import (s, fd, argv[optind], name, &o, id, &err) < 0)
    return hull_cli_fail_err (g, &err);
  printf ("%s\n", id + 7);
  return 0;
}

/* --- images --------------------------------------------------------------------------- */

static time_t
created_of (struct hull_store *s, const struct hull_image *im, json_t **cfg_out)
{
  cleanup_free char *data = NULL;
  hull_error_t err = NULL;
  struct tm tm = { 0 };
  json_t *cfg;
  const char *c;
  size_t len;

  *cfg_out = NULL;
  if (hull_store_read_blob (s, im->id, HULL_CONFIG_MAX, false, &data, &len, &err) < 0)
    {
      hull_error_free (&err);
      return 0;
    }
  cfg = json_loadb (data, len, 0, NULL);
  *cfg_out = cfg;
  c = json_string_value (json_object_get (cfg, "created"));
  if (c == NULL || strptime (c, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
    return 0;
  return timegm (&tm);
}

static int64_t
size_of (const struct hull_image *im)
{
  int64_t n = im->manifest_size + im->manifest.config.size;
  for (size_t i = 0; i < im->manifest.n_layers; i++)
    n += im->manifest.layers[i].size;
  return n;
}

/* podman's (go-units') "4.27 MB": SI units, three significant digits */
static void
human_size (int64_t n, char *buf, size_t len)
{
  static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
  double v = (double) n;
  size_t u = 0;
  while (v >= 1000 && u < 5)
    v /= 1000, u++;
  snprintf (buf, len, "%.3g %s", v, units[u]);
}

static void
human_ago (time_t t, char *buf, size_t len)
{
  long long d = (long long) (time (NULL) - t);
  if (t == 0)
    snprintf (buf, len, "unknown");
  else if (d < 60)
    snprintf (buf, len, "%lld seconds ago", d < 1 ? 1 : d);
  else if (d < 120)
    snprintf (buf, len, "About a minute ago");
  else if (d < 3600)
    snprintf (buf, len, "%lld minutes ago", d / 60);
  else if (d < 7200)
    snprintf (buf, len, "About an hour ago");
  else if (d < 2 * 86400)
    snprintf (buf, len, "%lld hours ago", d / 3600);
  else if (d < 14 * 86400)
    snprintf (buf, len, "%lld days ago", d / 86400);
  else if (d < 60 * 86400)
    snprintf (buf, len, "%lld weeks ago", d / (7 * 86400));
  else if (d < 730 * 86400)
    snprintf (buf, len, "%lld months ago", d / (30 * 86400));
  else
    snprintf (buf, len, "%lld years ago", d / (365 * 86400));
}

static void
print_row (const char *name, const struct hull_image *im, time_t created)
{
  char size[32], ago[64];
  cleanup_free char *repo = xstrdup (name ? name : "<none>");
  char *colon = name ? strrchr (repo, ':') : NULL;
  const char *tag = colon ? colon + 1 : "<none>";
  if (colon)
    *colon = '\0';
  human_size (size_of (im), size, sizeof size);
  human_ago (created, ago, sizeof ago);
  printf ("%-40s %-12s %-14.12s %-20s %s\n", repo, tag, im->id + 7, ago, size);
}

static json_t *
image_json (const struct hull_image *im, time_t created, json_t *cfg)
{
  char at[HULL_UTC_BUF];
  struct timespec ts = { .tv_sec = created };
  json_t *names = json_array ();
  hull_format_utc (&ts, false, at);
  for (char **n = im->names; *n; n++)
    json_array_append_new (names, json_string (*n));
  return json_pack ("{s:s, s:o, s:O, s:s, s:I, s:s, s:I, s:O}", "Id", im->id + 7, "Names", names, "RepoTags", names,
                    "Digest", im->digest, "Created", (json_int_t) created, "CreatedAt", at, "Size",
                    (json_int_t) size_of (im), "Labels", json_object_get (json_object_get (cfg, "config"), "Labels") ?: json_null ());
}

int
cmd_images (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
                                        { "quiet", no_argument, NULL, 'q' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_store struct hull_store *s = NULL;
  cleanup_json json_t *index = NULL, *out = json_array ();
  struct hull_image_list l = { 0 };
  bool json = false, quiet = false;
  int c;

  while ((c = getopt_long (argc, argv, "+qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        if (strcmp (optarg, "json") != 0)
          return hull_cli_fail (g, "images: --format `%s`: only `json` is supported", optarg);
        json = true;
        break;
      case 'q':
        quiet = true;
        break;
      case 'h':
        return hull_cli_usage ("images", 0);
      default:
        return hull_cli_usage ("images", 2);
      }
  if (optind != argc)
    return hull_cli_usage ("images", 2);
  if (open_images (g, &s, &index, &l) != 0)
    return 1;
  hull_store_unlock (s);
  if (!json && !quiet)
    printf ("%-40s %-12s %-14s %-20s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
  for (size_t i = 0; i < l.n; i++)
    {
      cleanup_json json_t *cfg = NULL;
      time_t created = created_of (s, &l.v[i], &cfg);
      if (json)
        json_array_append_new (out, image_json (&l.v[i], created, cfg));
      else if (quiet)
        printf ("%.12s\n", l.v[i].id + 7);
      else if (l.v[i].names[0] == NULL)
        print_row (NULL, &l.v[i], created);
      for (char **n = l.v[i].names; !json && !quiet && *n; n++)
        print_row (*n, &l.v[i], created);
    }
  if (json)
    {
      json_dumpf (out, stdout, JSON_INDENT (4));
      printf ("\n");
    }
  hull_images_clear (&l);
  return 0;
}

/* --- inspect -------------------------------------------------------------------------- */

static json_t *
inspect_json (struct hull_store *s, const struct hull_image *im, hull_error_t *err)
{
  cleanup_free char *data = NULL;
  cleanup_json json_t *cfg = NULL;
  json_t *out, *layers = json_array (), *tags = json_array (), *digests = json_array ();
  size_t len;

  if (hull_store_read_blob (s, im->id, HULL_CONFIG_MAX, true, &data, &len, err) < 0)
    return NULL;
  cfg = json_loadb (data, len, 0, NULL);
  for (size_t i = 0; i < im->manifest.n_layers; i++)
    json_array_append_new (layers, json_pack ("{s:s, s:s, s:I}", "MediaType", im->manifest.layers[i].media_type,
                                              "Digest", im->manifest.layers[i].digest, "Size",
                                              (json_int_t) im->manifest.layers[i].size));
  for (char **n = im->names; *n; n++)
    {
      cleanup_free char *repo = xstrdup (*n);
      *strrchr (repo, ':') = '\0';
      json_array_append_new (tags, json_string (*n));
      json_array_append_new (digests, json_sprintf ("%s@%s", repo, im->digest));
    }
  out = json_pack ("{s:s, s:s, s:o, s:o, s:O, s:O, s:O, s:O, s:O, s:o, s:I, s:O, s:s}", "Id", im->id + 7, "Digest",
                   im->digest, "RepoTags", tags, "RepoDigests", digests, "Created",
                   json_object_get (cfg, "created") ?: json_null (), "Architecture",
                   json_object_get (cfg, "architecture") ?: json_null (), "Os", json_object_get (cfg, "os") ?: json_null (),
                   "Config", json_object_get (cfg, "config") ?: json_object (), "RootFS",
                   json_object_get (cfg, "rootfs") ?: json_null (), "Layers", layers, "Size", (json_int_t) size_of (im),
                   "History", json_object_get (cfg, "history") ?: json_array (), "ManifestType", im->media_type);
  return out;
}

/* The engine and its records, when it has any (engine.db exists): for inspect's containers. */
static bool
open_records (struct hull_cli *g, struct hull_engine *e, struct hull_db **db)
{
  cleanup_free char *db_path = xasprintf ("%s/engine.db", g->store);
  hull_error_t err = NULL;

  if (access (db_path, F_OK) != 0)
    return false;
  if (hull_engine_init (e, g->store, g->run_root, &g->log, &err) < 0)
    {
      hull_error_free (&err);
      return false;
    }
  if (hull_engine_db (e, db, &err) < 0)
    {
      hull_error_free (&err);
      hull_engine_clear (e);
      return false;
    }
  return true;
}

/* ARG as a container of the engine's (DB NULL: none): its JSON, else NULL. */
static json_t *
inspect_container (struct hull_engine *e, struct hull_db *db, const char *arg)
{
  struct hull_ctr c = { 0 };
  hull_error_t err = NULL;
  json_t *j = NULL;

  if (db == NULL)
    return NULL;
  if (hull_engine_get (e, db, arg, &c, &err) == 0)
    j = hull_cli_ctr_inspect (e, &c);
  hull_error_free (&err);
  hull_ctr_clear (&c);
  return j;
}

int
cmd_inspect (struct hull_cli *g, int argc, char **argv)
{
  cleanup_store struct hull_store *s = NULL;
  cleanup_json json_t *index = NULL, *out = json_array ();
  struct hull_image_list l = { 0 };
  struct hull_db *db = NULL;
  struct hull_engine e;
  bool records;
  int rc = 0;

  if (is_help (argc, argv))
    return hull_cli_usage ("inspect", 0);
  if (argc < 2)
    return hull_cli_usage ("inspect", 2);
  if (open_images (g, &s, &index, &l) != 0)
    return 1;
  hull_store_unlock (s);
  records = open_records (g, &e, &db);
  for (int a = 1; a < argc; a++)
    {
      hull_error_t err = NULL;
      json_t *j = inspect_container (&e, db, argv[a]);
      int i = j ? 0 : hull_images_find (&l, argv[a], &err);
      if (j == NULL && i >= 0)
        j = inspect_json (s, &l.v[i], &err);
      if (j == NULL)
        rc = hull_cli_fail_err (g, &err);
      else
        json_array_append_new (out, j);
    }
  json_dumpf (out, stdout, JSON_INDENT (4));
  printf ("\n");
  hull_images_clear (&l);
  if (records)
    {
      hull_db_close (db);
      hull_engine_clear (&e);
    }
  return rc;
}

/* --- rmi, tag ------------------------------------------------------------------------- */

/* Remove ARG from INDEX: a name drops that name; an ID drops every name of the image, which
   needs FORCE when it has more than one (as podman). */
static int
rmi_one (struct hull_cli *g, json_t *index, const struct hull_image_list *l, const char *arg, bool force)
{
  cleanup_free char *name = NULL;
  hull_error_t err = NULL;
  int i = hull_images_find (l, arg, &err);
  const struct hull_image *im;

  if (i < 0)
    return hull_cli_fail_err (g, &err);
  im = &l->v[i];
  if (hull_ref_normalize (arg, &name, &err) == 0)
    {
      /* a short name is localhost/NAME, or else docker.io/library/NAME (hull_images_find) */
      cleanup_free char *hub = strchr (arg, '/') ? NULL : xasprintf ("docker.io/library/%s", name + strlen ("localhost/"));
      const char *drop = hull_index_drop_name (index, name) ? name
                         : hub && hull_index_drop_name (index, hub) ? hub : NULL;
      if (drop)
        {
          printf ("Untagged: %s\n", drop);
          return 0;
        }
    }
  hull_error_free (&err);
  if (hull_strv_len (im->names) > 1 && !force)
    return hull_cli_fail (g, "rmi `%s`: image %.12s has %zu names (%s, ...); remove them by name, or use -f", arg,
                          im->id + 7, hull_strv_len (im->names), im->names[0]);
  for (size_t j = 0; j < l->n; j++) /* the ID's every manifest */
    if (strcmp (l->v[j].id, im->id) == 0)
      {
        for (char **n = l->v[j].names; *n; n++)
          printf ("Untagged: %s\n", *n);
        hull_index_drop_manifest (index, l->v[j].digest);
      }
  return 0;
}

/* Does an entry of INDEX still reach the image ID (through any of L's manifests)? */
static bool
still_there (json_t *index, const struct hull_image_list *l, const char *id)
{
  json_t *e;
  size_t i;
  json_array_foreach (json_object_get (index, "manifests"), i, e)
    for (size_t j = 0; j < l->n; j++)
      if (strcmp (l->v[j].id, id) == 0 && strcmp (json_string_value (json_object_get (e, "digest")) ?: "", l->v[j].digest) == 0)
        return true;
  return false;
}

/* Every container record, read once (none when the engine has no database); -1 when the
   records cannot be read (the error printed). */
static int
container_records (struct hull_cli *g, struct hull_ctr **v, size_t *n)
{
  cleanup_free char *db_path = xasprintf ("%s/engine.db", g->store);
  cleanup_db struct hull_db *db = NULL;
  hull_error_t err = NULL;

  *v = NULL;
  *n = 0;
  if (access (db_path, F_OK) != 0)
    return 0;
  if (hull_db_open (db_path, &db, &err) < 0 || hull_db_list (db, v, n, &err) < 0)
    {
      hull_cli_fail (g, "rmi: the container records (which could name the image): %s", err->msg);
      hull_error_free (&err);
      return -1;
    }
  return 0;
}

/* An image that would go while a container still uses it (its layers are the container's
   rootfs): refused, so the index is not written. Records that cannot be read could name the
   image, and refuse as well. */
static int
check_unused (struct hull_cli *g, json_t *index, const struct hull_image_list *l)
{
  struct hull_ctr *v;
  size_t n;
  int rc = 0;

  if (container_records (g, &v, &n) < 0)
    return 1;
  for (size_t i = 0; i < l->n && rc == 0; i++)
    {
      if (still_there (index, l, l->v[i].id))
        continue;
      for (size_t j = 0; j < n && rc == 0; j++)
        if (v[j].image_id && strcmp (v[j].image_id, l->v[i].id) == 0)
          rc = hull_cli_fail (g, "rmi: image %.12s is in use by container %s: remove the container first",
                              l->v[i].id + 7, v[j].name);
    }
  hull_ctr_list_free (v, n);
  return rc;
}

int
cmd_rmi (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_store struct hull_store *s = NULL;
  cleanup_json json_t *index = NULL;
  struct hull_image_list l = { 0 };
  hull_error_t err = NULL;
  bool force = false;
  int c, rc = 0;

  while ((c = getopt_long (argc, argv, "+fh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        force = true;
        break;
      case 'h':
        return hull_cli_usage ("rmi", 0);
      default:
        return hull_cli_usage ("rmi", 2);
      }
  if (optind >= argc)
    return hull_cli_usage ("rmi", 2);
  if (open_images (g, &s, &index, &l) != 0)
    return 1;
  for (int a = optind; a < argc; a++)
    rc |= rmi_one (g, index, &l, argv[a], force);
  if (check_unused (g, index, &l) != 0)
    {
      hull_images_clear (&l);
      return 1;
    }
  if (hull_store_write_index (s, index, &err) < 0 || hull_store_gc (s, index, NULL, &err) < 0
      || hull_layers_gc (s, index, NULL, &err) < 0)
    rc = hull_cli_fail_err (g, &err);
  for (size_t i = 0; i < l.n && rc == 0; i++)
    {
      bool first = true; /* one line per ID */
      for (size_t j = 0; j < i; j++)
        first = first && strcmp (l.v[j].id, l.v[i].id) != 0;
      if (first && !still_there (index, &l, l.v[i].id))
        printf ("Deleted: %s\n", l.v[i].id + 7);
    }
  hull_images_clear (&l);
  return rc;
}

int
cmd_tag (struct hull_cli *g, int argc, char **argv)
{
  cleanup_store struct hull_store *s = NULL;
  cleanup_json json_t *index = NULL;
  struct hull_image_list l = { 0 };
  hull_error_t err = NULL;
  int i, rc = 0;

  if (is_help (argc, argv))
    return hull_cli_usage ("tag", 0);
  if (argc < 3)
    return hull_cli_usage ("tag", 2);
  if (open_images (g, &s, &index, &l) != 0)
    return 1;
  i = hull_images_find (&l, argv[1], &err);
  if (i < 0)
    rc = hull_cli_fail_err (g, &err);
  for (int a = 2; a < argc && rc == 0; a++)
    {
      cleanup_free char *name = NULL;
      if (hull_ref_normalize (argv[a], &name, &err) < 0)
        rc = hull_cli_fail_err (g, &err);
      else
        hull_index_set_name (index, name, l.v[i].media_type, l.v[i].digest, l.v[i].manifest_size);
    }
  if (rc == 0 && (hull_store_write_index (s, index, &err) < 0 || hull_store_gc (s, index, NULL, &err) < 0
                  || hull_layers_gc (s, index, NULL, &err) < 0))
    rc = hull_cli_fail_err (g, &err);
  hull_images_clear (&l);
  return rc;
}
