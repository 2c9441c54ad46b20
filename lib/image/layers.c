/* layers.c: the store's unpacked layers; see layers.h. */
#define _GNU_SOURCE
#include "layers.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "images.h"
#include "layers-internal.h"

#define LAYERS_DIR "layers/sha256"
#define TMP_PREFIX ".tmp-"

/* ROOT/layers/sha256, made if missing. */
static int
open_layers (struct hull_store *s, int *out, hull_error_t *err)
{
  cleanup_close int top = -1;

  if (mkdirat (s->dirfd, "layers", 0700) < 0 && errno != EEXIST)
    return hull_error_sys (err, "store `%s`: mkdir `layers`", s->root);
  top = openat (s->dirfd, "layers", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (top < 0)
    return hull_error_sys (err, "store `%s`: open `layers`", s->root);
  if (mkdirat (top, "sha256", 0700) < 0 && errno != EEXIST)
    return hull_error_sys (err, "store `%s`: mkdir `%s`", s->root, LAYERS_DIR);
  *out = openat (top, "sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (*out < 0)
    return hull_error_sys (err, "store `%s`: open `%s`", s->root, LAYERS_DIR);
  return 0;
}

bool
hull_layers_has (struct hull_store *s, const char *diff_id)
{
  cleanup_free char *p = NULL;
  struct stat st;

  if (hull_digest_check (diff_id, "diff_id", NULL) < 0)
    return false;
  p = xasprintf (LAYERS_DIR "/%s", diff_id + strlen (HULL_DIGEST_PREFIX));
  return fstatat (s->dirfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode);
}

/* --- unpacking ------------------------------------------------------------------------- */

/* CLOCK_MONOTONIC for waiting, the thread's CPU clock for work: with more threads than CPUs,
   a thread's wall-clock time would count the others' work too. */
static uint64_t
clock_ns (clockid_t c)
{
  struct timespec ts;
  clock_gettime (c, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}
#define now_ns() clock_ns (CLOCK_MONOTONIC)
#define cpu_ns() clock_ns (CLOCK_THREAD_CPUTIME_ID)

/* The compressed layer read from FD, decompressed by libarchive's filters, hashed as the
   unpacker reads it; where the time goes, into T. */
struct decomp
{
  struct archive *a;
  struct hull_sha256 *h;
  int fd;
  struct hull_blob_writer *tee; /* gets every byte read from FD, when not NULL */
  uint64_t tee_ns;              /* CPU time in it (its own times say what for) */
  struct hull_layer_times *t;
  char *error; /* libarchive's text when a read failed */
  char buf[1 << 16];
};

static la_ssize_t
source_read (struct archive *a, void *arg, const void **buf)
{
  struct decomp *d = arg;
  uint64_t t0 = now_ns ();
  ssize_t n;

  do
    n = read (d->fd, d->buf, sizeof d->buf);
  while (n < 0 && errno == EINTR);
  d->t->wait_ns += now_ns () - t0;
  if (n < 0)
    {
      archive_set_error (a, errno, "read the blob: %s", strerror (errno));
      return -1;
    }
  if (n > 0 && d->tee)
    {
      hull_error_t e = NULL;
      uint64_t c0 = cpu_ns ();
      int r = hull_blob_writer_write (d->tee, d->buf, (size_t) n, &e);
      d->tee_ns += cpu_ns () - c0;
      if (r < 0)
        {
          archive_set_error (a, e->errno_ ? e->errno_ : EIO, "%s", e->msg);
          hull_error_free (&e);
          return -1;
        }
    }
  *buf = d->buf;
  return n;
}

static ssize_t
decomp_read (void *arg, void *buf, size_t len)
{
  struct decomp *d = arg;
  uint64_t t0 = cpu_ns (), tee0 = d->tee_ns, t1;
  la_ssize_t n = archive_read_data (d->a, buf, len); /* with its reads of the source */

  t1 = cpu_ns ();
  d->t->gunzip_ns += t1 - t0 - (d->tee_ns - tee0);
  if (n < 0)
    {
      free (d->error);
      d->error = xstrdup (archive_error_string (d->a) ?: "decompression failed");
      errno = EIO;
      return -1;
    }
  hull_sha256_update (d->h, buf, n);
  d->t->hash_ns += cpu_ns () - t1;
  d->t->bytes += (uint64_t) n;
  return n;
}

static int
decomp_open (struct decomp *d, const char *what, hull_error_t *err)
{
  struct archive_entry *ae;

  d->a = archive_read_new ();
  d->h = hull_sha256_new ();
  /* a layer's compressions (gzip, zstd), done by libarchive itself: filter_all could start
     external programs on what the registry sent */
  archive_read_support_filter_gzip (d->a);
  archive_read_support_filter_zstd (d->a);
  archive_read_support_format_raw (d->a);
  if (archive_read_open (d->a, d, NULL, source_read, NULL) != ARCHIVE_OK
      || archive_read_next_header (d->a, &ae) != ARCHIVE_OK)
    return hull_error (err, 0, "%s: %s", what, archive_error_string (d->a) ?: "empty");
  return 0;
}

static void
decomp_close (struct decomp *d)
{
  if (d->a)
    archive_read_free (d->a);
  if (d->h)
    hull_sha256_free (d->h);
  free (d->error);
}

/* Apply the layer read through D into DFD, read it to its end, check its diff_id. */
static int
apply_checked (struct decomp *d, int dfd, const char *what, const char *diff_id, const struct hull_layer_opts *lo,
               hull_error_t *err)
{
  struct hull_unpack_opts o = { .whiteouts = HULL_WHITEOUT_OVERLAY };
  char got[HULL_DIGEST_LEN + 1], buf[1 << 16];
  uint64_t t0 = cpu_ns (), busy0 = d->t->gunzip_ns + d->t->hash_ns, tee0 = d->tee_ns;
  ssize_t n;
  int r;

  if (lo)
    o.max_bytes = lo->max_bytes, o.max_entries = lo->max_entries;
  r = hull_layer_apply (dfd, decomp_read, d, &o, NULL, err);
  if (r < 0)
    hull_error_wrap (err, "%s%s%s", what, d->error ? ": " : "", d->error ?: "");
  while (r == 0 && (n = decomp_read (d, buf, sizeof buf)) != 0) /* the tar's padding, if any */
    if (n < 0)
      r = hull_error (err, 0, "%s: %s", what, d->error);
  d->t->tree_ns += cpu_ns () - t0 - (d->t->gunzip_ns + d->t->hash_ns - busy0) - (d->tee_ns - tee0);
  if (r < 0)
    return -1;
  hull_sha256_final (d->h, got);
  if (strcmp (got, diff_id) != 0)
    return hull_error (err, 0, "%s: its uncompressed content is %s, not the config's diff_id %s", what, got, diff_id);
  return 0;
}

int
hull_layers_fill (struct hull_store *s, int lfd, const char *tmp, int fd, struct hull_blob_writer *tee, const char *what,
                  const char *diff_id, const struct hull_layer_opts *o, struct hull_layer_times *t, hull_error_t *err)
{
  struct hull_layer_times local = { 0 };
  struct decomp *d = xmalloc0 (sizeof *d);
  cleanup_close int dfd = -1;
  int r = -1;

  d->fd = fd;
  d->tee = tee;
  d->t = t ? t : &local;
  if (mkdirat (lfd, tmp, 0755) < 0)
    hull_error_sys (err, "%s: mkdir `%s/%s/%s`", what, s->root, LAYERS_DIR, tmp);
  else if ((dfd = openat (lfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    hull_error_sys (err, "%s: open `%s/%s/%s`", what, s->root, LAYERS_DIR, tmp);
  else if (decomp_open (d, what, err) == 0)
    r = apply_checked (d, dfd, what, diff_id, o, err);
  decomp_close (d);
  free (d);
  return r;
}

int
hull_layers_tmp (struct hull_store *s, const char *diff_id, int *lfd, char **tmp, hull_error_t *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *name = NULL;

  if (open_layers (s, &fd, err) < 0)
    return -1;
  name = xasprintf (TMP_PREFIX "%s-%d", diff_id + strlen (HULL_DIGEST_PREFIX), (int) getpid ());
  if (hull_rm_rf_at (fd, name, err) < 0)
    return -1;
  *lfd = hull_steal_fd (fd);
  *tmp = hull_steal_ptr (name);
  return 0;
}

void
hull_layers_discard (int lfd, const char *tmp)
{
  hull_error_t e2 = NULL;
  if (hull_rm_rf_at (lfd, tmp, &e2) < 0)
    hull_error_free (&e2);
}

int
hull_layers_place (struct hull_store *s, int lfd, const char *tmp, const char *diff_id, hull_error_t *err)
{
  const char *hex = diff_id + strlen (HULL_DIGEST_PREFIX);

  /* the tree's files are not synced one by one; the directory is, before and after the
     rename, so that a name under a digest is there only with what was renamed */
  if (fsync (lfd) < 0)
    return hull_error_sys (err, "store `%s`: fsync `%s`", s->root, LAYERS_DIR);
  if (renameat (lfd, tmp, lfd, hex) < 0)
    {
      int e = errno;
      hull_layers_discard (lfd, tmp);
      if (e == EEXIST || e == ENOTEMPTY)
        return 0;
      errno = e;
      return hull_error_sys (err, "store `%s`: rename layer `%s` into place", s->root, hex);
    }
  if (fsync (lfd) < 0)
    return hull_error_sys (err, "store `%s`: fsync `%s`", s->root, LAYERS_DIR);
  return 0;
}

int
hull_layers_unpack (struct hull_store *s, const char *blob, const char *diff_id, const struct hull_layer_opts *o,
                    struct hull_layer_times *t, hull_error_t *err)
{
  cleanup_close int lfd = -1, bfd = -1;
  cleanup_free char *tmp = NULL, *what = NULL;

  if (hull_digest_check (diff_id, "diff_id", err) < 0 || hull_digest_check (blob, "layer digest", err) < 0)
    return -1;
  if (hull_layers_has (s, diff_id))
    return 0;
  if (hull_store_open_blob (s, blob, &bfd, NULL, err) < 0 || hull_layers_tmp (s, diff_id, &lfd, &tmp, err) < 0)
    return -1;
  what = xasprintf ("layer %s", blob);
  if (hull_layers_fill (s, lfd, tmp, bfd, NULL, what, diff_id, o, t, err) < 0)
    {
      hull_layers_discard (lfd, tmp);
      return -1;
    }
  return hull_layers_place (s, lfd, tmp, diff_id, err);
}

/* --- collection ------------------------------------------------------------------------ */

/* The diff_ids (hex) of every image of INDEX, into *OUT (NULL-terminated). */
static int
used_layers (struct hull_store *s, json_t *index, char ***out, hull_error_t *err)
{
  struct hull_image_list l = { 0 };
  char **v = xmalloc0 (sizeof (char *));
  size_t n = 0;
  int r = hull_images_load (s, index, &l, err);

  for (size_t i = 0; r == 0 && i < l.n; i++)
    {
      cleanup_free char *data = NULL;
      struct hull_image_config c = { 0 };
      size_t len;
      if (hull_store_read_blob (s, l.v[i].id, HULL_CONFIG_MAX, false, &data, &len, err) < 0
          || hull_image_config_parse (data, len, "config", &c, err) < 0)
        {
          r = hull_error_wrap (err, "image %.12s", l.v[i].id + 7);
          break;
        }
      v = xrealloc (v, (n + c.n_diff_ids + 1) * sizeof (char *));
      for (size_t j = 0; j < c.n_diff_ids; j++)
        v[n++] = xstrdup (c.diff_ids[j] + strlen (HULL_DIGEST_PREFIX));
      v[n] = NULL;
      hull_image_config_clear (&c);
    }
  hull_images_clear (&l);
  if (r < 0)
    hull_strv_free (v);
  else
    *out = v;
  return r;
}

static bool
strv_has (char **v, const char *s)
{
  for (; *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

int
hull_layers_gc (struct hull_store *s, json_t *index, size_t *removed, hull_error_t *err)
{
  cleanup_strv char **used = NULL;
  cleanup_close int lfd = -1;
  DIR *d;
  struct dirent *e;
  size_t n = 0;
  int r = 0;

  if (removed)
    *removed = 0;
  if (faccessat (s->dirfd, LAYERS_DIR, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    return 0; /* no layer was ever unpacked */
  if (used_layers (s, index, &used, err) < 0 || open_layers (s, &lfd, err) < 0)
    return -1;
  d = fdopendir (dup (lfd));
  if (d == NULL)
    return hull_error_sys (err, "store `%s`: read `%s`", s->root, LAYERS_DIR);
  while (r == 0 && (errno = 0, e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (strncmp (e->d_name, TMP_PREFIX, strlen (TMP_PREFIX)) != 0 && strv_has (used, e->d_name))
        continue;
      r = hull_rm_rf_at (lfd, e->d_name, err);
      n += r == 0;
    }
  if (r == 0 && errno != 0)
    r = hull_error_sys (err, "store `%s`: read `%s`", s->root, LAYERS_DIR);
  closedir (d);
  if (removed)
    *removed = n;
  return r;
}
