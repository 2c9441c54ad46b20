/* events-json.c: runc's event JSON (events.h) written out by hand: its counters are unsigned
   64-bit (v2's "max" is 18446744073709551615), beyond what jansson's signed integers hold. */
#define _GNU_SOURCE
#include "events.h"

#include <stdio.h>
#include <stdlib.h>

/* A JSON writer: FIRST says no value has been written at the current level yet. */
struct jw
{
  FILE *f;
  bool first;
};

static void
put_string (FILE *f, const char *s)
{
  fputc ('"', f);
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (f, "\\%c", *p);
      else if (*p < 0x20)
        fprintf (f, "\\u%04x", *p);
      else
        fputc (*p, f);
    }
  fputc ('"', f);
}

/* The comma before a value (none before the first of its level), and its key in an object. */
static void
jw_item (struct jw *w, const char *key)
{
  if (!w->first)
    fputc (',', w->f);
  w->first = false;
  if (key)
    {
      put_string (w->f, key);
      fputc (':', w->f);
    }
}

static void
jw_open (struct jw *w, const char *key, char bracket)
{
  jw_item (w, key);
  fputc (bracket, w->f);
  w->first = true;
}

static void
jw_close (struct jw *w, char bracket)
{
  fputc (bracket, w->f);
  w->first = false;
}

static void
jw_u64 (struct jw *w, const char *key, unsigned long long v)
{
  jw_item (w, key);
  fprintf (w->f, "%llu", v);
}

static void
jw_string (struct jw *w, const char *key, const char *v)
{
  jw_item (w, key);
  put_string (w->f, v);
}

/* ---- the sections of data --------------------------------------------------------------- */

static void
u64_list (struct jw *w, const char *key, const struct hull_stat_list *l)
{
  if (l->n == 0)
    return;
  jw_open (w, key, '[');
  for (size_t i = 0; i < l->n; i++)
    jw_u64 (w, NULL, l->v[i]);
  jw_close (w, ']');
}

static void
cpu_json (struct jw *w, const struct hull_cgroup_stats *s)
{
  jw_open (w, "cpu", '{');
  if (s->cpu.has_usage)
    {
      jw_open (w, "usage", '{');
      jw_u64 (w, "total", s->cpu.total);
      u64_list (w, "percpu", &s->cpu.percpu);
      u64_list (w, "percpu_kernel", &s->cpu.percpu_kernel);
      u64_list (w, "percpu_user", &s->cpu.percpu_user);
      jw_u64 (w, "kernel", s->cpu.kernel);
      jw_u64 (w, "user", s->cpu.user);
      jw_close (w, '}');
    }
  if (s->cpu.has_throttling)
    {
      jw_open (w, "throttling", '{');
      jw_u64 (w, "periods", s->cpu.periods);
      jw_u64 (w, "throttledPeriods", s->cpu.throttled_periods);
      jw_u64 (w, "throttledTime", s->cpu.throttled_time);
      jw_close (w, '}');
    }
  jw_close (w, '}');
}

static void
mem_entry (struct jw *w, const char *key, const struct hull_stat_mem *m)
{
  if (m->has == 0)
    return;
  jw_open (w, key, '{');
  if (m->has & HULL_MEM_LIMIT)
    jw_u64 (w, "limit", m->limit);
  if (m->has & HULL_MEM_USAGE)
    jw_u64 (w, "usage", m->usage);
  if (m->has & HULL_MEM_MAX)
    jw_u64 (w, "max", m->max);
  if (m->has & HULL_MEM_FAILCNT)
    jw_u64 (w, "failcnt", m->failcnt);
  jw_close (w, '}');
}

static void
memory_json (struct jw *w, const struct hull_cgroup_stats *s)
{
  jw_open (w, "memory", '{');
  if (s->memory.has_cache)
    jw_u64 (w, "cache", s->memory.cache);
  mem_entry (w, "usage", &s->memory.usage);
  mem_entry (w, "swap", &s->memory.swap);
  mem_entry (w, "kernel", &s->memory.kernel);
  mem_entry (w, "kernelTCP", &s->memory.kernel_tcp);
  if (s->memory.raw.n > 0)
    {
      jw_open (w, "raw", '{');
      for (size_t i = 0; i < s->memory.raw.n; i++)
        jw_u64 (w, s->memory.raw.v[i].key, s->memory.raw.v[i].value);
      jw_close (w, '}');
    }
  jw_close (w, '}');
}

static void
blkio_list (struct jw *w, const char *key, const struct hull_stat_blkios *b)
{
  jw_open (w, key, '[');
  for (size_t i = 0; i < b->n; i++)
    {
      jw_open (w, NULL, '{');
      jw_u64 (w, "major", b->v[i].major);
      jw_u64 (w, "minor", b->v[i].minor);
      jw_string (w, "op", b->v[i].op);
      jw_u64 (w, "value", b->v[i].value);
      jw_close (w, '}');
    }
  jw_close (w, ']');
}

static void
hugetlb_json (struct jw *w, const struct hull_cgroup_stats *s)
{
  jw_open (w, "hugetlb", '{');
  for (size_t i = 0; i < s->hugetlb.n; i++)
    {
      const struct hull_stat_hugetlb *h = &s->hugetlb.v[i];
      jw_open (w, h->size, '{');
      jw_u64 (w, "usage", h->usage);
      if (h->has_max)
        jw_u64 (w, "max", h->max);
      jw_u64 (w, "failcnt", h->failcnt);
      jw_close (w, '}');
    }
  jw_close (w, '}');
}

static void
data_json (struct jw *w, const struct hull_cgroup_stats *s)
{
  jw_open (w, "data", '{');
  if (s->has & HULL_STATS_CPU)
    cpu_json (w, s);
  if (s->has & HULL_STATS_MEMORY)
    memory_json (w, s);
  if (s->has & HULL_STATS_PIDS)
    {
      jw_open (w, "pids", '{');
      jw_u64 (w, "current", s->pids.current);
      jw_u64 (w, "limit", s->pids.limit);
      jw_close (w, '}');
    }
  if (s->has & HULL_STATS_BLKIO)
    {
      jw_open (w, "blkio", '{');
      blkio_list (w, "ioServiceBytesRecursive", &s->blkio.service_bytes);
      blkio_list (w, "ioServicedRecursive", &s->blkio.serviced);
      jw_close (w, '}');
    }
  if (s->has & HULL_STATS_HUGETLB)
    hugetlb_json (w, s);
  jw_close (w, '}');
}

/* ---- whole events ----------------------------------------------------------------------- */

static char *
event_json (const char *type, const char *id, const struct hull_cgroup_stats *s)
{
  char *text = NULL;
  size_t len = 0;
  struct jw w = { .f = open_memstream (&text, &len), .first = true };

  if (w.f == NULL)
    abort (); /* out of memory, as xmalloc0 would */
  jw_open (&w, NULL, '{');
  jw_string (&w, "type", type);
  jw_string (&w, "id", id);
  if (s)
    data_json (&w, s);
  jw_close (&w, '}');
  if (fclose (w.f) != 0)
    abort ();
  return text;
}

char *
hull_event_stats_json (const char *id, const struct hull_cgroup_stats *s)
{
  return event_json ("stats", id, s);
}

char *
hull_event_oom_json (const char *id)
{
  return event_json ("oom", id, NULL);
}
