/* test_ctr_log.c: unit tests for lib/engine/ctr-log.c and ctr-log-print.c: k8s-file entries
   for whole, partial, empty and over-long lines, the size cap and its rotation, the line
   parser (malformed lines refused), and printing: P entries joined, --tail, --since,
   --until, -t, ctr.log.1 first, and --follow ending when done() says so, across rotations. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness.h"
#include "core/util.h"
#include "engine/ctr-log.h"

static int dirfd_ = -1;

/* The whole content of DIRFD/NAME ("" when missing). */
static char *
slurp (const char *name)
{
  char *data = NULL;
  size_t len;
  hull_error_t err = NULL;

  if (hull_read_file_at (dirfd_, name, &data, &len, &err) < 0)
    {
      hull_error_free (&err);
      return xstrdup ("");
    }
  return data;
}

static void
put_file (const char *name, const char *data)
{
  hull_error_t err = NULL;
  if (hull_write_file_atomic_at (dirfd_, name, data, strlen (data), 0600, &err) < 0)
    abort ();
}

static size_t
count_lines (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

/* Everything written to the memfd FD so far, and empty it. */
static char *
take (int fd)
{
  char *s = NULL;
  size_t len;
  hull_error_t err = NULL;

  lseek (fd, 0, SEEK_SET);
  if (hull_read_fd (fd, "memfd", &s, &len, &err) < 0)
    abort ();
  if (ftruncate (fd, 0) < 0 || lseek (fd, 0, SEEK_SET) < 0)
    abort ();
  return s;
}

/* Each line of S is an entry of STREAMS[i], F or P as FLAGS[i], with TEXTS[i]. */
static bool
entries_are (const char *s, size_t n, const char *streams, const char *flags, const char *const *texts)
{
  size_t i = 0;

  while (*s)
    {
      const char *nl = strchr (s, '\n');
      struct hull_log_entry e;
      if (nl == NULL || i >= n || !hull_log_parse_line (s, (size_t) (nl - s), &e)
          || (streams[i] == 'o') != (e.stream == HULL_LOG_STDOUT) || (flags[i] == 'P') != e.partial
          || e.text_len != strlen (texts[i]) || memcmp (e.text, texts[i], e.text_len) != 0 || s[30] != ' '
          || s[29] != 'Z' || s[19] != '.')
        return false;
      s = nl + 1;
      i++;
    }
  return i == n;
}

static void
test_writer (void)
{
  hull_error_t err = NULL;
  struct hull_log_writer *w = NULL;
  cleanup_free char *log = NULL;

  T_OK (hull_log_writer_open (dirfd_, "w.log", 0, &w, &err) == 0, "writer opened: %s", err ? err->msg : "");
  T_OK (hull_log_write (w, HULL_LOG_STDOUT, "hello\nwor", 9, &err) == 0
          && hull_log_write (w, HULL_LOG_STDERR, "oops\n\n", 6, &err) == 0
          && hull_log_write (w, HULL_LOG_STDOUT, "ld\nta", 5, &err) == 0
          && hull_log_write (w, HULL_LOG_STDERR, "no newline", 10, &err) == 0,
        "written");
  T_OK (hull_log_writer_close (w, &err) == 0, "closed");
  log = slurp ("w.log");
  static const char *const texts[] = { "hello", "oops", "", "world", "ta", "no newline" };
  T_OK (entries_are (log, 6, "oeeooe", "FFFFPP", texts), "whole lines F, the rest P at close, in order:\n%s", log);
  struct stat st;
  T_OK (fstatat (dirfd_, "w.log", &st, 0) == 0 && (st.st_mode & 0777) == 0600, "the log is 0600");

  /* reopened: appended */
  T_OK (hull_log_writer_open (dirfd_, "w.log", 0, &w, &err) == 0 && hull_log_write (w, HULL_LOG_STDOUT, "more\n", 5, &err) == 0
          && hull_log_writer_close (w, &err) == 0,
        "reopened and appended");
  free (log);
  log = slurp ("w.log");
  T_OK (count_lines (log) == 7 && strstr (log, "stdout F more\n"), "appended after the old entries");

  /* a line past 16 KiB: P entries of 16 KiB, then the rest as F */
  char *big = malloc (40001);
  memset (big, 'x', 40000);
  big[40000] = '\n';
  T_OK (hull_log_writer_open (dirfd_, "big.log", 0, &w, &err) == 0 && hull_log_write (w, HULL_LOG_STDOUT, big, 10000, &err) == 0
          && hull_log_write (w, HULL_LOG_STDOUT, big + 10000, 30001, &err) == 0 && hull_log_writer_close (w, &err) == 0,
        "a 40000-byte line written");
  free (log);
  log = slurp ("big.log");
  {
    char *a = strndup (big, 16384), *b = strndup (big, 40000 - 2 * 16384);
    const char *const t[] = { a, a, b };
    T_OK (entries_are (log, 3, "ooo", "PPF", t), "as P 16384, P 16384, F 7232");
    free (a);
    free (b);
  }
  free (big);
  T_OK (hull_log_writer_open (dirfd_, "nodir/x.log", 0, &w, &err) < 0 && strstr (err->msg, "nodir/x.log"),
        "an open failure names the log: %s", err ? err->msg : "");
  hull_error_free (&err);
}

static void
test_cap (void)
{
  hull_error_t err = NULL;
  struct hull_log_writer *w = NULL;
  struct stat st0, st1;
  char line[64];
  bool ok = true;

  T_OK (hull_log_writer_open (dirfd_, "cap.log", 1000, &w, &err) == 0, "capped writer at 1000 bytes");
  for (int i = 0; i < 200; i++)
    {
      int n = snprintf (line, sizeof line, "line %03d\n", i);
      ok = ok && hull_log_write (w, HULL_LOG_STDOUT, line, (size_t) n, &err) == 0;
    }
  /* and one chunk of many lines at once: rotated inside it */
  {
    char chunk[2000] = "";
    for (int i = 200; i < 300; i++)
      snprintf (chunk + strlen (chunk), sizeof chunk - strlen (chunk), "line %03d\n", i);
    ok = ok && hull_log_write (w, HULL_LOG_STDOUT, chunk, strlen (chunk), &err) == 0;
  }
  T_OK (ok && hull_log_writer_close (w, &err) == 0, "300 lines written: %s", err ? err->msg : "");
  T_OK (fstatat (dirfd_, "cap.log", &st0, 0) == 0 && fstatat (dirfd_, "cap.log.1", &st1, 0) == 0 && st0.st_size <= 1000
          && st1.st_size <= 1000 && st1.st_size > 900 && faccessat (dirfd_, "cap.log.2", F_OK, 0) < 0,
        "two files of at most 1000 bytes (%lld, %lld), no third", (long long) st0.st_size, (long long) st1.st_size);

  /* what is printed is the newest lines, consecutive, ending with the last */
  int out = memfd_create ("out", 0);
  struct hull_logs_opts o = { .tail = -1, .out_fd = out, .err_fd = out };
  T_OK (hull_logs_print (dirfd_, "cap.log", &o, &err) == 0, "printed");
  cleanup_free char *s = take (out);
  size_t n = count_lines (s);
  char expect[16000] = "";
  for (int i = 300 - (int) n; i < 300; i++)
    snprintf (expect + strlen (expect), sizeof expect - strlen (expect), "line %03d\n", i);
  T_OK (n > 30 && n < 60 && strcmp (s, expect) == 0, "cap.log.1 then cap.log: the last %zu lines in order", n);
  close (out);
}

static void
test_parse (void)
{
  struct hull_log_entry e;
  static const char *const bad[] = {
    "",
    "2026-12-01T23:48:02.123456789Z",
    "2026-12-01T23:48:02.123456789Z stdout",
    "2026-12-01T23:48:02.123456789Z stdin F x",
    "2026-12-01T23:48:02.123456789Z stdout X x",
    "2026-12-01T23:48:02.123456789Z stdout Fx",
    "2026-12-01T23:48:02.123456789Z  stdout F x",
    "2026-13-01T23:48:02.123456789Z stdout F x",
    "2026-02-29T23:48:02Z stdout F x",
    "2026-12-01T24:48:02Z stdout F x",
    "2026-12-01 23:48:02Z stdout F x",
    "2026-12-01T23:48:02 stdout F x",
    "2026-12-01T23:48:02.Z stdout F x",
    "2026-12-01T23:48:02.1234567891Z stdout F x",
    "2026-12-01T23:48:02+0100 stdout F x",
    "9999-12-01T23:48:02Z stdout F x",
    "20a6-12-01T23:48:02Z stdout F x",
    "garbage",
  };
  int rejected = 0;

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    rejected += !hull_log_parse_line (bad[i], strlen (bad[i]), &e);
  T_OK (rejected == (int) (sizeof bad / sizeof bad[0]), "%d of %zu malformed lines refused", rejected,
        sizeof bad / sizeof bad[0]);
  const char *l = "2026-12-01T23:48:02.123456789Z stderr P  two spaces ";
  T_OK (hull_log_parse_line (l, strlen (l), &e) && e.stream == HULL_LOG_STDERR && e.partial
          && e.ts_ns == 1796168882123456789LL && e.text_len == 12 && memcmp (e.text, " two spaces ", 12) == 0,
        "an entry parsed, its text kept whole (%lld)", (long long) e.ts_ns);
  l = "2026-12-02T00:48:02.5+01:00 stdout F";
  T_OK (hull_log_parse_line (l, strlen (l), &e) && e.ts_ns == 1796168882500000000LL && e.text_len == 0 && !e.partial,
        "an offset and a short fraction; an empty text without its space");
  l = "1970-01-01T00:00:00Z stdout F a\0b";
  T_OK (hull_log_parse_line (l, 33, &e) && e.ts_ns == 0 && e.text_len == 3, "a NUL in the text is text");
}

/* ctr.log.1 and ctr.log written by hand: known times, both streams, a P entry, a broken line */
#define T(s) "2026-01-01T00:00:0" #s ".000000000Z"
static void
make_fixed_log (void)
{
  put_file ("p.log.1", T (1) " stdout F one\n" T (2) " stderr F err-two\n" "broken line\n");
  put_file ("p.log", T (3) " stdout P thr\n" T (4) " stderr F err-four\n" T (5) " stdout P e\n" T (6) " stdout F e!\n"
                     T (7) " stdout F five\n" T (8) " stdout P unfinished");
}

static char *
print (struct hull_logs_opts o, int out, int errfd, char **err_text)
{
  hull_error_t err = NULL;
  o.out_fd = out;
  o.err_fd = errfd;
  if (hull_logs_print (dirfd_, "p.log", &o, &err) < 0)
    {
      printf ("# %s\n", err->msg);
      hull_error_free (&err);
    }
  if (err_text)
    *err_text = take (errfd);
  return take (out);
}

static void
test_print (void)
{
  int out = memfd_create ("out", 0), errfd = memfd_create ("err", 0);
  const int64_t base = 1767225600LL * 1000000000LL; /* 2026-01-01T00:00:00Z */
  char *s, *e;

  make_fixed_log ();
  s = print ((struct hull_logs_opts) { .tail = -1 }, out, errfd, &e);
  T_OK (strcmp (s, "one\nthree!\nfive\nunfinished") == 0 && strcmp (e, "err-two\nerr-four\n") == 0,
        "both files, streams apart, P entries joined, the broken line skipped: [%s] [%s]", s, e);
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = -1 }, out, out, NULL);
  T_OK (strcmp (s, "one\nerr-two\nthrerr-four\nee!\nfive\nunfinished") == 0, "one fd: in the file's order: [%s]", s);
  free (s);
  s = print ((struct hull_logs_opts) { .tail = 2 }, out, errfd, &e);
  T_OK (strcmp (s, "five\nunfinished") == 0 && strcmp (e, "") == 0, "--tail 2: the last two lines: [%s]", s);
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = 4 }, out, errfd, &e);
  T_OK (strcmp (s, "three!\nfive\nunfinished") == 0 && strcmp (e, "err-four\n") == 0,
        "--tail 4: both streams counted, a joined line once: [%s] [%s]", s, e);
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = 0 }, out, errfd, &e);
  T_OK (strcmp (s, "") == 0 && strcmp (e, "") == 0, "--tail 0: nothing");
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = 100 }, out, errfd, &e);
  T_OK (strcmp (s, "one\nthree!\nfive\nunfinished") == 0 && strcmp (e, "err-two\nerr-four\n") == 0, "--tail 100: all");
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = -1, .since_ns = base + 3000000000LL, .until_ns = base + 7000000000LL },
             out, errfd, &e);
  T_OK (strcmp (s, "three!\n") == 0 && strcmp (e, "err-four\n") == 0, "--since 3s --until 7s: [%s] [%s]", s, e);
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = -1, .since_ns = base + 4000000000LL, .until_ns = base + 8000000000LL },
             out, errfd, &e);
  T_OK (strcmp (s, "five\n") == 0 && strcmp (e, "err-four\n") == 0,
        "--since 4s --until 8s: a line is in the window by its first entry: [%s] [%s]", s, e);
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = 1, .since_ns = base + 2000000000LL, .until_ns = base + 7000000000LL },
             out, errfd, &e);
  T_OK (strcmp (s, "") == 0 && strcmp (e, "err-four\n") == 0, "--tail 1 counts in the window: [%s] [%s]", s, e);
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = 1, .timestamps = true }, out, errfd, &e);
  T_OK (strcmp (s, "2026-01-01T00:00:08.000000000Z unfinished") == 0 && strcmp (e, "") == 0, "-t: the timestamp first: [%s]",
        s);
  free (s);
  free (e);
  s = print ((struct hull_logs_opts) { .tail = -1, .timestamps = true }, out, errfd, &e);
  T_OK (strstr (s, "2026-01-01T00:00:03.000000000Z three!\n") != NULL, "-t: a joined line has one timestamp, its first");
  free (s);
  free (e);

  hull_error_t err = NULL;
  struct hull_logs_opts o = { .tail = -1, .out_fd = out, .err_fd = errfd };
  T_OK (hull_logs_print (dirfd_, "missing.log", &o, &err) == 0, "a missing log prints nothing, no error");
  close (out);
  close (errfd);
}

