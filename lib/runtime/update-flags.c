/* update-flags.c: runc's `update` flags (--memory 100m, --cpu-quota 50000, ...) turned into the
   linux.resources object they stand for, each value checked as it comes, and memory sizes read
   as runc reads them. Nothing here touches the system: it is unit-tested and fuzzed. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "../spec/spec.h"
#include "container.h"

enum
{
  F_SIZE,   /* bytes with an optional suffix, or -1 (no limit) */
  F_U64,    /* unsigned decimal */
  F_I64,    /* signed decimal */
  F_PIDS,   /* -1 (no limit) or a count */
  F_WEIGHT, /* 10..1000, or 0 (no change) */
  F_LIST,   /* a cpu or node list, "0-3,7" */
  F_RDT,    /* Intel RDT: not implemented */
};

const struct hull_update_flag hull_update_flags[] = {
  { "blkio-weight", "blockIO", "weight", F_WEIGHT, "block I/O weight, 10 to 1000" },
  { "cpu-period", "cpu", "period", F_U64, "CFS period, in microseconds" },
  { "cpu-quota", "cpu", "quota", F_I64, "CFS quota: CPU time per period, in microseconds (-1: none)" },
  { "cpu-share", "cpu", "shares", F_U64, "CPU shares (relative weight)" },
  { "cpu-rt-period", "cpu", "realtimePeriod", F_U64, "realtime period, in microseconds" },
  { "cpu-rt-runtime", "cpu", "realtimeRuntime", F_I64, "realtime runtime per period, in microseconds" },
  { "cpuset-cpus", "cpu", "cpus", F_LIST, "CPUs to run on, e.g. 0-3,7" },
  { "cpuset-mems", "cpu", "mems", F_LIST, "memory nodes to use, e.g. 0" },
  { "kernel-memory", "memory", "kernel", F_SIZE, "ignored (the kernel dropped kernel memory limits)" },
  { "kernel-memory-tcp", "memory", "kernelTCP", F_SIZE, "ignored (as --kernel-memory)" },
  { "memory", "memory", "limit", F_SIZE, "memory limit, in bytes or 100k, 64m, 1.5g... (-1: none)" },
  { "memory-reservation", "memory", "reservation", F_SIZE, "memory soft limit (-1: none)" },
  { "memory-swap", "memory", "swap", F_SIZE, "memory plus swap limit (-1: no swap limit)" },
  { "pids-limit", "pids", "limit", F_PIDS, "most processes in the container (-1: no limit)" },
  { "l3-cache-schema", NULL, NULL, F_RDT, "Intel RDT L3 cache schema: refused (RDT is not implemented)" },
  { "mem-bw-schema", NULL, NULL, F_RDT, "Intel RDT memory bandwidth schema: refused (as above)" },
  { NULL, NULL, NULL, 0, NULL },
};

/* floor (FRAC / SCALE * 2^SHIFT), FRAC < SCALE <= 10^18, by long division: exact, no overflow. */
static uint64_t
scaled_fraction (uint64_t frac, uint64_t scale, unsigned shift)
{
  uint64_t q = 0;
  for (unsigned i = 0; i < shift; i++)
    {
      frac *= 2;
      q = q * 2 + frac / scale;
      frac %= scale;
    }
  return q;
}

int
hull_parse_size (const char *s, int64_t *out)
{
  static const char units[] = "kmgtp";
  uint64_t whole = 0, frac = 0, scale = 1, value;
  unsigned shift = 0;
  const char *p = s, *u;

  if (!isdigit ((unsigned char) *p))
    return -1;
  for (; isdigit ((unsigned char) *p); p++)
    {
      if (whole > (UINT64_MAX - 9) / 10)
        return -1;
      whole = whole * 10 + (uint64_t) (*p - '0');
    }
  if (*p == '.')
    {
      if (!isdigit ((unsigned char) *++p))
        return -1;
      /* digits past the 18th weigh less than a byte even in petabytes: dropped */
      for (; isdigit ((unsigned char) *p); p++)
        if (scale < 1000000000000000000ULL)
          {
            frac = frac * 10 + (uint64_t) (*p - '0');
            scale *= 10;
          }
    }
  if (*p == ' ')
    p++;
  if (*p != '\0' && (u = strchr (units, tolower ((unsigned char) *p))) != NULL)
    {
      shift = 10 * (unsigned) (u - units + 1);
      if (*++p == 'i' || *p == 'I')
        p++;
    }
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p != '\0' || whole > (uint64_t) INT64_MAX >> shift)
    return -1;
  value = (whole << shift) + scaled_fraction (frac, scale, shift);
  if (value > (uint64_t) INT64_MAX)
    return -1;
  *out = (int64_t) value;
  return 0;
}

