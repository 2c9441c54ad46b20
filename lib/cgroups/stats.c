/* stats.c: reading a container group's statistics (stats.h). Each controller is read from the
   hierarchy of the group that has it: a v1 hierarchy named after it, else the cgroup2 one when
   the group's cgroup.controllers lists it (cpu.stat, which v2 keeps for every group, needs no
   controller). Files the kernel does not offer leave their fields out; any other failure to
   read one is an error naming it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "stats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "cgroups-internal.h"

#define NO_LIMIT (~0ULL) /* v2's "max" in memory files, as runc reports it */

struct reader
{
  const struct hull_cgroup *cg;
  const struct hull_cgroup_hier *v2;
  char *v2_controllers; /* the group's cgroup.controllers there, or NULL */
};

/* ---- files ------------------------------------------------------------------------------ */

/* DIR/NAME's text; *text is NULL, and no error, when the file does not exist. */
static int
read_opt (const char *dir, const char *name, char **text, hull_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, name);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  *text = NULL;
  if (fd < 0)
    return errno == ENOENT ? 0 : hull_error_sys (err, "open `%s`", path);
  return hull_read_fd (fd, path, text, NULL, err);
}

/* A one-number file; *found false when it does not exist. */
static int
read_u64 (const char *dir, const char *name, unsigned long long max_value, unsigned long long *out, bool *found,
          hull_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_free char *path = xasprintf ("%s/%s", dir, name);

  *found = false;
  if (read_opt (dir, name, &text, err) < 0)
    return -1;
  if (text == NULL)
    return 0;
  if (hull_stats_parse_u64 (text, max_value, path, out, err) < 0)
    return -1;
  *found = true;
  return 0;
}

/* A "key value" file into KVS (empty); *found false when it does not exist. */
static int
read_keyed (const char *dir, const char *name, struct hull_stat_kvs *kvs, bool *found, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_free char *path = xasprintf ("%s/%s", dir, name);

  *found = false;
  if (read_opt (dir, name, &text, err) < 0)
    return -1;
  if (text == NULL)
    return 0;
  *found = true;
  return hull_stats_parse_keyed (text, path, kvs, err);
}

/* The value of KEY in the "key value" file DIR/NAME, or *found false. */
static int
read_key (const char *dir, const char *name, const char *key, unsigned long long *out, bool *found, hull_error_t *err)
{
  struct hull_stat_kvs kvs = { 0 };
  int r = read_keyed (dir, name, &kvs, found, err);

  if (r == 0 && *found)
    *found = hull_stats_kv_get (&kvs, key, out);
  hull_stat_kvs_clear (&kvs);
  return r;
}

static int
read_list (const char *dir, const char *name, struct hull_stat_list *out, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_free char *path = xasprintf ("%s/%s", dir, name);

  if (read_opt (dir, name, &text, err) < 0)
    return -1;
  return text ? hull_stats_parse_list (text, path, out, err) : 0;
}

/* ---- where each controller is ----------------------------------------------------------- */

static int
reader_init (struct reader *r, const struct hull_cgroup *cg, hull_error_t *err)
{
  *r = (struct reader) { .cg = cg, .v2 = hull_cgroup_v2_hier (cg) };
  return r->v2 ? read_opt (r->v2->dir, "cgroup.controllers", &r->v2_controllers, err) : 0;
}

static void
reader_clear (struct reader *r)
{
  free (r->v2_controllers);
  r->v2_controllers = NULL;
}

static const char *
v1_dir (const struct reader *r, const char *controller)
{
  for (size_t i = 0; i < r->cg->n_hiers; i++)
    if (!r->cg->hiers[i].v2 && hull_cgroup_hier_has (&r->cg->hiers[i], controller))
      return r->cg->hiers[i].dir;
  return NULL;
}

static const char *
v2_dir (const struct reader *r, const char *controller)
{
  if (r->v2 == NULL)
    return NULL;
  if (strcmp (controller, "cpu") == 0)
    return r->v2->dir;
  if (r->v2_controllers && hull_cgroup_word_in (r->v2_controllers, controller, strlen (controller)))
    return r->v2->dir;
  return NULL;
}

/* ---- cpu -------------------------------------------------------------------------------- */

