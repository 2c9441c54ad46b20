/* update.c: `update`: new limits for a created, running or paused container, from a
   linux.resources file (podman's way) and runc's flags over it, checked, written into the
   container's cgroup, and what is then in force kept in ROOT/ID/resources.json so the next
   update builds on it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../cgroups/resources.h"
#include "../core/util.h"
#include "container.h"
#include "lifecycle.h"
#include "state.h"

#define FIELD "linux.resources."

/* ---- the update, before it touches anything ---------------------------------------------- */

/* Fields whose 0 (or "") means "leave it as it is", as runc and resources-plan.c read them. */
static const struct
{
  const char *object, *key;
} unchanged_if_zero[] = {
  { "memory", "limit" },      { "memory", "reservation" }, { "memory", "swap" },
  { "memory", "kernel" },     { "memory", "kernelTCP" },   { "pids", "limit" },
  { "cpu", "shares" },        { "cpu", "quota" },          { "cpu", "period" },
  { "cpu", "realtimePeriod" }, { "cpu", "realtimeRuntime" }, { "cpu", "cpus" },
  { "cpu", "mems" },          { "blockIO", "weight" },     { "blockIO", "leafWeight" },
};

static bool
is_zero (json_t *v)
{
  return (json_is_integer (v) && json_integer_value (v) == 0) || (json_is_string (v) && json_string_length (v) == 0);
}

/* Remove what asks for no change, and the objects and lists left empty. */
static void
drop_unchanged (json_t *u)
{
  const char *key;
  json_t *v;
  void *tmp;

  for (size_t i = 0; i < sizeof unchanged_if_zero / sizeof unchanged_if_zero[0]; i++)
    {
      json_t *o = json_object_get (u, unchanged_if_zero[i].object);
      if (is_zero (json_object_get (o, unchanged_if_zero[i].key)))
        json_object_del (o, unchanged_if_zero[i].key);
    }
  json_object_foreach_safe (u, tmp, key, v)
    if ((json_is_object (v) && json_object_size (v) == 0) || (json_is_array (v) && json_array_size (v) == 0))
      json_object_del (u, key);
}

/* OBJECT.NEED from CURRENT, when U sets OBJECT.HAVE without it. */
static void
borrow (json_t *u, json_t *current, const char *object, const char *have, const char *need)
{
  json_t *o = json_object_get (u, object);
  json_t *c = json_object_get (json_object_get (current, object), need);

  if (json_object_get (o, have) && !json_object_get (o, need) && json_is_integer (c) && !is_zero (c))
    json_object_set (o, need, c);
}

int
hull_update_prepare (json_t *file, json_t *flags, json_t *current, json_t **out, hull_error_t *err)
{
  json_t *u = file ? json_deep_copy (file) : json_object ();
  json_t *mem;

  *out = NULL;
  if (flags)
    hull_update_merge (u, flags);
  if (json_array_size (json_object_get (u, "devices")) > 0)
    {
      json_decref (u);
      return hull_error (err, 0, FIELD "devices: device rules cannot be changed by update (they stay as create "
                                       "set them)");
    }
  json_object_del (u, "devices");
  drop_unchanged (u);
  /* no memory limit, and swap not given: no memory+swap limit either (v1 refuses a memsw
     limit below the memory one) */
  mem = json_object_get (u, "memory");
  if (json_integer_value (json_object_get (mem, "limit")) == -1 && !json_object_get (mem, "swap"))
    json_object_set_new (mem, "swap", json_integer (-1));
  borrow (u, current, "memory", "swap", "limit");
  borrow (u, current, "cpu", "quota", "period");
  borrow (u, current, "cpu", "period", "quota");
  *out = u;
  return 0;
}

/* A and B name the same device, page size or interface. */
static bool
same_entry (json_t *a, json_t *b)
{
  static const char *const keys[] = { "pageSize", "major", "minor", "name" };
  bool keyed = false;

  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    {
      json_t *x = json_object_get (a, keys[i]), *y = json_object_get (b, keys[i]);
      if (x == NULL && y == NULL)
        continue;
      if (x == NULL || y == NULL || !json_equal (x, y))
        return false;
      keyed = true;
    }
  return keyed;
}

