/* fuzz_ctr_log.c: libFuzzer target for container logs (lib/engine/ctr-log.c, ctr-log-print.c).
   Every input is parsed as one log line (hull_log_parse_line: an entry's text must lie inside
   the line and its timestamp survive formatting and parsing again); written as a log file and
   printed by hull_logs_print with options taken from its first byte; and, as a container's
   output, sent through the log writer in chunks and printed back, which must give the same
   bytes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/util.h"
#include "engine/ctr-log.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int dirfd_ = -1, out_fd = -1;
static char dir[] = "/tmp/hull-fuzz-log-XXXXXX";

static void
remove_dir (void)
{
  hull_error_t err = NULL;
  hull_rm_rf_at (AT_FDCWD, dir, &err);
  hull_error_free (&err);
}

static void
setup (void)
{
  if (dirfd_ >= 0)
    return;
  if (mkdtemp (dir) == NULL || (dirfd_ = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    abort ();
  atexit (remove_dir);
  out_fd = memfd_create ("out", MFD_CLOEXEC);
  if (out_fd < 0)
    abort ();
}

static void
check_parse (const char *s, size_t size)
{
  struct hull_log_entry e;
  char ts[HULL_UTC_BUF], line[HULL_UTC_BUF + 16];
  struct hull_log_entry again;

  if (!hull_log_parse_line (s, size, &e))
    return;
  if (e.text < s || e.text + e.text_len != s + size || (unsigned) e.stream > HULL_LOG_STDERR)
    abort ();
  struct timespec t = { (time_t) (e.ts_ns / 1000000000), (long) (e.ts_ns % 1000000000) };
  if (t.tv_nsec < 0)
    {
      t.tv_nsec += 1000000000;
      t.tv_sec--;
    }
  hull_format_utc (&t, true, ts);
  snprintf (line, sizeof line, "%s stdout F", ts);
  if (!hull_log_parse_line (line, strlen (line), &again) || again.ts_ns != e.ts_ns)
    abort ();
}

/* Everything printed since the last call. */
static char *
take_output (size_t *len)
{
  char *s = NULL;
  hull_error_t err = NULL;

  if (lseek (out_fd, 0, SEEK_SET) < 0 || hull_read_fd (out_fd, "out", &s, len, &err) < 0)
    abort ();
  if (ftruncate (out_fd, 0) < 0 || lseek (out_fd, 0, SEEK_SET) < 0)
    abort ();
  return s;
}

static void
print (const char *name, const struct hull_logs_opts *o)
{
  hull_error_t err = NULL;

  /* reading a regular file into a memfd has no reason to fail */
  if (hull_logs_print (dirfd_, name, o, &err) < 0 || err != NULL)
    abort ();
}

/* DATA as a log file (half of it as ctr.log.1 when the first byte says so). */
static void
check_print (const uint8_t *data, size_t size)
{
  hull_error_t err = NULL;
  unsigned flags = size ? data[0] : 0;
  size_t split = (flags & 8) ? size / 2 : 0, len;
  struct hull_logs_opts o = { .timestamps = flags & 1, .tail = (flags & 2) ? (long) (flags >> 4) : -1,
                              .since_ns = (flags & 4) ? 1767225600LL * 1000000000LL : 0, .out_fd = out_fd,
                              .err_fd = out_fd };

  if (hull_write_file_atomic_at (dirfd_, "ctr.log.1", (const char *) data, split, 0600, &err) < 0
      || hull_write_file_atomic_at (dirfd_, "ctr.log", (const char *) data + split, size - split, 0600, &err) < 0)
    abort ();
  print ("ctr.log", &o);
  free (take_output (&len));
  if (!o.timestamps && len > size)
    abort (); /* without timestamps, only the texts of the input are printed */
}

/* DATA written as the container's stdout, in chunks of 1 to 64 bytes, and printed back. */
static void
check_round_trip (const uint8_t *data, size_t size)
{
  hull_error_t err = NULL;
  struct hull_log_writer *w = NULL;
  struct hull_logs_opts o = { .tail = -1, .out_fd = out_fd, .err_fd = out_fd };
  size_t chunk = size ? data[0] % 64 + 1 : 1, len;

  unlinkat (dirfd_, "rt.log", 0);
  if (hull_log_writer_open (dirfd_, "rt.log", 0, &w, &err) < 0)
    abort ();
  for (size_t i = 0; i < size; i += chunk)
    if (hull_log_write (w, HULL_LOG_STDOUT, (const char *) data + i, size - i < chunk ? size - i : chunk, &err) < 0)
      abort ();
  if (hull_log_writer_close (w, &err) < 0)
    abort ();
  print ("rt.log", &o);
  char *s = take_output (&len);
  if (len != size || memcmp (s, data, size) != 0)
    abort ();
  free (s);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  setup ();
  check_parse ((const char *) data, size);
  check_print (data, size);
  check_round_trip (data, size);
  return 0;
}
