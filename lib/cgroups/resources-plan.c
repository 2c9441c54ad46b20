/* resources-plan.c: linux.resources turned into cgroup file writes, for v1 or v2 per
   controller (see resources.h). Nothing here touches the system. */
#define _GNU_SOURCE
#include "resources.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#define FIELD "linux.resources."

struct planner
{
  struct hull_res_plan *plan;
  unsigned v2_mask;
};

static bool
v2 (const struct planner *p, enum hull_res_ctl ctl)
{
  return (p->v2_mask & ctl) != 0;
}

static void __attribute__ ((format (printf, 5, 6)))
add (struct planner *p, enum hull_res_ctl ctl, const char *field, const char *file, const char *fmt, ...)
{
  struct hull_res_plan *plan = p->plan;
  struct hull_res_write *w;
  va_list ap;

  plan->w = xrealloc (plan->w, (plan->n + 1) * sizeof *plan->w);
  w = &plan->w[plan->n++];
  memset (w, 0, sizeof *w);
  w->ctl = ctl;
  w->v2 = v2 (p, ctl);
  w->file = xstrdup (file);
  w->field = xasprintf (FIELD "%s", field);
  va_start (ap, fmt);
  if (vasprintf (&w->value, fmt, ap) < 0)
    abort ();
  va_end (ap);
}

/* The integer at KEY of O, if present. */
static bool
get_int (json_t *o, const char *key, json_int_t *v)
{
  json_t *j = json_object_get (o, key);
  if (!json_is_integer (j))
    return false;
  *v = json_integer_value (j);
  return true;
}

/* V clamped to LO..HI, mapped linearly onto 1..10000 (v2's weight range). */
static unsigned long long
to_v2_weight (unsigned long long v, unsigned long long lo, unsigned long long hi)
{
  v = v < lo ? lo : v > hi ? hi : v;
  return 1 + ((v - lo) * 9999) / (hi - lo);
}

unsigned long long
hull_res_cpu_weight (unsigned long long shares)
{
  return to_v2_weight (shares, 2, 262144);
}

unsigned long long
hull_res_io_weight (unsigned long long weight)
{
  return to_v2_weight (weight, 10, 1000);
}

/* -1 (or below) is "no limit": "-1" in v1 files, "max" in v2 ones. */
static void
add_limit (struct planner *p, enum hull_res_ctl ctl, const char *field, const char *file, json_int_t v)
{
  if (v < 0)
    add (p, ctl, field, file, "%s", v2 (p, ctl) ? "max" : "-1");
  else
    add (p, ctl, field, file, "%" JSON_INTEGER_FORMAT, v);
}

/* ---- memory ---------------------------------------------------------------------------- */

static int
plan_memory_v2 (struct planner *p, json_t *m, hull_error_t *err)
{
  json_int_t limit = 0, swap = 0, v;
  bool has_limit = get_int (m, "limit", &limit), has_swap = get_int (m, "swap", &swap);

  if (has_limit && limit != 0)
    add_limit (p, HULL_RES_MEMORY, "memory.limit", "memory.max", limit);
  if (get_int (m, "reservation", &v) && v != 0)
    add_limit (p, HULL_RES_MEMORY, "memory.reservation", "memory.low", v);
  /* The OCI swap is memory plus swap; v2's memory.swap.max is the swap alone. */
  if (has_swap && swap != 0)
    {
      if (swap < 0)
        add (p, HULL_RES_MEMORY, "memory.swap", "memory.swap.max", "max");
      else if (!has_limit || limit <= 0)
        return hull_error (err, 0, FIELD "memory.swap: on cgroup v2 needs memory.limit as well (swap counts "
                                        "memory plus swap)");
      else if (swap < limit)
        return hull_error (err, 0, FIELD "memory.swap: %" JSON_INTEGER_FORMAT " is below memory.limit %"
                                        JSON_INTEGER_FORMAT " (swap counts memory plus swap)", swap, limit);
      else
        add (p, HULL_RES_MEMORY, "memory.swap", "memory.swap.max", "%" JSON_INTEGER_FORMAT, swap - limit);
    }
  /* swappiness and disableOOMKiller have no v2 file: left out, as runc does */
  return 0;
}

