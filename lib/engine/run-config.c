/* run-config.c: hull_run_config, the config.json of `hull run`: hull-runtime's default config
   (lib/spec/spec_default.c: every namespace but user, masked and read-only /proc and /sys
   paths, a minimal /dev, the device cgroup closed) with the image's config and the flags
   applied on top, in the order below, and the result checked by the runtime's own parser
   before it is handed back. What each default is and why: man/hull.1, SECURITY DEFAULTS.
   This file: the process (command, environment, directory, terminal, rlimits), the host
   name, namespaces, mounts and resources; run-user.c, run-security.c and run-seccomp.c do
   the rest. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "../core/util.h"
#include "../spec/spec.h"
#include "run-internal.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define INIT_PATH "/run/hull-init"
#define DEFAULT_PIDS_LIMIT 2048
#define CPU_PERIOD 100000    /* µs: the kernel's default CFS period */
#define NOFILE_SOFT 1024     /* select(2)'s FD_SETSIZE: programs that want more raise it */
#define NOFILE_HARD 524288   /* room for servers, small enough for programs that loop over every fd */

void
run_warn (struct run_ctx *c, const char *fmt, ...)
{
  va_list ap;
  char *msg;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  c->warnings = xrealloc (c->warnings, (c->n_warnings + 2) * sizeof *c->warnings);
  c->warnings[c->n_warnings++] = msg;
  c->warnings[c->n_warnings] = NULL;
}

json_t *
run_json_strv (char *const *v)
{
  json_t *a = json_array ();
  for (size_t i = 0; v && v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

long
run_json_index (json_t *a, const char *key, const char *s)
{
  size_t i;
  json_t *e;
  json_array_foreach (a, i, e)
    {
      const char *v = json_string_value (key ? json_object_get (e, key) : e);
      if (v && strcmp (v, s) == 0)
        return (long) i;
    }
  return -1;
}

bool
run_json_remove (json_t *a, const char *key, const char *s)
{
  long i = run_json_index (a, key, s);
  return i >= 0 && json_array_remove (a, (size_t) i) == 0;
}

/* The image config's KEY: absent or null (*OUT NULL), or an array of strings. */
static int
image_strv (struct run_ctx *c, const char *key, json_t **out, hull_error_t *err)
{
  json_t *v = c->image ? json_object_get (c->image, key) : NULL, *w;
  size_t i;

  *out = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_array (v))
    return hull_error (err, 0, "the image's config: %s: expected an array of strings", key);
  json_array_foreach (v, i, w)
    if (!json_is_string (w) || strlen (json_string_value (w)) != json_string_length (w))
      return hull_error (err, 0, "the image's config: %s[%zu]: expected a string", key, i);
  *out = v;
  return 0;
}

/* The image config's KEY as a string, or NULL when absent, null or "". */
static int
image_string (struct run_ctx *c, const char *key, const char **out, hull_error_t *err)
{
  json_t *v = c->image ? json_object_get (c->image, key) : NULL;

  *out = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_string (v) || strlen (json_string_value (v)) != json_string_length (v))
    return hull_error (err, 0, "the image's config: %s: expected a string", key);
  if (*json_string_value (v) != '\0')
    *out = json_string_value (v);
  return 0;
}

static void
append_strv (json_t *args, char *const *v)
{
  for (size_t i = 0; v && v[i]; i++)
    json_array_append_new (args, json_string (v[i]));
}

/* podman's rule: the entrypoint (--entrypoint, else the image's) followed by the words after
   the image, else by the image's Cmd unless --entrypoint replaced the image's entrypoint;
   --init puts hull-init in front. */
static int
set_args (struct run_ctx *c, json_t *process, hull_error_t *err)
{
  json_t *ep, *cmd, *args = json_array ();
  size_t first = c->s->init ? 2 : 0;

  json_object_set_new (process, "args", args);
  if (image_strv (c, "Entrypoint", &ep, err) < 0 || image_strv (c, "Cmd", &cmd, err) < 0)
    return -1;
  if (c->s->init)
    {
      json_array_append_new (args, json_string (INIT_PATH));
      json_array_append_new (args, json_string ("--"));
    }
  if (c->s->entrypoint_set)
    append_strv (args, c->s->entrypoint);
  else if (ep)
    json_array_extend (args, ep);
  if (c->s->cmd && c->s->cmd[0])
    append_strv (args, c->s->cmd);
  else if (cmd && !c->s->entrypoint_set)
    json_array_extend (args, cmd);
  if (json_array_size (args) == first)
    return hull_error (err, 0, "no command: the image has no Entrypoint or Cmd, and none was given after the image");
  if (*json_string_value (json_array_get (args, first)) == '\0')
    return hull_error (err, 0, "the command is an empty word");
  return 0;
}

