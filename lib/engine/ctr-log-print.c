/* ctr-log-print.c: `hull logs`: a container's log (NAME.1, then NAME) printed line by line,
   filtered by time and --tail, and followed as it grows, across rotations; see ctr-log.h.
   Entries are streamed: a logical line (P entries of a stream, then its F entry) is kept or
   dropped as a whole when its first entry is read, so memory stays one read buffer. */
#define _GNU_SOURCE
#include "ctr-log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"

#define READ_CHUNK 65536
#define LINE_MAX_LEN (256 * 1024) /* a longer line is not one of ours: it is skipped */
#define OUT_BUF 65536
#define WAIT_MS 250               /* the longest wait between two polls of done() */

/* Lines read from one file at a time. */
struct line_src
{
  int fd;
  char *buf;
  size_t cap, start, end;
  bool skipping; /* inside a line past LINE_MAX_LEN: drop up to its newline */
};

struct printer
{
  const struct hull_logs_opts *o;
  const char *name;
  bool counting;         /* the first pass of --tail: only count */
  long seen, skip;       /* logical lines in the time window so far; how many to drop first */
  bool open[2], keep[2]; /* per stream: a P entry began a line; whether that line prints */
  int out_fd;            /* whose bytes are in out */
  size_t out_len;
  char out[OUT_BUF];
};

/* --- output ----------------------------------------------------------------------------- */

static int
write_out (struct printer *pr, int fd, const char *s, size_t len, hull_error_t *err)
{
  if (hull_write_all (fd, s, len, fd == pr->o->err_fd ? "stderr" : "stdout", err) < 0)
    return hull_error_wrap (err, "logs `%s`", pr->name);
  return 0;
}

static int
flush (struct printer *pr, hull_error_t *err)
{
  size_t len = pr->out_len;

  pr->out_len = 0;
  return len > 0 ? write_out (pr, pr->out_fd, pr->out, len, err) : 0;
}

/* Buffered, one buffer for both streams: bytes of the other stream flush it first, so the
   order between stdout and stderr entries is kept when both go to one terminal. */
static int
put (struct printer *pr, int fd, const char *s, size_t len, hull_error_t *err)
{
  if ((pr->out_len > 0 && pr->out_fd != fd) || pr->out_len + len > sizeof pr->out)
    if (flush (pr, err) < 0)
      return -1;
  pr->out_fd = fd;
  if (len > sizeof pr->out)
    return write_out (pr, fd, s, len, err);
  memcpy (pr->out + pr->out_len, s, len);
  pr->out_len += len;
  return 0;
}

static int
put_timestamp (struct printer *pr, int fd, int64_t ns, hull_error_t *err)
{
  struct timespec ts = { (time_t) (ns / 1000000000), (long) (ns % 1000000000) };
  char buf[HULL_UTC_BUF];

  if (ts.tv_nsec < 0)
    {
      ts.tv_nsec += 1000000000;
      ts.tv_sec--;
    }
  hull_format_utc (&ts, true, buf);
  size_t n = strlen (buf);
  buf[n++] = ' ';
  return put (pr, fd, buf, n, err);
}

/* --- entries ---------------------------------------------------------------------------- */

static bool
in_window (const struct hull_logs_opts *o, int64_t ts)
{
  return (o->since_ns == 0 || ts >= o->since_ns) && (o->until_ns == 0 || ts < o->until_ns);
}

/* One line of the file: a line that is not an entry is skipped (a torn write, say). */
static int
handle_line (struct printer *pr, const char *line, size_t len, hull_error_t *err)
{
  struct hull_log_entry e;
  bool first;
  int s, fd;

  if (!hull_log_parse_line (line, len, &e))
    return 0;
  s = e.stream;
  first = !pr->open[s];
  if (first)
    {
      bool keep = in_window (pr->o, e.ts_ns);
      if (keep)
        keep = pr->seen++ >= pr->skip;
      pr->keep[s] = keep;
    }
  pr->open[s] = e.partial;
  if (pr->counting || !pr->keep[s])
    return 0;
  fd = s == HULL_LOG_STDOUT ? pr->o->out_fd : pr->o->err_fd;
  if (first && pr->o->timestamps && put_timestamp (pr, fd, e.ts_ns, err) < 0)
    return -1;
  if (put (pr, fd, e.text, e.text_len, err) < 0)
    return -1;
  return e.partial ? 0 : put (pr, fd, "\n", 1, err);
}

/* --- reading ---------------------------------------------------------------------------- */

static void
src_reset (struct line_src *src, int fd)
{
  src->fd = fd;
  src->start = src->end = 0;
  src->skipping = false;
}