static int
read_cpuacct_v1 (const char *dir, struct hull_cgroup_stats *s, hull_error_t *err)
{
  cleanup_free char *stat = NULL;
  cleanup_free char *path = xasprintf ("%s/cpuacct.stat", dir);

  if (read_u64 (dir, "cpuacct.usage", 0, &s->cpu.total, &s->cpu.has_usage, err) < 0
      || read_list (dir, "cpuacct.usage_percpu", &s->cpu.percpu, err) < 0
      || read_list (dir, "cpuacct.usage_percpu_sys", &s->cpu.percpu_kernel, err) < 0
      || read_list (dir, "cpuacct.usage_percpu_user", &s->cpu.percpu_user, err) < 0
      || read_opt (dir, "cpuacct.stat", &stat, err) < 0)
    return -1;
  if (stat && hull_stats_cpuacct_times (stat, sysconf (_SC_CLK_TCK), &s->cpu.user, &s->cpu.kernel, err) < 0)
    return hull_error_wrap (err, "`%s`", path);
  return 0;
}

/* cpu.stat: nanoseconds on v1, microseconds (the _usec keys) on v2. */
static int
read_cpu_stat (const char *dir, bool v2, struct hull_cgroup_stats *s, hull_error_t *err)
{
  struct hull_stat_kvs kvs = { 0 };
  unsigned long long v;
  bool found;

  if (read_keyed (dir, "cpu.stat", &kvs, &found, err) < 0)
    {
      hull_stat_kvs_clear (&kvs);
      return -1;
    }
  if (v2 && hull_stats_kv_get (&kvs, "usage_usec", &v))
    {
      s->cpu.has_usage = true;
      s->cpu.total = v * 1000;
      s->cpu.user = hull_stats_kv_get (&kvs, "user_usec", &v) ? v * 1000 : 0;
      s->cpu.kernel = hull_stats_kv_get (&kvs, "system_usec", &v) ? v * 1000 : 0;
    }
  if (hull_stats_kv_get (&kvs, "nr_periods", &s->cpu.periods))
    {
      s->cpu.has_throttling = true;
      hull_stats_kv_get (&kvs, "nr_throttled", &s->cpu.throttled_periods);
      if (v2 && hull_stats_kv_get (&kvs, "throttled_usec", &v))
        s->cpu.throttled_time = v * 1000;
      else if (!v2)
        hull_stats_kv_get (&kvs, "throttled_time", &s->cpu.throttled_time);
    }
  hull_stat_kvs_clear (&kvs);
  return 0;
}

static int
read_cpu (const struct reader *r, struct hull_cgroup_stats *s, hull_error_t *err)
{
  const char *acct = v1_dir (r, "cpuacct"), *cpu = v1_dir (r, "cpu"), *v2 = v2_dir (r, "cpu");

  if (acct || cpu)
    {
      if ((acct && read_cpuacct_v1 (acct, s, err) < 0) || (cpu && read_cpu_stat (cpu, false, s, err) < 0))
        return -1;
    }
  else if (v2 && read_cpu_stat (v2, true, s, err) < 0)
    return -1;
  if (s->cpu.has_usage || s->cpu.has_throttling)
    s->has |= HULL_STATS_CPU;
  return 0;
}

/* ---- memory ----------------------------------------------------------------------------- */

/* One counter from PREFIX.usage_in_bytes, .limit_in_bytes, .max_usage_in_bytes and .failcnt
   (PREFIX "memory", "memory.memsw", "memory.kmem", "memory.kmem.tcp"). */
static int
read_mem_v1 (const char *dir, const char *prefix, struct hull_stat_mem *m, hull_error_t *err)
{
  const struct
  {
    const char *suffix;
    unsigned bit;
    unsigned long long *v;
  } files[] = { { "usage_in_bytes", HULL_MEM_USAGE, &m->usage },
                { "limit_in_bytes", HULL_MEM_LIMIT, &m->limit },
                { "max_usage_in_bytes", HULL_MEM_MAX, &m->max },
                { "failcnt", HULL_MEM_FAILCNT, &m->failcnt } };

  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      cleanup_free char *name = xasprintf ("%s.%s", prefix, files[i].suffix);
      bool found;
      if (read_u64 (dir, name, NO_LIMIT, files[i].v, &found, err) < 0)
        return -1;
      m->has |= found ? files[i].bit : 0;
    }
  return 0;
}

