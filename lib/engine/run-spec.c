/* run-spec.c: podman's `run`/`create` command line read into a struct hull_run_spec: long
   flags as `--flag value` or `--flag=value`, short ones alone or in clusters (`-it`, `-dit`,
   `-m64m`, `-e=K=V`), booleans also as `--rm=false`, `--` ending the options, and the first
   word that is not an option being the image. Every value is checked here, so that an error
   names the flag it came from; nothing is touched on the host but --env-file's file. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>

#include "../core/util.h"
#include "../runtime/container.h"
#include "run-internal.h"
#include "run-spec.h"

typedef int (*flag_setter) (struct hull_run_spec *s, const char *flag, const char *value, hull_error_t *err);

struct run_flag
{
  const char *name;  /* long name, without "--" */
  char short_name;   /* 0: none */
  size_t bool_field; /* offsetof + 1 of a bool the flag sets (no value), or 0 */
  flag_setter set;   /* for flags with a value */
};

#define BOOL_FIELD(f) (offsetof (struct hull_run_spec, f) + 1)

static void
strv_push (char ***v, char *s)
{
  size_t n = hull_strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof **v);
  (*v)[n] = s;
  (*v)[n + 1] = NULL;
}

static void
set_string (char **field, const char *value)
{
  free (*field);
  *field = xstrdup (value);
}

static int
set_name (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  /* podman's rule: a letter or digit, then letters, digits, '_', '.', '-' */
  bool ok = isalnum ((unsigned char) v[0]) && strlen (v) <= 253;
  for (const char *p = v; ok && *p; p++)
    ok = isalnum ((unsigned char) *p) || *p == '_' || *p == '.' || *p == '-';
  if (!ok)
    return hull_error (err, 0, "%s: `%s` is not a valid name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)", flag, v);
  set_string (&s->name, v);
  return 0;
}

/* KEY=VALUE or KEY (the host's value, taken when the config is made) */
static int
check_env (const char *flag, const char *v, hull_error_t *err)
{
  size_t klen = strcspn (v, "=");
  if (klen == 0)
    return hull_error (err, 0, "%s: `%s`: no variable name", flag, v);
  for (size_t i = 0; i < klen; i++)
    if (isspace ((unsigned char) v[i]))
      return hull_error (err, 0, "%s: `%s`: a space in the variable name", flag, v);
  return 0;
}

static int
set_env (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  if (check_env (flag, v, err) < 0)
    return -1;
  strv_push (&s->env, xstrdup (v));
  return 0;
}

/* One KEY=VALUE (or KEY) a line, as podman reads env files: leading blanks dropped, empty lines
   and lines starting with '#' skipped, the rest of the line the value (no quoting). */
static int
set_env_file (struct hull_run_spec *s, const char *flag, const char *path, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  char *p, *line;
  unsigned n = 0;

  if (hull_read_file_at (AT_FDCWD, path, &text, NULL, err) < 0)
    return hull_error_wrap (err, "%s", flag);
  p = text;
  while ((line = strsep (&p, "\n")) != NULL)
    {
      n++;
      line += strspn (line, " \t");
      line[strcspn (line, "\r")] = '\0';
      if (*line == '\0' || *line == '#')
        continue;
      if (check_env (flag, line, err) < 0)
        return hull_error_wrap (err, "`%s` line %u", path, n);
      strv_push (&s->env, xstrdup (line));
    }
  return 0;
}

static int
set_user (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  const char *colon = strchr (v, ':');
  if (*v == '\0' || *v == ':' || (colon && (colon[1] == '\0' || strchr (colon + 1, ':'))))
    return hull_error (err, 0, "%s: `%s` is not USER[:GROUP]", flag, v);
  set_string (&s->user, v);
  return 0;
}

static int
set_workdir (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  if (v[0] != '/')
    return hull_error (err, 0, "%s: `%s` is not an absolute path", flag, v);
  set_string (&s->workdir, v);
  return 0;
}

static int
add_volume (struct hull_run_spec *s, int (*parse) (const char *, struct hull_volume *, hull_error_t *),
            const char *v, hull_error_t *err)
{
  struct hull_volume vol;
  if (parse (v, &vol, err) < 0)
    return -1;
  s->volumes = xrealloc (s->volumes, (s->n_volumes + 1) * sizeof *s->volumes);
  s->volumes[s->n_volumes++] = vol;
  return 0;
}

