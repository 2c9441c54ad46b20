/* archive.c: OCI archives and layout directories in and out of the store; see archive.h.
   libarchive writes the archive of `save` and reads the archive of `load` (no layer is
   unpacked here). */
#define _GNU_SOURCE
#include "archive.h"
#include "tar-write.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"

#define LAYOUT_FILE "{\"imageLayoutVersion\":\"1.0.0\"}"

/* The index.json of a saved image: one entry, the manifest, named NAME. */
static char *
saved_index (const struct hull_image *im, const char *name)
{
  json_t *idx = json_pack ("{s:i, s:s, s:[{s:s, s:s, s:I}]}", "schemaVersion", 2, "mediaType", HULL_MT_OCI_INDEX,
                           "manifests", "mediaType", im->media_type, "digest", im->digest, "size",
                           (json_int_t) im->manifest_size);
  char *s;
  if (name)
    json_object_set_new (json_array_get (json_object_get (idx, "manifests"), 0), "annotations",
                         json_pack ("{s:s}", HULL_ANNOT_REF_NAME, name));
  s = json_dumps (idx, JSON_COMPACT);
  json_decref (idx);
  return s;
}

/* The blobs of IM: manifest, config, layers; the count to *N. */
static const char **
image_blobs (const struct hull_image *im, size_t *n)
{
  const char **v = xmalloc0 ((im->manifest.n_layers + 2) * sizeof *v);
  v[0] = im->digest;
  v[1] = im->manifest.config.digest;
  for (size_t i = 0; i < im->manifest.n_layers; i++)
    v[i + 2] = im->manifest.layers[i].digest;
  *n = im->manifest.n_layers + 2;
  return v;
}

/* --- save: archive -------------------------------------------------------------------- */

/* An entry of the archive on FD with DATA as its content. */
static int
ar_data (int fd, const char *path, const char *data, size_t len, hull_error_t *err)
{
  if (hull_tar_header (fd, path, S_IFREG, (int64_t) len, err) < 0 || hull_write_all (fd, data, len, "archive", err) < 0)
    return -1;
  return hull_tar_pad (fd, (int64_t) len, err);
}

/* The stored blob DIGEST as an entry, verified as it is copied (a corrupt blob is refused). */
static int
ar_blob (int out, struct hull_store *s, const char *digest, hull_error_t *err)
{
  cleanup_free char *path = xasprintf ("blobs/sha256/%s", digest + 7);
  cleanup_free char *buf = xmalloc0 (1 << 16);
  cleanup_close int fd = -1;
  struct hull_sha256 *h;
  char got[HULL_DIGEST_LEN + 1];
  int64_t size, done = 0;
  ssize_t n;

  if (hull_store_open_blob (s, digest, &fd, &size, err) < 0 || hull_tar_header (out, path, S_IFREG, size, err) < 0)
    return -1;
  h = hull_sha256_new ();
  while (done < size && (n = read (fd, buf, (size_t) (size - done < (1 << 16) ? size - done : (1 << 16)))) > 0)
    {
      hull_sha256_update (h, buf, n);
      done += n;
      if (hull_write_all (out, buf, n, "archive", err) < 0)
        {
          hull_sha256_free (h);
          return -1;
        }
    }
  hull_sha256_final (h, got);
  hull_sha256_free (h);
  if (done < size)
    return hull_error (err, errno, "blob %s: read: %lld of %lld bytes", digest, (long long) done, (long long) size);
  if (strcmp (got, digest) != 0)
    return hull_error (err, 0, "blob %s in `%s` is corrupt: its content hashes to %s", digest, s->root, got);
  return hull_tar_pad (out, size, err);
}

