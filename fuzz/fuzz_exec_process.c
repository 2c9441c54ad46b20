/* fuzz_exec_process.c: libFuzzer target for what `exec` reads: the bytes of a --process
   file become a process object (hull_exec_process_parse); the object is put into a config
   as exec puts it and the whole goes through the config parser and its Linux checks; and,
   taken as the config's own process, it gets runc's exec flags applied
   (hull_exec_process_json), which must cope with any shape of process. Each must fail
   cleanly (an error, no crash, no leak). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "runtime/container.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
as_exec_would (json_t *proc)
{
  json_t *doc = json_pack ("{s:s, s:{s:s}, s:{s:[{s:s}]}}", "ociVersion", "1.2.0", "root", "path", "rootfs", "linux",
                           "namespaces", "type", "mount");
  hull_error_t err = NULL;
  struct hull_spec *spec = NULL;
  char *text;

  json_object_set (doc, "process", proc);
  text = json_dumps (doc, JSON_COMPACT);
  if (text && hull_spec_parse (text, strlen (text), &spec, &err) == 0)
    {
      if (hull_spec_validate_linux (spec, &err) < 0 && err == NULL)
        abort ();
    }
  else if (text && (err == NULL || spec != NULL))
    abort ();
  hull_error_free (&err);
  hull_spec_free (spec);
  free (text);
  json_decref (doc);
}

static void
with_flags (json_t *proc)
{
  char *args[] = { "sh", NULL };
  char *env[] = { "A=1", "PATH=/bin", NULL };
  char *caps[] = { "CAP_CHOWN", NULL };
  char *gids[] = { "5", NULL };
  struct hull_exec_opts o = { .args = args, .env = env, .caps = caps, .additional_gids = gids, .user = "1:2",
                              .cwd = "/", .tty = true, .apparmor = "p" };
  json_t *cfg = json_pack ("{s:O}", "process", proc);
  json_t *out = NULL;
  hull_error_t err = NULL;

  if (hull_exec_process_json (cfg, &o, &out, &err) == 0 ? out == NULL || err != NULL : err == NULL || out != NULL)
    abort ();
  json_decref (out);
  hull_error_free (&err);
  json_decref (cfg);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  hull_error_t err = NULL;
  json_t *proc = NULL;

  if (hull_exec_process_parse ((const char *) data, size, "fuzz", &proc, &err) == 0)
    {
      if (err != NULL || proc == NULL)
        abort ();
      as_exec_would (proc);
      with_flags (proc);
    }
  else if (err == NULL || proc != NULL)
    abort ();
  hull_error_free (&err);
  json_decref (proc);
  return 0;
}
