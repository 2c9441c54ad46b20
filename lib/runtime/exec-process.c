/* exec-process.c: the process object an `exec` runs, from --process FILE or from the
   config's process with runc's exec flags applied (--env, --cwd, --user, --cap, --tty,
   --no-new-privs, --apparmor, --process-label, --additional-gids). Pure: JSON in, JSON out;
   the spec module checks the result as it checks a config's process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "container.h"

/* "NAME=..." -> length of NAME (the whole string when there is no '='). */
static size_t
env_key_len (const char *kv)
{
  const char *eq = strchr (kv, '=');
  return eq ? (size_t) (eq - kv) : strlen (kv);
}

/* Set each of SET in ENV (an array of strings), replacing an entry of the same name. */
static int
apply_env (json_t *env, char **set, hull_error_t *err)
{
  for (size_t i = 0; set && set[i]; i++)
    {
      size_t k = env_key_len (set[i]), j;
      json_t *v;
      bool replaced = false;
      if (k == 0 || set[i][k] != '=')
        return hull_error (err, 0, "--env `%s`: expected NAME=VALUE", set[i]);
      json_array_foreach (env, j, v)
        {
          const char *s = json_string_value (v);
          if (s && env_key_len (s) == k && strncmp (s, set[i], k) == 0)
            {
              json_array_set_new (env, j, json_string (set[i]));
              replaced = true;
              break;
            }
        }
      if (!replaced)
        json_array_append_new (env, json_string (set[i]));
    }
  return 0;
}

static int
parse_id (const char *s, const char *what, const char *all, json_int_t *out, hull_error_t *err)
{
  unsigned long long n;
  if (hull_parse_u64 (s, &n) < 0 || n > 0xfffffffeULL)
    return hull_error (err, EINVAL, "%s `%s`: %s is not a numeric id", what, all, s);
  *out = (json_int_t) n;
  return 0;
}

/* --user UID[:GID] into process.user (gid 0 when not given, as runc). */
static int
apply_user (json_t *proc, const char *user, hull_error_t *err)
{
  cleanup_free char *copy = xstrdup (user);
  char *colon = strchr (copy, ':');
  json_t *u = json_object_get (proc, "user");
  json_int_t uid = 0, gid = 0;

  if (colon)
    *colon = '\0';
  if (parse_id (copy, "--user", user, &uid, err) < 0 || (colon && parse_id (colon + 1, "--user", user, &gid, err) < 0))
    return -1;
  if (!json_is_object (u))
    {
      u = json_object ();
      json_object_set_new (proc, "user", u);
    }
  json_object_set_new (u, "uid", json_integer (uid));
  json_object_set_new (u, "gid", json_integer (gid));
  return 0;
}

static int
apply_gids (json_t *proc, char **gids, hull_error_t *err)
{
  json_t *u = json_object_get (proc, "user");
  json_t *arr = json_array ();

  for (size_t i = 0; gids && gids[i]; i++)
    {
      json_int_t id = 0;
      if (parse_id (gids[i], "--additional-gids", gids[i], &id, err) < 0)
        {
          json_decref (arr);
          return -1;
        }
      json_array_append_new (arr, json_integer (id));
    }
  if (!json_is_object (u))
    {
      u = json_pack ("{s:i, s:i}", "uid", 0, "gid", 0);
      json_object_set_new (proc, "user", u);
    }
  json_object_set_new (u, "additionalGids", arr);
  return 0;
}

/* --cap NAME: added to every set (as runc adds it), once. */
static void
apply_caps (json_t *proc, char **caps)
{
  static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
  json_t *c = json_object_get (proc, "capabilities");

  if (!json_is_object (c))
    {
      c = json_object ();
      json_object_set_new (proc, "capabilities", c);
    }
  for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
    {
      json_t *arr = json_object_get (c, sets[s]);
      if (!json_is_array (arr))
        {
          arr = json_array ();
          json_object_set_new (c, sets[s], arr);
        }
      for (size_t i = 0; caps[i]; i++)
        {
          size_t j;
          json_t *v;
          bool have = false;
          json_array_foreach (arr, j, v)
            have = have || (json_is_string (v) && strcmp (json_string_value (v), caps[i]) == 0);
          if (!have)
            json_array_append_new (arr, json_string (caps[i]));
        }
    }
}

static json_t *
strv_json (char **v)
{
  json_t *a = json_array ();
  for (size_t i = 0; v && v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

/* The config's process with the flags applied. */
static int
from_flags (json_t *config, const struct hull_exec_opts *o, json_t **out, hull_error_t *err)
{
  json_t *base = json_object_get (config, "process");
  cleanup_json json_t *proc = NULL;
  json_t *env;

  if (o->args == NULL || o->args[0] == NULL)
    return hull_error (err, 0, "exec: give the command to run, or --process FILE");
  if (!json_is_object (base))
    return hull_error (err, 0, "exec: config.json has no process to start from; give --process FILE");
  proc = json_deep_copy (base);
  json_object_set_new (proc, "args", strv_json (o->args));
  env = json_object_get (proc, "env");
  if (!json_is_array (env))
    {
      env = json_array ();
      json_object_set_new (proc, "env", env);
    }
  if (apply_env (env, o->env, err) < 0 || (o->user && apply_user (proc, o->user, err) < 0)
      || (o->additional_gids && apply_gids (proc, o->additional_gids, err) < 0))
    return -1;
  if (o->cwd)
    json_object_set_new (proc, "cwd", json_string (o->cwd));
  if (o->caps && o->caps[0])
    apply_caps (proc, o->caps);
  json_object_set_new (proc, "terminal", json_boolean (o->tty));
  if (o->no_new_privs)
    json_object_set_new (proc, "noNewPrivileges", json_true ());
  if (o->apparmor)
    json_object_set_new (proc, "apparmorProfile", json_string (o->apparmor));
  if (o->process_label)
    json_object_set_new (proc, "selinuxLabel", json_string (o->process_label));
  *out = hull_steal_ptr (proc);
  return 0;
}

int
hull_exec_process_parse (const char *data, size_t len, const char *name, json_t **out, hull_error_t *err)
{
  json_error_t jerr;

  *out = json_loadb (data, len, JSON_REJECT_DUPLICATES, &jerr);
  if (*out == NULL)
    return hull_error (err, EINVAL, "--process `%s`: invalid JSON at line %d: %s", name, jerr.line, jerr.text);
  if (!json_is_object (*out))
    {
      json_decref (*out);
      *out = NULL;
      return hull_error (err, EINVAL, "--process `%s`: expected a process object", name);
    }
  return 0;
}

static int
from_file (const char *path, json_t **out, hull_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  if (hull_read_file_at (AT_FDCWD, path, &data, &len, err) < 0)
    return hull_error_wrap (err, "--process");
  return hull_exec_process_parse (data, len, path, out, err);
}

/* What the process does not say is the container's: its labels and rlimits. */
static void
inherit_walls (json_t *config, json_t *proc)
{
  static const char *const keys[] = { "apparmorProfile", "selinuxLabel", "rlimits" };
  json_t *base = json_object_get (config, "process");

  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    {
      json_t *v = json_object_get (base, keys[i]);
      if (v != NULL && json_object_get (proc, keys[i]) == NULL)
        json_object_set (proc, keys[i], v);
    }
}

int
hull_exec_process_json (json_t *config, const struct hull_exec_opts *o, json_t **out, hull_error_t *err)
{
  *out = NULL;
  if (o->process_file ? from_file (o->process_file, out, err) < 0 : from_flags (config, o, out, err) < 0)
    return -1;
  inherit_walls (config, *out);
  return 0;
}