/* --- following -------------------------------------------------------------------------- */

struct script
{
  struct hull_log_writer *w;
  int calls;
  ino_t before;        /* f.log's inode before the burst */
  bool twice_rotated;  /* after it, f.log.1 is another file: two rotations came at once */
};

static ino_t
inode_at (const char *name)
{
  struct stat st;
  return fstatat (dirfd_, name, &st, 0) == 0 ? st.st_ino : 0;
}

/* Called when the follower found nothing new: write more, rotate (twice at once), then end. */
static bool
step (void *arg)
{
  struct script *sc = arg;
  hull_error_t err = NULL;
  char buf[4096];

  switch (sc->calls++)
    {
    case 0:
      if (hull_log_writer_open (dirfd_, "f.log", 2000, &sc->w, &err) < 0) /* the log appears only now */
        abort ();
      hull_log_write (sc->w, HULL_LOG_STDOUT, "first\n", 6, &err);
      return false;
    case 1:
      hull_log_write (sc->w, HULL_LOG_STDERR, "half ", 5, &err);
      sc->before = inode_at ("f.log");
      return false;
    case 2:
      /* 30 entries of 138 bytes, 14 to a file: two rotations before the follower looks again */
      for (int i = 0; i < 30; i++)
        {
          int n = snprintf (buf, sizeof buf, "line %02d %s\n", i, "........................................................................................");
          hull_log_write (sc->w, HULL_LOG_STDOUT, buf, (size_t) n, &err);
        }
      sc->twice_rotated = inode_at ("f.log.1") != sc->before && inode_at ("f.log") != sc->before;
      return false;
    case 3:
      hull_log_write (sc->w, HULL_LOG_STDERR, "done\n", 5, &err);
      hull_log_write (sc->w, HULL_LOG_STDOUT, "last", 4, &err);
      hull_log_writer_close (sc->w, &err); /* the container ended: then done() says so */
      return true;
    default:
      return true;
    }
}