/* A signed decimal that fills S. */
static int
parse_i64 (const char *s, int64_t *out)
{
  char *end;
  long long v;

  if (!(isdigit ((unsigned char) *s) || (*s == '-' && isdigit ((unsigned char) s[1]))))
    return -1;
  errno = 0;
  v = strtoll (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

const struct hull_update_flag *
hull_update_flag_find (const char *name)
{
  for (const struct hull_update_flag *f = hull_update_flags; f->name; f++)
    if (strcmp (f->name, name) == 0)
      return f;
  return NULL;
}

const struct hull_update_flag *
hull_update_flag_for_field (const char *field)
{
  for (const struct hull_update_flag *f = hull_update_flags; f->name; f++)
    {
      size_t n = f->object ? strlen (f->object) : 0;
      if (n && strncmp (field, f->object, n) == 0 && field[n] == '.' && strcmp (field + n + 1, f->key) == 0)
        return f;
    }
  return NULL;
}

/* The JSON value of VALUE for flag F, or NULL with *err saying why not (without the flag's
   name: the caller adds it). */
static json_t *
flag_value (const struct hull_update_flag *f, const char *value, hull_error_t *err)
{
  unsigned long long u;
  int64_t v;
  json_t *j;

  switch (f->kind)
    {
    case F_SIZE:
      if (strcmp (value, "-1") == 0)
        return json_integer (-1);
      if (hull_parse_size (value, &v) == 0)
        return json_integer (v);
      hull_error (err, 0, "`%s` is not a size (bytes, or with a suffix: 512k, 64m, 1.5g), nor -1", value);
      return NULL;
    case F_U64:
      if (hull_parse_u64 (value, &u) == 0 && u <= INT64_MAX)
        return json_integer ((json_int_t) u);
      hull_error (err, 0, "`%s` is not an unsigned number", value);
      return NULL;
    case F_I64:
      if (parse_i64 (value, &v) == 0)
        return json_integer (v);
      hull_error (err, 0, "`%s` is not a number", value);
      return NULL;
    case F_PIDS:
      if (parse_i64 (value, &v) == 0 && v >= -1)
        return json_integer (v);
      hull_error (err, 0, "`%s` is not a number of processes, nor -1", value);
      return NULL;
    case F_WEIGHT:
      if (hull_parse_u64 (value, &u) == 0 && (u == 0 || (u >= 10 && u <= 1000)))
        return json_integer ((json_int_t) u);
      hull_error (err, 0, "`%s` is not a weight from 10 to 1000", value);
      return NULL;
    case F_LIST:
      if ((j = json_string (value)) != NULL) /* NULL: not UTF-8 */
        return j;
      hull_error (err, 0, "must be a list such as \"0-3,7\"");
      return NULL;
    default:
      hull_error (err, 0, "Intel RDT is not implemented by hull-runtime (`features` lists intelRdt as disabled)");
      return NULL;
    }
}

/* Check V as linux.resources.F->object.F->key; the validator's message, without the field. */
static int
check_value (const struct hull_update_flag *f, json_t *v, hull_error_t *err)
{
  json_t *one = json_pack ("{s:{s:O}}", f->object, f->key, v);
  cleanup_free char *field = xasprintf ("%s.%s: ", f->object, f->key);
  size_t n = strlen (field);
  int r;

  if (one == NULL)
    return hull_error (err, 0, "out of memory");
  r = hull_spec_check_resources (one, err);
  json_decref (one);
  if (r < 0 && strncmp ((*err)->msg, field, n) == 0)
    memmove ((*err)->msg, (*err)->msg + n, strlen ((*err)->msg + n) + 1);
  return r;
}

int
hull_update_flag_set (json_t *resources, const char *name, const char *value, hull_error_t *err)
{
  const struct hull_update_flag *f = hull_update_flag_find (name);
  json_t *v, *obj;

  if (f == NULL)
    return hull_error (err, 0, "--%s: not an update flag", name);
  if (*value == '\0')
    return hull_error (err, 0, "--%s: empty value", name);
  v = flag_value (f, value, err);
  if (v == NULL || check_value (f, v, err) < 0)
    {
      json_decref (v);
      return hull_error_wrap (err, "--%s", name);
    }
  obj = json_object_get (resources, f->object);
  if (obj == NULL)
    json_object_set_new (resources, f->object, obj = json_object ());
  json_object_set_new (obj, f->key, v);
  return 0;
}