int
hull_save_archive (struct hull_store *s, const struct hull_image *im, const char *name, int fd, hull_error_t *err)
{
  cleanup_free char *index = saved_index (im, name);
  cleanup_free const char **blobs = NULL;
  size_t n;

  blobs = image_blobs (im, &n);
  if (ar_data (fd, "oci-layout", LAYOUT_FILE, strlen (LAYOUT_FILE), err) < 0
      || ar_data (fd, "index.json", index, strlen (index), err) < 0
      || hull_tar_header (fd, "blobs/", S_IFDIR, 0, err) < 0 || hull_tar_header (fd, "blobs/sha256/", S_IFDIR, 0, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      bool dup = false;
      for (size_t j = 0; j < i; j++)
        dup = dup || strcmp (blobs[i], blobs[j]) == 0;
      if (!dup && ar_blob (fd, s, blobs[i], err) < 0)
        return -1;
    }
  return hull_tar_end (fd, err);
}

/* --- save: directory ------------------------------------------------------------------ */

static int
save_dir_into (struct hull_store *s, const struct hull_image *im, const char *name, const char *tmp, hull_error_t *err)
{
  cleanup_store struct hull_store *out = NULL;
  cleanup_free const char **blobs = NULL;
  cleanup_free char *index = saved_index (im, name);
  size_t n;

  if (hull_store_open (tmp, true, &out, err) < 0)
    return -1;
  blobs = image_blobs (im, &n);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_close int fd = -1;
      int64_t size;
      if (hull_store_open_blob (s, blobs[i], &fd, &size, err) < 0
          || hull_store_put_blob_fd (out, fd, blobs[i], size, blobs[i], NULL, NULL, err) < 0)
        return -1;
    }
  if (unlinkat (out->dirfd, "lock", 0) < 0)
    return hull_error_sys (err, "`%s`: remove lock", tmp);
  return hull_write_file_atomic_at (out->dirfd, "index.json", index, strlen (index), 0644, err);
}