/* ENV (a JSON array of KEY=VALUE) with ENTRY set: the entry of the same key replaced in
   place, or ENTRY appended. */
static void
env_set (json_t *env, const char *entry)
{
  size_t klen = strcspn (entry, "="), i;
  json_t *e;
  json_array_foreach (env, i, e)
    {
      const char *s = json_string_value (e);
      if (strncmp (s, entry, klen) == 0 && s[klen] == '=')
        {
          json_array_set_new (env, i, json_string (entry));
          return;
        }
    }
  json_array_append_new (env, json_string (entry));
}

static bool
env_has (json_t *env, const char *key)
{
  size_t klen = strlen (key), i;
  json_t *e;
  json_array_foreach (env, i, e)
    if (strncmp (json_string_value (e), key, klen) == 0 && json_string_value (e)[klen] == '=')
      return true;
  return false;
}

/* PATH (when the image has none), the image's Env, HOSTNAME, TERM with -t and HOME unless the
   image sets them, then -e and --env-file in order, a later one winning; `-e KEY` takes the
   engine's own value of KEY and is skipped when it has none. */
static int
set_env (struct run_ctx *c, json_t *process, const char *hostname, hull_error_t *err)
{
  json_t *image_env, *env = json_array (), *e;
  size_t i;

  json_object_set_new (process, "env", env);
  if (image_strv (c, "Env", &image_env, err) < 0)
    return -1;
  json_array_foreach (image_env, i, e)
    if (strchr (json_string_value (e), '=') && json_string_value (e)[0] != '=')
      env_set (env, json_string_value (e));
  if (!env_has (env, "PATH"))
    json_array_insert_new (env, 0, json_string (DEFAULT_PATH));
  {
    cleanup_free char *h = xasprintf ("HOSTNAME=%s", hostname), *home = xasprintf ("HOME=%s", c->home);
    env_set (env, h);
    if (c->s->tty && !env_has (env, "TERM"))
      env_set (env, "TERM=xterm");
    if (!env_has (env, "HOME"))
      env_set (env, home);
  }
  for (i = 0; c->s->env && c->s->env[i]; i++)
    {
      const char *entry = c->s->env[i], *value;
      cleanup_free char *full = NULL;
      if (strchr (entry, '=') == NULL)
        {
          if ((value = getenv (entry)) == NULL)
            continue;
          entry = full = xasprintf ("%s=%s", entry, value);
        }
      env_set (env, entry);
    }
  return 0;
}

static int
set_cwd (struct run_ctx *c, json_t *process, hull_error_t *err)
{
  const char *wd = c->s->workdir;

  if (wd == NULL && image_string (c, "WorkingDir", &wd, err) < 0)
    return -1;
  if (wd != NULL && wd[0] != '/')
    return hull_error (err, 0, "the image's config: WorkingDir `%s` is not an absolute path", wd);
  json_object_set_new (process, "cwd", json_string (wd ? wd : "/"));
  return 0;
}

/* RLIMIT_NOFILE: soft 1024, hard 524288, each at most the engine's own hard limit: raising a
   hard limit needs CAP_SYS_RESOURCE, which the engine may lack (a container would then fail
   to start), and a container has no business getting more than the user who started it. */
static int
set_rlimits (json_t *process, hull_error_t *err)
{
  struct rlimit rl;
  rlim_t hard = NOFILE_HARD, soft;

  if (getrlimit (RLIMIT_NOFILE, &rl) < 0)
    return hull_error_sys (err, "getrlimit RLIMIT_NOFILE");
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < hard)
    hard = rl.rlim_max;
  soft = hard < NOFILE_SOFT ? hard : NOFILE_SOFT;
  json_object_set_new (process, "rlimits", json_pack ("[{s:s, s:I, s:I}]", "type", "RLIMIT_NOFILE", "hard",
                                                      (json_int_t) hard, "soft", (json_int_t) soft));
  return 0;
}

/* The host name: --hostname, else the container ID's first 12 characters. */
static char *
hostname_of (struct run_ctx *c)
{
  const char *id = c->host->id;
  if (c->s->hostname)
    return xstrdup (c->s->hostname);
  if (id == NULL || *id == '\0')
    return xstrdup ("hull");
  return strndup (id, 12);
}

