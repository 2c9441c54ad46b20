/* fuzz_update.c: libFuzzer target for `hull-runtime update`'s untrusted input. Every input is
   read as a --resources file (hull_spec_parse_resources); what parses is prepared as an update
   (hull_update_prepare) against nothing and against itself as what is in force, merged into
   that record, and planned for v1 and v2. The same bytes, up to a NUL, are read as the value
   of every flag (hull_update_flag_set, hence hull_parse_size). Each step must fail cleanly: an
   error, no crash, no leak, and nothing handed back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/resources.h"
#include "core/error.h"
#include "runtime/container.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
plan_both (json_t *u)
{
  struct hull_linux lx = { .resources = u };
  for (unsigned v2 = 0; v2 <= 1; v2++)
    {
      struct hull_res_plan plan;
      hull_error_t err = NULL;
      if (hull_res_plan (&lx, ~0u & ~(unsigned) HULL_RES_DEVICES, v2 ? ~0u : 0, &plan, &err) < 0)
        {
          if (err == NULL)
            abort ();
        }
      else
        {
          if (err != NULL || plan.n_dev_rules != 0)
            abort ();
          hull_res_plan_free (&plan);
        }
      hull_error_free (&err);
    }
}

static void
prepare_against (json_t *file, json_t *current)
{
  json_t *u = NULL, *record = json_deep_copy (current);
  hull_error_t err = NULL;

  if (hull_update_prepare (file, NULL, current, &u, &err) < 0)
    {
      if (err == NULL || u != NULL)
        abort ();
    }
  else
    {
      if (err != NULL || !json_is_object (u) || json_object_get (u, "devices"))
        abort ();
      plan_both (u);
      hull_update_merge (record, u);
    }
  hull_error_free (&err);
  json_decref (u);
  json_decref (record);
}

static void
as_flag_values (const uint8_t *data, size_t size)
{
  char *value = malloc (size + 1);
  if (value == NULL)
    return;
  memcpy (value, data, size);
  value[size] = '\0';
  for (const struct hull_update_flag *f = hull_update_flags; f->name; f++)
    {
      json_t *r = json_object ();
      hull_error_t err = NULL;
      int64_t n;
      if (hull_update_flag_set (r, f->name, value, &err) < 0 ? err == NULL || json_object_size (r) != 0
                                                               : err != NULL || json_object_size (r) != 1)
        abort ();
      if (hull_parse_size (value, &n) == 0 && n < 0)
        abort ();
      hull_error_free (&err);
      json_decref (r);
    }
  free (value);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_t *file = NULL;
  hull_error_t err = NULL;

  if (hull_spec_parse_resources ((const char *) data, size, &file, &err) == 0)
    {
      if (err != NULL || !json_is_object (file))
        abort ();
      {
        json_t *none = json_object ();
        prepare_against (file, none);
        json_decref (none);
      }
      prepare_against (file, file);
    }
  else if (err == NULL || err->msg == NULL || file != NULL)
    abort ();
  hull_error_free (&err);
  json_decref (file);
  as_flag_values (data, size);
  return 0;
}