static int
set_volume (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  return add_volume (s, hull_volume_parse_v, v, err);
}

static int
set_mount (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  return add_volume (s, hull_volume_parse_mount, v, err);
}

static int
set_tmpfs (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  return add_volume (s, hull_volume_parse_tmpfs, v, err);
}

static int
add_cap (char ***list, const char *flag, const char *v, hull_error_t *err)
{
  cleanup_free char *canon = NULL;
  if (strcasecmp (v, "all") != 0 && (canon = run_cap_canonical (v)) == NULL)
    return hull_error (err, 0, "%s: `%s` is not a capability", flag, v);
  strv_push (list, xstrdup (v));
  return 0;
}

static int
set_cap_add (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  return add_cap (&s->cap_add, flag, v, err);
}

static int
set_cap_drop (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  return add_cap (&s->cap_drop, flag, v, err);
}

int
run_parse_bool (const char *v, bool *out)
{
  if (v == NULL || strcmp (v, "true") == 0 || strcmp (v, "1") == 0)
    *out = true;
  else if (strcmp (v, "false") == 0 || strcmp (v, "0") == 0)
    *out = false;
  else
    return -1;
  return 0;
}

static int
set_label (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  static const char *const keys[] = { "user:", "role:", "type:", "level:", NULL };
  bool ok = strcmp (v, "disable") == 0;
  for (size_t i = 0; !ok && keys[i]; i++)
    ok = strncmp (v, keys[i], strlen (keys[i])) == 0 && v[strlen (keys[i])] != '\0';
  if (!ok)
    return hull_error (err, 0, "%s: label `%s` is not user:X, role:X, type:X, level:X or disable", flag, v);
  strv_push (&s->labels, xstrdup (v));
  return 0;
}

/* no-new-privileges[=B], seccomp=FILE|unconfined, label=..., apparmor=... ('=' or ':' after
   the key, as podman takes both). */
static int
set_security_opt (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  size_t klen = strcspn (v, "=:");
  const char *value = v[klen] ? v + klen + 1 : NULL;

  if (klen == 17 && strncmp (v, "no-new-privileges", klen) == 0)
    {
      if (run_parse_bool (value, &s->no_new_privs) < 0)
        return hull_error (err, 0, "%s: `%s`: not true or false", flag, v);
      s->no_new_privs_set = true;
      return 0;
    }
  if (value == NULL || *value == '\0')
    return hull_error (err, 0, "%s: `%s` is not known (no-new-privileges, seccomp=, label=, apparmor=)", flag, v);
  if (klen == 7 && strncmp (v, "seccomp", klen) == 0)
    {
      s->seccomp_unconfined = strcmp (value, "unconfined") == 0;
      free (s->seccomp_profile);
      s->seccomp_profile = s->seccomp_unconfined ? NULL : xstrdup (value);
      return 0;
    }
  if (klen == 5 && strncmp (v, "label", klen) == 0)
    return set_label (s, flag, value, err);
  if (klen == 8 && strncmp (v, "apparmor", klen) == 0)
    {
      set_string (&s->apparmor, value);
      return 0;
    }
  return hull_error (err, 0, "%s: `%s` is not known (no-new-privileges, seccomp=, label=, apparmor=)", flag, v);
}

static int
set_userns (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  if (*v == '\0')
    s->userns = HULL_USERNS_DEFAULT;
  else if (strcmp (v, "host") == 0)
    s->userns = HULL_USERNS_HOST;
  else if (strcmp (v, "auto") == 0)
    s->userns = HULL_USERNS_AUTO;
  else if (strcmp (v, "keep-id") == 0)
    s->userns = HULL_USERNS_KEEP_ID;
  else
    return hull_error (err, 0, "%s: `%s` is not supported (host, auto, keep-id)", flag, v);
  return 0;
}

static int
set_memory (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  int64_t n;
  if (hull_parse_size (v, &n) < 0)
    return hull_error (err, 0, "%s: `%s` is not a size (bytes, or 512k, 64m, 1g...)", flag, v);
  /* podman's floor: below it the container's own runtime processes do not fit */
  if (n < 6 * 1024 * 1024)
    return hull_error (err, 0, "%s: `%s` is below the smallest limit, 6m", flag, v);
  s->memory = n;
  return 0;
}

