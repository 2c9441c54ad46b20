/* ctr-log.c: writing a container's k8s-file log with its size cap, and parsing one of its
   lines; see ctr-log.h. Reading the log back (hull_logs_print) is in ctr-log-print.c. */
#define _GNU_SOURCE
#include "ctr-log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"

#define PART_MAX 16384  /* a line longer than this is written in P entries of this size */
#define OUT_FLUSH 65536 /* entries gathered before one write() */

struct pending
{
  size_t len;
  char buf[PART_MAX];
};

struct hull_log_writer
{
  int dirfd, fd;
  char *name, *name1; /* NAME and NAME.1 */
  uint64_t max_size, size;
  struct pending part[2]; /* per stream: the line begun, not ended yet */
  char *out;              /* whole entries not yet written */
  size_t out_len, out_cap;
  char ts[HULL_UTC_BUF];  /* the timestamp of the chunk being written */
};

static const char *const stream_names[] = { "stdout", "stderr" };

/* --- the writer ------------------------------------------------------------------------- */

static int
open_append (struct hull_log_writer *w, hull_error_t *err)
{
  struct stat st;

  w->fd = openat (w->dirfd, w->name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (w->fd < 0)
    return hull_error_sys (err, "log `%s`: open", w->name);
  if (fstat (w->fd, &st) < 0)
    return hull_error_sys (err, "log `%s`: stat", w->name);
  if (!S_ISREG (st.st_mode))
    return hull_error (err, 0, "log `%s`: not a regular file", w->name);
  w->size = (uint64_t) st.st_size; /* a restarted container appends to its log */
  return 0;
}

static void
writer_free (struct hull_log_writer *w)
{
  if (w == NULL)
    return;
  hull_closep (&w->fd);
  hull_closep (&w->dirfd);
  free (w->name);
  free (w->name1);
  free (w->out);
  free (w);
}

static void
writer_freep (struct hull_log_writer **w)
{
  writer_free (*w);
}

int
hull_log_writer_open (int dirfd, const char *name, uint64_t max_size, struct hull_log_writer **out,
                      hull_error_t *err)
{
  __attribute__ ((cleanup (writer_freep))) struct hull_log_writer *w = xmalloc0 (sizeof *w);

  w->fd = -1;
  w->name = xstrdup (name);
  w->name1 = xasprintf ("%s.1", name);
  w->max_size = max_size;
  /* our own descriptor of the directory: rotation renames in it long after the caller's
     may be closed */
  w->dirfd = fcntl (dirfd, F_DUPFD_CLOEXEC, 3);
  if (w->dirfd < 0)
    return hull_error_sys (err, "log `%s`: dup the directory", name);
  if (open_append (w, err) < 0)
    return -1;
  *out = hull_steal_ptr (w);
  return 0;
}

static int
flush_out (struct hull_log_writer *w, hull_error_t *err)
{
  if (w->out_len == 0)
    return 0;
  /* O_APPEND, one write() per batch of whole entries: a reader following the file sees
     whole lines, the size below stays true */
  if (hull_write_all (w->fd, w->out, w->out_len, w->name, err) < 0)
    return hull_error_wrap (err, "log");
  w->size += w->out_len;
  w->out_len = 0;
  return 0;
}

/* NAME becomes NAME.1 (replacing the older one) and a new NAME is begun. The rename comes
   first: a reader following NAME keeps reading the old file through its descriptor, sees
   NAME's inode change, drains the old one and moves on. */
static int
rotate (struct hull_log_writer *w, hull_error_t *err)
{
  int old = w->fd;

  if (renameat (w->dirfd, w->name, w->dirfd, w->name1) < 0)
    return hull_error_sys (err, "log `%s`: rename to `%s`", w->name, w->name1);
  if (open_append (w, err) < 0)
    {
      hull_closep (&w->fd);
      w->fd = old; /* go on appending to NAME.1 rather than losing everything */
      return -1;
    }
  close (old);
  w->size = 0;
  return 0;
}

/* Append one entry to the batch, rotating first when it would take the file past the cap
   (an entry alone in a new file may pass it: it is never split for the cap). */
static int
add_entry (struct hull_log_writer *w, enum hull_log_stream stream, bool partial, const char *text, size_t len,
           hull_error_t *err)
{
  size_t ts_len = strlen (w->ts), need = ts_len + 10 + len + 1;

  if (w->max_size > 0 && w->size + w->out_len > 0 && w->size + w->out_len + need > w->max_size
      && (flush_out (w, err) < 0 || rotate (w, err) < 0))
    return -1;
  if (w->out_len + need > w->out_cap)
    {
      w->out_cap = w->out_len + need + OUT_FLUSH;
      w->out = xrealloc (w->out, w->out_cap);
    }
  char *p = w->out + w->out_len;
  memcpy (p, w->ts, ts_len);
  p += ts_len;
  p += sprintf (p, " %s %c ", stream_names[stream], partial ? 'P' : 'F');
  memcpy (p, text, len);
  p[len] = '\n';
  w->out_len += need;
  return w->out_len >= OUT_FLUSH ? flush_out (w, err) : 0;
}

static int
emit_pending (struct hull_log_writer *w, enum hull_log_stream stream, bool partial, hull_error_t *err)
{
  struct pending *p = &w->part[stream];
  int r = add_entry (w, stream, partial, p->buf, p->len, err);
  p->len = 0;
  return r;
}

static void
stamp (struct hull_log_writer *w)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  hull_format_utc (&now, true, w->ts);
}

