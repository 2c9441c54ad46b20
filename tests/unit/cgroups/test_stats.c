/* test_stats.c: the statistics module (lib/cgroups/stats.h) and the event JSON made from it
   (lib/runtime/events.h): the file parsers fed with text, then whole readings of v1, v2 and
   hybrid groups laid out as plain files in a temporary directory. Needs no root. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../harness.h"
#include "cgroups/stats.h"
#include "core/util.h"
#include "runtime/events.h"

static char *tmp; /* the temporary directory */

/* ---- parsers ---------------------------------------------------------------------------- */

static void
test_parse_u64 (void)
{
  hull_error_t err = NULL;
  unsigned long long v = 1;

  T_OK (hull_stats_parse_u64 ("42\n", 0, "f", &v, &err) == 0 && v == 42, "u64: a number and its newline");
  T_OK (hull_stats_parse_u64 ("max\n", 0, "pids.max", &v, &err) == 0 && v == 0, "u64: max gives the value asked for");
  T_OK (hull_stats_parse_u64 ("max", ~0ULL, "memory.max", &v, &err) == 0 && v == ~0ULL, "u64: max as UINT64_MAX");
  T_OK (hull_stats_parse_u64 ("18446744073709551615\n", 0, "f", &v, &err) == 0 && v == ~0ULL, "u64: the largest");
  T_OK (hull_stats_parse_u64 ("12 kB", 0, "memory.x", &v, &err) < 0 && strstr (err->msg, "memory.x")
          && strstr (err->msg, "12 kB"),
        "u64: garbage is refused naming the file and the text: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_stats_parse_u64 ("", 0, "f", &v, &err) < 0, "u64: an empty file is refused");
  hull_error_free (&err);
  T_OK (hull_stats_parse_u64 ("18446744073709551616", 0, "f", &v, &err) < 0, "u64: overflow is refused");
  hull_error_free (&err);
}

static void
test_parse_keyed (void)
{
  hull_error_t err = NULL;
  struct hull_stat_kvs kvs = { 0 };
  unsigned long long v = 0;

  T_OK (hull_stats_parse_keyed ("cache 4096\nrss 8192\n\ntotal_rss 1\n", "memory.stat", &kvs, &err) == 0 && kvs.n == 3
          && strcmp (kvs.v[1].key, "rss") == 0 && kvs.v[1].value == 8192,
        "keyed: lines in file order, empty lines skipped");
  T_OK (hull_stats_kv_get (&kvs, "total_rss", &v) && v == 1 && !hull_stats_kv_get (&kvs, "swap", &v), "keyed: lookup");
  hull_stat_kvs_clear (&kvs);
  T_OK (hull_stats_parse_keyed ("a 1\nb\n", "cpu.stat", &kvs, &err) < 0 && strstr (err->msg, "`b`"),
        "keyed: a line without a value is refused: %s", err ? err->msg : "");
  hull_error_free (&err);
  hull_stat_kvs_clear (&kvs);
  T_OK (hull_stats_parse_keyed ("a 1 2\n", "f", &kvs, &err) < 0, "keyed: a third word is refused");
  hull_error_free (&err);
  T_OK (hull_stats_parse_keyed ("a x\n", "f", &kvs, &err) < 0, "keyed: a value that is no number is refused");
  hull_error_free (&err);
  hull_stat_kvs_clear (&kvs);
  T_OK (hull_stats_parse_keyed ("", "f", &kvs, &err) == 0 && kvs.n == 0, "keyed: an empty file");
}

static void
test_parse_list (void)
{
  hull_error_t err = NULL;
  struct hull_stat_list l = { 0 };

  T_OK (hull_stats_parse_list ("5913661 1638588 \n", "cpuacct.usage_percpu", &l, &err) == 0 && l.n == 2
          && l.v[0] == 5913661 && l.v[1] == 1638588,
        "list: per-cpu numbers, the trailing blank and newline ignored");
  free (l.v);
  l = (struct hull_stat_list) { 0 };
  T_OK (hull_stats_parse_list ("\n", "f", &l, &err) == 0 && l.n == 0, "list: empty");
  T_OK (hull_stats_parse_list ("1 two", "f", &l, &err) < 0 && strstr (err->msg, "two"), "list: garbage refused");
  hull_error_free (&err);
  free (l.v);
}

static void
test_parse_blkio (void)
{
  hull_error_t err = NULL;
  struct hull_stat_blkios b = { 0 }, ios = { 0 };

  T_OK (hull_stats_parse_blkio ("254:0 Read 1781760\n254:0 Write 0\n8:16 Total 5\nTotal 1781765\n", "blkio.x", &b, &err)
            == 0
          && b.n == 3 && b.v[0].major == 254 && b.v[0].minor == 0 && strcmp (b.v[0].op, "Read") == 0
          && b.v[0].value == 1781760 && b.v[2].major == 8 && b.v[2].minor == 16 && strcmp (b.v[2].op, "Total") == 0,
        "blkio: device lines kept, the closing Total line skipped");
  hull_stat_blkios_clear (&b);
  T_OK (hull_stats_parse_blkio ("Total 0\n", "f", &b, &err) == 0 && b.n == 0, "blkio: a group without I/O");
  T_OK (hull_stats_parse_blkio ("254:0 Read\n", "blkio.y", &b, &err) < 0 && strstr (err->msg, "blkio.y"),
        "blkio: a short line is refused: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_stats_parse_blkio ("sda Read 1\n", "f", &b, &err) < 0 && strstr (err->msg, "MAJOR:MINOR"),
        "blkio: a device that is no MAJOR:MINOR is refused");
  hull_error_free (&err);
  hull_stat_blkios_clear (&b);

  T_OK (hull_stats_parse_io_stat ("8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n"
                                  "254:1 rbytes=30 wbytes=40 rios=3 wios=4\n",
                                  "io.stat", &b, &ios, &err)
            == 0
          && b.n == 4 && ios.n == 4 && strcmp (b.v[1].op, "Write") == 0 && b.v[1].value == 20 && b.v[2].major == 254
          && b.v[2].minor == 1 && b.v[2].value == 30 && ios.v[3].value == 4 && strcmp (ios.v[0].op, "Read") == 0,
        "io.stat: rbytes/wbytes as bytes, rios/wios as counts, per device; other keys ignored");
  hull_stat_blkios_clear (&b);
  hull_stat_blkios_clear (&ios);
  T_OK (hull_stats_parse_io_stat ("8:0 rbytes\n", "io.stat", &b, &ios, &err) < 0, "io.stat: a word without = refused");
  hull_error_free (&err);
}

static void
test_cpuacct_times (void)
{
  hull_error_t err = NULL;
  unsigned long long user = 0, sys = 0;

  T_OK (hull_stats_cpuacct_times ("user 250\nsystem 101\n", 100, &user, &sys, &err) == 0 && user == 2500000000ULL
          && sys == 1010000000ULL,
        "cpuacct.stat: ticks of USER_HZ to nanoseconds");
  T_OK (hull_stats_cpuacct_times ("user 3\nsystem 0\n", 300, &user, &sys, &err) == 0 && user == 10000000ULL,
        "cpuacct.stat: another tick rate");
  T_OK (hull_stats_cpuacct_times ("user 1\n", 100, &user, &sys, &err) < 0 && strstr (err->msg, "system"),
        "cpuacct.stat: a missing line is an error");
  hull_error_free (&err);
}

/* ---- groups laid out in files ----------------------------------------------------------- */

static void
put (const char *dir, const char *name, const char *fmt, ...)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, name);
  cleanup_free char *text = NULL;
  hull_error_t err = NULL;
  va_list ap;
  int fd;

  va_start (ap, fmt);
  if (vasprintf (&text, fmt, ap) < 0)
    abort ();
  va_end (ap);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || hull_write_all (fd, text, strlen (text), path, &err) < 0)
    abort ();
  close (fd);
}

