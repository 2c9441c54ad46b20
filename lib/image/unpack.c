/* unpack.c: one layer applied in one streaming pass: libarchive reads the stream (tar, plain,
   gzip or zstd, detected) through the caller's read callback; each entry's name is cleaned,
   then it is a whiteout (unpack-whiteout.c) or written (unpack-write.c). See unpack.h for the
   contract and what an evil layer gets. */
#define _GNU_SOURCE
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "unpack-internal.h"

#define READ_BUF (128 * 1024)

struct reader
{
  hull_layer_read_fn read;
  void *arg;
  struct hull_unpack_stats *st;
  char buf[READ_BUF];
  int errno_; /* the callback's failure, reported instead of libarchive's text */
};

static uint64_t
now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (uint64_t) t.tv_sec * 1000000000u + t.tv_nsec;
}

static la_ssize_t
reader_cb (struct archive *a, void *data, const void **buf)
{
  struct reader *r = data;
  ssize_t n;

  do
    n = r->read (r->arg, r->buf, sizeof r->buf);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      r->errno_ = errno;
      archive_set_error (a, errno, "read the layer");
      return -1;
    }
  r->st->bytes_in += n;
  *buf = r->buf;
  return n;
}

static void
archive_freep (struct archive **a)
{
  if (*a != NULL)
    archive_read_free (*a);
}

/* A tar reader with exactly the filters OCI layers use, all built into libarchive: no
   external program is ever started for a stream. */
static struct archive *
new_reader (void)
{
  struct archive *a = archive_read_new ();
  if (a == NULL)
    abort ();
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_zstd (a);
  archive_read_support_format_tar (a);
  return a;
}

static int
archive_fail (struct archive *a, struct reader *r, const char *what, hull_error_t *err)
{
  const char *msg = archive_error_string (a);
  if (r->errno_ != 0)
    return hull_error (err, r->errno_, "layer: %s", what);
  return hull_error (err, 0, "layer: %s: %s", what, msg ? msg : "not a (compressed) tar stream");
}

static int
one_entry (struct hull_unpack *u, struct archive_entry *e, hull_error_t *err)
{
  cleanup_free char *name = NULL;
  const char *raw = archive_entry_pathname (e);

  if (raw == NULL)
    return hull_error (err, 0, "layer entry %llu: no name", (unsigned long long) u->st->entries);
  if (hull_unpack_clean_name (raw, &name, err) < 0)
    return -1;
  if (*name != '\0' && hull_unpack_is_whiteout (name))
    return hull_unpack_whiteout (u, name, err);
  return hull_unpack_entry (u, e, name, err);
}

static int
bytes_fail (struct hull_unpack *u, const char *where, hull_error_t *err)
{
  return hull_error (err, 0, "layer: %s: its uncompressed size passes the limit of %llu bytes (a decompression bomb?)",
                     where, (unsigned long long) u->o.max_bytes);
}

/* Before entry E is written: the entry count, and the uncompressed bytes so far (filter 0 is
   the one nearest the tar reader: its output is the uncompressed stream) plus what E declares,
   against the limits; so a bomb is stopped before its big entry is written at all. */
static int
check_limits (struct hull_unpack *u, struct archive_entry *e, hull_error_t *err)
{
  uint64_t used = (uint64_t) archive_filter_bytes (u->a, 0);
  uint64_t size = archive_entry_size_is_set (e) && archive_entry_size (e) > 0 ? (uint64_t) archive_entry_size (e) : 0;
  const char *name = archive_entry_pathname (e);

  if (u->st->entries > u->o.max_entries)
    return hull_error (err, 0, "layer: more than %llu entries, the limit (a decompression bomb?)",
                       (unsigned long long) u->o.max_entries);
  if (used > u->o.max_bytes || size > u->o.max_bytes - used)
    {
      cleanup_free char *where = xasprintf ("entry `%.200s`", name ? name : "?");
      return bytes_fail (u, where, err);
    }
  return 0;
}

/* The entries, then the stream to its very end (the caller may be hashing it: the bytes after
   the tar's end marker count too). */
static int
read_entries (struct hull_unpack *u, struct reader *r, hull_error_t *err)
{
  struct archive_entry *e;

  for (;;)
    {
      uint64_t t0 = now_ns ();
      int ret = archive_read_next_header (u->a, &e);
      u->st->ns_read += now_ns () - t0;
      if (ret == ARCHIVE_EOF)
        break;
      if (ret < ARCHIVE_WARN)
        return archive_fail (u->a, r, "read an entry", err);
      u->st->entries++;
      if (check_limits (u, e, err) < 0 || one_entry (u, e, err) < 0)
        return -1;
    }
  uint64_t total = (uint64_t) archive_filter_bytes (u->a, 0);
  if (total > u->o.max_bytes)
    return bytes_fail (u, "at the tar's end", err);
  for (;;)
    {
      ssize_t n = r->read (r->arg, r->buf, sizeof r->buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hull_error_sys (err, "layer: read to the end");
      if (n == 0)
        break;
      u->st->bytes_in += n;
      total += n;
      if (total > u->o.max_bytes)
        return bytes_fail (u, "after the tar's end", err);
    }
  return 0;
}

static void
unpack_free (struct hull_unpack *u)
{
  hull_path_set_free (&u->written);
  hull_path_set_free (&u->dirs);
}

int
hull_layer_apply (int root_fd, hull_layer_read_fn read, void *arg, const struct hull_unpack_opts *o,
                  struct hull_unpack_stats *stats, hull_error_t *err)
{
  __attribute__ ((cleanup (archive_freep))) struct archive *a = new_reader ();
  cleanup_free struct reader *r = xmalloc0 (sizeof *r);
  struct hull_unpack_stats local = { 0 };
  struct hull_unpack u = { .root_fd = root_fd, .st = stats ? stats : &local, .a = a };
  uint64_t t0 = now_ns ();
  int ret;

  if (o != NULL)
    u.o = *o;
  if (u.o.max_bytes == 0)
    u.o.max_bytes = HULL_LAYER_MAX_BYTES;
  if (u.o.max_entries == 0)
    u.o.max_entries = HULL_LAYER_MAX_ENTRIES;
  *u.st = (struct hull_unpack_stats){ 0 };
  u.chown = geteuid () == 0 && !u.o.keep_owner;
  u.mknod = geteuid () == 0;
  u.trusted = geteuid () == 0;
  r->read = read;
  r->arg = arg;
  r->st = u.st;
  if (archive_read_open (a, r, NULL, reader_cb, NULL) != ARCHIVE_OK)
    return archive_fail (a, r, "open the stream", err);
  hull_path_set_init (&u.written);
  hull_path_set_init (&u.dirs);
  ret = read_entries (&u, r, err);
  if (ret == 0)
    ret = hull_unpack_finish_dirs (&u, err);
  unpack_free (&u);
  u.st->ns_write = now_ns () - t0 - u.st->ns_read;
  return ret;
}

static ssize_t
read_fd (void *arg, void *buf, size_t len)
{
  return read (*(int *) arg, buf, len);
}

int
hull_layer_apply_fd (int root_fd, int fd, const struct hull_unpack_opts *o, struct hull_unpack_stats *stats,
                     hull_error_t *err)
{
  return hull_layer_apply (root_fd, read_fd, &fd, o, stats, err);
}
