/* fuzz_run_spec.c: libFuzzer target for `hull run`'s command line and the image config it is
   combined with. The input, split at NUL bytes (or newlines when there is none), is the
   argument list given to hull_run_spec_parse; what parses becomes a config with
   hull_run_config, for an image config that is the input itself when it is JSON, else one
   made of its words (Env, Cmd, Entrypoint, User, WorkingDir), both as root and rootless.
   Each step must fail cleanly (an error, nothing handed back) or give a config that keeps
   the invariants checked below; no crash, no leak. Inputs that could name a device or a
   kernel file as --env-file or seccomp=FILE (reading /dev/zero never ends) are skipped. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/error.h"
#include "core/util.h"
#include "engine/run-internal.h"
#include "engine/run-spec.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *dir, *passwd, *group, *init_bin, *subuid;

static void
put (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  if (f == NULL)
    abort ();
  fputs (text, f);
  fclose (f);
}

static void
remove_dir (void)
{
  hull_error_t err = NULL;
  hull_rm_rf_at (-100 /* AT_FDCWD */, dir, &err);
  hull_error_free (&err);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  char tmpl[] = "/tmp/fuzz-run-spec.XXXXXX";
  if (mkdtemp (tmpl) == NULL || chdir (tmpl) < 0)
    abort ();
  dir = xstrdup (tmpl);
  passwd = xasprintf ("%s/passwd", dir);
  group = xasprintf ("%s/group", dir);
  init_bin = xasprintf ("%s/init", dir);
  subuid = xasprintf ("%s/subuid", dir);
  put (passwd, "root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1000:web:/home/web:/bin/sh\n");
  put (group, "root:x:0:\nweb:x:1000:\nextra:x:2000:web\n");
  put (init_bin, "");
  put (subuid, "fuzz:100000:65536\n1000:300000:10\n");
  put ("env", "A=1\n#c\nB\n");
  atexit (remove_dir);
  return 0;
}

/* The input's words: NUL-separated, or newline-separated when it has no NUL. */
static char **
words_of (const uint8_t *data, size_t size, int *n)
{
  char sep = memchr (data, '\0', size) ? '\0' : '\n';
  char **v = xmalloc0 ((size + 2) * sizeof *v);
  size_t start = 0;

  *n = 0;
  for (size_t i = 0; i <= size; i++)
    if (i == size || data[i] == (uint8_t) sep)
      {
        v[(*n)++] = strndup ((const char *) data + start, i - start);
        start = i + 1;
      }
  return v;
}

static json_t *
image_of (const uint8_t *data, size_t size, char **w, int n)
{
  json_t *j = json_loadb ((const char *) data, size, 0, NULL), *env, *cmd;
  if (j != NULL)
    return j;
  env = json_array ();
  cmd = json_array ();
  for (int i = 0; i < n; i++)
    {
      json_t *word = json_string (w[i]); /* NULL for a word that is not UTF-8 */
      json_array_append_new (i % 2 ? env : cmd, word ? word : json_string ("x"));
    }
  j = json_pack ("{s:o, s:o, s:[s], s:s, s:s}", "Env", env, "Cmd", cmd, "Entrypoint", n > 0 ? w[0] : "/e", "User",
                 n > 1 ? w[n - 1] : "", "WorkingDir", n > 2 ? w[n - 2] : "/");
  return j ? j : json_object ();
}

/* What every config must keep, whatever the flags. */
static void
check (const struct hull_run_spec *s, json_t *cfg, bool rootless)
{
  json_t *p = json_object_get (cfg, "process");
  json_t *rl = json_array_get (json_object_get (p, "rlimits"), 0);
  struct rlimit host;
  bool nnp = json_is_true (json_object_get (p, "noNewPrivileges"));

  getrlimit (RLIMIT_NOFILE, &host);
  if (rl == NULL || (rlim_t) json_integer_value (json_object_get (rl, "hard")) > host.rlim_max
      || json_integer_value (json_object_get (rl, "soft")) > json_integer_value (json_object_get (rl, "hard")))
    abort ();
  if (!s->privileged && !s->no_new_privs_set && !nnp)
    abort ();
  if (!s->privileged && s->cap_add == NULL
      && run_json_index (json_object_get (json_object_get (p, "capabilities"), "bounding"), NULL, "CAP_SYS_ADMIN") >= 0)
    abort ();
  if (!s->privileged && !s->seccomp_unconfined && json_object_get (json_object_get (cfg, "linux"), "seccomp") == NULL)
    abort ();
  if (rootless && json_object_get (json_object_get (cfg, "linux"), "uidMappings") == NULL)
    abort ();
}

static void
configs (const struct hull_run_spec *s, json_t *image)
{
  for (int rootless = 0; rootless <= 1; rootless++)
    {
      struct hull_run_host h = { .id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                 .rootfs = "rootfs", .rootless = rootless, .uid = rootless ? 1000 : 0,
                                 .gid = rootless ? 1000 : 0, .subuid_file = subuid, .subgid_file = subuid,
                                 .init_path = init_bin, .passwd = passwd, .group = group, .user_name = "fuzz",
                                 .selinux = rootless, .apparmor = rootless };
      json_t *cfg = NULL;
      char **warnings = NULL;
      hull_error_t err = NULL;
      if (hull_run_config (s, image, &h, &cfg, &warnings, &err) < 0)
        {
          if (err == NULL || err->msg == NULL || cfg != NULL || warnings != NULL)
            abort ();
        }
      else
        {
          if (err != NULL || cfg == NULL)
            abort ();
          check (s, cfg, rootless);
        }
      hull_error_free (&err);
      json_decref (cfg);
      hull_strv_free (warnings);
    }
}

static bool
names_a_device (const uint8_t *data, size_t size)
{
  static const char *const bad[] = { "/dev", "/proc", "/sys", "/run", "fd/", NULL };
  for (size_t i = 0; bad[i]; i++)
    if (memmem (data, size, bad[i], strlen (bad[i])))
      return true;
  return false;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct hull_run_spec s;
  hull_error_t err = NULL;
  int n, img = -1;
  char **w;

  if (size > 4096 || names_a_device (data, size))
    return 0;
  w = words_of (data, size, &n);
  if (hull_run_spec_parse (n, w, &s, &img, &err) < 0)
    {
      if (err == NULL || err->msg == NULL || s.env || s.volumes || s.cmd || s.name)
        abort ();
    }
  else
    {
      json_t *image = image_of (data, size, w, n);
      if (err != NULL || img < 0 || img >= n)
        abort ();
      configs (&s, image);
      json_decref (image);
      hull_run_spec_clear (&s);
    }
  hull_error_free (&err);
  for (int i = 0; i < n; i++)
    free (w[i]);
  free (w);
  return 0;
}
