/* spec-internal.h: private helpers shared by the config.json parser files (spec*.c). Not part
   of libhull's API.

   Conventions: PATH is the JSON path of the object being read ("" for the document root,
   "process.user", "linux.namespaces[2]"). Getters look up KEY in that object and return 1 when
   the key is present and valid, 0 when it is absent (and not required), and -1 with *err filled
   ("config.json: process.user.uid: expected an unsigned 32-bit integer, got string") otherwise.
   Output pointers may be NULL when only validation is wanted.

   Integers larger than INT64_MAX: jansson cannot hold them, so the parser rewrites such literals
   into marker strings (a NUL byte followed by the digits) before loading; the integer getters
   accept a marker wherever an unsigned 64-bit value is allowed, every other getter rejects it as
   an integer. After validation the markers in the tree are replaced by json integers holding
   the two's complement bits, so later modules read a uint64 field as
   (uint64_t) json_integer_value (v). */
#ifndef HULL_SPEC_INTERNAL_H
#define HULL_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/error.h"
#include "spec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

enum spec_int_kind
{
  SPEC_I32,
  SPEC_I64,
  SPEC_U8,
  SPEC_U16,
  SPEC_U32,
  SPEC_U64,
  SPEC_FILEMODE, /* 0..511 (decimal permission bits) */
  SPEC_TIMEOUT,  /* hook timeout: int >= 1 */
  SPEC_INT,      /* any integer that fits a C int (oomScoreAdj) */
};

enum spec_kind
{
  SPEC_STRING,
  SPEC_BOOL,
  SPEC_INTEGER,    /* range from .int_kind */
  SPEC_STRV,       /* array of strings */
  SPEC_ENUM,       /* string, one of .values */
  SPEC_ENUMV,      /* array of strings, each one of .values */
  SPEC_UINTV,      /* array of integers of .int_kind */
  SPEC_OBJECT,     /* object checked against .fields */
  SPEC_OBJECTV,    /* array of objects, each checked against .fields */
  SPEC_OBJECT_MAP, /* object whose every value is an object checked against .fields */
  SPEC_STRING_MAP, /* object whose every value is a string */
};

struct spec_field
{
  const char *key;
  enum spec_kind kind;
  bool required;
  enum spec_int_kind int_kind;     /* SPEC_INTEGER, SPEC_UINTV */
  const char *const *values;       /* SPEC_ENUM, SPEC_ENUMV: NULL-terminated */
  const struct spec_field *fields; /* SPEC_OBJECT*: terminated by a NULL key */
  /* Extra rule run after the type checks: on the string for SPEC_STRING, on each object for
     SPEC_OBJECT* (after its fields), on the value otherwise. */
  int (*check) (json_t *value, const char *path, hull_error_t *err);
};

/* Paths and messages. */
char *spec_path_key (const char *path, const char *key);
char *spec_path_idx (const char *path, size_t i);
char *spec_quote (const char *s); /* "text", escaped and shortened, for messages */
const char *spec_type_name (const json_t *v);

/* A JSON array of the NULL-terminated strings V. */
json_t *spec_json_strv (const char *const *v);

/* The linux.seccomp of `hull-runtime spec` (spec_default_seccomp.c). */
json_t *hull_spec_default_seccomp (void);
int spec_error (hull_error_t *err, const char *path, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int spec_key_error (hull_error_t *err, const char *path, const char *key, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* Value checks (V already looked up; PATH is V's own path). */
bool spec_is_string (const json_t *v);
int spec_check_int (const json_t *v, const char *path, enum spec_int_kind kind, uint64_t *bits,
                    hull_error_t *err);
int spec_check_fields (json_t *obj, const char *path, const struct spec_field *fields,
                       hull_error_t *err);
int spec_check_value (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err);

/* Getters: 1 present, 0 absent, -1 error. */
int spec_get (json_t *obj, const char *path, const char *key, bool required, json_t **out,
              hull_error_t *err);
int spec_get_object (json_t *obj, const char *path, const char *key, bool required, json_t **out,
                     hull_error_t *err);
int spec_get_array (json_t *obj, const char *path, const char *key, bool required, json_t **out,
                    hull_error_t *err);
int spec_get_string (json_t *obj, const char *path, const char *key, bool required, char **out,
                     hull_error_t *err);
int spec_get_bool (json_t *obj, const char *path, const char *key, bool required, bool *out,
                   hull_error_t *err);
int spec_get_u32 (json_t *obj, const char *path, const char *key, bool required, uint32_t *out,
                  hull_error_t *err);
int spec_get_u64 (json_t *obj, const char *path, const char *key, bool required, uint64_t *out,
                  hull_error_t *err);
int spec_get_i64 (json_t *obj, const char *path, const char *key, bool required, int64_t *out,
                  hull_error_t *err);
int spec_get_int (json_t *obj, const char *path, const char *key, bool required,
                  enum spec_int_kind kind, int *out, hull_error_t *err);
int spec_get_strv (json_t *obj, const char *path, const char *key, bool required, char ***out,
                   hull_error_t *err);
int spec_get_u32v (json_t *obj, const char *path, const char *key, uint32_t **out, size_t *n,
                   hull_error_t *err);
int spec_get_idmaps (json_t *obj, const char *path, const char *key, struct hull_idmap **out,
                     size_t *n, hull_error_t *err);
int spec_get_strmap (json_t *obj, const char *path, const char *key, bool nonempty_keys,
                     struct hull_kv **out, size_t *n, hull_error_t *err);
/* A value checked against F (F->key is looked up in OBJ) and kept for later modules: a new
   reference in *out, NULL when absent. */
int spec_get_checked (json_t *obj, const char *path, const struct spec_field *f, json_t **out,
                      hull_error_t *err);

void spec_kv_free (struct hull_kv *kv, size_t n);

/* Big unsigned integers (see above). */
bool spec_is_big_marker (const json_t *v);
/* Copy DATA with every integer literal in (INT64_MAX, UINT64_MAX] turned into a marker string.
   Returns how many were rewritten (0: *out untouched), or -1 when DATA has a \u0000 escape in a
   string (markers would be ambiguous). */
int spec_mark_big_ints (const char *data, size_t len, char **out, size_t *out_len);
void spec_resolve_big_markers (json_t *v);
/* Load the JSON text DATA (duplicate keys refused), big integers as markers; *marked tells
   whether any were used. Errors begin "config.json: invalid JSON". */
int spec_load_document (const char *data, size_t len, json_t **out, bool *marked, hull_error_t *err);

/* spec_platforms.c: freebsd, zos, windows, vm and solaris objects of the document. */
int spec_check_platforms (json_t *doc, hull_error_t *err);

/* Refuse keys F's tables do not list, in V (checked against F already) and every object
   below it; a string map's keys are free. */
int spec_check_known (json_t *v, const char *path, const struct spec_field *f, hull_error_t *err);

/* spec_linux.c */
extern const struct spec_field spec_resources_field; /* linux.resources */
int spec_parse_linux (json_t *obj, struct hull_linux **out, hull_error_t *err);
void spec_linux_free (struct hull_linux *l);
bool spec_is_absolute (const char *p);

#endif