static void
test_follow (void)
{
  hull_error_t err = NULL;
  int out = memfd_create ("out", 0), errfd = memfd_create ("err", 0);
  struct script sc = { NULL, 0, 0, false };
  struct hull_logs_opts o = { .tail = -1, .follow = true, .done = step, .done_arg = &sc, .out_fd = out, .err_fd = errfd };
  char expect[8192] = "first\n";

  T_OK (hull_logs_print (dirfd_, "f.log", &o, &err) == 0 && sc.calls == 4, "follow ended when done() said so (%d calls)",
        sc.calls);
  cleanup_free char *s = take (out);
  cleanup_free char *e = take (errfd);
  for (int i = 0; i < 30; i++)
    snprintf (expect + strlen (expect), sizeof expect - strlen (expect), "line %02d %s\n", i,
              "........................................................................................");
  strcat (expect, "last");
  T_OK (sc.twice_rotated && strcmp (s, expect) == 0, "every stdout line, across two rotations at once, the last one drained (%zu bytes)",
        strlen (s));
  T_OK (strcmp (e, "half done\n") == 0, "stderr's partial line joined with its end: [%s]", e);

  /* following with --tail 1 an existing log that is already complete */
  sc.calls = 4;
  o.tail = 1;
  T_OK (hull_logs_print (dirfd_, "f.log", &o, &err) == 0, "followed a finished log");
  free (s);
  s = take (out);
  T_OK (strcmp (s, "last") == 0, "--tail 1 -f: the last line, then the end: [%s]", s);
  close (out);
  close (errfd);
}

