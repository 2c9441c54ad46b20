/* store.c: the local image store in the OCI image-layout format; see store.h. */
#define _GNU_SOURCE
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "manifest.h"

#define LAYOUT_FILE "{\"imageLayoutVersion\":\"1.0.0\"}"
#define TMP_PREFIX ".tmp-"
#define FLUSH_EVERY (8 << 20)

/* --- opening -------------------------------------------------------------------------- */

static int
mkdir_at (int dfd, const char *name, const char *root, hull_error_t *err)
{
  if (mkdirat (dfd, name, 0700) < 0 && errno != EEXIST)
    return hull_error_sys (err, "store `%s`: mkdir `%s`", root, name);
  return 0;
}

/* ROOT and its missing parents (the root itself may be a symlink, nothing inside it may). */
static int
mkdir_root (const char *root, hull_error_t *err)
{
  cleanup_free char *p = xstrdup (root);
  for (char *q = strchr (p + 1, '/'); q; q = strchr (q + 1, '/'))
    {
      *q = '\0';
      if (mkdir (p, 0755) < 0 && errno != EEXIST)
        return hull_error_sys (err, "store `%s`: mkdir `%s`", root, p);
      *q = '/';
    }
  return mkdir_at (AT_FDCWD, root, root, err);
}

static int
open_dir (int dfd, const char *name, const char *root, int *out, hull_error_t *err)
{
  *out = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (dfd == AT_FDCWD ? 0 : O_NOFOLLOW));
  if (*out < 0)
    return hull_error_sys (err, "store `%s`: open `%s`", root, name);
  return 0;
}