/* Each piece of BUF up to a newline goes into the stream's pending line; a newline ends it
   as an F entry, a pending line grown to PART_MAX leaves as a P entry. */
int
hull_log_write (struct hull_log_writer *w, enum hull_log_stream stream, const char *buf, size_t len,
                hull_error_t *err)
{
  struct pending *p;

  if ((unsigned) stream > HULL_LOG_STDERR)
    return hull_error (err, 0, "log `%s`: stream %d is neither stdout nor stderr", w->name, (int) stream);
  p = &w->part[stream];
  stamp (w);
  while (len > 0)
    {
      const char *nl = memchr (buf, '\n', len);
      size_t seg = nl ? (size_t) (nl - buf) : len;
      size_t take = seg < PART_MAX - p->len ? seg : PART_MAX - p->len;

      memcpy (p->buf + p->len, buf, take);
      p->len += take;
      buf += take;
      len -= take;
      if (take == seg && nl)
        {
          buf++; /* the newline */
          len--;
          if (emit_pending (w, stream, false, err) < 0)
            return -1;
        }
      else if (p->len == PART_MAX && emit_pending (w, stream, true, err) < 0)
        return -1;
    }
  return flush_out (w, err);
}

int
hull_log_writer_close (struct hull_log_writer *w, hull_error_t *err)
{
  int r = 0;

  if (w == NULL)
    return 0;
  stamp (w);
  for (int s = HULL_LOG_STDOUT; s <= HULL_LOG_STDERR && r == 0; s++)
    if (w->part[s].len > 0)
      r = emit_pending (w, (enum hull_log_stream) s, true, err);
  if (r == 0)
    r = flush_out (w, err);
  if (close (w->fd) < 0 && r == 0)
    r = hull_error_sys (err, "log `%s`: close", w->name);
  w->fd = -1;
  writer_free (w);
  return r;
}

/* --- parsing one line ------------------------------------------------------------------- */

/* The N digits at S as a number, or -1. */
static int
digits (const char *s, size_t n)
{
  int v = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return -1;
      v = v * 10 + (s[i] - '0');
    }
  return v;
}

static int
days_in_month (int y, int m)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to Y-M-D (proleptic Gregorian), in eras of 400 years from 1 March. */
static int64_t
days_from_civil (int y, int m, int d)
{
  int64_t yy = y - (m <= 2);
  int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int64_t yoe = yy - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* RFC 3339 "YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)" at the start of S; its length,
   or 0 when there is none. */
static size_t
parse_rfc3339 (const char *s, size_t len, int64_t *ns)
{
  int y, mo, d, h, mi, sec, off = 0;
  size_t i = 19;
  int64_t frac = 0, secs;

  if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return 0;
  y = digits (s, 4), mo = digits (s + 5, 2), d = digits (s + 8, 2);
  h = digits (s + 11, 2), mi = digits (s + 14, 2), sec = digits (s + 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > days_in_month (y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59
      || sec < 0 || sec > 60)
    return 0;
  if (s[i] == '.')
    {
      size_t n = 0;
      for (i++; i < len && n < 9 && s[i] >= '0' && s[i] <= '9'; i++, n++)
        frac = frac * 10 + (s[i] - '0');
      if (n == 0 || (i < len && s[i] >= '0' && s[i] <= '9'))
        return 0;
      for (; n < 9; n++)
        frac *= 10;
    }
  if (i < len && s[i] == 'Z')
    i++;
  else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':')
    {
      int oh = digits (s + i + 1, 2), om = digits (s + i + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59)
        return 0;
      off = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      i += 6;
    }
  else
    return 0;
  /* years 0000-9999 fit in seconds; in nanoseconds only 1677-2262 do */
  secs = days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
  if (__builtin_mul_overflow (secs, (int64_t) 1000000000, ns) || __builtin_add_overflow (*ns, frac, ns))
    return 0;
  return i;
}

bool
hull_log_parse_line (const char *line, size_t len, struct hull_log_entry *out)
{
  size_t i = parse_rfc3339 (line, len, &out->ts_ns);

  if (i == 0 || len - i < 9 || line[i] != ' ')
    return false;
  i++;
  if (memcmp (line + i, "stdout ", 7) == 0)
    out->stream = HULL_LOG_STDOUT;
  else if (memcmp (line + i, "stderr ", 7) == 0)
    out->stream = HULL_LOG_STDERR;
  else
    return false;
  i += 7;
  if (line[i] != 'F' && line[i] != 'P')
    return false;
  out->partial = line[i] == 'P';
  i++;
  /* the text follows one space; an empty one may have lost its space */
  if (i < len && line[i] != ' ')
    return false;
  i += i < len;
  out->text = line + i;
  out->text_len = len - i;
  return true;
}
