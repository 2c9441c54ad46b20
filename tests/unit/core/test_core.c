/* test_core.c: unit tests for lib/core (errors, files, passwd, UTC time) and the runtime's
   signal names, state helpers, ps filter and --interval durations. lib/linux has
   tests/unit/linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../harness.h"
#include "core/error.h"
#include "core/util.h"
#include "runtime/container.h"
#include "runtime/state.h"

static void
test_errors (void)
{
  hull_error_t err = NULL;
  T_OK (hull_error (&err, ENOENT, "open `%s`", "x") == -1, "hull_error returns -1");
  T_OK (strcmp (err->msg, "open `x`: No such file or directory") == 0, "message carries errno text: %s", err->msg);
  hull_error (&err, 0, "second");
  T_OK (strstr (err->msg, "open") != NULL, "first error kept");
  hull_error_wrap (&err, "create `%s`", "c1");
  T_OK (strncmp (err->msg, "create `c1`: open", 17) == 0, "wrap prefixes context");
  hull_error_free (&err);
  T_OK (err == NULL, "free clears");
}

static void
test_files (void)
{
  char tmpl[] = "/tmp/hull-unit-XXXXXX";
  char *dir = mkdtemp (tmpl);
  hull_error_t err = NULL;
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY);
  cleanup_free char *back = NULL;
  size_t len;

  T_OK (hull_write_file_atomic_at (dfd, "f", "hello", 5, 0600, &err) == 0, "atomic write");
  T_OK (hull_read_file_at (dfd, "f", &back, &len, &err) == 0 && len == 5 && strcmp (back, "hello") == 0, "read back");
  {
    char tmpname[64];
    snprintf (tmpname, sizeof tmpname, ".f.tmp-%d", (int) getpid ());
    T_OK (faccessat (dfd, tmpname, F_OK, 0) < 0, "no temp file left");
  }
  mkdirat (dfd, "d", 0700);
  mkdirat (dfd, "d/e", 0700);
  hull_write_file_atomic_at (dfd, "d/e/g", "x", 1, 0600, &err);
  T_OK (hull_rm_rf_at (dfd, "d", &err) == 0 && faccessat (dfd, "d", F_OK, 0) < 0, "rm -rf removes a tree");
  T_OK (hull_read_file_at (dfd, "missing", &back, &len, &err) < 0 && err->errno_ == ENOENT, "missing file errors");
  hull_error_free (&err);
  hull_rm_rf_at (AT_FDCWD, dir, &err);
}

static void
test_signals (void)
{
  T_OK (hull_signal_parse ("TERM") == SIGTERM, "TERM");
  T_OK (hull_signal_parse ("SIGKILL") == SIGKILL, "SIGKILL");
  T_OK (hull_signal_parse ("9") == 9, "number");
  T_OK (hull_signal_parse ("sigusr1") == SIGUSR1, "case-insensitive");
  T_OK (hull_signal_parse ("RTMIN+2") == SIGRTMIN + 2, "RTMIN+2");
  T_OK (hull_signal_parse ("NOPE") < 0 && hull_signal_parse ("0") < 0 && hull_signal_parse ("") < 0 && hull_signal_parse ("999") < 0, "bad names refused");
}

static void
test_state (void)
{
  hull_error_t err = NULL;
  unsigned long long st1, st2;
  bool zombie = true;
  T_OK (hull_state_check_id ("abc-1.2_x+y", &err) == 0, "valid id");
  T_OK (hull_state_check_id ("../x", &err) < 0, "slash refused");
  hull_error_free (&err);
  T_OK (hull_state_check_id ("..", &err) < 0, "dot-dot refused");
  hull_error_free (&err);
  T_OK (hull_state_check_id ("", &err) < 0, "empty refused");
  hull_error_free (&err);
  T_OK (hull_proc_start_time (getpid (), &st1, &zombie) == 0 && !zombie, "own start time read");
  T_OK (hull_proc_start_time (getpid (), &st2, NULL) == 0 && st1 == st2, "stable");
  T_OK (hull_proc_start_time (0x7ffffff0, &st2, NULL) < 0, "missing pid");
}

static void
test_passwd (void)
{
  char path[] = "/tmp/hull-unit-passwd-XXXXXX";
  int fd = mkstemp (path);
  FILE *f = fd >= 0 ? fdopen (fd, "w") : NULL;
  cleanup_free char *long_home = xmalloc0 (3001);
  char *v;

  memset (long_home, 'h', 3000);
  long_home[0] = '/';
  if (f == NULL)
    abort ();
  fprintf (f, "# a comment line\nbroken:x::0::/nowhere:/bin/sh\nroot:x:0:0:root:/root:/bin/sh\n");
  fprintf (f, "app:x:1000:1000::%s:/bin/sh\nshort:x:1001\nnohome:x:1002:1002::\n", long_home);
  fclose (f);
  v = hull_passwd_field (path, 0, 0);
  T_OK (v && strcmp (v, "root") == 0, "passwd: name of uid 0 (an empty uid field does not count as 0): %s", v);
  free (v);
  v = hull_passwd_field (path, 0, 5);
  T_OK (v && strcmp (v, "/root") == 0, "passwd: home of uid 0: %s", v);
  free (v);
  v = hull_passwd_field (path, 1000, 5);
  T_OK (v && strcmp (v, long_home) == 0, "passwd: a line longer than any fixed buffer is read whole");
  free (v);
  v = hull_passwd_field (path, 1001, 5);
  T_OK (v == NULL, "passwd: a line without the field gives NULL");
  v = hull_passwd_field (path, 1002, 5);
  T_OK (v && v[0] == '\0', "passwd: an empty field is empty, not missing");
  free (v);
  T_OK (hull_passwd_field (path, 4242, 0) == NULL, "passwd: an unknown uid gives NULL");
  T_OK (hull_passwd_field ("/nonexistent/passwd", 0, 0) == NULL, "passwd: a missing file gives NULL");
  unlink (path);
}

static void
test_format_utc (void)
{
  static const long long at[] = { 0, -1, 951782400, 951868800, 1709251199, 4102444800LL, -11676096000LL, 253402300799LL };
  int bad = 0;
  char mine[HULL_UTC_BUF], theirs[64];
  struct timespec ts = { 1795406706, 123 };

  for (long long t = -5000000000LL; t < 20000000000LL; t += 86399 * 7 + 13)
    for (size_t i = 0; i <= sizeof at / sizeof at[0]; i++)
      {
        time_t tt = i < sizeof at / sizeof at[0] ? at[i] : t;
        struct timespec one = { tt, 0 };
        struct tm tm;
        if (i < sizeof at / sizeof at[0] && t != -5000000000LL)
          continue;
        gmtime_r (&tt, &tm);
        strftime (theirs, sizeof theirs, "%Y-%m-%dT%H:%M:%SZ", &tm);
        hull_format_utc (&one, false, mine);
        bad += strcmp (mine, theirs) != 0;
      }
  T_OK (bad == 0, "format_utc: agrees with gmtime_r from 1811 to 2603 (%d differ)", bad);
  hull_format_utc (&ts, true, mine);
  T_OK (strcmp (mine, "2026-11-23T04:05:06.000000123Z") == 0, "format_utc: nanoseconds: %s", mine);
}

static void
test_ps_filter (void)
{
  static const char ps_ef[] = "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                              "root           1       0  0 10:00 ?        00:00:01 /sbin/init\n"
                              "root       20809       1  0 21:14 ?        00:00:00 sleep 1000\n"
                              "\n"
                              "root       20820   20809  0 21:14 ?        00:00:00 sh -c 20809 1\n";
  const pid_t pids[] = { 20820, 20809 };
  hull_error_t err = NULL;
  char *out = NULL;

  T_OK (hull_ps_filter (ps_ef, pids, 2, &out, &err) == 0 && out
          && strcmp (out, "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                          "root       20809       1  0 21:14 ?        00:00:00 sleep 1000\n"
                          "root       20820   20809  0 21:14 ?        00:00:00 sh -c 20809 1\n")
               == 0,
        "ps filter: the header and the lines whose PID column is the container's");
  free (out);
  out = NULL;
  T_OK (hull_ps_filter ("  PID COMMAND\n    1 init\n20809 sleep", pids, 2, &out, &err) == 0 && out
          && strcmp (out, "  PID COMMAND\n20809 sleep\n") == 0,
        "ps filter: PID first, a last line without a newline");
  free (out);
  out = NULL;
  T_OK (hull_ps_filter ("  PID COMMAND\n    1 init\n", pids, 0, &out, &err) == 0 && strcmp (out, "  PID COMMAND\n") == 0,
        "ps filter: no pids, the header alone");
  free (out);
  out = NULL;
  T_OK (hull_ps_filter ("COMMAND\nsleep\n", pids, 2, &out, &err) < 0 && strstr (err->msg, "PID column")
          && strstr (err->msg, "COMMAND") && out == NULL,
        "ps filter: no PID column is an error showing the header: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_ps_filter ("", pids, 2, &out, &err) < 0, "ps filter: no output at all");
  hull_error_free (&err);
  T_OK (hull_ps_filter ("  PID CMD\n  abc x\n", pids, 2, &out, &err) < 0 && strstr (err->msg, "abc"),
        "ps filter: a line without a pid in the column is an error: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_ps_filter ("USER PID\nroot\n", pids, 2, &out, &err) < 0, "ps filter: a line too short");
  hull_error_free (&err);
}

static void
test_durations (void)
{
  static const struct
  {
    const char *s;
    unsigned long long ns;
  } good[] = { { "5s", 5000000000ULL },      { "500ms", 500000000ULL },   { "1m", 60000000000ULL },
               { "1m30s", 90000000000ULL },  { "1.5h", 5400000000000ULL }, { "250us", 250000ULL },
               { "250\u00b5s", 250000ULL },  { "7ns", 7 },                { "5", 5000000000ULL },
               { "0.25", 250000000ULL },     { ".5s", 500000000ULL },     { "2.s", 2000000000ULL },
               { "1h2m3s4ms", 3723004000000ULL }, { "0", 0 } };
  static const char *const bad[] = { "", "s", "5x", "-5s", "+5s", "5 s", "1m30", "5s5", ".s", "99999999999h",
                                     "18446744073709551616ns", "1e3s", NULL };
  unsigned long long ns;
  int wrong = 0;

  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    if (hull_parse_duration (good[i].s, &ns) < 0 || ns != good[i].ns)
      {
        printf ("# %s: %llu\n", good[i].s, ns);
        wrong++;
      }
  T_OK (wrong == 0, "durations: Go's forms and plain seconds (%d wrong)", wrong);
  wrong = 0;
  for (size_t i = 0; bad[i]; i++)
    if (hull_parse_duration (bad[i], &ns) == 0)
      {
        printf ("# `%s` accepted: %llu\n", bad[i], ns);
        wrong++;
      }
  T_OK (wrong == 0, "durations: malformed or too long ones refused (%d accepted)", wrong);
}

int
main (void)
{
  test_errors ();
  test_files ();
  test_signals ();
  test_state ();
  test_passwd ();
  test_format_utc ();
  test_ps_filter ();
  test_durations ();
  return hull_test_done ();
}