/* A hierarchy mounted at TMP/MNT whose name is NAME, holding the group in TMP/MNT/g. */
static struct hull_cgroup_hier
hier (const char *mnt, const char *name, bool v2)
{
  struct hull_cgroup_hier h = { .mountpoint = xasprintf ("%s/%s", tmp, mnt), .name = xstrdup (name), .v2 = v2 };
  h.dir = xasprintf ("%s/g", h.mountpoint);
  mkdir (h.mountpoint, 0755);
  mkdir (h.dir, 0755);
  return h;
}

static void
hiers_free (struct hull_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      free (cg->hiers[i].mountpoint);
      free (cg->hiers[i].name);
      free (cg->hiers[i].dir);
    }
}

static json_t *
event_of (const struct hull_cgroup_stats *s, char **text)
{
  json_error_t jerr;
  *text = hull_event_stats_json ("c1", s);
  return json_loads (*text, 0, &jerr);
}

static unsigned long long
at (json_t *o, const char *path)
{
  json_t *v = o;
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;
  for (char *k = strtok_r (copy, ".", &save); k && v; k = strtok_r (NULL, ".", &save))
    v = json_is_array (v) ? json_array_get (v, (size_t) atoi (k)) : json_object_get (v, k);
  return v && json_is_integer (v) ? (unsigned long long) json_integer_value (v) : 0xdeadULL;
}