static void
merge_array (json_t *dst, json_t *src)
{
  size_t i, j;
  json_t *e, *d;

  json_array_foreach (src, i, e)
    {
      bool replaced = false;
      json_array_foreach (dst, j, d)
        if (same_entry (d, e))
          {
            json_array_set_new (dst, j, json_deep_copy (e));
            replaced = true;
            break;
          }
      if (!replaced)
        json_array_append_new (dst, json_deep_copy (e));
    }
}

void
hull_update_merge (json_t *dst, json_t *src)
{
  const char *key;
  json_t *v;

  json_object_foreach (src, key, v)
    {
      json_t *d = json_object_get (dst, key);
      if (json_is_object (v) && json_is_object (d))
        hull_update_merge (d, v);
      else if (json_is_array (v) && json_is_array (d))
        merge_array (d, v);
      else
        json_object_set_new (dst, key, json_deep_copy (v));
    }
}

/* ---- errors: which flag or file a field came from ---------------------------------------- */

static const char *
source_name (const struct hull_update_opts *o)
{
  return strcmp (o->resources, "-") == 0 ? "(stdin)" : o->resources;
}

static bool
given (json_t *flags, const struct hull_update_flag *f)
{
  return json_object_get (json_object_get (flags, f->object), f->key) != NULL;
}

/* A message "linux.resources.FIELD: ..." made to name where FIELD came from: "--flag: ..."
   when a flag gave it, else "resources FILE: FIELD: ..." when there is a file. */
static int
name_source (const struct hull_update_opts *o, hull_error_t *err)
{
  const char *msg = (*err)->msg, *field, *colon;
  char *named = NULL;

  if (strncmp (msg, FIELD, strlen (FIELD)) == 0 && (colon = strstr (field = msg + strlen (FIELD), ": ")) != NULL)
    {
      cleanup_free char *name = xasprintf ("%.*s", (int) (colon - field), field);
      const struct hull_update_flag *f = hull_update_flag_for_field (name);
      if (f && given (o->flags, f))
        named = xasprintf ("--%s: %s", f->name, colon + 2);
      else if (o->resources)
        named = xasprintf ("resources %s: %s", source_name (o), field);
    }
  if (named)
    {
      free ((*err)->msg);
      (*err)->msg = named;
    }
  return hull_error_wrap (err, "update container `%s`", o->id);
}

/* ---- reading the update, and what is in force ------------------------------------------- */

/* The --resources file (or stdin), checked. */
static int
read_file (const struct hull_update_opts *o, json_t **out, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  int r;

  if (strcmp (o->resources, "-") == 0)
    r = hull_read_fd (STDIN_FILENO, "stdin", &text, &len, err);
  else
    r = hull_read_file_at (AT_FDCWD, o->resources, &text, &len, err);
  if (r < 0 || hull_spec_parse_resources (text, len, out, err) < 0)
    return hull_error_wrap (err, "update container `%s`: resources %s", o->id, source_name (o));
  return 0;
}

/* What is in force: the record of the last update, else the config's linux.resources as create
   applied them (from the bundle, as start reads it), else nothing known. */
static int
current_resources (int dir_fd, const struct hull_state *st, json_t **out, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_spec struct hull_spec *spec = NULL;
  hull_error_t ignored = NULL;
  json_error_t jerr;

  if (hull_read_file_at (dir_fd, HULL_RESOURCES_FILE, &text, NULL, err) == 0)
    {
      *out = json_loads (text, 0, &jerr);
      if (json_is_object (*out))
        return 0;
      json_decref (*out);
      *out = NULL;
      return hull_error (err, 0, "%s of container `%s` is corrupt", HULL_RESOURCES_FILE, st->id);
    }
  if ((*err)->errno_ != ENOENT)
    return -1;
  hull_error_free (err);
  if (hull_spec_load (st->bundle, &spec, &ignored) == 0 && spec->linux_ && spec->linux_->resources)
    *out = json_deep_copy (spec->linux_->resources);
  else
    *out = json_object ();
  hull_error_free (&ignored);
  return 0;
}

