/* spec_resources.c: linux.resources on its own, as `hull-runtime update` reads it from a file
   or builds it from flags: checked with config.json's rules for that object and, since this is
   an instruction to act on now rather than a document that may outlive its runtime, fields the
   runtime spec does not define are refused (a typo must not pass as "no change"). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spec-internal.h"

#include <string.h>

/* The getters' messages start with the document's name; here the caller names the source. */
static int
unprefix (hull_error_t *err)
{
  static const char doc[] = "config.json: ";
  size_t n = sizeof doc - 1;

  if (*err && strncmp ((*err)->msg, doc, n) == 0)
    memmove ((*err)->msg, (*err)->msg + n, strlen ((*err)->msg + n) + 1);
  return -1;
}

int
hull_spec_check_resources (json_t *resources, hull_error_t *err)
{
  if (spec_check_value (resources, "", &spec_resources_field, err) < 0
      || spec_check_known (resources, "", &spec_resources_field, err) < 0)
    return unprefix (err);
  return 0;
}

int
hull_spec_parse_resources (const char *data, size_t len, json_t **out, hull_error_t *err)
{
  json_t *doc = NULL;
  bool marked;

  *out = NULL;
  if (spec_load_document (data, len, &doc, &marked, err) < 0)
    return unprefix (err);
  if (hull_spec_check_resources (doc, err) < 0)
    {
      json_decref (doc);
      return -1;
    }
  if (marked)
    spec_resolve_big_markers (doc);
  *out = doc;
  return 0;
}
