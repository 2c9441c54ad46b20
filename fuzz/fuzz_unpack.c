/* fuzz_unpack.c: libFuzzer target for the layer unpacker (lib/image/unpack*.c). Each input is
   a layer stream (tar, maybe gzip or zstd) applied into BASE/run/root, whiteouts deleting for
   even sizes and kept for overlayfs for odd ones. After each input, BASE/run/outside/sentinel
   must be as made, BASE/run must hold only root and outside and BASE only run: anything else
   means the unpacker wrote outside its root, and the target aborts. An error must come with a
   message, a success without one. Every fourth input also goes, as a layer blob, through the
   pull's streaming path (layers.h's hull_layer_stream: a pipe, a thread, the blob's writer)
   into a store of the harness's own (BASE-store), against a diff_id it cannot have: it must
   fail with a message and leave no layer, temp directory or blob behind. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/util.h"
#include "image/layers.h"
#include "image/store.h"
#include "image/unpack.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

struct mem
{
  const uint8_t *p;
  size_t left;
};

static ssize_t
mem_read (void *arg, void *buf, size_t len)
{
  struct mem *m = arg;
  size_t n = len < m->left ? len : m->left;
  memcpy (buf, m->p, n);
  m->p += n;
  m->left -= n;
  return n;
}

/* The names in DIR other than "." and "..", which must be exactly WANT (NULL-terminated). */
static void
check_only (const char *dir, const char *const *want)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  size_t n = 0, nwant = 0;

  if (d == NULL)
    abort ();
  while (want[nwant])
    nwant++;
  while ((de = readdir (d)) != NULL)
    {
      bool ok = false;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      for (size_t i = 0; i < nwant; i++)
        ok |= strcmp (de->d_name, want[i]) == 0;
      if (!ok)
        {
          fprintf (stderr, "fuzz-unpack: `%s/%s` appeared outside the root\n", dir, de->d_name);
          abort ();
        }
      n++;
    }
  closedir (d);
  if (n != nwant)
    {
      fprintf (stderr, "fuzz-unpack: something vanished from `%s`\n", dir);
      abort ();
    }
}

static char base_path[64];

static void
remove_base (void)
{
  rmdir (base_path);
}

/* The harness's own directory, made at the first input and removed at exit. */
static const char *
base_dir (void)
{
  if (base_path[0] == '\0')
    {
      snprintf (base_path, sizeof base_path, "/tmp/hull-fuzz-unpack-%d", (int) getpid ());
      if (mkdir (base_path, 0755) < 0)
        abort ();
      atexit (remove_base);
    }
  return base_path;
}

/* BASE/run with root/ and outside/sentinel, fresh. */
static void
make_run (const char *base, char run[PATH_MAX])
{
  char p[PATH_MAX + 32];
  int fd;

  snprintf (run, PATH_MAX, "%s/run", base);
  mkdir (run, 0755);
  snprintf (p, sizeof p, "%s/outside", run);
  mkdir (p, 0755);
  snprintf (p, sizeof p, "%s/outside/sentinel", run);
  fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write (fd, "sentinel\n", 9) != 9)
    abort ();
  close (fd);
  snprintf (p, sizeof p, "%s/root", run);
  if (mkdir (p, 0755) < 0)
    abort ();
}

static void
check_outside (const char *base, const char *run)
{
  static const char *const only_run[] = { "run", NULL };
  static const char *const run_entries[] = { "root", "outside", NULL };
  static const char *const outside_entries[] = { "sentinel", NULL };
  char p[PATH_MAX + 32], buf[16] = "";
  struct stat st;
  int fd;

  check_only (base, only_run);
  check_only (run, run_entries);
  snprintf (p, sizeof p, "%s/outside", run);
  check_only (p, outside_entries);
  snprintf (p, sizeof p, "%s/outside/sentinel", run);
  fd = open (p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_nlink != 1 || read (fd, buf, sizeof buf) != 9
      || memcmp (buf, "sentinel\n", 9) != 0)
    {
      fprintf (stderr, "fuzz-unpack: the sentinel changed\n");
      abort ();
    }
  close (fd);
}