static int
set_pids_limit (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  char *end;
  long long n;
  errno = 0;
  n = strtoll (v, &end, 10);
  if (*v == '\0' || *end != '\0' || errno != 0 || n < -1)
    return hull_error (err, 0, "%s: `%s` is not a count of processes (or -1: no limit)", flag, v);
  s->pids_limit = n;
  return 0;
}

static int
set_cpus (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  char *end;
  double d;
  errno = 0;
  d = strtod (v, &end);
  if (*v == '\0' || *end != '\0' || errno != 0 || !isfinite (d) || d <= 0 || d > 1e6)
    return hull_error (err, 0, "%s: `%s` is not a positive number of CPUs", flag, v);
  /* the kernel's smallest CFS quota is 1 ms of a 100 ms period */
  if (d < 0.01)
    return hull_error (err, 0, "%s: `%s` is below the smallest share, 0.01", flag, v);
  s->cpus = d;
  return 0;
}

static int
set_network (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  if (strcmp (v, "private") == 0)
    s->network = HULL_NETWORK_PRIVATE;
  else if (strcmp (v, "none") == 0)
    s->network = HULL_NETWORK_NONE;
  else if (strcmp (v, "host") == 0)
    s->network = HULL_NETWORK_HOST;
  else
    return hull_error (err, 0, "%s: `%s` is not supported (none, host, private)", flag, v);
  return 0;
}

static int
set_hostname (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  bool ok = *v != '\0' && *v != '-' && *v != '.' && strlen (v) <= 64;
  for (const char *p = v; ok && *p; p++)
    ok = isalnum ((unsigned char) *p) || *p == '-' || *p == '.';
  if (!ok)
    return hull_error (err, 0, "%s: `%s` is not a host name (letters, digits, '-', '.'; 64 at most)", flag, v);
  set_string (&s->hostname, v);
  return 0;
}

/* A JSON array of strings (`["/bin/sh", "-c"]`), or one word; "" clears the image's. */
static int
set_entrypoint (struct hull_run_spec *s, const char *flag, const char *v, hull_error_t *err)
{
  char **words = NULL;

  if (v[0] == '[')
    {
      cleanup_json json_t *a = json_loads (v, 0, NULL);
      size_t i;
      json_t *w;
      if (!json_is_array (a))
        return hull_error (err, 0, "%s: `%s` is not a JSON array of strings", flag, v);
      json_array_foreach (a, i, w)
        {
          if (!json_is_string (w) || strlen (json_string_value (w)) != json_string_length (w))
            {
              hull_strv_free (words);
              return hull_error (err, 0, "%s: `%s`: entry %zu is not a string", flag, v, i);
            }
          strv_push (&words, xstrdup (json_string_value (w)));
        }
    }
  else if (*v != '\0')
    strv_push (&words, xstrdup (v));
  hull_strv_free (s->entrypoint);
  s->entrypoint = words;
  s->entrypoint_set = true;
  return 0;
}

static const struct run_flag run_flags[] = {
  { "rm", 0, BOOL_FIELD (rm), NULL },
  { "detach", 'd', BOOL_FIELD (detach), NULL },
  { "interactive", 'i', BOOL_FIELD (interactive), NULL },
  { "tty", 't', BOOL_FIELD (tty), NULL },
  { "read-only", 0, BOOL_FIELD (read_only), NULL },
  { "privileged", 0, BOOL_FIELD (privileged), NULL },
  { "init", 0, BOOL_FIELD (init), NULL },
  { "name", 0, 0, set_name },
  { "env", 'e', 0, set_env },
  { "env-file", 0, 0, set_env_file },
  { "user", 'u', 0, set_user },
  { "workdir", 'w', 0, set_workdir },
  { "volume", 'v', 0, set_volume },
  { "mount", 0, 0, set_mount },
  { "tmpfs", 0, 0, set_tmpfs },
  { "cap-add", 0, 0, set_cap_add },
  { "cap-drop", 0, 0, set_cap_drop },
  { "security-opt", 0, 0, set_security_opt },
  { "userns", 0, 0, set_userns },
  { "memory", 'm', 0, set_memory },
  { "pids-limit", 0, 0, set_pids_limit },
  { "cpus", 0, 0, set_cpus },
  { "network", 0, 0, set_network },
  { "net", 0, 0, set_network },
  { "hostname", 'h', 0, set_hostname },
  { "entrypoint", 0, 0, set_entrypoint },
  { NULL, 0, 0, NULL },
};

