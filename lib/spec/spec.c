/* spec.c: read an OCI config.json into struct hull_spec. The top level, `process`, `mounts`,
   `hooks` and `annotations` are here; `linux` is in spec_linux.c and the other platforms'
   objects in spec_platforms.c. Parsing checks every field against the runtime-spec schema and
   ignores unknown properties, as the spec requires; Linux-only rules are in
   hull_spec_validate_linux (spec_linux.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spec-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../core/util.h"

/* ---- name tables ----------------------------------------------------------------------- */

static const struct
{
  const char *name;
  int flag;
} namespace_names[] = {
  { "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
  { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int
hull_namespace_from_name (const char *name)
{
  if (name == NULL)
    return -1;
  for (size_t i = 0; i < sizeof namespace_names / sizeof namespace_names[0]; i++)
    if (strcmp (namespace_names[i].name, name) == 0)
      return namespace_names[i].flag;
  return -1;
}

const char *
hull_namespace_name (int type)
{
  for (size_t i = 0; i < sizeof namespace_names / sizeof namespace_names[0]; i++)
    if (namespace_names[i].flag == type)
      return namespace_names[i].name;
  return NULL;
}

static const char *const hook_names[HULL_HOOK_N] = {
  [HULL_HOOK_PRESTART] = "prestart",
  [HULL_HOOK_CREATE_RUNTIME] = "createRuntime",
  [HULL_HOOK_CREATE_CONTAINER] = "createContainer",
  [HULL_HOOK_START_CONTAINER] = "startContainer",
  [HULL_HOOK_POSTSTART] = "poststart",
  [HULL_HOOK_POSTSTOP] = "poststop",
};

const char *
hull_hook_kind_name (enum hull_hook_kind kind)
{
  if ((int) kind < 0 || kind >= HULL_HOOK_N)
    return NULL;
  return hook_names[kind];
}

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

static int
rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (strcmp (rlimit_names[i].name, name) == 0)
      return rlimit_names[i].resource;
  return -1;
}

bool
spec_is_absolute (const char *p)
{
  return p != NULL && p[0] == '/';
}

/* ---- freeing --------------------------------------------------------------------------- */

static void
capabilities_free (struct hull_capabilities *c)
{
  if (c == NULL)
    return;
  hull_strv_free (c->bounding);
  hull_strv_free (c->effective);
  hull_strv_free (c->inheritable);
  hull_strv_free (c->permitted);
  hull_strv_free (c->ambient);
  free (c);
}

static void
process_free (struct hull_process *p)
{
  if (p == NULL)
    return;
  free (p->user.additional_gids);
  free (p->user.username);
  hull_strv_free (p->args);
  free (p->command_line);
  hull_strv_free (p->env);
  free (p->cwd);
  capabilities_free (p->capabilities);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  json_decref (p->scheduler);
  json_decref (p->io_priority);
  json_decref (p->exec_cpu_affinity);
  free (p);
}

static void
mounts_free (struct hull_mount *m, size_t n)
{
  for (size_t i = 0; m && i < n; i++)
    {
      free (m[i].destination);
      free (m[i].source);
      free (m[i].type);
      hull_strv_free (m[i].options);
      free (m[i].uid_mappings);
      free (m[i].gid_mappings);
    }
  free (m);
}

static void
hooks_free (struct hull_hook *h, size_t n)
{
  for (size_t i = 0; h && i < n; i++)
    {
      free (h[i].path);
      hull_strv_free (h[i].args);
      hull_strv_free (h[i].env);
    }
  free (h);
}

void
hull_spec_free (struct hull_spec *spec)
{
  if (spec == NULL)
    return;
  free (spec->oci_version);
  free (spec->root_path);
  process_free (spec->process);
  free (spec->hostname);
  free (spec->domainname);
  mounts_free (spec->mounts, spec->n_mounts);
  for (int k = 0; k < HULL_HOOK_N; k++)
    hooks_free (spec->hooks[k], spec->n_hooks[k]);
  spec_kv_free (spec->annotations, spec->n_annotations);
  spec_linux_free (spec->linux_);
  json_decref (spec->raw);
  free (spec);
}

void
hull_spec_freep (struct hull_spec **spec)
{
  hull_spec_free (*spec);
  *spec = NULL;
}

/* ---- ociVersion and root --------------------------------------------------------------- */

/* One dot-separated SemVer identifier at *P; NUMERIC: digits only, no leading zero. */
static bool
semver_ident (const char **p, bool numeric)
{
  const char *s = *p;
  bool digits_only = true;

  while ((**p >= '0' && **p <= '9')
         || (!numeric && ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') || **p == '-')))
    {
      if (!(**p >= '0' && **p <= '9'))
        digits_only = false;
      (*p)++;
    }
  if (*p == s)
    return false;
  /* Numeric identifiers (and the version core) must not have leading zeros. */
  if ((numeric || digits_only) && s[0] == '0' && *p - s > 1)
    return false;
  return true;
}

static bool
semver_valid (const char *s)
{
  for (int i = 0; i < 3; i++)
    {
      if (!semver_ident (&s, true))
        return false;
      if (i < 2 && *s++ != '.')
        return false;
    }
  if (*s == '-')
    do
      s++;
    while (semver_ident (&s, false) && *s == '.');
  if (s[-1] == '-' || s[-1] == '.')
    return false;
  if (*s == '+')
    {
      do
        {
          const char *start = ++s;
          while ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
                 || *s == '-')
            s++;
          if (s == start)
            return false;
        }
      while (*s == '.');
    }
  return *s == '\0';
}

static int
parse_version (json_t *doc, struct hull_spec *spec, hull_error_t *err)
{
  cleanup_free char *q = NULL;

  if (spec_get_string (doc, "", "ociVersion", true, &spec->oci_version, err) < 0)
    return -1;
  if (semver_valid (spec->oci_version))
    return 0;
  q = spec_quote (spec->oci_version);
  return spec_error (err, "ociVersion", "%s is not a SemVer 2.0.0 version", q);
}

static int
parse_root (json_t *doc, struct hull_spec *spec, hull_error_t *err)
{
  json_t *root;
  int r = spec_get_object (doc, "", "root", false, &root, err);

  if (r <= 0)
    return r;
  if (spec_get_string (root, "root", "path", true, &spec->root_path, err) < 0
      || spec_get_bool (root, "root", "readonly", false, &spec->root_readonly, err) < 0)
    return -1;
  return 0;
}

/* ---- process --------------------------------------------------------------------------- */

static int
check_cpu_list (json_t *v, const char *path, hull_error_t *err)
{
  const char *s = json_string_value (v);
  if (strspn (s, "0123456789, -") != strlen (s))
    return spec_error (err, path, "must be a list of CPUs such as \"0-3,7\"");
  return 0;
}

static int
check_io_priority (json_t *v, const char *path, hull_error_t *err)
{
  json_t *prio = json_object_get (v, "priority");
  if (prio != NULL && (json_integer_value (prio) < 0 || json_integer_value (prio) > 7))
    return spec_key_error (err, path, "priority", "must be between 0 (highest) and 7 (lowest)");
  return 0;
}

/* In the kernel's order: the class of index i is IOPRIO_CLASS value i + 1 (procattr.c). */
const char *const hull_spec_ioprio_classes[]
    = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };
/* In the kernel's order: index = SCHED_* policy number, and flag index = SCHED_FLAG_* bit. */
const char *const hull_spec_sched_policies[]
    = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
        "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL };
const char *const hull_spec_sched_flags[] = { "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
                                           "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
                                           "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
                                           "SCHED_FLAG_UTIL_CLAMP_MAX", NULL };

static const struct spec_field scheduler_fields[] = {
  { "policy", SPEC_ENUM, true, .values = hull_spec_sched_policies },
  { "nice", SPEC_INTEGER, .int_kind = SPEC_I32 },
  { "priority", SPEC_INTEGER, .int_kind = SPEC_I32 },
  { "flags", SPEC_ENUMV, .values = hull_spec_sched_flags },
  { "runtime", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "deadline", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "period", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { NULL },
};
static const struct spec_field scheduler_field
    = { "scheduler", SPEC_OBJECT, .fields = scheduler_fields };

static const struct spec_field io_priority_fields[] = {
  { "class", SPEC_ENUM, true, .values = hull_spec_ioprio_classes },
  { "priority", SPEC_INTEGER, .int_kind = SPEC_I32 },
  { NULL },
};
static const struct spec_field io_priority_field
    = { "ioPriority", SPEC_OBJECT, .fields = io_priority_fields, .check = check_io_priority };

static const struct spec_field cpu_affinity_fields[] = {
  { "initial", SPEC_STRING, .check = check_cpu_list },
  { "final", SPEC_STRING, .check = check_cpu_list },
  { NULL },
};
static const struct spec_field cpu_affinity_field
    = { "execCPUAffinity", SPEC_OBJECT, .fields = cpu_affinity_fields };

static int
parse_user (json_t *proc, struct hull_user *u, hull_error_t *err)
{
  const char *path = "process.user";
  json_t *user;
  int r = spec_get_object (proc, "process", "user", false, &user, err);

  if (r <= 0)
    return r;
  if (spec_get_u32 (user, path, "uid", false, &u->uid, err) < 0
      || spec_get_u32 (user, path, "gid", false, &u->gid, err) < 0
      || spec_get_string (user, path, "username", false, &u->username, err) < 0
      || spec_get_u32v (user, path, "additionalGids", &u->additional_gids, &u->n_additional_gids,
                        err)
             < 0)
    return -1;
  r = spec_get_u32 (user, path, "umask", false, &u->umask, err);
  u->has_umask = r > 0;
  return r < 0 ? -1 : 0;
}

static int
parse_console_size (json_t *proc, struct hull_process *p, hull_error_t *err)
{
  /* The schema allows uint64; Hull keeps uint32 (the kernel's winsize is 16 bits anyway). */
  const char *path = "process.consoleSize";
  json_t *cs;
  int r = spec_get_object (proc, "process", "consoleSize", false, &cs, err);

  if (r <= 0)
    return r;
  if (spec_get_u32 (cs, path, "height", true, &p->console_height, err) < 0
      || spec_get_u32 (cs, path, "width", true, &p->console_width, err) < 0)
    return -1;
  p->has_console_size = true;
  return 0;
}

static int
parse_capabilities (json_t *proc, struct hull_process *p, hull_error_t *err)
{
  const char *path = "process.capabilities";
  json_t *caps;
  struct hull_capabilities *c;
  int r = spec_get_object (proc, "process", "capabilities", false, &caps, err);

  if (r <= 0)
    return r;
  c = p->capabilities = xmalloc0 (sizeof *c);
  if (spec_get_strv (caps, path, "bounding", false, &c->bounding, err) < 0
      || spec_get_strv (caps, path, "effective", false, &c->effective, err) < 0
      || spec_get_strv (caps, path, "inheritable", false, &c->inheritable, err) < 0
      || spec_get_strv (caps, path, "permitted", false, &c->permitted, err) < 0
      || spec_get_strv (caps, path, "ambient", false, &c->ambient, err) < 0)
    return -1;
  return 0;
}

static int
parse_rlimit (json_t *e, const char *path, struct hull_process *p, hull_error_t *err)
{
  struct hull_rlimit *rl = &p->rlimits[p->n_rlimits];
  cleanup_free char *q = NULL;

  if (!json_is_object (e))
    return spec_error (err, path, "expected an object, got %s", spec_type_name (e));
  if (spec_get_string (e, path, "type", true, &rl->type, err) < 0)
    return -1;
  p->n_rlimits++; /* owns rl->type from here on */
  if (spec_get_u64 (e, path, "soft", true, &rl->soft, err) < 0
      || spec_get_u64 (e, path, "hard", true, &rl->hard, err) < 0)
    return -1;
  rl->resource = rlimit_from_name (rl->type);
  q = spec_quote (rl->type);
  if (rl->resource < 0)
    return spec_key_error (err, path, "type", "unknown rlimit type %s", q);
  for (size_t i = 0; i + 1 < p->n_rlimits; i++)
    if (p->rlimits[i].resource == rl->resource)
      return spec_key_error (err, path, "type", "duplicate rlimit type %s", q);
  return 0;
}

static int
parse_rlimits (json_t *proc, struct hull_process *p, hull_error_t *err)
{
  json_t *arr, *e;
  size_t i;
  int r = spec_get_array (proc, "process", "rlimits", false, &arr, err);

  if (r <= 0)
    return r;
  p->rlimits = xmalloc0 ((json_array_size (arr) + 1) * sizeof *p->rlimits);
  json_array_foreach (arr, i, e)
    {
      cleanup_free char *path = spec_path_idx ("process.rlimits", i);
      if (parse_rlimit (e, path, p, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_process_fields (json_t *proc, struct hull_process *p, hull_error_t *err)
{
  const char *path = "process";
  int r;

  if (spec_get_bool (proc, path, "terminal", false, &p->terminal, err) < 0
      || parse_console_size (proc, p, err) < 0 || parse_user (proc, &p->user, err) < 0
      || spec_get_strv (proc, path, "args", false, &p->args, err) < 0
      || spec_get_string (proc, path, "commandLine", false, &p->command_line, err) < 0
      || spec_get_strv (proc, path, "env", false, &p->env, err) < 0
      || spec_get_string (proc, path, "cwd", true, &p->cwd, err) < 0
      || parse_capabilities (proc, p, err) < 0 || parse_rlimits (proc, p, err) < 0
      || spec_get_bool (proc, path, "noNewPrivileges", false, &p->no_new_privileges, err) < 0
      || spec_get_string (proc, path, "apparmorProfile", false, &p->apparmor_profile, err) < 0
      || spec_get_string (proc, path, "selinuxLabel", false, &p->selinux_label, err) < 0)
    return -1;
  r = spec_get_int (proc, path, "oomScoreAdj", false, SPEC_INT, &p->oom_score_adj, err);
  if (r < 0)
    return -1;
  p->has_oom_score_adj = r > 0;
  if (spec_get_checked (proc, path, &scheduler_field, &p->scheduler, err) < 0
      || spec_get_checked (proc, path, &io_priority_field, &p->io_priority, err) < 0
      || spec_get_checked (proc, path, &cpu_affinity_field, &p->exec_cpu_affinity, err) < 0)
    return -1;
  return 0;
}

static int
parse_process (json_t *doc, struct hull_spec *spec, hull_error_t *err)
{
  json_t *proc;
  int r = spec_get_object (doc, "", "process", false, &proc, err);

  if (r <= 0)
    return r;
  spec->process = xmalloc0 (sizeof *spec->process);
  return parse_process_fields (proc, spec->process, err);
}

/* ---- mounts ---------------------------------------------------------------------------- */

static int
parse_mount (json_t *e, const char *path, struct hull_mount *m, hull_error_t *err)
{
  if (!json_is_object (e))
    return spec_error (err, path, "expected an object, got %s", spec_type_name (e));
  if (spec_get_string (e, path, "destination", true, &m->destination, err) < 0
      || spec_get_string (e, path, "source", false, &m->source, err) < 0
      || spec_get_string (e, path, "type", false, &m->type, err) < 0
      || spec_get_strv (e, path, "options", false, &m->options, err) < 0
      || spec_get_idmaps (e, path, "uidMappings", &m->uid_mappings, &m->n_uid_mappings, err) < 0
      || spec_get_idmaps (e, path, "gidMappings", &m->gid_mappings, &m->n_gid_mappings, err) < 0)
    return -1;
  return 0;
}

static int
parse_mounts (json_t *doc, struct hull_spec *spec, hull_error_t *err)
{
  json_t *arr, *e;
  size_t i;
  int r = spec_get_array (doc, "", "mounts", false, &arr, err);

  if (r <= 0)
    return r;
  spec->mounts = xmalloc0 ((json_array_size (arr) + 1) * sizeof *spec->mounts);
  json_array_foreach (arr, i, e)
    {
      cleanup_free char *path = spec_path_idx ("mounts", i);
      spec->n_mounts = i + 1; /* entry i is freed with the rest, even half-parsed */
      if (parse_mount (e, path, &spec->mounts[i], err) < 0)
        return -1;
    }
  return 0;
}

/* ---- hooks ----------------------------------------------------------------------------- */

static int
parse_hook (json_t *e, const char *path, struct hull_hook *h, hull_error_t *err)
{
  if (!json_is_object (e))
    return spec_error (err, path, "expected an object, got %s", spec_type_name (e));
  if (spec_get_string (e, path, "path", true, &h->path, err) < 0
      || spec_get_strv (e, path, "args", false, &h->args, err) < 0
      || spec_get_strv (e, path, "env", false, &h->env, err) < 0
      || spec_get_int (e, path, "timeout", false, SPEC_TIMEOUT, &h->timeout, err) < 0)
    return -1;
  return 0;
}

static int
parse_hook_list (json_t *hooks, enum hull_hook_kind kind, struct hull_spec *spec, hull_error_t *err)
{
  json_t *arr, *e;
  size_t i;
  cleanup_free char *base = spec_path_key ("hooks", hook_names[kind]);
  int r = spec_get_array (hooks, "hooks", hook_names[kind], false, &arr, err);

  if (r <= 0)
    return r;
  spec->hooks[kind] = xmalloc0 ((json_array_size (arr) + 1) * sizeof *spec->hooks[kind]);
  json_array_foreach (arr, i, e)
    {
      cleanup_free char *path = spec_path_idx (base, i);
      spec->n_hooks[kind] = i + 1;
      if (parse_hook (e, path, &spec->hooks[kind][i], err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_hooks (json_t *doc, struct hull_spec *spec, hull_error_t *err)
{
  json_t *hooks;
  int r = spec_get_object (doc, "", "hooks", false, &hooks, err);

  if (r <= 0)
    return r;
  for (int k = 0; k < HULL_HOOK_N; k++)
    if (parse_hook_list (hooks, k, spec, err) < 0)
      return -1;
  return 0;
}

/* ---- document -------------------------------------------------------------------------- */

static int
json_parse_error (const json_error_t *jerr, hull_error_t *err)
{
  return hull_error (err, 0, "config.json: invalid JSON at line %d column %d: %s", jerr->line,
                     jerr->column, jerr->text);
}

int
spec_load_document (const char *data, size_t len, json_t **out, bool *marked, hull_error_t *err)
{
  const size_t flags = JSON_REJECT_DUPLICATES;
  cleanup_free char *copy = NULL;
  size_t copy_len = 0;
  json_error_t jerr;
  int n;

  *marked = false;
  *out = json_loadb (data, len, flags, &jerr);
  if (*out != NULL)
    return 0;
  if (json_error_code (&jerr) != json_error_numeric_overflow)
    return json_parse_error (&jerr, err);
  n = spec_mark_big_ints (data, len, &copy, &copy_len);
  if (n < 0)
    return hull_error (err, 0, "config.json: invalid JSON: strings must not contain \\u0000");
  if (n == 0)
    return json_parse_error (&jerr, err);
  /* Columns after a rewritten literal on the same line are shifted in this second pass. */
  *out = json_loadb (copy, copy_len, flags | JSON_ALLOW_NUL, &jerr);
  if (*out == NULL)
    return json_parse_error (&jerr, err);
  *marked = true;
  return 0;
}

static int
parse_annotations (json_t *doc, struct hull_spec *spec, hull_error_t *err)
{
  /* Keys MUST NOT be empty (config.md, Annotations). */
  return spec_get_strmap (doc, "", "annotations", true, &spec->annotations, &spec->n_annotations,
                          err);
}

static int
parse_document (json_t *doc, struct hull_spec *spec, hull_error_t *err)
{
  if (parse_version (doc, spec, err) < 0 || parse_root (doc, spec, err) < 0
      || parse_process (doc, spec, err) < 0
      || spec_get_string (doc, "", "hostname", false, &spec->hostname, err) < 0
      || spec_get_string (doc, "", "domainname", false, &spec->domainname, err) < 0
      || parse_mounts (doc, spec, err) < 0 || parse_hooks (doc, spec, err) < 0
      || parse_annotations (doc, spec, err) < 0)
    return -1;
  if (json_object_get (doc, "linux") != NULL
      && spec_parse_linux (json_object_get (doc, "linux"), &spec->linux_, err) < 0)
    return -1;
  return spec_check_platforms (doc, err);
}

int
hull_spec_parse (const char *data, size_t len, struct hull_spec **out, hull_error_t *err)
{
  cleanup_spec struct hull_spec *spec = xmalloc0 (sizeof *spec);
  bool marked;

  *out = NULL;
  if (data == NULL)
    return hull_error (err, 0, "config.json: no data");
  if (spec_load_document (data, len, &spec->raw, &marked, err) < 0)
    return -1;
  if (!json_is_object (spec->raw))
    return hull_error (err, 0, "config.json: expected an object at the top level, got %s",
                       spec_type_name (spec->raw));
  if (parse_document (spec->raw, spec, err) < 0)
    return -1;
  if (marked)
    spec_resolve_big_markers (spec->raw);
  *out = hull_steal_ptr (spec);
  return 0;
}

int
hull_spec_load (const char *bundle, struct hull_spec **out, hull_error_t *err)
{
  cleanup_close int dfd = -1;
  cleanup_free char *data = NULL;
  size_t len = 0;

  *out = NULL;
  dfd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return hull_error_sys (err, "open bundle `%s`", bundle);
  if (hull_read_file_at (dfd, "config.json", &data, &len, err) < 0)
    return hull_error_wrap (err, "bundle `%s`", bundle);
  if (hull_spec_parse (data, len, out, err) < 0)
    return hull_error_wrap (err, "bundle `%s`", bundle);
  return 0;
}

const struct hull_namespace *
hull_spec_namespace (const struct hull_spec *spec, int type)
{
  if (spec == NULL || spec->linux_ == NULL)
    return NULL;
  for (size_t i = 0; i < spec->linux_->n_namespaces; i++)
    if (spec->linux_->namespaces[i].type == type)
      return &spec->linux_->namespaces[i];
  return NULL;
}
