/* stats.h: a container group's resource usage (cpu, memory, pids, block I/O, hugetlb), read
   from whichever hierarchy of the group holds each controller, v1 or v2 files alike, into one
   structure in runc's units (nanoseconds, bytes). The parsers of the file formats are pure
   functions of a file's text, so unit tests can feed them; `events` turns the structure into
   runc's JSON (lib/runtime/events.h). */
#ifndef HULL_CGROUP_STATS_H
#define HULL_CGROUP_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/error.h"
#include "cgroups.h"

/* "key value" lines: memory.stat, cpu.stat, memory.events, cpuacct.stat... in file order. */
struct hull_stat_kv
{
  char *key;
  unsigned long long value;
};
struct hull_stat_kvs
{
  struct hull_stat_kv *v;
  size_t n;
};

struct hull_stat_list
{
  unsigned long long *v;
  size_t n;
};

/* One line of a v1 blkio file, or one counter of a v2 io.stat line. */
struct hull_stat_blkio
{
  unsigned major, minor;
  char *op; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
  unsigned long long value;
};
struct hull_stat_blkios
{
  struct hull_stat_blkio *v;
  size_t n;
};

/* Which fields of a memory counter were read (some files are optional). */
enum
{
  HULL_MEM_LIMIT = 1 << 0,
  HULL_MEM_USAGE = 1 << 1,
  HULL_MEM_MAX = 1 << 2,
  HULL_MEM_FAILCNT = 1 << 3,
};

struct hull_stat_mem
{
  unsigned has; /* HULL_MEM_* bits; 0: the counter is not there */
  unsigned long long limit, usage, max, failcnt;
};

struct hull_stat_hugetlb
{
  char *size; /* "2MB", "1GB": as the kernel names the files */
  bool has_max;
  unsigned long long usage, max, failcnt;
};

/* Which controllers were found (a controller the group lacks is left out, not an error). */
enum
{
  HULL_STATS_CPU = 1 << 0,
  HULL_STATS_MEMORY = 1 << 1,
  HULL_STATS_PIDS = 1 << 2,
  HULL_STATS_BLKIO = 1 << 3,
  HULL_STATS_HUGETLB = 1 << 4,
};

struct hull_cgroup_stats
{
  unsigned has; /* HULL_STATS_* bits */
  struct
  {
    bool has_usage, has_throttling;
    unsigned long long total, kernel, user; /* ns */
    struct hull_stat_list percpu, percpu_kernel, percpu_user; /* ns; v1 only */
    unsigned long long periods, throttled_periods, throttled_time; /* throttled_time in ns */
  } cpu;
  struct
  {
    bool has_cache;
    unsigned long long cache;
    /* swap is memory+swap, as v1 counts it (on v2 the two counters are added up). */
    struct hull_stat_mem usage, swap, kernel, kernel_tcp;
    struct hull_stat_kvs raw; /* memory.stat */
  } memory;
  struct
  {
    unsigned long long current, limit; /* limit 0: none ("max"), as runc reports it */
  } pids;
  struct
  {
    struct hull_stat_blkios service_bytes, serviced;
  } blkio;
  struct
  {
    struct hull_stat_hugetlb *v; /* sorted by size name */
    size_t n;
  } hugetlb;
};

/* ---- parsers: WHAT names the file in error messages; the lists they append to start empty
   ({ 0 }) and are freed with the _clear functions, also after a failure ------------------ */

/* One number (memory.limit_in_bytes, pids.current); "max" gives MAX_VALUE. */
int hull_stats_parse_u64 (const char *text, unsigned long long max_value, const char *what, unsigned long long *out,
                          hull_error_t *err);
/* "key value" lines. */
int hull_stats_parse_keyed (const char *text, const char *what, struct hull_stat_kvs *out, hull_error_t *err);
/* The value of KEY in KVS, or false. */
bool hull_stats_kv_get (const struct hull_stat_kvs *kvs, const char *key, unsigned long long *out);
/* Numbers separated by blanks (cpuacct.usage_percpu). */
int hull_stats_parse_list (const char *text, const char *what, struct hull_stat_list *out, hull_error_t *err);
/* v1 blkio.*: "MAJ:MIN Op VALUE" lines; the file's closing "Total VALUE" line is skipped. */
int hull_stats_parse_blkio (const char *text, const char *what, struct hull_stat_blkios *out, hull_error_t *err);
/* v2 io.stat ("MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..."): rbytes and wbytes go to BYTES,
   rios and wios to IOS, as ops "Read" and "Write"; other keys are ignored. */
int hull_stats_parse_io_stat (const char *text, const char *what, struct hull_stat_blkios *bytes,
                              struct hull_stat_blkios *ios, hull_error_t *err);
/* cpuacct.stat's "user" and "system" (in ticks of TICKS_PER_SEC) to nanoseconds. */
int hull_stats_cpuacct_times (const char *text, long ticks_per_sec, unsigned long long *user_ns,
                              unsigned long long *kernel_ns, hull_error_t *err);

void hull_stat_kvs_clear (struct hull_stat_kvs *kvs);
void hull_stat_blkios_clear (struct hull_stat_blkios *b);

/* ---- reading a group -------------------------------------------------------------------- */

/* Fill OUT (zeroed first) from CG's files. */
int hull_cgroup_stats (const struct hull_cgroup *cg, struct hull_cgroup_stats *out, hull_error_t *err);
void hull_cgroup_stats_clear (struct hull_cgroup_stats *s);

/* The group's count of OOM kills: oom_kill in memory.oom_control (v1) or memory.events (v2).
   *found is false, and *count 0, when the group has no memory controller. */
int hull_cgroup_oom_kills (const struct hull_cgroup *cg, bool *found, unsigned long long *count, hull_error_t *err);

#endif