/* A child process writes 3000 lines through a capped writer while we follow; done() is its
   exit. The lines printed come in order, none twice, the last one among them. (A follower
   descheduled through three rotations could miss a whole file, so none is required.) */
static bool
child_exited (void *arg)
{
  pid_t *pid = arg;
  int st;
  return waitpid (*pid, &st, WNOHANG) == *pid;
}

static void
test_follow_process (void)
{
  hull_error_t err = NULL;
  int out = memfd_create ("out", 0);
  pid_t pid = fork ();

  if (pid == 0)
    {
      struct hull_log_writer *w = NULL;
      char line[64];
      if (hull_log_writer_open (dirfd_, "g.log", 40000, &w, &err) < 0)
        _exit (1);
      for (int i = 0; i < 3000; i++)
        {
          int n = snprintf (line, sizeof line, "%d\n", i);
          if (hull_log_write (w, i % 7 ? HULL_LOG_STDOUT : HULL_LOG_STDERR, line, (size_t) n, &err) < 0)
            _exit (1);
        }
      _exit (hull_log_writer_close (w, &err) < 0);
    }
  struct hull_logs_opts o = { .tail = -1, .follow = true, .done = child_exited, .done_arg = &pid, .out_fd = out,
                              .err_fd = out };
  T_OK (pid > 0 && hull_logs_print (dirfd_, "g.log", &o, &err) == 0, "followed a writing process to its end");
  cleanup_free char *s = take (out);
  int last = -1, n = 0;
  bool ordered = true;
  for (char *p = s; *p; p = strchr (p, '\n') + 1)
    {
      int v = atoi (p);
      ordered = ordered && v > last && strchr (p, '\n');
      last = v;
      n++;
      if (!strchr (p, '\n'))
        break;
    }
  T_OK (ordered && last == 2999, "%d lines, in order, none twice, the last one there", n);
  close (out);
}

int
main (void)
{
  char dir[] = "/tmp/hull-test-log-XXXXXX";
  hull_error_t err = NULL;

  if (mkdtemp (dir) == NULL || (dirfd_ = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return 1;
  test_writer ();
  test_cap ();
  test_parse ();
  test_print ();
  test_follow ();
  test_follow_process ();
  close (dirfd_);
  hull_rm_rf_at (AT_FDCWD, dir, &err);
  hull_error_free (&err);
  return hull_test_done ();
}