/* The complete lines in the buffer; an over-long unfinished one is dropped. */
static int
handle_lines (struct printer *pr, struct line_src *src, hull_error_t *err)
{
  char *nl;

  while ((nl = memchr (src->buf + src->start, '\n', src->end - src->start)) != NULL)
    {
      size_t len = (size_t) (nl - (src->buf + src->start));
      if (!src->skipping && handle_line (pr, src->buf + src->start, len, err) < 0)
        return -1;
      src->skipping = false;
      src->start += len + 1;
    }
  if (src->end - src->start >= LINE_MAX_LEN)
    {
      src->skipping = true;
      src->start = src->end;
    }
  memmove (src->buf, src->buf + src->start, src->end - src->start);
  src->end -= src->start;
  src->start = 0;
  return 0;
}

/* Read SRC to its end for now, handling each whole line; FINAL: the file will not grow, so
   an unfinished last line is handled too. */
static int
drain (struct printer *pr, struct line_src *src, bool final, hull_error_t *err)
{
  for (;;)
    {
      if (src->cap - src->end < READ_CHUNK)
        {
          src->cap = src->end + READ_CHUNK;
          src->buf = xrealloc (src->buf, src->cap);
        }
      ssize_t n = read (src->fd, src->buf + src->end, src->cap - src->end);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hull_error_sys (err, "logs `%s`: read", pr->name);
      if (n == 0)
        break;
      src->end += (size_t) n;
      if (handle_lines (pr, src, err) < 0)
        return -1;
    }
  if (final && src->end > 0)
    {
      int r = src->skipping ? 0 : handle_line (pr, src->buf, src->end, err);
      src_reset (src, src->fd);
      return r;
    }
  return 0;
}

/* Drain FD to its end, then close it. */
static int
drain_file (struct printer *pr, struct line_src *src, int *fd, hull_error_t *err)
{
  int r;

  src_reset (src, *fd);
  r = drain (pr, src, true, err);
  hull_closep (fd);
  return r;
}

/* --- the files -------------------------------------------------------------------------- */

static int
open_log (int dirfd, const char *name, int *fd, hull_error_t *err)
{
  *fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (*fd < 0 && errno != ENOENT)
    return hull_error_sys (err, "logs `%s`: open", name);
  return 0;
}

/* The inode of DIRFD/NAME (0 when it is missing) or of FD. */
static ino_t
inode_of (int dirfd, const char *name, int fd)
{
  struct stat st;
  int r = name ? fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) : fstat (fd, &st);
  return r == 0 ? st.st_ino : 0;
}

/* NAME.1 and NAME as one consistent pair: a rotation between the two opens would give the
   same file twice, so NAME.1 is looked at again and the pair opened again if it changed. */
static int
open_pair (int dirfd, const char *name, const char *name1, int *fd1, int *fd, hull_error_t *err)
{
  for (int attempt = 0;; attempt++)
    {
      if (open_log (dirfd, name1, fd1, err) < 0)
        return -1;
      if (open_log (dirfd, name, fd, err) < 0)
        {
          hull_closep (fd1);
          return -1;
        }
      ino_t then = *fd1 >= 0 ? inode_of (dirfd, NULL, *fd1) : 0;
      if (inode_of (dirfd, name1, -1) == then || attempt == 3)
        return 0;
      hull_closep (fd1);
      hull_closep (fd);
    }
}

/* --- following -------------------------------------------------------------------------- */

struct follow
{
  int dirfd;
  const char *name, *name1;
  int fd, inotify_fd;
  ino_t ino;
};

/* An inotify watch on the directory wakes us when a log file changes; without one (no
   inotify instance left, say) a short sleep does. */
static void
watch_dir (struct follow *f)
{
  char path[64];

  f->inotify_fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (f->inotify_fd < 0)
    return;
  snprintf (path, sizeof path, "/proc/self/fd/%d", f->dirfd);
  if (inotify_add_watch (f->inotify_fd, path, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE) < 0)
    hull_closep (&f->inotify_fd);
}