static int
plan_memory_v1 (struct planner *p, json_t *m, hull_error_t *err)
{
  json_int_t limit = 0, swap = 0, v;
  bool has_limit = get_int (m, "limit", &limit) && limit != 0;
  bool has_swap = get_int (m, "swap", &swap) && swap != 0;

  if (has_limit && has_swap && limit > 0 && swap > 0 && swap < limit)
    return hull_error (err, 0, FIELD "memory.swap: %" JSON_INTEGER_FORMAT " is below memory.limit %"
                                    JSON_INTEGER_FORMAT " (swap counts memory plus swap)", swap, limit);
  if (has_limit)
    {
      add_limit (p, HULL_RES_MEMORY, "memory.limit", "memory.limit_in_bytes", limit);
      p->plan->w[p->plan->n - 1].memsw_pair = has_swap;
    }
  if (has_swap)
    add_limit (p, HULL_RES_MEMORY, "memory.swap", "memory.memsw.limit_in_bytes", swap);
  if (get_int (m, "reservation", &v) && v != 0)
    add_limit (p, HULL_RES_MEMORY, "memory.reservation", "memory.soft_limit_in_bytes", v);
  if (get_int (m, "swappiness", &v))
    {
      if (v > 100)
        return hull_error (err, 0, FIELD "memory.swappiness: %" JSON_INTEGER_FORMAT " is over 100", v);
      add (p, HULL_RES_MEMORY, "memory.swappiness", "memory.swappiness", "%" JSON_INTEGER_FORMAT, v);
    }
  if (json_is_true (json_object_get (m, "disableOOMKiller")))
    add (p, HULL_RES_MEMORY, "memory.disableOOMKiller", "memory.oom_control", "1");
  if (json_is_true (json_object_get (m, "useHierarchy")))
    add (p, HULL_RES_MEMORY, "memory.useHierarchy", "memory.use_hierarchy", "1");
  return 0;
}

/* memory.kernel and memory.kernelTCP: the kernel dropped kmem limits (5.16 deprecated them,
   6.x removed the v1 file); like runc 1.2 they are left out. */
static int
plan_memory (struct planner *p, json_t *m, hull_error_t *err)
{
  return v2 (p, HULL_RES_MEMORY) ? plan_memory_v2 (p, m, err) : plan_memory_v1 (p, m, err);
}

/* ---- pids, cpu, cpuset ----------------------------------------------------------------- */

static void
plan_pids (struct planner *p, json_t *o)
{
  json_int_t v;
  /* 0 leaves the limit alone, a negative value lifts it (runc's reading); v1's pids.max, like
     v2's, takes "max" and refuses -1 */
  if (!get_int (o, "limit", &v) || v == 0)
    return;
  if (v < 0)
    add (p, HULL_RES_PIDS, "pids.limit", "pids.max", "max");
  else
    add (p, HULL_RES_PIDS, "pids.limit", "pids.max", "%" JSON_INTEGER_FORMAT, v);
}

static int
plan_cpu_v2 (struct planner *p, json_t *c, hull_error_t *err)
{
  json_int_t shares, quota = 0, period = 0, v;
  bool has_quota = get_int (c, "quota", &quota) && quota != 0;
  bool has_period = get_int (c, "period", &period) && period != 0;

  if (json_object_get (c, "realtimeRuntime") || json_object_get (c, "realtimePeriod"))
    return hull_error (err, 0, FIELD "cpu.realtimeRuntime/realtimePeriod: cgroup v2 has no realtime group "
                                    "scheduling");
  if (get_int (c, "shares", &shares) && shares != 0)
    add (p, HULL_RES_CPU, "cpu.shares", "cpu.weight", "%llu", hull_res_cpu_weight ((unsigned long long) shares));
  if (has_quota || has_period)
    {
      if (!has_period)
        period = 100000;
      if (has_quota && quota > 0)
        add (p, HULL_RES_CPU, "cpu.quota", "cpu.max", "%" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT, quota, period);
      else
        add (p, HULL_RES_CPU, "cpu.quota", "cpu.max", "max %" JSON_INTEGER_FORMAT, period);
    }
  if (get_int (c, "burst", &v))
    add (p, HULL_RES_CPU, "cpu.burst", "cpu.max.burst", "%" JSON_INTEGER_FORMAT, v);
  if (get_int (c, "idle", &v))
    add (p, HULL_RES_CPU, "cpu.idle", "cpu.idle", "%" JSON_INTEGER_FORMAT, v);
  return 0;
}