/* DIR (a directory) holds nothing. */
static void
check_empty (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;

  if (d == NULL)
    abort ();
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, ".."))
      {
        fprintf (stderr, "fuzz-unpack: `%s/%s` left behind\n", dir, de->d_name);
        abort ();
      }
  closedir (d);
}

static char store_path[PATH_MAX];
static struct hull_store *store;

static void
remove_store (void)
{
  hull_error_t err = NULL;
  hull_store_close (store);
  if (hull_rm_rf_at (AT_FDCWD, store_path, &err) < 0)
    hull_error_free (&err);
}

/* The harness's store, made at the first use, locked throughout, removed at exit. */
static struct hull_store *
the_store (void)
{
  hull_error_t err = NULL;

  if (store)
    return store;
  snprintf (store_path, sizeof store_path, "%s-store", base_path);
  if (hull_store_open (store_path, true, &store, &err) < 0 || hull_store_lock (store, &err) < 0)
    {
      fprintf (stderr, "fuzz-unpack: store: %s\n", err->msg);
      abort ();
    }
  atexit (remove_store);
  return store;
}

static void
fuzz_stream (const uint8_t *data, size_t size)
{
  static const char wrong[] = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  static const char blob[] = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  char p[PATH_MAX + 32];
  struct hull_store *s = the_store ();
  struct hull_blob_writer *w = NULL;
  struct hull_layer_stream *ls = NULL;
  struct hull_layer_opts o = { .max_bytes = 1 << 20, .max_entries = 64 };
  hull_error_t err = NULL;

  if (hull_blob_writer_new (s, NULL, -1, "blob", &w, &err) < 0
      || hull_layer_stream_start (s, blob, wrong, &o, w, &ls, &err) < 0)
    {
      fprintf (stderr, "fuzz-unpack: stream setup: %s\n", err->msg);
      abort ();
    }
  for (size_t off = 0; off < size; off += 4000) /* fed in pieces, as a download is */
    if (hull_layer_stream_feed (ls, data + off, size - off < 4000 ? size - off : 4000, false, &err) < 0)
      abort ();
  if (hull_layer_stream_end (ls, NULL, &err) == 0 || err == NULL || err->msg == NULL)
    abort (); /* no layer hashes to the zero digest */
  hull_error_free (&err);
  hull_layer_stream_free (ls);
  hull_blob_writer_free (w);
  snprintf (p, sizeof p, "%s/layers/sha256", store_path);
  check_empty (p);
  snprintf (p, sizeof p, "%s/blobs/sha256", store_path);
  check_empty (p);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *base = base_dir ();
  char run[PATH_MAX], p[PATH_MAX + 32];
  cleanup_error hull_error_t err = NULL;
  cleanup_close int root = -1;
  cleanup_close int base_fd = -1;
  struct hull_unpack_opts o = { .whiteouts = size % 2 ? HULL_WHITEOUT_OVERLAY : HULL_WHITEOUT_DELETE };
  struct hull_unpack_stats st;
  struct mem m = { data, size };
  int r;

  /* every third input under small limits, so that the refusals are fuzzed too */
  if (size % 3 == 0)
    o.max_bytes = 2048 + size * 2, o.max_entries = 8;
  make_run (base, run);
  snprintf (p, sizeof p, "%s/root", run);
  root = open (p, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    abort ();
  r = hull_layer_apply (root, mem_read, &m, &o, &st, &err);
  if (r < 0 ? err == NULL || err->msg == NULL : err != NULL || m.left != 0)
    abort ();
  if (r == 0 && o.max_entries && st.entries > o.max_entries)
    {
      fprintf (stderr, "fuzz-unpack: %llu entries past the limit of %llu applied\n", (unsigned long long) st.entries,
               (unsigned long long) o.max_entries);
      abort ();
    }
  check_outside (base, run);
  hull_error_free (&err);
  if (size % 4 == 1)
    fuzz_stream (data, size);
  base_fd = open (base, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (hull_rm_rf_at (base_fd, "run", &err) < 0)
    {
      fprintf (stderr, "fuzz-unpack: clean up: %s\n", err->msg);
      abort ();
    }
  return 0;
}