static void
wait_for_change (struct follow *f)
{
  char events[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  struct pollfd p = { f->inotify_fd, POLLIN, 0 };

  if (f->inotify_fd < 0)
    {
      struct timespec ts = { 0, 100 * 1000000L };
      nanosleep (&ts, NULL);
      return;
    }
  if (poll (&p, 1, WAIT_MS) > 0)
    while (read (f->inotify_fd, events, sizeof events) > 0)
      ; /* which file changed does not matter: the caller looks */
}

/* NAME has a new inode: ours was rotated to NAME.1. Read ours to its end, then NAME.1 too when
   it is not ours (a second rotation came before we looked), then begin the new NAME. */
static int
after_rotation (struct printer *pr, struct line_src *src, struct follow *f, hull_error_t *err)
{
  int fd1 = -1, r;

  r = drain (pr, src, true, err); /* the bytes already read from it stay in SRC */
  hull_closep (&f->fd);
  if (r < 0)
    return -1;
  ino_t ino1 = inode_of (f->dirfd, f->name1, -1);
  if (ino1 != 0 && ino1 != f->ino)
    {
      if (open_log (f->dirfd, f->name1, &fd1, err) < 0)
        return -1;
      if (fd1 >= 0 && drain_file (pr, src, &fd1, err) < 0)
        return -1;
    }
  f->ino = 0;
  return 0;
}

/* Open NAME when it is there (it may not be yet: before the writer's first open, or between
   a rotation's rename and its open). */
static int
reopen (struct printer *pr, struct line_src *src, struct follow *f, hull_error_t *err)
{
  if (open_log (f->dirfd, f->name, &f->fd, err) < 0)
    return -1;
  if (f->fd >= 0)
    {
      f->ino = inode_of (f->dirfd, NULL, f->fd);
      src_reset (src, f->fd);
    }
  return 0;
}

static int64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* After the first read: read what comes, until DONE says the container ended (or --until is
   past) and one more round found nothing left. DONE is asked only when no new bytes came. */
static int
follow (struct printer *pr, struct line_src *src, struct follow *f, hull_error_t *err)
{
  const struct hull_logs_opts *o = pr->o;
  bool ended = false;

  watch_dir (f);
  for (;;)
    {
      if (f->fd < 0 && reopen (pr, src, f, err) < 0)
        return -1;
      if (f->fd >= 0)
        {
          if (drain (pr, src, ended, err) < 0)
            return -1;
          if (inode_of (f->dirfd, f->name, -1) != f->ino)
            {
              if (after_rotation (pr, src, f, err) < 0)
                return -1;
              continue;
            }
        }
      if (flush (pr, err) < 0)
        return -1;
      if (ended)
        return 0;
      if ((o->done && o->done (o->done_arg)) || (o->until_ns != 0 && now_ns () >= o->until_ns))
        {
          ended = true; /* one more round: what was written before the end */
          continue;
        }
      wait_for_change (f);
    }
}

/* --- the whole ------------------------------------------------------------------------- */

/* One pass over NAME.1 and NAME from their start; NAME is left open at its end. */
static int
pass (struct printer *pr, struct line_src *src, int fd1, int fd, hull_error_t *err)
{
  pr->seen = 0;
  pr->open[0] = pr->open[1] = false;
  if (fd1 >= 0)
    {
      if (lseek (fd1, 0, SEEK_SET) < 0)
        return hull_error_sys (err, "logs `%s.1`: seek", pr->name);
      src_reset (src, fd1);
      if (drain (pr, src, true, err) < 0)
        return -1;
    }
  if (fd < 0)
    return 0;
  if (lseek (fd, 0, SEEK_SET) < 0)
    return hull_error_sys (err, "logs `%s`: seek", pr->name);
  src_reset (src, fd);
  return drain (pr, src, !pr->o->follow, err);
}

int
hull_logs_print (int dirfd, const char *name, const struct hull_logs_opts *o, hull_error_t *err)
{
  cleanup_free struct printer *pr = xmalloc0 (sizeof *pr);
  cleanup_free char *name1 = xasprintf ("%s.1", name);
  struct line_src src = { -1, NULL, 0, 0, 0, false };
  struct follow f = { dirfd, name, name1, -1, -1, 0 };
  cleanup_close int fd1 = -1;
  int r;

  pr->o = o;
  pr->name = name;
  pr->out_fd = o->out_fd;
  if (open_pair (dirfd, name, name1, &fd1, &f.fd, err) < 0)
    return -1;
  r = 0;
  if (o->tail >= 0)
    {
      /* count the lines in the window first, then print from the tail's first */
      pr->counting = true;
      r = pass (pr, &src, fd1, f.fd, err);
      pr->skip = pr->seen > o->tail ? pr->seen - o->tail : 0;
      pr->counting = false;
    }
  if (r == 0)
    r = pass (pr, &src, fd1, f.fd, err);
  if (r == 0 && f.fd >= 0)
    f.ino = inode_of (dirfd, NULL, f.fd);
  if (r == 0 && o->follow)
    r = follow (pr, &src, &f, err);
  if (r == 0)
    r = flush (pr, err);
  hull_closep (&f.fd);
  hull_closep (&f.inotify_fd);
  free (src.buf);
  return r;
}