/* PREFIX.current, .max, .peak and the "max" count of PREFIX.events (PREFIX "memory" or
   "memory.swap"). */
static int
read_mem_v2 (const char *dir, const char *prefix, struct hull_stat_mem *m, hull_error_t *err)
{
  cleanup_free char *current = xasprintf ("%s.current", prefix);
  cleanup_free char *max = xasprintf ("%s.max", prefix);
  cleanup_free char *peak = xasprintf ("%s.peak", prefix);
  cleanup_free char *events = xasprintf ("%s.events", prefix);
  bool found;

  if (read_u64 (dir, current, NO_LIMIT, &m->usage, &found, err) < 0)
    return -1;
  m->has |= found ? HULL_MEM_USAGE : 0;
  if (read_u64 (dir, max, NO_LIMIT, &m->limit, &found, err) < 0)
    return -1;
  m->has |= found ? HULL_MEM_LIMIT : 0;
  if (read_u64 (dir, peak, NO_LIMIT, &m->max, &found, err) < 0)
    return -1;
  m->has |= found ? HULL_MEM_MAX : 0;
  if (read_key (dir, events, "max", &m->failcnt, &found, err) < 0)
    return -1;
  m->has |= found ? HULL_MEM_FAILCNT : 0;
  return 0;
}

static unsigned long long
add_saturated (unsigned long long a, unsigned long long b)
{
  return a > NO_LIMIT - b ? NO_LIMIT : a + b;
}

static int
read_memory_v1 (const char *dir, struct hull_cgroup_stats *s, hull_error_t *err)
{
  bool found;

  if (read_keyed (dir, "memory.stat", &s->memory.raw, &found, err) < 0
      || read_mem_v1 (dir, "memory", &s->memory.usage, err) < 0
      || read_mem_v1 (dir, "memory.memsw", &s->memory.swap, err) < 0
      || read_mem_v1 (dir, "memory.kmem", &s->memory.kernel, err) < 0
      || read_mem_v1 (dir, "memory.kmem.tcp", &s->memory.kernel_tcp, err) < 0)
    return -1;
  s->memory.has_cache = hull_stats_kv_get (&s->memory.raw, "cache", &s->memory.cache);
  return 0;
}

/* Swap is reported as memory+swap, v1's way (and runc's on v2). */
static int
read_memory_v2 (const char *dir, struct hull_cgroup_stats *s, hull_error_t *err)
{
  struct hull_stat_mem *mem = &s->memory.usage, *swap = &s->memory.swap;
  bool found;

  if (read_keyed (dir, "memory.stat", &s->memory.raw, &found, err) < 0 || read_mem_v2 (dir, "memory", mem, err) < 0
      || read_mem_v2 (dir, "memory.swap", swap, err) < 0)
    return -1;
  s->memory.has_cache = hull_stats_kv_get (&s->memory.raw, "file", &s->memory.cache);
  swap->has &= ~(unsigned) HULL_MEM_MAX; /* memory.swap.peak is swap alone: no memory+swap peak */
  if (swap->has & HULL_MEM_USAGE)
    swap->usage = add_saturated (swap->usage, mem->usage);
  if ((swap->has & HULL_MEM_LIMIT) && swap->limit != NO_LIMIT)
    swap->limit = add_saturated (swap->limit, mem->limit);
  return 0;
}

static int
read_memory (const struct reader *r, struct hull_cgroup_stats *s, hull_error_t *err)
{
  const char *v1 = v1_dir (r, "memory"), *v2 = v2_dir (r, "memory");

  if (v1)
    {
      if (read_memory_v1 (v1, s, err) < 0)
        return -1;
    }
  else if (v2 && read_memory_v2 (v2, s, err) < 0)
    return -1;
  if (s->memory.usage.has)
    s->has |= HULL_STATS_MEMORY;
  return 0;
}

/* ---- pids, block I/O -------------------------------------------------------------------- */