static const struct run_flag *
find_long (const char *name, size_t len)
{
  for (const struct run_flag *f = run_flags; f->name; f++)
    if (strlen (f->name) == len && strncmp (f->name, name, len) == 0)
      return f;
  return NULL;
}

static const struct run_flag *
find_short (char c)
{
  for (const struct run_flag *f = run_flags; f->name; f++)
    if (f->short_name == c)
      return f;
  return NULL;
}

/* FLAG (as typed, for messages) given VALUE (NULL: none attached; a value flag then takes
   ARGV[*I + 1]). */
static int
apply_flag (struct hull_run_spec *s, const struct run_flag *f, const char *typed, const char *value, int argc,
            char **argv, int *i, hull_error_t *err)
{
  if (f->bool_field)
    {
      bool *field = (bool *) ((char *) s + f->bool_field - 1);
      if (run_parse_bool (value, field) < 0)
        return hull_error (err, 0, "%s: `%s` is not true or false", typed, value);
      return 0;
    }
  if (value == NULL)
    {
      if (*i + 1 >= argc)
        return hull_error (err, 0, "%s: needs a value", typed);
      value = argv[++*i];
    }
  return f->set (s, typed, value, err);
}

static int
parse_long (struct hull_run_spec *s, int argc, char **argv, int *i, hull_error_t *err)
{
  const char *arg = argv[*i] + 2, *eq = strchr (arg, '=');
  size_t len = eq ? (size_t) (eq - arg) : strlen (arg);
  const struct run_flag *f = find_long (arg, len);
  char typed[64];

  snprintf (typed, sizeof typed, "--%.*s", (int) (len < 60 ? len : 60), arg);
  if (f == NULL)
    return hull_error (err, 0, "%s: unknown flag", typed);
  return apply_flag (s, f, typed, eq ? eq + 1 : NULL, argc, argv, i, err);
}

/* -it, -dit, -m64m, -e=K=V: flags without a value run on; one with a value takes the rest of
   the word (without a leading '='), or the next word. */
static int
parse_short (struct hull_run_spec *s, int argc, char **argv, int *i, hull_error_t *err)
{
  const char *arg = argv[*i];

  for (size_t j = 1; arg[j]; j++)
    {
      const struct run_flag *f = find_short (arg[j]);
      char typed[3] = { '-', arg[j], '\0' };
      const char *rest = arg + j + 1;
      if (f == NULL)
        return hull_error (err, 0, "%s: unknown flag", typed);
      if (f->bool_field && *rest != '=')
        {
          if (apply_flag (s, f, typed, NULL, argc, argv, i, err) < 0)
            return -1;
          continue;
        }
      if (*rest == '=')
        rest++;
      return apply_flag (s, f, typed, *rest || rest[-1] == '=' ? rest : NULL, argc, argv, i, err);
    }
  return 0;
}

void
hull_run_spec_clear (struct hull_run_spec *s)
{
  free (s->name);
  hull_strv_free (s->env);
  free (s->user);
  free (s->workdir);
  hull_strv_free (s->entrypoint);
  for (size_t i = 0; i < s->n_volumes; i++)
    hull_volume_clear (&s->volumes[i]);
  free (s->volumes);
  hull_strv_free (s->cap_add);
  hull_strv_free (s->cap_drop);
  free (s->seccomp_profile);
  hull_strv_free (s->labels);
  free (s->apparmor);
  free (s->hostname);
  hull_strv_free (s->cmd);
  memset (s, 0, sizeof *s);
}

int
hull_run_spec_parse (int argc, char **argv, struct hull_run_spec *s, int *image_index, hull_error_t *err)
{
  int i;

  memset (s, 0, sizeof *s);
  s->no_new_privs = true;
  for (i = 0; i < argc; i++)
    {
      const char *a = argv[i];
      int r;
      if (strcmp (a, "--") == 0)
        {
          i++;
          break;
        }
      if (a[0] != '-' || a[1] == '\0')
        break;
      r = a[1] == '-' ? parse_long (s, argc, argv, &i, err) : parse_short (s, argc, argv, &i, err);
      if (r < 0)
        {
          hull_run_spec_clear (s);
          return -1;
        }
    }
  if (i >= argc)
    {
      hull_run_spec_clear (s);
      return hull_error (err, 0, "no image given");
    }
  *image_index = i;
  for (int j = i + 1; j < argc; j++)
    strv_push (&s->cmd, xstrdup (argv[j]));
  return 0;
}