static bool
has (json_t *o, const char *path)
{
  json_t *v = o;
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;
  for (char *k = strtok_r (copy, ".", &save); k && v; k = strtok_r (NULL, ".", &save))
    v = json_object_get (v, k);
  return v != NULL;
}

static void
test_v1 (void)
{
  struct hull_cgroup_hier h[] = { hier ("cpu,cpuacct", "cpu,cpuacct", false), hier ("memory", "memory", false),
                                  hier ("pids", "pids", false), hier ("blkio", "blkio", false),
                                  hier ("hugetlb", "hugetlb", false) };
  struct hull_cgroup cg = { .mode = HULL_CGROUP_V1, .path = "/g", .hiers = h, .n_hiers = 5 };
  struct hull_cgroup_stats s;
  hull_error_t err = NULL;
  cleanup_free char *text = NULL;
  unsigned long long kills = 0;
  long tck = sysconf (_SC_CLK_TCK);
  bool found = false;
  json_t *e;

  put (h[0].dir, "cpuacct.usage", "123456789\n");
  put (h[0].dir, "cpuacct.usage_percpu", "100 200 \n");
  put (h[0].dir, "cpuacct.usage_percpu_sys", "10 20 \n");
  put (h[0].dir, "cpuacct.usage_percpu_user", "90 180 \n");
  put (h[0].dir, "cpuacct.stat", "user %ld\nsystem %ld\n", 3 * tck, tck / 2);
  put (h[0].dir, "cpu.stat", "nr_periods 7\nnr_throttled 3\nthrottled_time 999\nnr_bursts 0\nburst_time 0\n");
  put (h[1].dir, "memory.usage_in_bytes", "2797568\n");
  put (h[1].dir, "memory.limit_in_bytes", "33554432\n");
  put (h[1].dir, "memory.max_usage_in_bytes", "2800000\n");
  put (h[1].dir, "memory.failcnt", "4\n");
  put (h[1].dir, "memory.memsw.usage_in_bytes", "2797568\n");
  put (h[1].dir, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
  put (h[1].dir, "memory.memsw.max_usage_in_bytes", "2800000\n");
  put (h[1].dir, "memory.memsw.failcnt", "0\n");
  put (h[1].dir, "memory.stat", "cache 1781760\nrss 4096\n");
  put (h[1].dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  put (h[2].dir, "pids.current", "3\n");
  put (h[2].dir, "pids.max", "max\n");
  put (h[3].dir, "blkio.throttle.io_service_bytes", "254:0 Read 4096\n254:0 Write 512\nTotal 4608\n");
  put (h[3].dir, "blkio.throttle.io_serviced_recursive", "254:0 Read 2\n254:0 Write 1\nTotal 3\n");
  put (h[3].dir, "blkio.throttle.io_serviced", "254:0 Read 999\n");
  put (h[4].dir, "hugetlb.2MB.usage_in_bytes", "2097152\n");
  put (h[4].dir, "hugetlb.2MB.max_usage_in_bytes", "4194304\n");
  put (h[4].dir, "hugetlb.2MB.failcnt", "1\n");
  put (h[4].dir, "hugetlb.2MB.rsvd.usage_in_bytes", "7\n");
  put (h[4].dir, "hugetlb.1GB.usage_in_bytes", "0\n");
  put (h[4].dir, "hugetlb.1GB.max_usage_in_bytes", "0\n");
  put (h[4].dir, "hugetlb.1GB.failcnt", "0\n");

  T_OK (hull_cgroup_stats (&cg, &s, &err) == 0, "v1: read (%s)", err ? err->msg : "ok");
  hull_error_free (&err);
  T_OK (s.has == (HULL_STATS_CPU | HULL_STATS_MEMORY | HULL_STATS_PIDS | HULL_STATS_BLKIO | HULL_STATS_HUGETLB),
        "v1: every controller found, cpu and cpuacct in one hierarchy");
  e = event_of (&s, &text);
  T_OK (e != NULL, "v1: the event is JSON: %s", text);
  T_OK (strcmp (json_string_value (json_object_get (e, "type")) ?: "", "stats") == 0
          && strcmp (json_string_value (json_object_get (e, "id")) ?: "", "c1") == 0,
        "v1: type stats, the id");
  T_OK (at (e, "data.cpu.usage.total") == 123456789 && at (e, "data.cpu.usage.percpu.1") == 200
          && at (e, "data.cpu.usage.percpu_kernel.0") == 10 && at (e, "data.cpu.usage.percpu_user.1") == 180,
        "v1: cpu usage from cpuacct.usage and the per-cpu files");
  T_OK (at (e, "data.cpu.usage.user") == 3000000000ULL && at (e, "data.cpu.usage.kernel") == 500000000ULL,
        "v1: user and kernel from cpuacct.stat, ticks to ns");
  T_OK (at (e, "data.cpu.throttling.periods") == 7 && at (e, "data.cpu.throttling.throttledPeriods") == 3
          && at (e, "data.cpu.throttling.throttledTime") == 999,
        "v1: throttling from cpu.stat");
  T_OK (at (e, "data.memory.usage.limit") == 33554432 && at (e, "data.memory.usage.usage") == 2797568
          && at (e, "data.memory.usage.max") == 2800000 && at (e, "data.memory.usage.failcnt") == 4,
        "v1: memory usage, limit, max and failcnt");
  T_OK (at (e, "data.memory.swap.limit") == 9223372036854771712ULL && at (e, "data.memory.cache") == 1781760
          && at (e, "data.memory.raw.rss") == 4096,
        "v1: memsw as swap, cache and raw from memory.stat");
  T_OK (!has (e, "data.memory.kernel") && !has (e, "data.memory.kernelTCP"), "v1: kmem files missing: left out");
  T_OK (at (e, "data.pids.current") == 3 && at (e, "data.pids.limit") == 0, "v1: pids; max is limit 0");
  T_OK (at (e, "data.blkio.ioServiceBytesRecursive.1.value") == 512
          && at (e, "data.blkio.ioServiceBytesRecursive.1.major") == 254
          && json_array_size (json_object_get (json_object_get (json_object_get (e, "data"), "blkio"),
                                               "ioServiceBytesRecursive"))
               == 2,
        "v1: blkio bytes from the non-recursive file when there is no _recursive one");
  T_OK (at (e, "data.blkio.ioServicedRecursive.0.value") == 2, "v1: blkio counts from the _recursive file first");
  T_OK (at (e, "data.hugetlb.2MB.usage") == 2097152 && at (e, "data.hugetlb.2MB.max") == 4194304
          && at (e, "data.hugetlb.2MB.failcnt") == 1 && has (e, "data.hugetlb.1GB") && s.hugetlb.n == 2
          && strcmp (s.hugetlb.v[0].size, "1GB") == 0,
        "v1: hugetlb per page size, sorted, rsvd files not taken for a size");
  T_OK (strncmp (text, "{\"type\":\"stats\",\"id\":\"c1\",\"data\":{\"cpu\":{\"usage\":{\"total\":", 56) == 0,
        "v1: runc's key order");
  json_decref (e);
  hull_cgroup_stats_clear (&s);
  T_OK (hull_cgroup_oom_kills (&cg, &found, &kills, &err) == 0 && found && kills == 2, "v1: oom_kill of memory.oom_control");
  hiers_free (&cg);
}

static void
test_v2 (void)
{
  struct hull_cgroup_hier h[] = { hier ("v2", "", true) };
  struct hull_cgroup cg = { .mode = HULL_CGROUP_V2, .path = "/g", .hiers = h, .n_hiers = 1 };
  struct hull_cgroup_stats s;
  hull_error_t err = NULL;
  cleanup_free char *text = NULL;
  unsigned long long kills = 0;
  bool found = false;
  json_t *e;

  put (h[0].dir, "cgroup.controllers", "cpu io memory pids hugetlb\n");
  put (h[0].dir, "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\n"
                             "throttled_usec 20\n");
  put (h[0].dir, "memory.current", "1000\n");
  put (h[0].dir, "memory.max", "max\n");
  put (h[0].dir, "memory.peak", "2000\n");
  put (h[0].dir, "memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
  put (h[0].dir, "memory.swap.current", "10\n");
  put (h[0].dir, "memory.swap.max", "100\n");
  put (h[0].dir, "memory.swap.peak", "50\n");
  put (h[0].dir, "memory.stat", "anon 100\nfile 200\n");
  put (h[0].dir, "pids.current", "1\n");
  put (h[0].dir, "pids.max", "50\n");
  put (h[0].dir, "io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
  put (h[0].dir, "hugetlb.2MB.current", "0\n");
  put (h[0].dir, "hugetlb.2MB.max", "max\n");
  put (h[0].dir, "hugetlb.2MB.events", "max 3\n");

  T_OK (hull_cgroup_stats (&cg, &s, &err) == 0, "v2: read (%s)", err ? err->msg : "ok");
  hull_error_free (&err);
  text = hull_event_stats_json ("c1", &s);
  T_OK (strstr (text, "\"usage\":{\"limit\":18446744073709551615,\"usage\":1000,\"max\":2000,\"failcnt\":5}") != NULL,
        "v2: memory.max `max` as 2^64-1, peak as max, memory.events max as failcnt: %s", text);
  T_OK (strstr (text, "\"swap\":{\"limit\":18446744073709551715,") == NULL
          && strstr (text, "\"swap\":{\"limit\":18446744073709551615,\"usage\":1010}") != NULL,
        "v2: swap as memory+swap, saturated; no peak for the sum");
  hull_cgroup_stats_clear (&s);
  put (h[0].dir, "memory.max", "4096\n");
  put (h[0].dir, "memory.events", "max 0\noom_kill 3\n");
  T_OK (hull_cgroup_stats (&cg, &s, &err) == 0, "v2: read again");
  free (text);
  e = event_of (&s, &text);
  T_OK (e != NULL, "v2: the event is JSON: %s", text);
  T_OK (at (e, "data.cpu.usage.total") == 1500000 && at (e, "data.cpu.usage.user") == 1000000
          && at (e, "data.cpu.usage.kernel") == 500000 && !has (e, "data.cpu.usage.percpu"),
        "v2: cpu.stat usec to ns, no per-cpu figures");
  T_OK (at (e, "data.cpu.throttling.periods") == 4 && at (e, "data.cpu.throttling.throttledTime") == 20000,
        "v2: throttling, throttled_usec to ns");
  T_OK (at (e, "data.memory.swap.limit") == 4196 && at (e, "data.memory.cache") == 200
          && at (e, "data.memory.raw.anon") == 100 && !has (e, "data.memory.kernel"),
        "v2: swap limit as memory+swap, cache from file");
  T_OK (at (e, "data.pids.current") == 1 && at (e, "data.pids.limit") == 50, "v2: pids");
  T_OK (at (e, "data.blkio.ioServiceBytesRecursive.1.value") == 20 && at (e, "data.blkio.ioServicedRecursive.0.value") == 1
          && at (e, "data.blkio.ioServiceBytesRecursive.0.major") == 8,
        "v2: io.stat");
  T_OK (at (e, "data.hugetlb.2MB.usage") == 0 && at (e, "data.hugetlb.2MB.failcnt") == 3
          && !has (e, "data.hugetlb.2MB.max"),
        "v2: hugetlb usage and failcnt, no max (v2 keeps no peak, and its .max is a limit)");
  json_decref (e);
  hull_cgroup_stats_clear (&s);
  T_OK (hull_cgroup_oom_kills (&cg, &found, &kills, &err) == 0 && found && kills == 3, "v2: oom_kill of memory.events");

  put (h[0].dir, "cgroup.controllers", "pids\n");
  T_OK (hull_cgroup_stats (&cg, &s, &err) == 0 && s.has == (HULL_STATS_CPU | HULL_STATS_PIDS),
        "v2: controllers not in cgroup.controllers are left out (cpu.stat is always there)");
  hull_cgroup_stats_clear (&s);
  T_OK (hull_cgroup_oom_kills (&cg, &found, &kills, &err) == 0 && !found && kills == 0, "v2: no memory, no OOM count");
  put (h[0].dir, "cgroup.controllers", "pids memory\n");
  put (h[0].dir, "memory.current", "lots\n");
  T_OK (hull_cgroup_stats (&cg, &s, &err) < 0 && strstr (err->msg, "memory.current") && strstr (err->msg, "/g"),
        "v2: a broken file is an error naming it: %s", err ? err->msg : "");
  hull_error_free (&err);
  hiers_free (&cg);
}

/* The host's shape: v1 controllers, hugetlb (and cpu.stat) in the unified hierarchy. */
static void
test_hybrid (void)
{
  struct hull_cgroup_hier h[] = { hier ("memory2", "memory", false), hier ("unified", "unified", true) };
  struct hull_cgroup cg = { .mode = HULL_CGROUP_HYBRID, .path = "/g", .hiers = h, .n_hiers = 2 };
  struct hull_cgroup_stats s;
  hull_error_t err = NULL;
  cleanup_free char *text = NULL;

  put (h[0].dir, "memory.usage_in_bytes", "1\n");
  put (h[0].dir, "memory.limit_in_bytes", "2\n");
  put (h[0].dir, "memory.current", "999\n"); /* not a v1 file: must not be read */
  put (h[1].dir, "cgroup.controllers", "hugetlb\n");
  put (h[1].dir, "cpu.stat", "usage_usec 7\nuser_usec 4\nsystem_usec 3\n");
  put (h[1].dir, "hugetlb.2MB.current", "0\n");
  put (h[1].dir, "hugetlb.2MB.events", "max 0\n");
  T_OK (hull_cgroup_stats (&cg, &s, &err) == 0, "hybrid: read (%s)", err ? err->msg : "ok");
  text = hull_event_stats_json ("c1", &s);
  T_OK (s.has == (HULL_STATS_CPU | HULL_STATS_MEMORY | HULL_STATS_HUGETLB) && s.memory.usage.usage == 1
          && s.cpu.total == 7000 && !s.cpu.has_throttling && s.hugetlb.n == 1,
        "hybrid: memory from v1, cpu usage and hugetlb from the unified hierarchy: %s", text);
  hull_cgroup_stats_clear (&s);
  hiers_free (&cg);
}

static void
test_oom_json (void)
{
  cleanup_free char *t = hull_event_oom_json ("c\"1");
  T_OK (strcmp (t, "{\"type\":\"oom\",\"id\":\"c\\\"1\"}") == 0, "oom event, the id escaped: %s", t);
}

int
main (void)
{
  char tmpl[] = "/tmp/hull-unit-stats-XXXXXX";
  hull_error_t err = NULL;

  test_parse_u64 ();
  test_parse_keyed ();
  test_parse_list ();
  test_parse_blkio ();
  test_cpuacct_times ();
  tmp = mkdtemp (tmpl);
  if (tmp == NULL)
    abort ();
  test_v1 ();
  test_v2 ();
  test_hybrid ();
  test_oom_json ();
  hull_rm_rf_at (AT_FDCWD, tmp, &err);
  hull_error_free (&err);
  return hull_test_done ();
}