int
hull_save_dir (struct hull_store *s, const struct hull_image *im, const char *name, const char *dir, hull_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp-%d", dir, (int) getpid ());
  hull_error_t e2 = NULL;

  if (faccessat (AT_FDCWD, dir, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return hull_error (err, 0, "`%s`: already exists", dir);
  if (save_dir_into (s, im, name, tmp, err) < 0 || (rename (tmp, dir) < 0 && hull_error_sys (err, "rename `%s` to `%s`", tmp, dir)))
    {
      if (hull_rm_rf_at (AT_FDCWD, tmp, &e2) < 0)
        hull_error_free (&e2);
      return -1;
    }
  return 0;
}

/* --- load ----------------------------------------------------------------------------- */

struct load_state
{
  char *index;         /* index.json of the archive */
  size_t index_len;
  bool layout;
};

static int
read_small (struct archive *a, const char *path, size_t max, char **out, size_t *len, hull_error_t *err)
{
  size_t cap = 4096, used = 0;
  cleanup_free char *buf = xmalloc0 (cap + 1);
  la_ssize_t n;
  while ((n = archive_read_data (a, buf + used, cap - used)) > 0)
    {
      used += n;
      if (used > max)
        return hull_error (err, 0, "archive entry `%s`: more than %zu bytes", path, max);
      if (used == cap)
        buf = xrealloc (buf, (cap *= 2) + 1);
    }
  if (n < 0)
    return hull_error (err, 0, "archive entry `%s`: %s", path, archive_error_string (a));
  buf[used] = '\0';
  *len = used;
  *out = hull_steal_ptr (buf);
  return 0;
}

static int
load_blob (struct hull_store *s, struct archive *a, struct archive_entry *e, const char *path, hull_error_t *err)
{
  cleanup_free char *digest = xasprintf (HULL_DIGEST_PREFIX "%s", path + strlen ("blobs/sha256/"));
  cleanup_free char *what = xasprintf ("archive entry `%s`", path);
  cleanup_blob_writer struct hull_blob_writer *w = NULL;
  char buf[1 << 16];
  la_ssize_t n;

  if (hull_digest_check (digest, what, err) < 0
      || hull_blob_writer_new (s, digest, archive_entry_size_is_set (e) ? archive_entry_size (e) : -1, what, &w, err) < 0)
    return -1;
  while ((n = archive_read_data (a, buf, sizeof buf)) > 0)
    if (hull_blob_writer_write (w, buf, n, err) < 0)
      return -1;
  if (n < 0)
    return hull_error (err, 0, "%s: %s", what, archive_error_string (a));
  return hull_blob_writer_commit (w, NULL, NULL, NULL, err);
}

static int
load_entry (struct hull_store *s, struct archive *a, struct archive_entry *e, struct load_state *st, hull_error_t *err)
{
  const char *path = archive_entry_pathname (e);
  cleanup_free char *layout = NULL;
  size_t len;

  if (path == NULL)
    return hull_error (err, 0, "archive entry without a name");
  while (strncmp (path, "./", 2) == 0)
    path += 2;
  if (archive_entry_filetype (e) == AE_IFDIR)
    {
      if (*path && strcmp (path, "blobs/") && strcmp (path, "blobs") && strcmp (path, "blobs/sha256/")
          && strcmp (path, "blobs/sha256"))
        return hull_error (err, 0, "archive entry `%s`: not part of an OCI image layout", path);
      return 0;
    }
  if (archive_entry_filetype (e) != AE_IFREG)
    return hull_error (err, 0, "archive entry `%s`: not a regular file", path);
  if (strcmp (path, "index.json") == 0 && st->index)
    return hull_error (err, 0, "archive entry `index.json`: a second one");
  if (strcmp (path, "index.json") == 0)
    return read_small (a, path, HULL_MANIFEST_MAX, &st->index, &st->index_len, err);
  if (strcmp (path, "oci-layout") == 0)
    {
      st->layout = true;
      return read_small (a, path, 4096, &layout, &len, err);
    }
  if (strncmp (path, "blobs/sha256/", 13) == 0)
    return load_blob (s, a, e, path, err);
  if (strcmp (path, "manifest.json") == 0)
    return hull_error (err, 0, "archive entry `manifest.json`: a docker-archive, not an OCI archive (not supported)");
  return hull_error (err, 0, "archive entry `%s`: not part of an OCI image layout", path);
}

static int
read_archive (struct hull_store *s, int fd, const char *what, struct load_state *st, hull_error_t *err)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  int r = 0, ar;

  /* the compressions libarchive does itself: filter_all could start external programs */
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_zstd (a);
  archive_read_support_filter_xz (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_format_tar (a);
  if (archive_read_open_fd (a, fd, 1 << 16) != ARCHIVE_OK)
    r = hull_error (err, 0, "%s: %s", what, archive_error_string (a));
  while (r == 0 && (ar = archive_read_next_header (a, &e)) != ARCHIVE_EOF)
    if (ar < ARCHIVE_WARN)
      r = hull_error (err, 0, "%s: %s", what, archive_error_string (a));
    else if (load_entry (s, a, e, st, err) < 0)
      r = hull_error_wrap (err, "%s", what);
  archive_read_free (a);
  if (r == 0 && (!st->layout || st->index == NULL))
    r = hull_error (err, 0, "%s: not an OCI archive (no %s)", what, st->layout ? "index.json" : "oci-layout");
  return r;
}

/* Is the manifest D complete in the store, its config and layers verified? Its blobs were
   verified on the way in; the config is parsed so that a bad one is refused now. */
static int
check_image (struct hull_store *s, const struct hull_descriptor *d, const char *what, hull_error_t *err)
{
  cleanup_free char *data = NULL, *cdata = NULL, *mwhat = xasprintf ("%s: manifest %s", what, d->digest);
  struct hull_manifest m;
  struct hull_image_config c;
  size_t len, clen;
  int r = 0;

  if (!hull_media_type_is_manifest (d->media_type))
    return hull_error (err, 0, "%s: `%s` is not an image manifest", what, d->media_type);
  if (hull_store_read_blob (s, d->digest, HULL_MANIFEST_MAX, true, &data, &len, err) < 0)
    return hull_error_wrap (err, "%s", what);
  if (hull_manifest_parse (data, len, mwhat, &m, err) < 0)
    return -1;
  for (size_t i = 0; i < m.n_layers && r == 0; i++)
    if (!hull_store_has_blob (s, m.layers[i].digest))
      r = hull_error (err, 0, "%s.layers[%zu]: blob %s is not in the archive", mwhat, i, m.layers[i].digest);
  if (r == 0 && hull_store_read_blob (s, m.config.digest, HULL_CONFIG_MAX, true, &cdata, &clen, err) < 0)
    r = hull_error_wrap (err, "%s.config", mwhat);
  if (r == 0 && hull_image_config_parse (cdata, clen, "config", &c, err) == 0)
    {
      if (c.n_diff_ids != m.n_layers)
        r = hull_error (err, 0, "%s: %zu layers but the config has %zu rootfs.diff_ids", mwhat, m.n_layers,
                        c.n_diff_ids);
      hull_image_config_clear (&c);
    }
  else if (r == 0)
    r = hull_error_wrap (err, "%s", mwhat);
  hull_manifest_clear (&m);
  return r;
}

/* An index entry that is itself an index: the host's platform from it. */
static int
resolve_platform (struct hull_store *s, struct hull_descriptor *d, const char *what, hull_error_t *err)
{
  cleanup_free char *data = NULL, *iwhat = xasprintf ("%s: index %s", what, d->digest);
  const char *os, *arch, *variant;
  struct hull_index x;
  size_t len;
  int i;

  if (hull_store_read_blob (s, d->digest, HULL_MANIFEST_MAX, true, &data, &len, err) < 0)
    return hull_error_wrap (err, "%s", what);
  if (hull_index_parse (data, len, iwhat, &x, err) < 0)
    return -1;
  hull_host_platform (&os, &arch, &variant);
  i = hull_index_select (&x, os, arch, variant, err);
  if (i >= 0)
    {
      free (d->media_type);
      d->media_type = xstrdup (x.manifests[i].media_type);
      memcpy (d->digest, x.manifests[i].digest, sizeof d->digest);
      d->size = x.manifests[i].size;
    }
  hull_index_clear (&x);
  return i < 0 ? hull_error_wrap (err, "%s", iwhat) : 0;
}

static int
add_images (struct hull_store *s, struct load_state *st, const char *what, char ***names, hull_error_t *err)
{
  cleanup_free char *iwhat = xasprintf ("%s: index.json", what);
  cleanup_json json_t *index = NULL;
  cleanup_strv char **out = xmalloc0 (sizeof (char *));
  struct hull_index x;
  size_t n = 0;
  int r = 0;

  if (hull_index_parse (st->index, st->index_len, iwhat, &x, err) < 0)
    return -1;
  if (x.n_manifests == 0)
    r = hull_error (err, 0, "%s: no images", iwhat);
  if (r == 0)
    r = hull_store_read_index (s, &index, err);
  for (size_t i = 0; i < x.n_manifests && r == 0; i++)
    {
      struct hull_descriptor *d = &x.manifests[i];
      cleanup_free char *ewhat = xasprintf ("%s.manifests[%zu]", iwhat, i), *name = NULL;
      if (d->ref_name && hull_ref_normalize (d->ref_name, &name, err) < 0)
        r = hull_error_wrap (err, "%s.annotations", ewhat);
      if (r == 0 && hull_media_type_is_index (d->media_type))
        r = resolve_platform (s, d, ewhat, err);
      if (r == 0)
        r = check_image (s, d, ewhat, err);
      if (r < 0)
        break;
      hull_index_set_name (index, name, d->media_type, d->digest, d->size);
      out = xrealloc (out, (n + 2) * sizeof (char *));
      out[n++] = name ? hull_steal_ptr (name) : xstrdup (d->digest);
      out[n] = NULL;
    }
  if (r == 0)
    r = hull_store_write_index (s, index, err);
  if (r == 0)
    *names = hull_steal_ptr (out);
  hull_index_clear (&x);
  return r;
}

int
hull_load_archive (struct hull_store *s, int fd, const char *what, char ***names, hull_error_t *err)
{
  struct load_state st = { 0 };
  cleanup_json json_t *index = NULL;
  hull_error_t e2 = NULL;
  int r;

  r = read_archive (s, fd, what, &st, err);
  if (r == 0)
    r = add_images (s, &st, what, names, err);
  free (st.index);
  if (r < 0 && (hull_store_read_index (s, &index, &e2) < 0 || hull_store_gc (s, index, NULL, &e2) < 0))
    hull_error_free (&e2);
  return r;
}

/* --- load: directory ------------------------------------------------------------------ */

/* One file of blobs/sha256 (NAME, its digest's hex) into the store, verified on the way. */
static int
load_dir_blob (struct hull_store *s, int blobs, const char *name, const char *what, hull_error_t *err)
{
  cleanup_free char *digest = xasprintf (HULL_DIGEST_PREFIX "%s", name);
  cleanup_free char *bwhat = xasprintf ("%s: blobs/sha256/%s", what, name);
  cleanup_blob_writer struct hull_blob_writer *w = NULL;
  cleanup_close int fd = -1;
  struct stat st;
  char buf[1 << 16];
  ssize_t n;

  if (hull_digest_check (digest, bwhat, err) < 0)
    return -1;
  if (hull_store_has_blob (s, digest))
    return 0;
  fd = openat (blobs, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return hull_error_sys (err, "%s", bwhat);
  if (fstat (fd, &st) < 0)
    return hull_error_sys (err, "%s: stat", bwhat);
  if (!S_ISREG (st.st_mode))
    return hull_error (err, 0, "%s: not a regular file", bwhat);
  if (hull_blob_writer_new (s, digest, st.st_size, bwhat, &w, err) < 0)
    return -1;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (hull_blob_writer_write (w, buf, n, err) < 0)
      return -1;
  if (n < 0)
    return hull_error_sys (err, "%s: read", bwhat);
  return hull_blob_writer_commit (w, NULL, NULL, NULL, err);
}

static int
load_dir_blobs (struct hull_store *s, int dfd, const char *what, hull_error_t *err)
{
  int blobs = openat (dfd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d;
  struct dirent *de;
  int r = 0;

  if (blobs < 0)
    return hull_error_sys (err, "%s: blobs/sha256", what);
  d = fdopendir (blobs);
  if (d == NULL)
    {
      close (blobs);
      return hull_error_sys (err, "%s: blobs/sha256", what);
    }
  while (r == 0)
    {
      errno = 0; /* readdir tells its end from a failure only by errno */
      de = readdir (d);
      if (de == NULL)
        {
          if (errno != 0)
            r = hull_error_sys (err, "%s: read blobs/sha256", what);
          break;
        }
      if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
        r = load_dir_blob (s, dirfd (d), de->d_name, what, err);
    }
  closedir (d);
  return r;
}

/* A small file of the layout, at most MAX bytes. */
static int
read_layout_file (int dfd, const char *name, size_t max, const char *what, char **out, size_t *len,
                  hull_error_t *err)
{
  cleanup_close int fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return hull_error_sys (err, "%s: %s (not an OCI layout directory?)", what, name);
  if (fstat (fd, &st) < 0)
    return hull_error_sys (err, "%s: %s: stat", what, name);
  if (!S_ISREG (st.st_mode) || st.st_size > (off_t) max)
    return hull_error (err, 0, "%s: %s: not a regular file of at most %zu bytes", what, name, max);
  if (hull_read_fd (fd, name, out, len, err) < 0)
    return hull_error_wrap (err, "%s", what);
  return 0;
}

int
hull_load_dir (struct hull_store *s, const char *dir, char ***names, hull_error_t *err)
{
  struct load_state st = { .layout = true };
  cleanup_free char *layout = NULL;
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_json json_t *index = NULL;
  hull_error_t e2 = NULL;
  size_t len;
  int r;

  if (dfd < 0)
    return hull_error_sys (err, "load `%s`", dir);
  r = read_layout_file (dfd, "oci-layout", 4096, dir, &layout, &len, err);
  if (r == 0)
    r = read_layout_file (dfd, "index.json", HULL_MANIFEST_MAX, dir, &st.index, &st.index_len, err);
  if (r == 0)
    r = load_dir_blobs (s, dfd, dir, err);
  if (r == 0)
    r = add_images (s, &st, dir, names, err);
  free (st.index);
  if (r < 0 && (hull_store_read_index (s, &index, &e2) < 0 || hull_store_gc (s, index, NULL, &e2) < 0))
    hull_error_free (&e2);
  return r;
}
