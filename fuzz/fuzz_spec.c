/* fuzz_spec.c: libFuzzer target for the config.json parser. Every input goes through
   hull_spec_parse, and what parses goes through hull_spec_validate_linux, and a valid
   linux.seccomp through the seccomp compiler (libseccomp), linux.resources through the cgroup
   planner (v1 and v2 both) and the v2 device program builder, and an org.hull.landlock
   annotation through its parser; each must fail cleanly (an error, no crash, no leak) on
   anything. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cgroups/devices-bpf.h"
#include "cgroups/resources.h"
#include "core/error.h"
#include "linux/landlock-rules.h"
#include "linux/seccomp-filter.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  hull_error_t err = NULL;
  struct hull_spec *spec = NULL;

  if (hull_spec_parse ((const char *) data, size, &spec, &err) == 0)
    {
      /* A successful parse never leaves an error behind. */
      if (err != NULL)
        abort ();
      if (hull_spec_validate_linux (spec, &err) < 0)
        {
          if (err == NULL)
            abort ();
        }
      else if (spec->linux_ && spec->linux_->seccomp)
        {
          struct hull_seccomp *filter = NULL;
          if (hull_seccomp_compile (spec->linux_->seccomp, &filter, &err) < 0 ? err == NULL || filter != NULL
                                                                             : filter == NULL || err != NULL)
            abort ();
          hull_seccomp_free (filter);
        }
      if (err == NULL)
        for (unsigned v2_mask = 0; v2_mask <= 1; v2_mask++)
          {
            struct hull_res_plan plan;
            if (hull_res_plan (spec->linux_, ~0u, v2_mask ? ~0u : 0, &plan, &err) < 0)
              {
                if (err == NULL)
                  abort ();
                hull_error_free (&err);
                continue;
              }
            if (plan.n_dev_rules > 0)
              {
                struct bpf_insn *insns = calloc (hull_devices_bpf_len (plan.n_dev_rules), sizeof *insns);
                if (insns == NULL || hull_devices_bpf_build (plan.dev_rules, plan.n_dev_rules, insns)
                                         > hull_devices_bpf_len (plan.n_dev_rules))
                  abort ();
                free (insns);
              }
            hull_res_plan_free (&plan);
          }
      (void) hull_spec_namespace (spec, 0);
      {
        json_t *ll = json_object_get (json_object_get (spec->raw, "annotations"), HULL_LANDLOCK_ANNOTATION);
        struct hull_landlock *rules = NULL;
        hull_error_free (&err);
        if (json_is_string (ll)
            && (hull_landlock_parse (json_string_value (ll), &rules, &err) < 0 ? err == NULL || rules != NULL
                                                                              : rules == NULL || err != NULL))
          abort ();
        hull_landlock_free (rules);
      }
    }
  else if (err == NULL || err->msg == NULL || spec != NULL)
    abort (); /* failures always say why and hand back nothing */
  hull_error_free (&err);
  hull_spec_free (spec);
  return 0;
}