/* ---- the command -------------------------------------------------------------------------- */

/* The container's state, locked; refused unless created, running or paused, or without a cgroup. */
static int
open_updatable (const struct hull_update_opts *o, int *root_fd, int *dir_fd, struct hull_state **st,
                hull_error_t *err)
{
  enum hull_status status;

  if (hull_lifecycle_open (o->root, o->id, true, root_fd, dir_fd, st, err) < 0)
    return -1;
  if (*st == NULL)
    return hull_error (err, 0, "container `%s` is being created: cannot update it", o->id);
  status = hull_state_status (*dir_fd, *st);
  if (status != HULL_STATUS_CREATED && status != HULL_STATUS_RUNNING && status != HULL_STATUS_PAUSED)
    return hull_error (err, 0, "container `%s` is %s: cannot update it", o->id, hull_status_name (status));
  if ((*st)->cgroup_path == NULL)
    return hull_error (err, 0, "container `%s` has no cgroup: there are no limits to update", o->id);
  return 0;
}

/* memory.kernel and kernelTCP are left out (resources-plan.c): say so, and do not record them. */
static void
drop_ignored (const struct hull_update_opts *o, json_t *u)
{
  static const char *const fields[] = { "memory.kernel", "memory.kernelTCP" };

  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    {
      const struct hull_update_flag *f = hull_update_flag_for_field (fields[i]);
      if (!json_object_get (json_object_get (u, f->object), f->key))
        continue;
      if (given (o->flags, f))
        hull_warn (o->log, "update container `%s`: --%s: ignored: the kernel dropped kernel memory limits", o->id,
                   f->name);
      else
        hull_warn (o->log, "update container `%s`: resources %s: %s: ignored: the kernel dropped kernel memory limits",
                   o->id, source_name (o), fields[i]);
      json_object_del (json_object_get (u, f->object), f->key);
    }
  drop_unchanged (u);
}

/* Write U into the container's group, then record what is in force (CURRENT with U). */
static int
apply_update (const struct hull_update_opts *o, int dir_fd, const struct hull_state *st, json_t *current, json_t *u,
              hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;
  cleanup_free char *text = NULL;

  if (hull_cgroup_open (st->cgroup_path, &cg, err) < 0)
    return hull_error_wrap (err, "update container `%s`", o->id);
  if (hull_cgroup_update_resources (cg, u, err) < 0)
    return name_source (o, err);
  hull_update_merge (current, u);
  text = json_dumps (current, JSON_COMPACT);
  if (text == NULL)
    return hull_error (err, 0, "update container `%s`: serialize %s", o->id, HULL_RESOURCES_FILE);
  if (hull_write_file_atomic_at (dir_fd, HULL_RESOURCES_FILE, text, strlen (text), 0600, err) < 0)
    return hull_error_wrap (err, "update container `%s`: limits written, but not recorded", o->id);
  return 0;
}

int
hull_container_update (const struct hull_update_opts *o, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  cleanup_state struct hull_state *st = NULL;
  json_auto_t *file = NULL;
  json_auto_t *current = NULL;
  json_auto_t *u = NULL;

  if (o->resources && read_file (o, &file, err) < 0)
    return -1;
  if (open_updatable (o, &root_fd, &dir_fd, &st, err) < 0)
    return -1;
  if (current_resources (dir_fd, st, &current, err) < 0)
    return hull_error_wrap (err, "update container `%s`", o->id);
  if (hull_update_prepare (file, o->flags, current, &u, err) < 0)
    return name_source (o, err);
  drop_ignored (o, u);
  return apply_update (o, dir_fd, st, current, u, err);
}
