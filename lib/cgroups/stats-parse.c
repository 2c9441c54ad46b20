/* stats-parse.c: the pure half of stats.h: the text of cgroup statistics files (single numbers,
   "key value" lines, blkio and io.stat lines, tick counts) into numbers, with no file access,
   so unit tests can feed them any text. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#define NS_PER_SEC 1000000000ULL

/* ---- growing arrays: capacity doubles whenever the length reaches a power of two -------- */

static void *
grow (void *v, size_t n, size_t size)
{
  if (n != 0 && (n & (n - 1)) != 0)
    return v;
  return xrealloc (v, (n ? 2 * n : 1) * size);
}

static void
kvs_push (struct hull_stat_kvs *kvs, const char *key, size_t len, unsigned long long value)
{
  kvs->v = grow (kvs->v, kvs->n, sizeof *kvs->v);
  kvs->v[kvs->n].key = strndup (key, len);
  if (kvs->v[kvs->n].key == NULL)
    abort ();
  kvs->v[kvs->n++].value = value;
}

static void
list_push (struct hull_stat_list *l, unsigned long long value)
{
  l->v = grow (l->v, l->n, sizeof *l->v);
  l->v[l->n++] = value;
}

static void
blkio_push (struct hull_stat_blkios *b, unsigned major, unsigned minor, const char *op, size_t len,
            unsigned long long value)
{
  b->v = grow (b->v, b->n, sizeof *b->v);
  b->v[b->n] = (struct hull_stat_blkio) { .major = major, .minor = minor, .value = value };
  b->v[b->n].op = strndup (op, len);
  if (b->v[b->n++].op == NULL)
    abort ();
}

/* ---- words and lines -------------------------------------------------------------------- */

/* The next line of *P, without its newline; false at the end of the text. */
static bool
next_line (const char **p, const char **line, size_t *len)
{
  if (**p == '\0')
    return false;
  *line = *p;
  *len = strcspn (*p, "\n");
  *p += *len + ((*p)[*len] == '\n');
  return true;
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n';
}

/* The next blank-separated word before END; false when there is none. */
static bool
next_word (const char **p, const char *end, const char **word, size_t *len)
{
  while (*p < end && is_blank (**p))
    (*p)++;
  if (*p >= end)
    return false;
  *word = *p;
  while (*p < end && !is_blank (**p))
    (*p)++;
  *len = (size_t) (*p - *word);
  return true;
}

static int
parse_number (const char *s, size_t len, const char *what, unsigned long long *out, hull_error_t *err)
{
  if (!hull_parse_u64_n (s, len, out))
    return hull_error (err, 0, "%s: `%.*s` is not a number", what, (int) len, s);
  return 0;
}

/* "MAJ:MIN" */
static int
parse_device (const char *s, size_t len, const char *what, unsigned *major, unsigned *minor, hull_error_t *err)
{
  const char *colon = memchr (s, ':', len);
  unsigned long long ma, mi;

  if (colon == NULL || !hull_parse_u64_n (s, (size_t) (colon - s), &ma)
      || !hull_parse_u64_n (colon + 1, len - (size_t) (colon + 1 - s), &mi) || ma > ~0U || mi > ~0U)
    return hull_error (err, 0, "%s: `%.*s` is not a device number MAJOR:MINOR", what, (int) len, s);
  *major = (unsigned) ma;
  *minor = (unsigned) mi;
  return 0;
}

/* ---- the formats ------------------------------------------------------------------------ */

int
hull_stats_parse_u64 (const char *text, unsigned long long max_value, const char *what, unsigned long long *out,
                      hull_error_t *err)
{
  size_t len = strcspn (text, "\n");

  if (len == 3 && strncmp (text, "max", 3) == 0)
    {
      *out = max_value;
      return 0;
    }
  return parse_number (text, len, what, out, err);
}

int
hull_stats_parse_keyed (const char *text, const char *what, struct hull_stat_kvs *out, hull_error_t *err)
{
  const char *p = text, *line, *key, *val, *extra;
  size_t len, klen, vlen, xlen;
  unsigned long long v;

  while (next_line (&p, &line, &len))
    {
      const char *q = line, *end = line + len;
      if (!next_word (&q, end, &key, &klen))
        continue; /* an empty line */
      if (!next_word (&q, end, &val, &vlen) || next_word (&q, end, &extra, &xlen))
        return hull_error (err, 0, "%s: line `%.*s` is not `key value`", what, (int) len, line);
      if (parse_number (val, vlen, what, &v, err) < 0)
        return -1;
      kvs_push (out, key, klen, v);
    }
  return 0;
}

bool
hull_stats_kv_get (const struct hull_stat_kvs *kvs, const char *key, unsigned long long *out)
{
  for (size_t i = 0; i < kvs->n; i++)
    if (strcmp (kvs->v[i].key, key) == 0)
      {
        *out = kvs->v[i].value;
        return true;
      }
  return false;
}