/* --network host: no network namespace (the others stay new). */
static void
set_namespaces (struct run_ctx *c)
{
  if (c->s->network == HULL_NETWORK_HOST)
    run_json_remove (json_object_get (json_object_get (c->doc, "linux"), "namespaces"), "type", "network");
}

static bool
strv_has (char **v, const char *s)
{
  for (size_t i = 0; v && v[i]; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

/* OPTS with DEFLT added unless OPTS already has it or OTHER (its opposite). */
static void
add_default (json_t *opts, char **given, const char *deflt, const char *other)
{
  if (!strv_has (given, deflt) && !(other && strv_has (given, other)))
    json_array_append_new (opts, json_string (deflt));
}

/* The OCI mount of volume V. Binds are recursive and private unless asked otherwise, and
   nosuid and nodev (a host directory's setuid files and device nodes give nothing in the
   container; suid and dev turn that off; --privileged does not add them); with rbind, ro,
   nosuid, nodev and noexec also apply to the mounts below (rro, ...), so that a read-only
   volume has no writable submount. tmpfs mounts are nosuid, nodev and noexec unless asked. */
static json_t *
volume_mount (struct run_ctx *c, const struct hull_volume *v)
{
  static const char *const recursive[][2] = { { "ro", "rro" }, { "nosuid", "rnosuid" }, { "nodev", "rnodev" },
                                              { "noexec", "rnoexec" } };
  json_t *opts = run_json_strv (v->options), *o;
  bool tmpfs = v->kind == HULL_VOLUME_TMPFS;
  size_t i;

  if (!tmpfs)
    {
      add_default (opts, v->options, "rbind", "bind");
      if (!strv_has (v->options, "shared") && !strv_has (v->options, "rshared") && !strv_has (v->options, "slave")
          && !strv_has (v->options, "rslave") && !strv_has (v->options, "private")
          && !strv_has (v->options, "unbindable") && !strv_has (v->options, "runbindable"))
        add_default (opts, v->options, "rprivate", NULL);
    }
  if (tmpfs || !c->s->privileged)
    {
      add_default (opts, v->options, "nosuid", "suid");
      add_default (opts, v->options, "nodev", "dev");
    }
  if (tmpfs)
    add_default (opts, v->options, "noexec", "exec");
  if (!tmpfs && !strv_has (v->options, "bind"))
    json_array_foreach (opts, i, o)
      for (size_t r = 0; r < sizeof recursive / sizeof recursive[0]; r++)
        if (strcmp (json_string_value (o), recursive[r][0]) == 0)
          {
            json_array_append_new (opts, json_string (recursive[r][1]));
            break;
          }
  return json_pack ("{s:s, s:s, s:s, s:o}", "destination", v->destination, "type", tmpfs ? "tmpfs" : "bind",
                    "source", tmpfs ? "tmpfs" : v->source, "options", opts);
}

/* Whether a volume of S has DESTINATION. */
static bool
volume_at (const struct hull_run_spec *s, const char *destination)
{
  for (size_t i = 0; i < s->n_volumes; i++)
    if (strcmp (s->volumes[i].destination, destination) == 0)
      return true;
  return false;
}

/* Whether a volume of S is at DESTINATION or at a directory above it. */
static bool
volume_covers (const struct hull_run_spec *s, const char *destination)
{
  for (size_t i = 0; i < s->n_volumes; i++)
    {
      size_t n = strlen (s->volumes[i].destination);
      if (strncmp (s->volumes[i].destination, destination, n) == 0 && (destination[n] == '\0' || destination[n] == '/'))
        return true;
    }
  return false;
}

/* podman's /etc/hostname, /etc/hosts and (--network host) /etc/resolv.conf: files of the
   container's directory (ctr-create.c writes them) bound over the image's, writable unless
   --read-only (the container changes its own copy). Not where a volume is, or one above:
   the target would be made in the host's directory. */
static void
etc_mounts (struct run_ctx *c, json_t *mounts)
{
  static const char *const files[] = { "hostname", "hosts", "resolv.conf" };

  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      cleanup_free char *dst = xasprintf ("/etc/%s", files[i]);
      cleanup_free char *src = xasprintf ("%s/%s", c->host->ctr_dir, files[i]);
      if ((i == 2 && c->s->network != HULL_NETWORK_HOST) || volume_covers (c->s, dst))
        continue;
      json_array_append_new (mounts, json_pack ("{s:s, s:s, s:s, s:[s, s, s, s, s, s]}", "destination", dst, "type",
                                                "bind", "source", src, "options", "bind", "rprivate", "nosuid",
                                                "nodev", "noexec", c->s->read_only ? "ro" : "rw"));
    }
}

static int
check_volume (struct run_ctx *c, size_t i, hull_error_t *err)
{
  const struct hull_volume *v = &c->s->volumes[i];
  const char *flag = v->flag ? v->flag : "volumes";

  for (size_t j = 0; j < i; j++)
    if (strcmp (c->s->volumes[j].destination, v->destination) == 0)
      return hull_error (err, 0, "%s: `%s` is mounted twice", flag, v->destination);
  /* the masked and read-only /proc paths are /proc's: replacing it would undo them */
  if (strcmp (v->destination, "/proc") == 0 || strncmp (v->destination, "/proc/", 6) == 0)
    return hull_error (err, 0, "%s: `%s`: the container's /proc cannot be replaced", flag, v->destination);
  if ((v->relabel_shared || v->relabel_private) && !c->host->selinux)
    run_warn (c, "%s:%s:%s ignored: SELinux is off on this host", v->source ? v->source : "tmpfs", v->destination,
              v->relabel_shared ? "z" : "Z");
  return 0;
}

/* --read-only: podman's writable tmpfs on /tmp, /var/tmp and /run (unless a volume is there),
   tmpcopyup keeping what the image has in them. */
static void
read_only_tmpfs (struct run_ctx *c, json_t *mounts)
{
  static const char *const dirs[] = { "/tmp", "/var/tmp", "/run" };
  for (size_t i = 0; i < 3; i++)
    if (!volume_at (c->s, dirs[i]))
      json_array_append_new (mounts, json_pack ("{s:s, s:s, s:s, s:[s, s, s, s, s]}", "destination", dirs[i],
                                                "type", "tmpfs", "source", "tmpfs", "options", "rw", "nosuid",
                                                "nodev", "tmpcopyup", i < 2 ? "mode=1777" : "mode=755"));
}

/* --init: hull-init, read-only, at /run/hull-init (after a /run tmpfs, which would hide it). */
static int
init_mount (struct run_ctx *c, json_t *mounts, hull_error_t *err)
{
  struct stat st;
  const char *p = c->host->init_path;

  if (p == NULL || p[0] != '/')
    return hull_error (err, 0, "--init: the engine knows no hull-init binary");
  if (stat (p, &st) < 0)
    return hull_error_sys (err, "--init: `%s`", p);
  if (!S_ISREG (st.st_mode))
    return hull_error (err, 0, "--init: `%s` is not a file", p);
  json_array_append_new (mounts, json_pack ("{s:s, s:s, s:s, s:[s, s, s, s]}", "destination", INIT_PATH, "type",
                                            "bind", "source", p, "options", "bind", "ro", "nosuid", "nodev"));
  return 0;
}

static int
set_mounts (struct run_ctx *c, hull_error_t *err)
{
  json_t *mounts = json_object_get (c->doc, "mounts");

  for (size_t i = 0; i < c->s->n_volumes; i++)
    {
      if (check_volume (c, i, err) < 0)
        return -1;
      /* a volume replaces the default mount there, as in podman */
      run_json_remove (mounts, "destination", c->s->volumes[i].destination);
    }
  if (c->s->read_only)
    read_only_tmpfs (c, mounts);
  for (size_t i = 0; i < c->s->n_volumes; i++)
    json_array_append_new (mounts, volume_mount (c, &c->s->volumes[i]));
  if (c->host->ctr_dir)
    etc_mounts (c, mounts);
  if (c->s->init && init_mount (c, mounts, err) < 0)
    return -1;
  return 0;
}

/* --memory, --pids-limit (2048 unless given; -1 none) and --cpus. Rootless, only the limits
   asked for: without a delegated cgroup the runtime refuses any limit, and a default one
   would make every rootless container fail there. */
static void
set_resources (struct run_ctx *c)
{
  json_t *lx = json_object_get (c->doc, "linux"), *res = json_object_get (lx, "resources");
  int64_t pids = c->s->pids_limit;

  if (res == NULL)
    {
      res = json_object ();
      json_object_set_new (lx, "resources", res);
    }
  if (pids == 0 && !c->host->rootless && c->host->no_pids_controller)
    run_warn (c, "no cgroup hierarchy of this host has the pids controller: the default limit of %d "
                 "processes is not applied", DEFAULT_PIDS_LIMIT);
  else if (pids == 0 && !c->host->rootless)
    pids = DEFAULT_PIDS_LIMIT;
  if (pids > 0)
    json_object_set_new (res, "pids", json_pack ("{s:I}", "limit", (json_int_t) pids));
  if (c->s->memory > 0)
    json_object_set_new (res, "memory", json_pack ("{s:I}", "limit", (json_int_t) c->s->memory));
  if (c->s->cpus > 0)
    json_object_set_new (res, "cpu", json_pack ("{s:I, s:I}", "quota", (json_int_t) (c->s->cpus * CPU_PERIOD + 0.5),
                                                "period", (json_int_t) CPU_PERIOD));
  if (json_object_size (res) == 0)
    json_object_del (lx, "resources");
}

/* noNewPrivileges: on unless --security-opt no-new-privileges=false, or --privileged without
   that option. */
static void
set_no_new_privs (struct run_ctx *c, json_t *process)
{
  bool nnp = c->s->no_new_privs_set ? c->s->no_new_privs : !c->s->privileged;

  json_object_set_new (process, "noNewPrivileges", json_boolean (nnp));
  if (!nnp && !c->s->privileged)
    run_warn (c, "no-new-privileges=false: setuid and file-capability programs in the container can gain privileges");
}

/* The config read back by the runtime's parser: what the runtime would refuse is refused
   here, naming the flag where one is to blame. */
static int
check_config (struct run_ctx *c, hull_error_t *err)
{
  cleanup_free char *text = json_dumps (c->doc, JSON_COMPACT);
  cleanup_spec struct hull_spec *spec = NULL;

  if (text == NULL)
    return hull_error (err, ENOMEM, "config.json");
  if (hull_spec_parse (text, strlen (text), &spec, err) < 0 || hull_spec_validate_linux (spec, err) < 0)
    {
      if (c->s->seccomp_profile && strstr ((*err)->msg, "linux.seccomp") != NULL)
        return hull_error_wrap (err, "--security-opt seccomp=%s", c->s->seccomp_profile);
      return hull_error_wrap (err, "the generated config");
    }
  return 0;
}

static int
build (struct run_ctx *c, hull_error_t *err)
{
  json_t *process = json_object_get (c->doc, "process");
  cleanup_free char *hostname = hostname_of (c);
  uint64_t bounding;

  if (c->image != NULL && !json_is_object (c->image))
    return hull_error (err, 0, "the image's config: expected an object");
  if (run_userns_apply (c, err) < 0 || run_user_apply (c, process, err) < 0 || set_args (c, process, err) < 0
      || set_env (c, process, hostname, err) < 0 || set_cwd (c, process, err) < 0 || set_rlimits (process, err) < 0)
    return -1;
  json_object_set_new (process, "terminal", json_boolean (c->s->tty));
  json_object_set_new (c->doc, "hostname", json_string (hostname));
  json_object_set_new (c->doc, "root", json_pack ("{s:s, s:b}", "path", c->host->rootfs ? c->host->rootfs : "rootfs",
                                                  "readonly", c->s->read_only));
  set_no_new_privs (c, process);
  if (run_caps_apply (c, process, &bounding, err) < 0 || run_lsm_apply (c, process, err) < 0
      || run_seccomp_apply (c, bounding, err) < 0)
    return -1;
  run_privileged_apply (c);
  set_namespaces (c);
  if (set_mounts (c, err) < 0)
    return -1;
  set_resources (c);
  if (c->uid == 0 && !c->userns)
    run_warn (c, "the container runs as root (uid 0) without a user namespace: root in it is root on the host, "
                 "held back by its capabilities, seccomp and namespaces only (-u USER, or hull run as a user)");
  return check_config (c, err);
}

int
hull_run_config (const struct hull_run_spec *s, json_t *image_config, const struct hull_run_host *host,
                 json_t **config, char ***warnings, hull_error_t *err)
{
  struct run_ctx c = { .s = s, .host = host, .image = image_config };
  cleanup_free char *text = hull_spec_default_json (host->rootless, host->uid, host->gid);
  int r;

  *config = NULL;
  if (warnings)
    *warnings = NULL;
  c.doc = json_loads (text, 0, NULL);
  if (c.doc == NULL)
    return hull_error (err, ENOMEM, "the default config");
  r = build (&c, err);
  free (c.home);
  if (r < 0)
    {
      json_decref (c.doc);
      hull_strv_free (c.warnings);
      return -1;
    }
  *config = c.doc;
  if (warnings)
    *warnings = c.warnings;
  else
    hull_strv_free (c.warnings);
  return 0;
}