static void
plan_cpu_v1 (struct planner *p, json_t *c)
{
  json_int_t v;

  if (get_int (c, "shares", &v) && v != 0)
    add (p, HULL_RES_CPU, "cpu.shares", "cpu.shares", "%" JSON_INTEGER_FORMAT, v);
  /* the period first: a quota is checked against the period in force */
  if (get_int (c, "period", &v) && v != 0)
    add (p, HULL_RES_CPU, "cpu.period", "cpu.cfs_period_us", "%" JSON_INTEGER_FORMAT, v);
  if (get_int (c, "quota", &v) && v != 0)
    add_limit (p, HULL_RES_CPU, "cpu.quota", "cpu.cfs_quota_us", v);
  if (get_int (c, "burst", &v))
    add (p, HULL_RES_CPU, "cpu.burst", "cpu.cfs_burst_us", "%" JSON_INTEGER_FORMAT, v);
  if (get_int (c, "realtimePeriod", &v) && v != 0)
    add (p, HULL_RES_CPU, "cpu.realtimePeriod", "cpu.rt_period_us", "%" JSON_INTEGER_FORMAT, v);
  if (get_int (c, "realtimeRuntime", &v) && v != 0)
    add (p, HULL_RES_CPU, "cpu.realtimeRuntime", "cpu.rt_runtime_us", "%" JSON_INTEGER_FORMAT, v);
  if (get_int (c, "idle", &v))
    add (p, HULL_RES_CPU, "cpu.idle", "cpu.idle", "%" JSON_INTEGER_FORMAT, v);
}

static int
plan_cpu (struct planner *p, json_t *c, hull_error_t *err)
{
  const char *cpus = json_string_value (json_object_get (c, "cpus"));
  const char *mems = json_string_value (json_object_get (c, "mems"));

  if (v2 (p, HULL_RES_CPU) ? plan_cpu_v2 (p, c, err) < 0 : (plan_cpu_v1 (p, c), 0))
    return -1;
  if (cpus && *cpus)
    add (p, HULL_RES_CPUSET, "cpu.cpus", "cpuset.cpus", "%s", cpus);
  if (mems && *mems)
    add (p, HULL_RES_CPUSET, "cpu.mems", "cpuset.mems", "%s", mems);
  return 0;
}

/* ---- block I/O ------------------------------------------------------------------------- */

static void
plan_throttle (struct planner *p, json_t *io, const char *key, const char *v1_file, const char *v2_key)
{
  json_t *e;
  size_t i;
  cleanup_free char *field = xasprintf ("blockIO.%s", key);

  json_array_foreach (json_object_get (io, key), i, e)
    {
      json_int_t maj = 0, min = 0, rate = 0;
      get_int (e, "major", &maj);
      get_int (e, "minor", &min);
      get_int (e, "rate", &rate);
      if (v2 (p, HULL_RES_IO))
        add (p, HULL_RES_IO, field, "io.max", "%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT " %s=%" JSON_INTEGER_FORMAT,
             maj, min, v2_key, rate);
      else
        add (p, HULL_RES_IO, field, v1_file, "%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT,
             maj, min, rate);
    }
}

/* A weight (v1 value W, 10..1000) to V1_FILE; on v2 to io.bfq.weight, whose range is the
   same, or where BFQ is not in use to io.weight, converted. PREFIX is "" or "MAJ:MIN ". */