int
hull_stats_parse_list (const char *text, const char *what, struct hull_stat_list *out, hull_error_t *err)
{
  const char *p = text, *end = text + strlen (text), *w;
  size_t len;
  unsigned long long v;

  while (next_word (&p, end, &w, &len))
    {
      if (parse_number (w, len, what, &v, err) < 0)
        return -1;
      list_push (out, v);
    }
  return 0;
}

int
hull_stats_parse_blkio (const char *text, const char *what, struct hull_stat_blkios *out, hull_error_t *err)
{
  const char *p = text, *line, *w[4];
  size_t len, wl[4], n;
  unsigned major, minor;
  unsigned long long v;

  while (next_line (&p, &line, &len))
    {
      const char *q = line;
      for (n = 0; n < 4 && next_word (&q, line + len, &w[n], &wl[n]); n++)
        ;
      if (n == 0 || (n == 2 && wl[0] == 5 && strncmp (w[0], "Total", 5) == 0))
        continue;
      if (n != 3)
        return hull_error (err, 0, "%s: line `%.*s` is not `MAJOR:MINOR OP VALUE`", what, (int) len, line);
      if (parse_device (w[0], wl[0], what, &major, &minor, err) < 0 || parse_number (w[2], wl[2], what, &v, err) < 0)
        return -1;
      blkio_push (out, major, minor, w[1], wl[1], v);
    }
  return 0;
}

/* One "key=value" word of an io.stat line for device MAJOR:MINOR. */
static int
io_stat_word (const char *w, size_t len, unsigned major, unsigned minor, const char *what,
              struct hull_stat_blkios *bytes, struct hull_stat_blkios *ios, hull_error_t *err)
{
  static const struct
  {
    const char *key;
    bool bytes;
    const char *op;
  } known[] = { { "rbytes", true, "Read" }, { "wbytes", true, "Write" }, { "rios", false, "Read" },
                { "wios", false, "Write" } };
  const char *eq = memchr (w, '=', len);
  unsigned long long v;

  if (eq == NULL)
    return hull_error (err, 0, "%s: `%.*s` is not `key=value`", what, (int) len, w);
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if ((size_t) (eq - w) == strlen (known[i].key) && strncmp (w, known[i].key, (size_t) (eq - w)) == 0)
      {
        if (parse_number (eq + 1, len - (size_t) (eq + 1 - w), what, &v, err) < 0)
          return -1;
        blkio_push (known[i].bytes ? bytes : ios, major, minor, known[i].op, strlen (known[i].op), v);
      }
  return 0;
}

int
hull_stats_parse_io_stat (const char *text, const char *what, struct hull_stat_blkios *bytes,
                          struct hull_stat_blkios *ios, hull_error_t *err)
{
  const char *p = text, *line, *w;
  size_t len, wl;
  unsigned major, minor;

  while (next_line (&p, &line, &len))
    {
      const char *q = line, *end = line + len;
      if (!next_word (&q, end, &w, &wl))
        continue;
      if (parse_device (w, wl, what, &major, &minor, err) < 0)
        return -1;
      while (next_word (&q, end, &w, &wl))
        if (io_stat_word (w, wl, major, minor, what, bytes, ios, err) < 0)
          return -1;
    }
  return 0;
}

static unsigned long long
ticks_to_ns (unsigned long long ticks, unsigned long long per_sec)
{
  return ticks / per_sec * NS_PER_SEC + ticks % per_sec * NS_PER_SEC / per_sec;
}

int
hull_stats_cpuacct_times (const char *text, long ticks_per_sec, unsigned long long *user_ns,
                          unsigned long long *kernel_ns, hull_error_t *err)
{
  struct hull_stat_kvs kvs = { 0 };
  unsigned long long user, sys;
  int r = -1;

  if (ticks_per_sec <= 0)
    return hull_error (err, 0, "cpuacct.stat: the clock tick rate %ld is not positive", ticks_per_sec);
  if (hull_stats_parse_keyed (text, "cpuacct.stat", &kvs, err) < 0)
    goto out;
  if (!hull_stats_kv_get (&kvs, "user", &user) || !hull_stats_kv_get (&kvs, "system", &sys))
    {
      hull_error (err, 0, "cpuacct.stat: no `user` and `system` lines");
      goto out;
    }
  *user_ns = ticks_to_ns (user, (unsigned long long) ticks_per_sec);
  *kernel_ns = ticks_to_ns (sys, (unsigned long long) ticks_per_sec);
  r = 0;
out:
  hull_stat_kvs_clear (&kvs);
  return r;
}

void
hull_stat_kvs_clear (struct hull_stat_kvs *kvs)
{
  for (size_t i = 0; i < kvs->n; i++)
    free (kvs->v[i].key);
  free (kvs->v);
  *kvs = (struct hull_stat_kvs) { 0 };
}

void
hull_stat_blkios_clear (struct hull_stat_blkios *b)
{
  for (size_t i = 0; i < b->n; i++)
    free (b->v[i].op);
  free (b->v);
  *b = (struct hull_stat_blkios) { 0 };
}