static int
ensure_files (struct hull_store *s, hull_error_t *err)
{
  cleanup_json json_t *idx = NULL;

  if (faccessat (s->dirfd, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) < 0
      && hull_write_file_atomic_at (s->dirfd, "oci-layout", LAYOUT_FILE, strlen (LAYOUT_FILE), 0644, err) < 0)
    return hull_error_wrap (err, "store `%s`", s->root);
  if (faccessat (s->dirfd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  idx = json_pack ("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", HULL_MT_OCI_INDEX, "manifests");
  return hull_store_write_index (s, idx, err);
}

int
hull_store_open (const char *root, bool create, struct hull_store **out, hull_error_t *err)
{
  struct hull_store *s = xmalloc0 (sizeof *s);
  cleanup_store struct hull_store *guard = s;

  s->dirfd = s->blobsfd = s->lockfd = -1;
  s->root = xstrdup (root);
  if (*root == '\0')
    return hull_error (err, 0, "store: an empty path");
  if (create && mkdir_root (root, err) < 0)
    return -1;
  if (open_dir (AT_FDCWD, root, root, &s->dirfd, err) < 0)
    return -1;
  if (create && (mkdir_at (s->dirfd, "blobs", root, err) < 0 || mkdir_at (s->dirfd, "blobs/sha256", root, err) < 0))
    return -1;
  if (open_dir (s->dirfd, "blobs/sha256", root, &s->blobsfd, err) < 0)
    return -1;
  if (create)
    {
      int r;
      if (hull_store_lock (s, err) < 0)
        return -1;
      r = ensure_files (s, err);
      hull_store_unlock (s);
      if (r < 0)
        return -1;
    }
  *out = hull_steal_ptr (guard);
  return 0;
}

void
hull_store_close (struct hull_store *s)
{
  if (s == NULL)
    return;
  hull_store_unlock (s);
  hull_closep (&s->blobsfd);
  hull_closep (&s->dirfd);
  free (s->root);
  free (s);
}

void
hull_store_closep (struct hull_store **s)
{
  hull_store_close (*s);
}

int
hull_store_lock (struct hull_store *s, hull_error_t *err)
{
  cleanup_close int fd = openat (s->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return hull_error_sys (err, "store `%s`: open lock file", s->root);
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      return hull_error_sys (err, "store `%s`: lock", s->root);
  s->lockfd = hull_steal_fd (fd);
  return 0;
}

void
hull_store_unlock (struct hull_store *s)
{
  hull_closep (&s->lockfd); /* closing the only fd drops the flock */
}

/* --- writing blobs -------------------------------------------------------------------- */

struct hull_blob_writer
{
  struct hull_store *s;
  int fd;
  char *tmpname;        /* the temp file's name, or NULL for an O_TMPFILE */
  struct hull_sha256 *h;
  int64_t size, expect_size;
  int64_t flushed; /* bytes whose writeback was started */
  char expect[HULL_DIGEST_LEN + 1]; /* "" when any digest will do */
  char *what;
  bool linked;
  uint64_t hash_ns, write_ns; /* where its writes spent their (writing thread's CPU) time */
  char got[HULL_DIGEST_LEN + 1]; /* the digest, once the hash is final ("" before) */
};

static uint64_t
cpu_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int
open_temp (struct hull_blob_writer *w, hull_error_t *err)
{
  unsigned long long rnd;

  w->fd = openat (w->s->blobsfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0444);
  if (w->fd >= 0)
    return 0;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    return hull_error_sys (err, "%s: create a temp file in `%s/blobs/sha256`", w->what, w->s->root);
  if (getrandom (&rnd, sizeof rnd, 0) != sizeof rnd)
    return hull_error_sys (err, "%s: getrandom", w->what);
  w->tmpname = xasprintf (TMP_PREFIX "%d-%016llx", (int) getpid (), rnd);
  w->fd = openat (w->s->blobsfd, w->tmpname, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
  if (w->fd < 0)
    {
      free (hull_steal_ptr (w->tmpname));
      return hull_error_sys (err, "%s: create a temp file in `%s/blobs/sha256`", w->what, w->s->root);
    }
  return 0;
}

int
hull_blob_writer_new (struct hull_store *s, const char *expect, int64_t expect_size, const char *what,
                      struct hull_blob_writer **out, hull_error_t *err)
{
  cleanup_blob_writer struct hull_blob_writer *w = xmalloc0 (sizeof *w);

  w->s = s;
  w->fd = -1;
  w->expect_size = expect_size;
  w->what = xstrdup (what);
  if (expect)
    {
      if (hull_digest_check (expect, what, err) < 0)
        return -1;
      memcpy (w->expect, expect, HULL_DIGEST_LEN + 1);
    }
  if (open_temp (w, err) < 0)
    return -1;
  w->h = hull_sha256_new ();
  *out = hull_steal_ptr (w);
  return 0;
}

int
hull_blob_writer_write (struct hull_blob_writer *w, const void *data, size_t len, hull_error_t *err)
{
  if (w->got[0])
    return hull_error (err, 0, "%s: written after its digest was taken", w->what);
  if (w->expect_size >= 0 && (uint64_t) w->size + len > (uint64_t) w->expect_size)
    return hull_error (err, 0, "%s: more than the %lld bytes expected", w->what, (long long) w->expect_size);
  uint64_t t0 = cpu_ns (), t1;
  hull_sha256_update (w->h, data, len);
  t1 = cpu_ns ();
  w->hash_ns += t1 - t0;
  if (hull_write_all (w->fd, data, len, w->what, err) < 0)
    return -1;
  w->size += len;
  /* start the writeback of each full stretch now, so that commit's fsync waits only for the
     tail (a big blob's fsync would otherwise write it all then) */
  if (w->size - w->flushed >= FLUSH_EVERY)
    {
      (void) sync_file_range (w->fd, w->flushed, w->size - w->flushed, SYNC_FILE_RANGE_WRITE);
      w->flushed = w->size;
    }
  w->write_ns += cpu_ns () - t1;
  return 0;
}

void
hull_blob_writer_times (const struct hull_blob_writer *w, uint64_t *hash_ns, uint64_t *write_ns)
{
  *hash_ns += w->hash_ns;
  *write_ns += w->write_ns;
}

static int
link_into_place (struct hull_blob_writer *w, const char *hex, bool *created, hull_error_t *err)
{
  int r;
  if (w->tmpname)
    r = linkat (w->s->blobsfd, w->tmpname, w->s->blobsfd, hex, 0);
  else
    {
      char proc[64];
      snprintf (proc, sizeof proc, "/proc/self/fd/%d", w->fd);
      r = linkat (AT_FDCWD, proc, w->s->blobsfd, hex, AT_SYMLINK_FOLLOW);
      if (r < 0 && errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
        r = linkat (w->fd, "", w->s->blobsfd, hex, AT_EMPTY_PATH);
    }
  *created = r == 0;
  if (r < 0 && errno != EEXIST)
    return hull_error_sys (err, "%s: link blob `%s` into `%s/blobs/sha256`", w->what, hex, w->s->root);
  w->linked = true;
  if (fsync (w->s->blobsfd) < 0)
    return hull_error_sys (err, "%s: fsync `%s/blobs/sha256`", w->what, w->s->root);
  return 0;
}

int
hull_blob_writer_verify (struct hull_blob_writer *w, hull_error_t *err)
{
  if (w->got[0] == '\0')
    hull_sha256_final (w->h, w->got);
  if (w->expect[0] && strcmp (w->got, w->expect) != 0)
    return hull_error (err, 0, "%s: digest mismatch: expected %s, got %s", w->what, w->expect, w->got);
  if (w->expect_size >= 0 && w->size != w->expect_size)
    return hull_error (err, 0, "%s: size mismatch: expected %lld bytes, got %lld", w->what,
                       (long long) w->expect_size, (long long) w->size);
  return 0;
}

int
hull_blob_writer_commit (struct hull_blob_writer *w, char out[HULL_DIGEST_LEN + 1], int64_t *size, bool *created,
                         hull_error_t *err)
{
  const char *got = w->got;
  bool dummy;

  if (hull_blob_writer_verify (w, err) < 0)
    return -1;
  if (fsync (w->fd) < 0)
    return hull_error_sys (err, "%s: fsync", w->what);
  if (link_into_place (w, got + strlen (HULL_DIGEST_PREFIX), created ? created : &dummy, err) < 0)
    return -1;
  if (out)
    memcpy (out, got, HULL_DIGEST_LEN + 1);
  if (size)
    *size = w->size;
  return 0;
}

void
hull_blob_writer_free (struct hull_blob_writer *w)
{
  if (w == NULL)
    return;
  hull_closep (&w->fd);
  if (w->tmpname)
    unlinkat (w->s->blobsfd, w->tmpname, 0);
  free (w->tmpname);
  hull_sha256_free (w->h);
  free (w->what);
  free (w);
}

void
hull_blob_writer_freep (struct hull_blob_writer **w)
{
  hull_blob_writer_free (*w);
}

int
hull_store_put_blob (struct hull_store *s, const void *data, size_t len, const char *expect,
                     char out[HULL_DIGEST_LEN + 1], bool *created, hull_error_t *err)
{
  cleanup_blob_writer struct hull_blob_writer *w = NULL;
  if (hull_blob_writer_new (s, expect, (int64_t) len, expect ? expect : "blob", &w, err) < 0
      || hull_blob_writer_write (w, data, len, err) < 0)
    return -1;
  return hull_blob_writer_commit (w, out, NULL, created, err);
}

int
hull_store_put_blob_fd (struct hull_store *s, int fd, const char *expect, int64_t expect_size, const char *what,
                        char out[HULL_DIGEST_LEN + 1], bool *created, hull_error_t *err)
{
  cleanup_blob_writer struct hull_blob_writer *w = NULL;
  cleanup_free char *buf = xmalloc0 (1 << 16);

  if (hull_blob_writer_new (s, expect, expect_size, what, &w, err) < 0)
    return -1;
  for (;;)
    {
      ssize_t n = read (fd, buf, 1 << 16);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hull_error_sys (err, "%s: read", what);
      if (n == 0)
        break;
      if (hull_blob_writer_write (w, buf, n, err) < 0)
        return -1;
    }
  return hull_blob_writer_commit (w, out, NULL, created, err);
}

/* --- reading blobs -------------------------------------------------------------------- */

static const char *
blob_name (const char *digest, hull_error_t *err)
{
  if (hull_digest_check (digest, "blob", err) < 0)
    return NULL;
  return digest + strlen (HULL_DIGEST_PREFIX);
}

bool
hull_store_has_blob (struct hull_store *s, const char *digest)
{
  hull_error_t err = NULL;
  const char *hex = blob_name (digest, &err);
  hull_error_free (&err);
  return hex && faccessat (s->blobsfd, hex, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
hull_store_open_blob (struct hull_store *s, const char *digest, int *fd, int64_t *size, hull_error_t *err)
{
  const char *hex = blob_name (digest, err);
  struct stat st;
  cleanup_close int f = -1;

  if (hex == NULL)
    return -1;
  f = openat (s->blobsfd, hex, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (f < 0)
    return hull_error_sys (err, "blob %s in `%s`", digest, s->root);
  if (fstat (f, &st) < 0)
    return hull_error_sys (err, "blob %s: fstat", digest);
  if (!S_ISREG (st.st_mode))
    return hull_error (err, 0, "blob %s in `%s`: not a regular file", digest, s->root);
  if (size)
    *size = st.st_size;
  *fd = hull_steal_fd (f);
  return 0;
}

int
hull_store_read_blob (struct hull_store *s, const char *digest, size_t max, bool verify, char **out, size_t *len,
                      hull_error_t *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  int64_t size;
  size_t n;
  char got[HULL_DIGEST_LEN + 1];

  if (hull_store_open_blob (s, digest, &fd, &size, err) < 0)
    return -1;
  if ((uint64_t) size > max)
    return hull_error (err, 0, "blob %s: %lld bytes, more than the limit of %zu", digest, (long long) size, max);
  if (hull_read_fd (fd, digest, &buf, &n, err) < 0)
    return -1;
  if (n > max)
    return hull_error (err, 0, "blob %s: more than the limit of %zu bytes", digest, max);
  if (verify)
    {
      hull_sha256_of (buf, n, got);
      if (strcmp (got, digest) != 0)
        return hull_error (err, 0, "blob %s in `%s` is corrupt: its content hashes to %s", digest, s->root, got);
    }
  *out = hull_steal_ptr (buf);
  if (len)
    *len = n;
  return 0;
}

int
hull_store_verify_blob (struct hull_store *s, const char *digest, hull_error_t *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = xmalloc0 (1 << 16);
  struct hull_sha256 *h;
  char got[HULL_DIGEST_LEN + 1];

  if (hull_store_open_blob (s, digest, &fd, NULL, err) < 0)
    return -1;
  h = hull_sha256_new ();
  for (;;)
    {
      ssize_t n = read (fd, buf, 1 << 16);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          hull_sha256_free (h);
          return hull_error_sys (err, "blob %s: read", digest);
        }
      if (n == 0)
        break;
      hull_sha256_update (h, buf, n);
    }
  hull_sha256_final (h, got);
  hull_sha256_free (h);
  if (strcmp (got, digest) != 0)
    return hull_error (err, 0, "blob %s in `%s` is corrupt: its content hashes to %s", digest, s->root, got);
  return 0;
}

int
hull_store_remove_blob (struct hull_store *s, const char *digest, hull_error_t *err)
{
  const char *hex = blob_name (digest, err);
  if (hex == NULL)
    return -1;
  if (unlinkat (s->blobsfd, hex, 0) < 0 && errno != ENOENT)
    return hull_error_sys (err, "remove blob %s from `%s`", digest, s->root);
  return 0;
}

/* --- index.json ----------------------------------------------------------------------- */

int
hull_store_read_index (struct hull_store *s, json_t **out, hull_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;
  json_error_t je;
  json_t *idx, *ms;

  if (hull_read_file_at (s->dirfd, "index.json", &data, &len, err) < 0)
    return hull_error_wrap (err, "store `%s`", s->root);
  idx = json_loadb (data, len, JSON_REJECT_DUPLICATES, &je);
  if (idx == NULL)
    return hull_error (err, 0, "store `%s`: index.json: %s", s->root, je.text);
  ms = json_object_get (idx, "manifests");
  if (!json_is_array (ms))
    {
      json_decref (idx);
      return hull_error (err, 0, "store `%s`: index.json: manifests: not an array", s->root);
    }
  *out = idx;
  return 0;
}

int
hull_store_write_index (struct hull_store *s, json_t *index, hull_error_t *err)
{
  cleanup_free char *data = json_dumps (index, JSON_INDENT (2) | JSON_SORT_KEYS);
  char tmp[64];
  cleanup_close int fd = -1;

  snprintf (tmp, sizeof tmp, ".index.json.tmp-%d", (int) getpid ());
  fd = openat (s->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return hull_error_sys (err, "store `%s`: create `%s`", s->root, tmp);
  if (hull_write_all (fd, data, strlen (data), tmp, err) < 0 || hull_write_all (fd, "\n", 1, tmp, err) < 0)
    goto fail;
  if (fsync (fd) < 0 || close (hull_steal_fd (fd)) < 0)
    {
      hull_error_sys (err, "store `%s`: write `%s`", s->root, tmp);
      goto fail;
    }
  if (renameat (s->dirfd, tmp, s->dirfd, "index.json") < 0)
    {
      hull_error_sys (err, "store `%s`: rename `%s` to index.json", s->root, tmp);
      goto fail;
    }
  if (fsync (s->dirfd) < 0)
    return hull_error_sys (err, "store `%s`: fsync", s->root);
  return 0;
fail:
  unlinkat (s->dirfd, tmp, 0);
  return -1;
}

/* --- collecting unused blobs ---------------------------------------------------------- */

struct digest_set
{
  char (*d)[HULL_DIGEST_LEN + 1];
  size_t n, cap;
};

static bool
set_has (const struct digest_set *set, const char *d)
{
  for (size_t i = 0; i < set->n; i++)
    if (strcmp (set->d[i], d) == 0)
      return true;
  return false;
}

static void
set_add (struct digest_set *set, const char *d)
{
  if (set_has (set, d))
    return;
  if (set->n == set->cap)
    {
      set->cap = set->cap ? set->cap * 2 : 64;
      set->d = xrealloc (set->d, set->cap * sizeof *set->d);
    }
  memcpy (set->d[set->n++], d, HULL_DIGEST_LEN + 1);
}

static int mark (struct hull_store *s, const char *digest, const char *media_type, int depth, struct digest_set *set,
                 hull_error_t *err);

static int
mark_manifest (struct hull_store *s, const char *digest, const char *data, size_t len, struct digest_set *set,
               hull_error_t *err)
{
  struct hull_manifest m;
  cleanup_free char *what = xasprintf ("manifest %s", digest);
  if (hull_manifest_parse (data, len, what, &m, err) < 0)
    return -1;
  set_add (set, m.config.digest);
  for (size_t i = 0; i < m.n_layers; i++)
    set_add (set, m.layers[i].digest);
  hull_manifest_clear (&m);
  return 0;
}

static int
mark_index (struct hull_store *s, const char *digest, const char *data, size_t len, int depth,
            struct digest_set *set, hull_error_t *err)
{
  struct hull_index x;
  cleanup_free char *what = xasprintf ("index %s", digest);
  int r = 0;
  if (hull_index_parse (data, len, what, &x, err) < 0)
    return -1;
  for (size_t i = 0; i < x.n_manifests && r == 0; i++)
    if (hull_store_has_blob (s, x.manifests[i].digest)) /* a platform not pulled is not there */
      r = mark (s, x.manifests[i].digest, x.manifests[i].media_type, depth + 1, set, err);
  hull_index_clear (&x);
  return r;
}

static int
mark (struct hull_store *s, const char *digest, const char *media_type, int depth, struct digest_set *set,
      hull_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  if (depth > 8)
    return hull_error (err, 0, "index %s: nested more than 8 deep", digest);
  set_add (set, digest);
  if (hull_store_read_blob (s, digest, HULL_MANIFEST_MAX, false, &data, &len, err) < 0)
    return -1;
  if (hull_media_type_is_index (media_type))
    return mark_index (s, digest, data, len, depth, set, err);
  return mark_manifest (s, digest, data, len, set, err);
}

static int
sweep (struct hull_store *s, const struct digest_set *set, size_t *removed, hull_error_t *err)
{
  int dfd = openat (s->blobsfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd < 0 ? NULL : fdopendir (dfd);
  struct dirent *de;
  int ret = 0;

  if (d == NULL)
    {
      hull_closep (&dfd);
      return hull_error_sys (err, "store `%s`: list blobs", s->root);
    }
  while ((de = readdir (d)) != NULL && ret == 0)
    {
      cleanup_free char *digest = xasprintf (HULL_DIGEST_PREFIX "%s", de->d_name);
      bool tmp = strncmp (de->d_name, TMP_PREFIX, strlen (TMP_PREFIX)) == 0; /* a crash's leftover */
      if (de->d_name[0] == '.' && !tmp)
        continue;
      if (!tmp && set_has (set, digest))
        continue;
      if (unlinkat (s->blobsfd, de->d_name, 0) < 0 && errno != ENOENT)
        ret = hull_error_sys (err, "store `%s`: remove blob `%s`", s->root, de->d_name);
      else if (!tmp)
        (*removed)++;
    }
  closedir (d);
  return ret;
}

int
hull_store_gc (struct hull_store *s, json_t *index, size_t *removed, hull_error_t *err)
{
  struct digest_set set = { 0 };
  json_t *ms = json_object_get (index, "manifests"), *e;
  size_t i, n = 0;
  int r = 0;

  json_array_foreach (ms, i, e)
    {
      const char *digest = json_string_value (json_object_get (e, "digest"));
      const char *mt = json_string_value (json_object_get (e, "mediaType"));
      if (hull_digest_check (digest, "index.json manifests[].digest", err) < 0
          || mark (s, digest, mt ? mt : HULL_MT_OCI_MANIFEST, 0, &set, err) < 0)
        {
          r = hull_error_wrap (err, "store `%s`: not removing unused blobs", s->root);
          break;
        }
    }
  if (r == 0)
    r = sweep (s, &set, &n, err);
  free (set.d);
  if (removed)
    *removed = n;
  return r;
}

int
hull_blob_writer_fd (struct hull_blob_writer *w)
{
  return w->fd;
}