static void
add_weight (struct planner *p, const char *field, const char *v1_file, const char *prefix, json_int_t w)
{
  struct hull_res_write *last;
  const char *v2_prefix = *prefix ? prefix : "default ";

  if (v2 (p, HULL_RES_IO))
    {
      add (p, HULL_RES_IO, field, "io.bfq.weight", "%s%" JSON_INTEGER_FORMAT, v2_prefix, w);
      last = &p->plan->w[p->plan->n - 1];
      last->alt_file = xstrdup ("io.weight");
      last->alt_value = xasprintf ("%s%llu", v2_prefix, hull_res_io_weight ((unsigned long long) w));
      return;
    }
  add (p, HULL_RES_IO, field, v1_file, "%s%" JSON_INTEGER_FORMAT, prefix, w);
  /* kernels without CFQ have only BFQ's files */
  last = &p->plan->w[p->plan->n - 1];
  last->alt_file = xasprintf ("blkio.bfq.%s", v1_file + strlen ("blkio."));
}

static void
plan_block_io (struct planner *p, json_t *io)
{
  json_int_t v;
  json_t *e;
  size_t i;

  if (get_int (io, "weight", &v) && v != 0)
    add_weight (p, "blockIO.weight", "blkio.weight", "", v);
  if (get_int (io, "leafWeight", &v) && v != 0 && !v2 (p, HULL_RES_IO))
    add (p, HULL_RES_IO, "blockIO.leafWeight", "blkio.leaf_weight", "%" JSON_INTEGER_FORMAT, v);
  json_array_foreach (json_object_get (io, "weightDevice"), i, e)
    {
      json_int_t maj = 0, min = 0;
      char prefix[48];
      get_int (e, "major", &maj);
      get_int (e, "minor", &min);
      snprintf (prefix, sizeof prefix, "%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT " ", maj, min);
      if (get_int (e, "weight", &v))
        add_weight (p, "blockIO.weightDevice", "blkio.weight_device", prefix, v);
      if (get_int (e, "leafWeight", &v) && !v2 (p, HULL_RES_IO))
        add (p, HULL_RES_IO, "blockIO.weightDevice", "blkio.leaf_weight_device", "%s%" JSON_INTEGER_FORMAT, prefix, v);
    }
  plan_throttle (p, io, "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps");
  plan_throttle (p, io, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps");
  plan_throttle (p, io, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops");
  plan_throttle (p, io, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops");
}

/* ---- hugetlb, network, rdma, unified ----------------------------------------------------- */

static void
plan_hugetlb (struct planner *p, json_t *a)
{
  json_t *e;
  size_t i;
  json_array_foreach (a, i, e)
    {
      const char *size = json_string_value (json_object_get (e, "pageSize"));
      json_int_t limit = 0;
      cleanup_free char *file = NULL;
      get_int (e, "limit", &limit);
      file = xasprintf ("hugetlb.%s.%s", size, v2 (p, HULL_RES_HUGETLB) ? "max" : "limit_in_bytes");
      add (p, HULL_RES_HUGETLB, "hugepageLimits", file, "%" JSON_INTEGER_FORMAT, limit);
    }
}

static int
plan_network (struct planner *p, json_t *n, hull_error_t *err)
{
  json_int_t v = 0;
  json_t *e;
  size_t i;

  if (get_int (n, "classID", &v))
    {
      if (v2 (p, HULL_RES_NET_CLS))
        return hull_error (err, 0, FIELD "network.classID: net_cls is a cgroup v1 controller, absent here");
      add (p, HULL_RES_NET_CLS, "network.classID", "net_cls.classid", "%" JSON_INTEGER_FORMAT, v);
    }
  json_array_foreach (json_object_get (n, "priorities"), i, e)
    {
      if (v2 (p, HULL_RES_NET_PRIO))
        return hull_error (err, 0, FIELD "network.priorities: net_prio is a cgroup v1 controller, absent here");
      get_int (e, "priority", &v);
      add (p, HULL_RES_NET_PRIO, "network.priorities", "net_prio.ifpriomap", "%s %" JSON_INTEGER_FORMAT,
           json_string_value (json_object_get (e, "name")), v);
    }
  return 0;
}

static void
plan_rdma (struct planner *p, json_t *r)
{
  const char *hca;
  json_t *e;
  json_object_foreach (r, hca, e)
    {
      json_int_t h, o;
      char handles[40] = "", objects[40] = "";
      if (get_int (e, "hcaHandles", &h))
        snprintf (handles, sizeof handles, " hca_handle=%" JSON_INTEGER_FORMAT, h);
      if (get_int (e, "hcaObjects", &o))
        snprintf (objects, sizeof objects, " hca_object=%" JSON_INTEGER_FORMAT, o);
      add (p, HULL_RES_RDMA, "rdma", "rdma.max", "%s%s%s", hca, handles, objects);
    }
}

static int
plan_unified (struct planner *p, json_t *u, hull_error_t *err)
{
  const char *key;
  json_t *v;
  json_object_foreach (u, key, v)
    {
      cleanup_free char *field = xasprintf ("unified.%s", key);
      if (!v2 (p, HULL_RES_UNIFIED))
        return hull_error (err, 0, FIELD "%s: this host has no cgroup v2 hierarchy", field);
      add (p, HULL_RES_UNIFIED, field, key, "%s", json_string_value (v));
    }
  return 0;
}

/* ---- devices --------------------------------------------------------------------------- */

static void
add_rule (struct hull_res_plan *plan, bool allow, char type, int64_t major, int64_t minor, const char *access)
{
  struct hull_dev_rule *r;
  plan->dev_rules = xrealloc (plan->dev_rules, (plan->n_dev_rules + 1) * sizeof *plan->dev_rules);
  r = &plan->dev_rules[plan->n_dev_rules++];
  r->allow = allow;
  r->type = type;
  r->major = major;
  r->minor = minor;
  snprintf (r->access, sizeof r->access, "%s", access);
}

/* The devices every container's /dev has (devices.c), and /dev/pts. */
static const struct
{
  char type;
  int64_t major, minor;
} default_devices[] = { { 'c', 1, 3 }, { 'c', 1, 5 }, { 'c', 1, 7 }, { 'c', 1, 8 },    { 'c', 1, 9 },
                        { 'c', 5, 0 }, { 'c', 5, 2 }, { 'c', 136, -1 } };

static void
collect_rules (const struct hull_linux *lx, json_t *rules, struct hull_res_plan *plan)
{
  json_t *e;
  size_t i;

  json_array_foreach (rules, i, e)
    {
      const char *type = json_string_value (json_object_get (e, "type"));
      const char *access = json_string_value (json_object_get (e, "access"));
      json_int_t maj = -1, min = -1;
      get_int (e, "major", &maj);
      get_int (e, "minor", &min);
      add_rule (plan, json_is_true (json_object_get (e, "allow")), type ? type[0] : 'a', maj, min,
                access ? access : "rwm");
    }
  for (i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
    add_rule (plan, true, default_devices[i].type, default_devices[i].major, default_devices[i].minor, "rwm");
  for (i = 0; i < lx->n_devices; i++)
    if (lx->devices[i].has_major_minor && (lx->devices[i].type == 'b' || lx->devices[i].type == 'c' || lx->devices[i].type == 'u'))
      add_rule (plan, true, lx->devices[i].type == 'b' ? 'b' : 'c', lx->devices[i].major, lx->devices[i].minor, "rwm");
}

static void
format_num (char *buf, size_t len, int64_t v)
{
  if (v < 0)
    snprintf (buf, len, "*");
  else
    snprintf (buf, len, "%" PRId64, v);
}

/* v1: the rules in order, each one line to devices.allow or devices.deny. */
static void
plan_devices_v1 (struct planner *p)
{
  for (size_t i = 0; i < p->plan->n_dev_rules; i++)
    {
      const struct hull_dev_rule *r = &p->plan->dev_rules[i];
      char maj[24], min[24];
      format_num (maj, sizeof maj, r->major);
      format_num (min, sizeof min, r->minor);
      if (r->type == 'a')
        add (p, HULL_RES_DEVICES, "devices", r->allow ? "devices.allow" : "devices.deny", "a");
      else
        add (p, HULL_RES_DEVICES, "devices", r->allow ? "devices.allow" : "devices.deny", "%c %s:%s %s", r->type, maj,
             min, r->access);
    }
}

static void
plan_devices (struct planner *p, const struct hull_linux *lx, json_t *rules)
{
  collect_rules (lx, rules, p->plan);
  /* on v2 the rules become a program, not files (resources.c) */
  if (!v2 (p, HULL_RES_DEVICES))
    plan_devices_v1 (p);
}

/* ---- the whole -------------------------------------------------------------------------- */

unsigned
hull_res_wanted (json_t *r)
{
  json_t *cpu = json_object_get (r, "cpu");
  json_t *net = json_object_get (r, "network");
  unsigned m = 0;

  if (r == NULL)
    return 0;
  m |= json_object_get (r, "memory") ? HULL_RES_MEMORY : 0;
  m |= json_object_get (r, "pids") ? HULL_RES_PIDS : 0;
  m |= json_object_get (r, "blockIO") ? HULL_RES_IO : 0;
  m |= json_array_size (json_object_get (r, "hugepageLimits")) ? HULL_RES_HUGETLB : 0;
  m |= json_object_size (json_object_get (r, "rdma")) ? HULL_RES_RDMA : 0;
  m |= json_object_get (r, "devices") ? HULL_RES_DEVICES : 0;
  m |= json_object_size (json_object_get (r, "unified")) ? HULL_RES_UNIFIED : 0;
  m |= json_object_get (net, "classID") ? HULL_RES_NET_CLS : 0;
  m |= json_array_size (json_object_get (net, "priorities")) ? HULL_RES_NET_PRIO : 0;
  if (cpu)
    {
      static const char *const sched[] = { "shares", "quota", "period", "burst", "realtimePeriod", "realtimeRuntime", "idle", NULL };
      const char *cpus = json_string_value (json_object_get (cpu, "cpus"));
      const char *mems = json_string_value (json_object_get (cpu, "mems"));
      m |= (cpus && *cpus) || (mems && *mems) ? HULL_RES_CPUSET : 0;
      for (size_t i = 0; sched[i]; i++)
        m |= json_object_get (cpu, sched[i]) ? HULL_RES_CPU : 0;
    }
  return m;
}

int
hull_res_plan (const struct hull_linux *lx, unsigned only, unsigned v2_mask, struct hull_res_plan *plan,
               hull_error_t *err)
{
  json_t *r = lx ? lx->resources : NULL;
  struct planner p = { .plan = plan, .v2_mask = v2_mask };
  json_t *o;

  memset (plan, 0, sizeof *plan);
  if (r == NULL)
    return 0;
  if ((o = json_object_get (r, "memory")) && plan_memory (&p, o, err) < 0)
    goto fail;
  if ((o = json_object_get (r, "pids")))
    plan_pids (&p, o);
  if ((o = json_object_get (r, "cpu")) && plan_cpu (&p, o, err) < 0)
    goto fail;
  if ((o = json_object_get (r, "blockIO")))
    plan_block_io (&p, o);
  if ((o = json_object_get (r, "hugepageLimits")))
    plan_hugetlb (&p, o);
  if ((o = json_object_get (r, "network")) && plan_network (&p, o, err) < 0)
    goto fail;
  if ((o = json_object_get (r, "rdma")))
    plan_rdma (&p, o);
  if ((o = json_object_get (r, "unified")) && plan_unified (&p, o, err) < 0)
    goto fail;
  if ((o = json_object_get (r, "devices")) && (only & HULL_RES_DEVICES))
    plan_devices (&p, lx, o);
  return 0;
fail:
  hull_res_plan_free (plan);
  return -1;
}

void
hull_res_plan_free (struct hull_res_plan *plan)
{
  for (size_t i = 0; i < plan->n; i++)
    {
      free (plan->w[i].file);
      free (plan->w[i].alt_file);
      free (plan->w[i].value);
      free (plan->w[i].alt_value);
      free (plan->w[i].field);
    }
  free (plan->w);
  free (plan->dev_rules);
  memset (plan, 0, sizeof *plan);
}
