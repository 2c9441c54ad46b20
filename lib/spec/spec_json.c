/* spec_json.c: typed getters over jansson values for the config.json parser. Every getter
   names the offending field by its JSON path in the error it returns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spec-internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

/* ---- paths and messages ---------------------------------------------------------------- */

static bool
is_identifier (const char *s)
{
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
    return false;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || *s == '_'))
      return false;
  return true;
}

char *
spec_quote (const char *s)
{
  const size_t max = 64;
  size_t cap = max * 4 + 8, o = 0, i;
  char *r = xmalloc0 (cap);

  r[o++] = '"';
  for (i = 0; s[i] && i < max; i++)
    {
      unsigned char c = (unsigned char) s[i];
      if (c == '"' || c == '\\')
        o += snprintf (r + o, cap - o, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        o += snprintf (r + o, cap - o, "\\x%02x", c);
      else
        r[o++] = (char) c;
    }
  if (s[i])
    o += snprintf (r + o, cap - o, "...");
  r[o++] = '"';
  r[o] = '\0';
  return r;
}

char *
spec_path_key (const char *path, const char *key)
{
  cleanup_free char *q = NULL;

  if (is_identifier (key))
    return *path ? xasprintf ("%s.%s", path, key) : xstrdup (key);
  q = spec_quote (key);
  return xasprintf ("%s[%s]", path, q);
}

char *
spec_path_idx (const char *path, size_t i)
{
  return xasprintf ("%s[%zu]", path, i);
}

const char *
spec_type_name (const json_t *v)
{
  switch (json_typeof (v))
    {
    case JSON_OBJECT:
      return "object";
    case JSON_ARRAY:
      return "array";
    case JSON_STRING:
      return spec_is_big_marker (v) ? "integer" : "string";
    case JSON_INTEGER:
      return "integer";
    case JSON_REAL:
      return "number";
    case JSON_TRUE:
    case JSON_FALSE:
      return "boolean";
    case JSON_NULL:
    default:
      return "null";
    }
}

static int __attribute__ ((format (printf, 3, 0)))
spec_verror (hull_error_t *err, const char *path, const char *fmt, va_list ap)
{
  cleanup_free char *msg = NULL;

  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  if (*path)
    return hull_error (err, 0, "config.json: %s: %s", path, msg);
  return hull_error (err, 0, "config.json: %s", msg);
}

int
spec_error (hull_error_t *err, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  spec_verror (err, path, fmt, ap);
  va_end (ap);
  return -1;
}

int
spec_key_error (hull_error_t *err, const char *path, const char *key, const char *fmt, ...)
{
  cleanup_free char *p = spec_path_key (path, key);
  va_list ap;
  va_start (ap, fmt);
  spec_verror (err, p, fmt, ap);
  va_end (ap);
  return -1;
}

static int
type_error (hull_error_t *err, const char *path, const char *expected, const json_t *v)
{
  return spec_error (err, path, "expected %s, got %s", expected, spec_type_name (v));
}

/* ---- big unsigned integers ------------------------------------------------------------- */

bool
spec_is_big_marker (const json_t *v)
{
  return json_is_string (v) && json_string_length (v) > 1 && json_string_value (v)[0] == '\0';
}

static bool
marker_value (const json_t *v, uint64_t *out)
{
  unsigned long long u;
  if (!spec_is_big_marker (v) || hull_parse_u64 (json_string_value (v) + 1, &u) < 0)
    return false;
  *out = u;
  return true;
}

/* Length of the number-like token at P (digits, sign, '.', exponent). */
static size_t
number_token_len (const char *p, size_t left)
{
  size_t n = 0;
  while (n < left
         && ((p[n] >= '0' && p[n] <= '9') || p[n] == '+' || p[n] == '-' || p[n] == '.'
             || p[n] == 'e' || p[n] == 'E'))
    n++;
  return n;
}

static bool
is_big_uint (const char *p, size_t n)
{
  char digits[24];
  unsigned long long u;

  if (n < 19 || n > 20 || p[0] == '0')
    return false;
  for (size_t i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9')
      return false;
  memcpy (digits, p, n);
  digits[n] = '\0';
  if (hull_parse_u64 (digits, &u) < 0)
    return false;
  return u > (unsigned long long) INT64_MAX;
}

/* Length of the string literal at P (starting at the quote), or LEFT when unterminated.
   Sets *nul when it holds a \u0000 escape. */
static size_t
string_token_len (const char *p, size_t left, bool *nul)
{
  size_t n = 1;
  while (n < left && p[n] != '"')
    {
      if (p[n] == '\\' && n + 1 < left)
        {
          if (p[n + 1] == 'u' && n + 5 < left && strncmp (p + n + 2, "0000", 4) == 0)
            *nul = true;
          n++;
        }
      n++;
    }
  return n < left ? n + 1 : left;
}

int
spec_mark_big_ints (const char *data, size_t len, char **out, size_t *out_len)
{
  cleanup_free char *buf = xmalloc0 (len * 2 + 16);
  size_t i = 0, o = 0;
  int found = 0;
  bool nul = false;

  while (i < len)
    {
      size_t n = 1;
      if (data[i] == '"')
        n = string_token_len (data + i, len - i, &nul);
      else if (data[i] == '-' || (data[i] >= '0' && data[i] <= '9'))
        n = number_token_len (data + i, len - i);
      if (n == 0)
        n = 1;
      if (data[i] != '"' && is_big_uint (data + i, n))
        {
          memcpy (buf + o, "\"\\u0000", 7);
          memcpy (buf + o + 7, data + i, n);
          buf[o + 7 + n] = '"';
          o += n + 8;
          found++;
        }
      else
        {
          memcpy (buf + o, data + i, n);
          o += n;
        }
      i += n;
    }
  if (nul)
    return -1;
  if (found == 0)
    return 0;
  *out_len = o;
  *out = hull_steal_ptr (buf);
  return found;
}

void
spec_resolve_big_markers (json_t *v)
{
  uint64_t u;
  const char *key;
  json_t *child;
  size_t i;

  if (json_is_object (v))
    {
      json_object_foreach (v, key, child)
        {
          if (marker_value (child, &u))
            json_object_set_new (v, key, json_integer ((json_int_t) u));
          else
            spec_resolve_big_markers (child);
        }
    }
  else if (json_is_array (v))
    {
      json_array_foreach (v, i, child)
        {
          if (marker_value (child, &u))
            json_array_set_new (v, i, json_integer ((json_int_t) u));
          else
            spec_resolve_big_markers (child);
        }
    }
}

/* ---- value checks ---------------------------------------------------------------------- */

bool
spec_is_string (const json_t *v)
{
  return json_is_string (v) && strlen (json_string_value (v)) == json_string_length (v);
}

struct int_range
{
  const char *what;
  bool is_signed;
  int64_t min; /* signed kinds */
  uint64_t max;
};

static const struct int_range int_ranges[] = {
  [SPEC_I32] = { "a 32-bit integer", true, INT32_MIN, INT32_MAX },
  [SPEC_I64] = { "a 64-bit integer", true, INT64_MIN, INT64_MAX },
  [SPEC_U8] = { "an unsigned 8-bit integer", false, 0, UINT8_MAX },
  [SPEC_U16] = { "an unsigned 16-bit integer", false, 0, UINT16_MAX },
  [SPEC_U32] = { "an unsigned 32-bit integer", false, 0, UINT32_MAX },
  [SPEC_U64] = { "an unsigned 64-bit integer", false, 0, UINT64_MAX },
  [SPEC_FILEMODE] = { "a file mode from 0 to 511", false, 0, 511 },
  [SPEC_TIMEOUT] = { "a positive integer", true, 1, INT_MAX },
  [SPEC_INT] = { "an integer", true, INT_MIN, INT_MAX },
};

int
spec_check_int (const json_t *v, const char *path, enum spec_int_kind kind, uint64_t *bits,
                hull_error_t *err)
{
  const struct int_range *r = &int_ranges[kind];
  uint64_t u;
  json_int_t s;

  if (marker_value (v, &u))
    {
      if (r->is_signed || u > r->max)
        return spec_error (err, path, "expected %s, got %llu", r->what, (unsigned long long) u);
      if (bits)
        *bits = u;
      return 0;
    }
  if (!json_is_integer (v))
    return type_error (err, path, r->what, v);
  s = json_integer_value (v);
  if (r->is_signed ? (s < r->min || s > (json_int_t) r->max) : (s < 0 || (uint64_t) s > r->max))
    return spec_error (err, path, "expected %s, got %lld", r->what, (long long) s);
  if (bits)
    *bits = (uint64_t) s;
  return 0;
}

static int
check_enum (const json_t *v, const char *path, const char *const *values, hull_error_t *err)
{
  cleanup_free char *q = NULL;
  size_t n = 0;

  if (!spec_is_string (v))
    return type_error (err, path, "a string", v);
  for (; values[n]; n++)
    if (strcmp (values[n], json_string_value (v)) == 0)
      return 0;
  q = spec_quote (json_string_value (v));
  if (n <= 8)
    {
      char list[512] = "";
      for (size_t i = 0; i < n; i++)
        {
          strncat (list, i ? ", " : "", sizeof list - strlen (list) - 1);
          strncat (list, values[i], sizeof list - strlen (list) - 1);
        }
      return spec_error (err, path, "invalid value %s (expected one of: %s)", q, list);
    }
  return spec_error (err, path, "invalid value %s", q);
}

typedef int (*elem_check_fn) (json_t *v, const char *path, const struct spec_field *f,
                              hull_error_t *err);

static int
check_array_of (json_t *v, const char *path, const struct spec_field *f, elem_check_fn fn,
                hull_error_t *err)
{
  size_t i;
  json_t *e;

  if (!json_is_array (v))
    return type_error (err, path, "an array", v);
  json_array_foreach (v, i, e)
    {
      cleanup_free char *p = spec_path_idx (path, i);
      if (fn (e, p, f, err) < 0)
        return -1;
    }
  return 0;
}

static int
check_map_of (json_t *v, const char *path, const struct spec_field *f, elem_check_fn fn,
              hull_error_t *err)
{
  const char *key;
  json_t *e;

  if (!json_is_object (v))
    return type_error (err, path, "an object", v);
  json_object_foreach (v, key, e)
    {
      cleanup_free char *p = spec_path_key (path, key);
      if (fn (e, p, f, err) < 0)
        return -1;
    }
  return 0;
}

static int
elem_string (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err)
{
  return spec_is_string (v) ? 0 : type_error (err, path, "a string", v);
}

static int
elem_enum (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err)
{
  return check_enum (v, path, f->values, err);
}

static int
elem_int (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err)
{
  return spec_check_int (v, path, f->int_kind, NULL, err);
}

static int
elem_object (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err)
{
  if (!json_is_object (v))
    return type_error (err, path, "an object", v);
  if (f->fields && spec_check_fields (v, path, f->fields, err) < 0)
    return -1;
  return f->check ? f->check (v, path, err) : 0;
}

static int
check_type (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err)
{
  switch (f->kind)
    {
    case SPEC_STRING:
      return elem_string (v, path, f, err);
    case SPEC_BOOL:
      return json_is_boolean (v) ? 0 : type_error (err, path, "a boolean", v);
    case SPEC_INTEGER:
      return elem_int (v, path, f, err);
    case SPEC_STRV:
      return check_array_of (v, path, f, elem_string, err);
    case SPEC_ENUM:
      return elem_enum (v, path, f, err);
    case SPEC_ENUMV:
      return check_array_of (v, path, f, elem_enum, err);
    case SPEC_UINTV:
      return check_array_of (v, path, f, elem_int, err);
    case SPEC_OBJECT:
      return elem_object (v, path, f, err);
    case SPEC_OBJECTV:
      return check_array_of (v, path, f, elem_object, err);
    case SPEC_OBJECT_MAP:
      return check_map_of (v, path, f, elem_object, err);
    case SPEC_STRING_MAP:
      return check_map_of (v, path, f, elem_string, err);
    }
  return spec_error (err, path, "internal error: unknown field kind");
}

int
spec_check_value (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err)
{
  bool objects = f->kind == SPEC_OBJECT || f->kind == SPEC_OBJECTV || f->kind == SPEC_OBJECT_MAP;

  if (check_type (v, path, f, err) < 0)
    return -1;
  /* For object kinds, check already ran on each object inside check_type. */
  if (!objects && f->check)
    return f->check (v, path, err);
  return 0;
}

int
spec_check_fields (json_t *obj, const char *path, const struct spec_field *fields,
                   hull_error_t *err)
{
  for (const struct spec_field *f = fields; f->key; f++)
    {
      json_t *v = json_object_get (obj, f->key);
      cleanup_free char *p = NULL;

      if (v == NULL)
        {
          if (f->required)
            return spec_key_error (err, path, f->key, "required field is missing");
          continue;
        }
      p = spec_path_key (path, f->key);
      if (spec_check_value (v, p, f, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- getters --------------------------------------------------------------------------- */

int
spec_get (json_t *obj, const char *path, const char *key, bool required, json_t **out,
          hull_error_t *err)
{
  json_t *v = json_object_get (obj, key);

  *out = v;
  if (v != NULL)
    return 1;
  if (required)
    return spec_key_error (err, path, key, "required field is missing");
  return 0;
}

static int
get_typed (json_t *obj, const char *path, const char *key, bool required, json_t **out,
           bool (*is) (const json_t *), const char *what, hull_error_t *err)
{
  int r = spec_get (obj, path, key, required, out, err);
  if (r <= 0)
    return r;
  if (!is (*out))
    {
      cleanup_free char *p = spec_path_key (path, key);
      return type_error (err, p, what, *out);
    }
  return 1;
}

static bool
is_object (const json_t *v)
{
  return json_is_object (v);
}

static bool
is_array (const json_t *v)
{
  return json_is_array (v);
}

static bool
is_bool (const json_t *v)
{
  return json_is_boolean (v);
}

int
spec_get_object (json_t *obj, const char *path, const char *key, bool required, json_t **out,
                 hull_error_t *err)
{
  return get_typed (obj, path, key, required, out, is_object, "an object", err);
}

int
spec_get_array (json_t *obj, const char *path, const char *key, bool required, json_t **out,
                hull_error_t *err)
{
  return get_typed (obj, path, key, required, out, is_array, "an array", err);
}

int
spec_get_string (json_t *obj, const char *path, const char *key, bool required, char **out,
                 hull_error_t *err)
{
  json_t *v;
  int r = get_typed (obj, path, key, required, &v, spec_is_string, "a string", err);
  if (r > 0 && out)
    {
      free (*out);
      *out = xstrdup (json_string_value (v));
    }
  return r;
}

int
spec_get_bool (json_t *obj, const char *path, const char *key, bool required, bool *out,
               hull_error_t *err)
{
  json_t *v;
  int r = get_typed (obj, path, key, required, &v, is_bool, "a boolean", err);
  if (r > 0 && out)
    *out = json_is_true (v);
  return r;
}

static int
get_int_bits (json_t *obj, const char *path, const char *key, bool required,
              enum spec_int_kind kind, uint64_t *bits, hull_error_t *err)
{
  json_t *v;
  cleanup_free char *p = NULL;
  int r = spec_get (obj, path, key, required, &v, err);

  if (r <= 0)
    return r;
  p = spec_path_key (path, key);
  return spec_check_int (v, p, kind, bits, err) < 0 ? -1 : 1;
}

int
spec_get_u32 (json_t *obj, const char *path, const char *key, bool required, uint32_t *out,
              hull_error_t *err)
{
  uint64_t b = 0;
  int r = get_int_bits (obj, path, key, required, SPEC_U32, &b, err);
  if (r > 0 && out)
    *out = (uint32_t) b;
  return r;
}

int
spec_get_u64 (json_t *obj, const char *path, const char *key, bool required, uint64_t *out,
              hull_error_t *err)
{
  uint64_t b = 0;
  int r = get_int_bits (obj, path, key, required, SPEC_U64, &b, err);
  if (r > 0 && out)
    *out = b;
  return r;
}

int
spec_get_i64 (json_t *obj, const char *path, const char *key, bool required, int64_t *out,
              hull_error_t *err)
{
  uint64_t b = 0;
  int r = get_int_bits (obj, path, key, required, SPEC_I64, &b, err);
  if (r > 0 && out)
    *out = (int64_t) b;
  return r;
}

int
spec_get_int (json_t *obj, const char *path, const char *key, bool required,
              enum spec_int_kind kind, int *out, hull_error_t *err)
{
  uint64_t b = 0;
  int r;

  if (kind != SPEC_I32 && kind != SPEC_TIMEOUT && kind != SPEC_INT && kind != SPEC_U8
      && kind != SPEC_U16 && kind != SPEC_FILEMODE)
    return spec_key_error (err, path, key, "internal error: integer kind does not fit an int");
  r = get_int_bits (obj, path, key, required, kind, &b, err);
  if (r > 0 && out)
    *out = (int) (int64_t) b;
  return r;
}

int
spec_get_strv (json_t *obj, const char *path, const char *key, bool required, char ***out,
               hull_error_t *err)
{
  json_t *v, *e;
  size_t i;
  cleanup_free char *p = NULL;
  cleanup_strv char **r = NULL;
  int ret = spec_get_array (obj, path, key, required, &v, err);

  if (ret <= 0)
    return ret;
  p = spec_path_key (path, key);
  r = xmalloc0 ((json_array_size (v) + 1) * sizeof *r);
  json_array_foreach (v, i, e)
    {
      if (!spec_is_string (e))
        {
          cleanup_free char *ep = spec_path_idx (p, i);
          return type_error (err, ep, "a string", e);
        }
      r[i] = xstrdup (json_string_value (e));
    }
  if (out)
    {
      hull_strv_free (*out);
      *out = hull_steal_ptr (r);
    }
  return 1;
}

int
spec_get_u32v (json_t *obj, const char *path, const char *key, uint32_t **out, size_t *n,
               hull_error_t *err)
{
  json_t *v, *e;
  size_t i;
  cleanup_free char *p = NULL;
  cleanup_free uint32_t *r = NULL;
  int ret = spec_get_array (obj, path, key, false, &v, err);

  if (ret <= 0)
    return ret;
  p = spec_path_key (path, key);
  r = xmalloc0 ((json_array_size (v) + 1) * sizeof *r);
  json_array_foreach (v, i, e)
    {
      cleanup_free char *ep = spec_path_idx (p, i);
      uint64_t b;
      if (spec_check_int (e, ep, SPEC_U32, &b, err) < 0)
        return -1;
      r[i] = (uint32_t) b;
    }
  free (*out);
  *out = hull_steal_ptr (r);
  *n = json_array_size (v);
  return 1;
}

static int
get_idmap (json_t *e, const char *path, struct hull_idmap *m, hull_error_t *err)
{
  if (!json_is_object (e))
    return type_error (err, path, "an object", e);
  if (spec_get_u32 (e, path, "containerID", true, &m->container_id, err) < 0
      || spec_get_u32 (e, path, "hostID", true, &m->host_id, err) < 0
      || spec_get_u32 (e, path, "size", true, &m->size, err) < 0)
    return -1;
  return 0;
}

int
spec_get_idmaps (json_t *obj, const char *path, const char *key, struct hull_idmap **out, size_t *n,
                 hull_error_t *err)
{
  json_t *v, *e;
  size_t i;
  cleanup_free char *p = NULL;
  cleanup_free struct hull_idmap *r = NULL;
  int ret = spec_get_array (obj, path, key, false, &v, err);

  if (ret <= 0)
    return ret;
  p = spec_path_key (path, key);
  r = xmalloc0 ((json_array_size (v) + 1) * sizeof *r);
  json_array_foreach (v, i, e)
    {
      cleanup_free char *ep = spec_path_idx (p, i);
      if (get_idmap (e, ep, &r[i], err) < 0)
        return -1;
    }
  free (*out);
  *out = hull_steal_ptr (r);
  *n = json_array_size (v);
  return 1;
}

void
spec_kv_free (struct hull_kv *kv, size_t n)
{
  if (kv == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

int
spec_get_strmap (json_t *obj, const char *path, const char *key, bool nonempty_keys,
                 struct hull_kv **out, size_t *n, hull_error_t *err)
{
  json_t *v, *e;
  const char *k;
  size_t i = 0;
  cleanup_free char *p = NULL;
  struct hull_kv *r;
  int ret = spec_get_object (obj, path, key, false, &v, err);

  if (ret <= 0)
    return ret;
  p = spec_path_key (path, key);
  r = xmalloc0 ((json_object_size (v) + 1) * sizeof *r);
  json_object_foreach (v, k, e)
    {
      cleanup_free char *ep = spec_path_key (p, k);
      if (nonempty_keys && *k == '\0')
        {
          spec_kv_free (r, i);
          return spec_error (err, p, "keys must not be empty");
        }
      if (!spec_is_string (e))
        {
          spec_kv_free (r, i);
          return type_error (err, ep, "a string", e);
        }
      r[i].key = xstrdup (k);
      r[i].value = xstrdup (json_string_value (e));
      i++;
    }
  spec_kv_free (*out, *n);
  *out = r;
  *n = i;
  return 1;
}

int
spec_get_checked (json_t *obj, const char *path, const struct spec_field *f, json_t **out,
                  hull_error_t *err)
{
  json_t *v;
  cleanup_free char *p = NULL;
  int r = spec_get (obj, path, f->key, f->required, &v, err);

  if (r <= 0)
    return r;
  p = spec_path_key (path, f->key);
  if (spec_check_value (v, p, f, err) < 0)
    return -1;
  if (out)
    {
      json_decref (*out);
      *out = json_incref (v);
    }
  return 1;
}

/* ---- unknown fields -------------------------------------------------------------------- */

static const struct spec_field *
find_field (const struct spec_field *fields, const char *key)
{
  for (; fields->key; fields++)
    if (strcmp (fields->key, key) == 0)
      return fields;
  return NULL;
}

static int
known_keys (json_t *obj, const char *path, const struct spec_field *fields, hull_error_t *err)
{
  const char *key;
  json_t *v;

  json_object_foreach (obj, key, v)
    {
      cleanup_free char *p = spec_path_key (path, key);
      const struct spec_field *f = find_field (fields, key);
      if (f == NULL)
        return spec_error (err, p, "unknown field");
      if (spec_check_known (v, p, f, err) < 0)
        return -1;
    }
  return 0;
}

int
spec_check_known (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err)
{
  const char *key;
  json_t *e;
  size_t i;

  if (f->fields == NULL)
    return 0;
  switch (f->kind)
    {
    case SPEC_OBJECT:
      return known_keys (v, path, f->fields, err);
    case SPEC_OBJECTV:
      json_array_foreach (v, i, e)
        {
          cleanup_free char *p = spec_path_idx (path, i);
          if (known_keys (e, p, f->fields, err) < 0)
            return -1;
        }
      return 0;
    case SPEC_OBJECT_MAP:
      json_object_foreach (v, key, e)
        {
          cleanup_free char *p = spec_path_key (path, key);
          if (known_keys (e, p, f->fields, err) < 0)
            return -1;
        }
      return 0;
    default:
      return 0;
    }
}