static int
read_pids (const struct reader *r, struct hull_cgroup_stats *s, hull_error_t *err)
{
  const char *dir = v1_dir (r, "pids") ?: v2_dir (r, "pids");
  bool found, has_limit;

  if (dir == NULL)
    return 0;
  if (read_u64 (dir, "pids.current", 0, &s->pids.current, &found, err) < 0
      || read_u64 (dir, "pids.max", 0, &s->pids.limit, &has_limit, err) < 0)
    return -1;
  s->has |= found ? HULL_STATS_PIDS : 0;
  return 0;
}

/* A v1 blkio file: the _recursive one, else the group's own (older kernels). */
static int
read_blkio_file (const char *dir, const char *name, struct hull_stat_blkios *out, bool *found, hull_error_t *err)
{
  cleanup_free char *recursive = xasprintf ("%s_recursive", name);
  cleanup_free char *text = NULL;
  cleanup_free char *path = NULL;
  const char *used = recursive;

  if (read_opt (dir, recursive, &text, err) < 0)
    return -1;
  if (text == NULL && read_opt (dir, used = name, &text, err) < 0)
    return -1;
  if (text == NULL)
    return 0;
  *found = true;
  path = xasprintf ("%s/%s", dir, used);
  return hull_stats_parse_blkio (text, path, out, err);
}

static int
read_blkio (const struct reader *r, struct hull_cgroup_stats *s, hull_error_t *err)
{
  const char *v1 = v1_dir (r, "blkio"), *v2 = v1 ? NULL : v2_dir (r, "io");
  cleanup_free char *text = NULL;
  cleanup_free char *path = NULL;
  bool found = false;

  if (v1)
    {
      if (read_blkio_file (v1, "blkio.throttle.io_service_bytes", &s->blkio.service_bytes, &found, err) < 0
          || read_blkio_file (v1, "blkio.throttle.io_serviced", &s->blkio.serviced, &found, err) < 0)
        return -1;
    }
  else if (v2)
    {
      path = xasprintf ("%s/io.stat", v2);
      if (read_opt (v2, "io.stat", &text, err) < 0)
        return -1;
      if ((found = text != NULL)
          && hull_stats_parse_io_stat (text, path, &s->blkio.service_bytes, &s->blkio.serviced, err) < 0)
        return -1;
    }
  s->has |= found ? HULL_STATS_BLKIO : 0;
  return 0;
}

/* ---- hugetlb ---------------------------------------------------------------------------- */

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The page sizes named by DIR's files hugetlb.SIZE.SUFFIX, sorted (SIZE has no dot: that
   leaves out hugetlb.SIZE.rsvd.SUFFIX). */
static int
hugetlb_sizes (const char *dir, const char *suffix, char ***sizes, size_t *n, hull_error_t *err)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  size_t slen = strlen (suffix);

  *sizes = NULL;
  *n = 0;
  if (d == NULL)
    return hull_error_sys (err, "open cgroup `%s`", dir);
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      const char *size = de->d_name + 8;
      size_t len = strlen (de->d_name);
      if (strncmp (de->d_name, "hugetlb.", 8) != 0 || len <= 8 + 1 + slen
          || strcmp (de->d_name + len - slen, suffix) != 0 || de->d_name[len - slen - 1] != '.'
          || memchr (size, '.', len - 8 - slen - 1) != NULL)
        continue;
      *sizes = xrealloc (*sizes, (*n + 2) * sizeof **sizes);
      (*sizes)[(*n)++] = xasprintf ("%.*s", (int) (len - 8 - slen - 1), size);
      (*sizes)[*n] = NULL;
    }
  if (errno != 0)
    {
      int e = errno;
      closedir (d);
      return hull_error (err, e, "read cgroup `%s`", dir);
    }
  closedir (d);
  if (*n > 1)
    qsort (*sizes, *n, sizeof **sizes, cmp_str);
  return 0;
}

/* v1: hugetlb.SIZE.usage_in_bytes, .max_usage_in_bytes, .failcnt; v2: hugetlb.SIZE.current
   and the "max" count of hugetlb.SIZE.events (v2 keeps no peak). */
static int
read_hugetlb_size (const char *dir, bool v2, struct hull_stat_hugetlb *h, hull_error_t *err)
{
  cleanup_free char *usage = xasprintf ("hugetlb.%s.%s", h->size, v2 ? "current" : "usage_in_bytes");
  cleanup_free char *max = xasprintf ("hugetlb.%s.max_usage_in_bytes", h->size);
  cleanup_free char *failcnt = xasprintf ("hugetlb.%s.%s", h->size, v2 ? "events" : "failcnt");
  bool found;

  if (read_u64 (dir, usage, NO_LIMIT, &h->usage, &found, err) < 0)
    return -1;
  if (v2)
    return read_key (dir, failcnt, "max", &h->failcnt, &found, err);
  if (read_u64 (dir, max, NO_LIMIT, &h->max, &h->has_max, err) < 0)
    return -1;
  return read_u64 (dir, failcnt, NO_LIMIT, &h->failcnt, &found, err);
}

static int
read_hugetlb (const struct reader *r, struct hull_cgroup_stats *s, hull_error_t *err)
{
  const char *v1 = v1_dir (r, "hugetlb"), *dir = v1 ?: v2_dir (r, "hugetlb");
  cleanup_strv char **sizes = NULL;
  size_t n;

  if (dir == NULL)
    return 0;
  if (hugetlb_sizes (dir, v1 ? "usage_in_bytes" : "current", &sizes, &n, err) < 0)
    return -1;
  s->hugetlb.v = xmalloc0 ((n ? n : 1) * sizeof *s->hugetlb.v);
  for (size_t i = 0; i < n; i++)
    s->hugetlb.v[s->hugetlb.n++].size = xstrdup (sizes[i]);
  for (size_t i = 0; i < n; i++)
    if (read_hugetlb_size (dir, v1 == NULL, &s->hugetlb.v[i], err) < 0)
      return -1;
  s->has |= n ? HULL_STATS_HUGETLB : 0;
  return 0;
}

/* ---- the whole group -------------------------------------------------------------------- */

int
hull_cgroup_stats (const struct hull_cgroup *cg, struct hull_cgroup_stats *out, hull_error_t *err)
{
  __attribute__ ((cleanup (reader_clear))) struct reader r = { 0 };

  *out = (struct hull_cgroup_stats) { 0 };
  if (reader_init (&r, cg, err) < 0 || read_cpu (&r, out, err) < 0 || read_memory (&r, out, err) < 0
      || read_pids (&r, out, err) < 0 || read_blkio (&r, out, err) < 0 || read_hugetlb (&r, out, err) < 0)
    {
      hull_cgroup_stats_clear (out);
      return hull_error_wrap (err, "statistics of cgroup `%s`", cg->path);
    }
  return 0;
}

void
hull_cgroup_stats_clear (struct hull_cgroup_stats *s)
{
  free (s->cpu.percpu.v);
  free (s->cpu.percpu_kernel.v);
  free (s->cpu.percpu_user.v);
  hull_stat_kvs_clear (&s->memory.raw);
  hull_stat_blkios_clear (&s->blkio.service_bytes);
  hull_stat_blkios_clear (&s->blkio.serviced);
  for (size_t i = 0; i < s->hugetlb.n; i++)
    free (s->hugetlb.v[i].size);
  free (s->hugetlb.v);
  *s = (struct hull_cgroup_stats) { 0 };
}

int
hull_cgroup_oom_kills (const struct hull_cgroup *cg, bool *found, unsigned long long *count, hull_error_t *err)
{
  __attribute__ ((cleanup (reader_clear))) struct reader r = { 0 };
  const char *v1, *v2;

  *found = false;
  *count = 0;
  if (reader_init (&r, cg, err) < 0)
    return hull_error_wrap (err, "OOM kills of cgroup `%s`", cg->path);
  v1 = v1_dir (&r, "memory");
  v2 = v1 ? NULL : v2_dir (&r, "memory");
  if (v1 == NULL && v2 == NULL)
    return 0;
  if (read_key (v1 ?: v2, v1 ? "memory.oom_control" : "memory.events", "oom_kill", count, found, err) < 0)
    return hull_error_wrap (err, "OOM kills of cgroup `%s`", cg->path);
  return 0;
}
