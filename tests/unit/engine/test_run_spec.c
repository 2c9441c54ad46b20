/* test_run_spec.c: unit tests for lib/engine/run-*.c: every `hull run` flag parsed (both
   `--flag value` and `--flag=value`, short clusters, `--`), errors naming the flag, the -v,
   --mount and --tmpfs parsers, and the config made of flags and image config: capabilities,
   seccomp, namespaces, users resolved by name in the rootfs's files, the environment's order,
   entrypoint and cmd, rlimits never above the hard limit, --privileged, --read-only, network
   modes, tmpfs, the :z note, --init, resources, rootless id maps and SELinux labels. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness.h"
#include "core/util.h"
#include "engine/run-spec.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char tmpdir[] = "/tmp/hull-run-spec.XXXXXX";
static char *passwd_path, *group_path, *init_path, *subuid_path;

static int
parse_v (const char *const *words, struct hull_run_spec *s, int *img, hull_error_t *err)
{
  int n = 0;
  while (words[n])
    n++;
  return hull_run_spec_parse (n, (char **) words, s, img, err);
}
#define PARSE(s, img, err, ...) parse_v ((const char *const[]){ __VA_ARGS__, NULL }, s, img, err)

/* Parsing WORDS fails and the message has NEEDLE. */
static bool
parse_fails (const char *const *words, const char *needle, char **msg)
{
  struct hull_run_spec s;
  hull_error_t err = NULL;
  int img;
  bool ok = parse_v (words, &s, &img, &err) < 0 && err && strstr (err->msg, needle);
  *msg = xstrdup (err ? err->msg : "(no error)");
  hull_error_free (&err);
  return ok;
}
#define T_FAILS(needle, ...)                                                                                     \
  do                                                                                                             \
    {                                                                                                            \
      char *_m;                                                                                                  \
      bool _pf = parse_fails ((const char *const[]){ __VA_ARGS__, NULL }, needle, &_m);                          \
      T_OK (_pf, "refused naming `%s`: %s", needle, _m);                                                         \
      free (_m);                                                                                                 \
    }                                                                                                            \
  while (0)

static bool
strv_eq (char **v, const char *const *want)
{
  size_t i = 0;
  for (; want[i]; i++)
    if (v == NULL || v[i] == NULL || strcmp (v[i], want[i]) != 0)
      return false;
  return v == NULL ? i == 0 : v[i] == NULL;
}
#define STRV_EQ(v, ...) strv_eq (v, (const char *const[]){ __VA_ARGS__, NULL })

static void
test_parse_basic (void)
{
  struct hull_run_spec s;
  hull_error_t err = NULL;
  int img = -1;

  T_OK (PARSE (&s, &img, &err, "--rm", "-it", "--name", "web", "-e", "A=1", "--env=B", "busybox", "sh", "-c", "x")
            == 0
            && s.rm && s.interactive && s.tty && !s.detach && strcmp (s.name, "web") == 0 && img == 7
            && STRV_EQ (s.env, "A=1", "B") && STRV_EQ (s.cmd, "sh", "-c", "x"),
        "--rm -it --name web -e A=1 --env=B busybox sh -c x");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "-dit", "--rm=false", "--read-only", "--init", "--privileged", "img") == 0 && s.detach
            && s.interactive && s.tty && !s.rm && s.read_only && s.init && s.privileged && img == 5 && s.cmd == NULL,
        "-dit, --rm=false, --read-only, --init, --privileged; no command");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "-t=false", "-i", "--", "img", "-x") == 0 && !s.tty && s.interactive && img == 3
            && STRV_EQ (s.cmd, "-x"),
        "-t=false, `--` ends the options, the words after the image are the command");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "img", "--rm") == 0 && !s.rm && img == 0 && STRV_EQ (s.cmd, "--rm"),
        "options stop at the image");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "-m64m", "-e=K=V", "-w", "/srv", "-u", "web:grp", "img") == 0
            && s.memory == 64 << 20 && STRV_EQ (s.env, "K=V") && strcmp (s.workdir, "/srv") == 0
            && strcmp (s.user, "web:grp") == 0,
        "-m64m and -e=K=V: values attached to short flags; -w, -u");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "img") == 0 && s.no_new_privs && !s.no_new_privs_set && s.pids_limit == 0
            && s.network == HULL_NETWORK_PRIVATE && s.userns == HULL_USERNS_DEFAULT,
        "defaults: no_new_privs, pids 0 (the default), private network, default userns");
  hull_run_spec_clear (&s);
  T_FAILS ("--publish", "--publish", "80", "img");
  T_FAILS ("-p", "-p", "80", "img");
  T_FAILS ("-x", "-ix", "img");
  T_FAILS ("--name: needs a value", "--name");
  T_FAILS ("no image", "--rm");
  T_FAILS ("--rm: `maybe`", "--rm=maybe", "img");
  T_FAILS ("--name: `-bad name`", "--name", "-bad name", "img");
  T_FAILS ("-e: `=x`: no variable name", "-e", "=x", "img");
  T_FAILS ("-u: `` is not USER", "-u", "", "img");
  T_FAILS ("-u: `a:b:c`", "-u", "a:b:c", "img");
  T_FAILS ("-w: `srv` is not an absolute path", "-w", "srv", "img");
}

static void
test_parse_values (void)
{
  struct hull_run_spec s;
  hull_error_t err = NULL;
  int img;

  T_OK (PARSE (&s, &img, &err, "--memory=1g", "--pids-limit", "-1", "--cpus=1.5", "--network", "host", "--userns=keep-id",
               "--hostname=box", "img")
            == 0
            && s.memory == 1LL << 30 && s.pids_limit == -1 && s.cpus == 1.5 && s.network == HULL_NETWORK_HOST
            && s.userns == HULL_USERNS_KEEP_ID && strcmp (s.hostname, "box") == 0,
        "--memory=1g --pids-limit -1 --cpus=1.5 --network host --userns=keep-id --hostname=box");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "-m", "8m", "--memory", "7340032", "--net=none", "--userns", "auto", "-h", "a.b-c",
               "--pids-limit=100", "img")
            == 0
            && s.memory == 7340032 && s.network == HULL_NETWORK_NONE && s.userns == HULL_USERNS_AUTO
            && strcmp (s.hostname, "a.b-c") == 0 && s.pids_limit == 100,
        "the last --memory wins (bytes), --net=none, --userns auto, -h, --pids-limit=100");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "--network=private", "--userns=host", "img") == 0 && s.network == HULL_NETWORK_PRIVATE
            && s.userns == HULL_USERNS_HOST,
        "--network=private, --userns=host");
  hull_run_spec_clear (&s);
  T_FAILS ("--memory: `lots` is not a size", "--memory", "lots", "img");
  T_FAILS ("-m: `1k` is below", "-m", "1k", "img");
  T_FAILS ("--pids-limit: `x`", "--pids-limit", "x", "img");
  T_FAILS ("--pids-limit: `-2`", "--pids-limit=-2", "img");
  T_FAILS ("--cpus: `0`", "--cpus", "0", "img");
  T_FAILS ("--cpus: `abc`", "--cpus", "abc", "img");
  T_FAILS ("--cpus: `0.001` is below", "--cpus", "0.001", "img");
  T_FAILS ("--network: `bridge` is not supported", "--network", "bridge", "img");
  T_FAILS ("--userns: `nomap`", "--userns", "nomap", "img");
  T_FAILS ("--hostname: `-x`", "--hostname", "-x", "img");
  T_FAILS ("-h: `a_b`", "-h", "a_b", "img");
}

static void
test_parse_security (void)
{
  struct hull_run_spec s;
  hull_error_t err = NULL;
  int img;

  T_OK (PARSE (&s, &img, &err, "--security-opt", "no-new-privileges=false", "--security-opt=seccomp=/p.json",
               "--security-opt", "label=type:spc_t", "--security-opt", "label=level:s0:c1,c2", "--security-opt",
               "apparmor=unconfined", "img")
            == 0
            && !s.no_new_privs && s.no_new_privs_set && strcmp (s.seccomp_profile, "/p.json") == 0 && !s.seccomp_unconfined
            && STRV_EQ (s.labels, "type:spc_t", "level:s0:c1,c2") && strcmp (s.apparmor, "unconfined") == 0,
        "--security-opt no-new-privileges=false, seccomp=FILE, label=type:, label=level:, apparmor=");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined",
               "--security-opt", "label:disable", "img")
            == 0
            && s.no_new_privs && s.no_new_privs_set && s.seccomp_unconfined && s.seccomp_profile == NULL
            && STRV_EQ (s.labels, "disable"),
        "no-new-privileges alone, seccomp=unconfined, label:disable (podman's ':' form)");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "--cap-add", "NET_ADMIN", "--cap-add=cap_net_raw", "--cap-drop", "all", "--cap-add",
               "ALL", "img")
            == 0
            && STRV_EQ (s.cap_add, "NET_ADMIN", "cap_net_raw", "ALL") && STRV_EQ (s.cap_drop, "all"),
        "--cap-add and --cap-drop keep the names as given (CAP_ optional, any case, all)");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "--entrypoint", "[\"/bin/sh\", \"-c\"]", "img") == 0 && s.entrypoint_set
            && STRV_EQ (s.entrypoint, "/bin/sh", "-c"),
        "--entrypoint as a JSON array");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "--entrypoint=/bin/echo hi", "img") == 0 && STRV_EQ (s.entrypoint, "/bin/echo hi"),
        "--entrypoint as one word (spaces kept)");
  hull_run_spec_clear (&s);
  T_OK (PARSE (&s, &img, &err, "--entrypoint", "", "img") == 0 && s.entrypoint_set && s.entrypoint == NULL,
        "--entrypoint \"\" clears");
  hull_run_spec_clear (&s);
  T_FAILS ("--security-opt: `mask=/x` is not known", "--security-opt", "mask=/x", "img");
  T_FAILS ("--security-opt: `no-new-privileges=maybe`", "--security-opt", "no-new-privileges=maybe", "img");
  T_FAILS ("--security-opt: label `nested`", "--security-opt", "label=nested", "img");
  T_FAILS ("--security-opt: `seccomp=`", "--security-opt", "seccomp=", "img");
  T_FAILS ("--cap-add: `FLY` is not a capability", "--cap-add", "FLY", "img");
  T_FAILS ("--cap-drop: `CAP_`", "--cap-drop", "CAP_", "img");
  T_FAILS ("--entrypoint: `[1]`: entry 0", "--entrypoint", "[1]", "img");
  T_FAILS ("--entrypoint: `[\"x\"` is not a JSON array", "--entrypoint", "[\"x\"", "img");
}

static void
test_env_file (void)
{
  struct hull_run_spec s;
  hull_error_t err = NULL;
  int img;
  char *path = xasprintf ("%s/env", tmpdir), *bad = xasprintf ("%s/bad-env", tmpdir);
  FILE *f = fopen (path, "w");

  fputs ("# comment\n\n  A=1\nB=two words\r\nC\n", f);
  fclose (f);
  f = fopen (bad, "w");
  fputs ("A=1\n=2\n", f);
  fclose (f);
  T_OK (PARSE (&s, &img, &err, "-e", "Z=0", "--env-file", path, "-e", "A=9", "img") == 0
            && STRV_EQ (s.env, "Z=0", "A=1", "B=two words", "C", "A=9"),
        "--env-file: comments and blank lines skipped, order kept with -e");
  hull_run_spec_clear (&s);
  T_FAILS ("line 2", "--env-file", bad, "img");
  T_FAILS ("--env-file", "--env-file", "/nonexistent/env", "img");
  free (path);
  free (bad);
}

static void
test_volumes (void)
{
  struct hull_volume v;
  hull_error_t err = NULL;

  T_OK (hull_volume_parse_v ("/a:/b", &v, &err) == 0 && strcmp (v.source, "/a") == 0 && strcmp (v.destination, "/b") == 0
            && v.options == NULL && v.kind == HULL_VOLUME_BIND,
        "-v /a:/b");
  hull_volume_clear (&v);
  T_OK (hull_volume_parse_v ("/a:/b:ro,z,noexec", &v, &err) == 0 && STRV_EQ (v.options, "ro", "noexec")
            && v.relabel_shared && !v.relabel_private,
        "-v /a:/b:ro,z,noexec: z is a flag, not an option");
  hull_volume_clear (&v);
  T_OK (hull_volume_parse_v ("/a://b//./c/:Z,suid,dev,rshared", &v, &err) == 0 && strcmp (v.destination, "/b/c") == 0
            && v.relabel_private && STRV_EQ (v.options, "suid", "dev", "rshared"),
        "-v: the container path cleaned; Z, suid, dev, rshared");
  hull_volume_clear (&v);
  struct
  {
    const char *spec, *needle;
  } bad[] = {
    { "/a:/b:ro,rw", "`ro` with `rw`" },         { "/a:/b:z,Z", "`z` with `Z`" },
    { "/a", "-v: `/a`: no container path" },     { "name:/b", "named volumes" },
    { "/a:/b/../c", "`..`" },                    { "/a:/", "root" },
    { "/a:b", "not absolute" },                  { "/a:/b:foo", "unknown option `foo`" },
    { "/a:/b:O", "`O` is not supported" },       { "/a:/b:ro:x", "too many" },
    { ":/b", "no host path" },                   { "/a:/b:size=1m", "unknown option `size=1m`" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      int r = hull_volume_parse_v (bad[i].spec, &v, &err);
      T_OK (r < 0 && strstr (err->msg, bad[i].needle) && v.destination == NULL && v.options == NULL,
            "-v %s refused: %s", bad[i].spec, err ? err->msg : "");
      hull_error_free (&err);
    }
  T_OK (hull_volume_parse_tmpfs ("/tmp:size=64m,mode=1777,noexec", &v, &err) == 0 && v.kind == HULL_VOLUME_TMPFS
            && v.source == NULL && STRV_EQ (v.options, "size=67108864", "mode=1777", "noexec"),
        "--tmpfs /tmp:size=64m,mode=1777,noexec (size in bytes)");
  hull_volume_clear (&v);
  T_OK (hull_volume_parse_tmpfs ("/t", &v, &err) == 0 && v.options == NULL, "--tmpfs /t");
  hull_volume_clear (&v);
  T_OK (hull_volume_parse_tmpfs ("/t:size=lots", &v, &err) < 0 && strstr (err->msg, "--tmpfs: `/t:size=lots`: size"),
        "--tmpfs: a bad size named: %s", err->msg);
  hull_error_free (&err);
  T_OK (hull_volume_parse_tmpfs ("/t:mode=999", &v, &err) < 0 && strstr (err->msg, "mode `999`"), "--tmpfs: a bad mode");
  hull_error_free (&err);
  T_OK (hull_volume_parse_tmpfs ("/t:rbind", &v, &err) < 0 && strstr (err->msg, "unknown option `rbind`"),
        "--tmpfs: bind options refused");
  hull_error_free (&err);
  T_OK (hull_volume_parse_tmpfs ("t", &v, &err) < 0 && strstr (err->msg, "--tmpfs"), "--tmpfs: relative path");
  hull_error_free (&err);

  T_OK (hull_volume_parse_mount ("type=bind,source=/a,target=/b,ro", &v, &err) == 0 && strcmp (v.source, "/a") == 0
            && strcmp (v.destination, "/b") == 0 && STRV_EQ (v.options, "ro"),
        "--mount type=bind,source=,target=,ro");
  hull_volume_clear (&v);
  T_OK (hull_volume_parse_mount ("type=bind,src=/a,dst=/b,readonly=false,bind-propagation=rslave,relabel=private", &v,
                                 &err)
            == 0
            && STRV_EQ (v.options, "rw", "rslave") && v.relabel_private,
        "--mount src=, dst=, readonly=false, bind-propagation=, relabel=private");
  hull_volume_clear (&v);
  T_OK (hull_volume_parse_mount ("type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=700", &v, &err) == 0
            && v.kind == HULL_VOLUME_TMPFS && STRV_EQ (v.options, "size=1048576", "mode=700"),
        "--mount type=tmpfs,tmpfs-size=,tmpfs-mode=");
  hull_volume_clear (&v);
  struct
  {
    const char *spec, *needle;
  } badm[] = {
    { "type=volume,source=v,target=/b", "type `volume` is not supported" },
    { "source=/a,target=/b", "no type" },
    { "type=bind,target=/b", "no source" },
    { "type=bind,source=/a", "no destination" },
    { "type=bind,source=/a,target=/b,colour=red", "unknown field `colour`" },
    { "type=bind,source=/a,target=/b,ro=maybe", "ro=`maybe`" },
    { "type=tmpfs,source=/a,target=/b", "a tmpfs has no source" },
    { "type=tmpfs,target=/b,tmpfs-size=x", "size `x`" },
  };
  for (size_t i = 0; i < sizeof badm / sizeof badm[0]; i++)
    {
      int r = hull_volume_parse_mount (badm[i].spec, &v, &err);
      T_OK (r < 0 && strstr (err->msg, badm[i].needle) && strstr (err->msg, "--mount") && v.destination == NULL,
            "--mount %s refused: %s", badm[i].spec, err ? err->msg : "");
      hull_error_free (&err);
    }
  {
    struct hull_run_spec s;
    int img;
    T_OK (PARSE (&s, &img, &err, "-v", "/a:/b:ro", "--mount", "type=tmpfs,target=/t", "--tmpfs", "/u", "img") == 0
              && s.n_volumes == 3 && s.volumes[0].kind == HULL_VOLUME_BIND && s.volumes[2].kind == HULL_VOLUME_TMPFS,
          "-v, --mount and --tmpfs collected in order");
    hull_run_spec_clear (&s);
  }
  T_FAILS ("-v: `/a`: no container path", "-v", "/a", "img");
}

/* ---- the config ---- */

static void
write_file (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  fputs (text, f);
  fclose (f);
}

static struct hull_run_host
host_root (void)
{
  struct hull_run_host h = { .id = ID, .rootfs = "rootfs", .uid = 0, .gid = 0, .init_path = init_path,
                             .passwd = passwd_path, .group = group_path, .subuid_file = subuid_path,
                             .subgid_file = subuid_path };
  return h;
}

/* The config of WORDS (flags and image) for IMAGE (JSON text or NULL) on H. */
static json_t *
config_of (const char *const *words, const char *image, const struct hull_run_host *h, char ***warnings,
           hull_error_t *err)
{
  struct hull_run_spec s;
  int img;
  json_t *cfg = NULL, *ic = image ? json_loads (image, 0, NULL) : NULL;

  if (warnings)
    *warnings = NULL;
  if (parse_v (words, &s, &img, err) == 0)
    {
      hull_run_config (&s, ic, h, &cfg, warnings, err);
      hull_run_spec_clear (&s);
    }
  json_decref (ic);
  return cfg;
}
#define CONFIG(image, h, warn, err, ...) config_of ((const char *const[]){ __VA_ARGS__, NULL }, image, h, warn, err)

static json_t *
path (json_t *doc, const char *dotted)
{
  char *copy = xstrdup (dotted), *p = copy;
  for (char *k = strsep (&p, "."); k && doc; k = strsep (&p, "."))
    doc = json_is_array (doc) ? json_array_get (doc, (size_t) atoi (k)) : json_object_get (doc, k);
  free (copy);
  return doc;
}

static bool
has_str (json_t *a, const char *s)
{
  size_t i;
  json_t *v;
  json_array_foreach (a, i, v)
    if (json_is_string (v) && strcmp (json_string_value (v), s) == 0)
      return true;
  return false;
}

static bool
has_ns (json_t *doc, const char *type)
{
  size_t i;
  json_t *v;
  json_array_foreach (path (doc, "linux.namespaces"), i, v)
    if (strcmp (json_string_value (json_object_get (v, "type")), type) == 0)
      return true;
  return false;
}

static json_t *
mount_at (json_t *doc, const char *dest)
{
  size_t i;
  json_t *v;
  json_array_foreach (path (doc, "mounts"), i, v)
    if (strcmp (json_string_value (json_object_get (v, "destination")), dest) == 0)
      return v;
  return NULL;
}

static bool
warned (char **w, const char *needle)
{
  for (size_t i = 0; w && w[i]; i++)
    if (strstr (w[i], needle))
      return true;
  return false;
}

/* The names array of the first rule with ACTION and no args. */
static json_t *
seccomp_names (json_t *doc, const char *action)
{
  size_t i;
  json_t *r;
  json_array_foreach (path (doc, "linux.seccomp.syscalls"), i, r)
    if (strcmp (json_string_value (json_object_get (r, "action")), action) == 0 && !json_object_get (r, "args"))
      return json_object_get (r, "names");
  return NULL;
}

static const char *
str (json_t *doc, const char *dotted)
{
  return json_string_value (path (doc, dotted));
}

static long long
num (json_t *doc, const char *dotted)
{
  json_t *v = path (doc, dotted);
  return json_is_integer (v) ? json_integer_value (v) : -999;
}

static void
test_config_defaults (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  char **w;
  json_t *c = CONFIG ("{\"Cmd\": [\"sh\"], \"Env\": [\"A=1\"]}", &h, &w, &err, "img");
  json_t *caps = path (c, "process.capabilities.bounding");
  struct rlimit rl;

  T_OK (c != NULL, "default config made: %s", err ? err->msg : "");
  if (c == NULL)
    return;
  getrlimit (RLIMIT_NOFILE, &rl);
  T_OK (json_array_size (caps) == 9 && has_str (caps, "CAP_CHOWN") && has_str (caps, "CAP_SYS_CHROOT")
            && !has_str (caps, "CAP_SETFCAP") && !has_str (caps, "CAP_SETPCAP") && !has_str (caps, "CAP_NET_RAW")
            && !has_str (caps, "CAP_SYS_ADMIN") && json_equal (caps, path (c, "process.capabilities.effective"))
            && json_array_size (path (c, "process.capabilities.ambient")) == 0,
        "9 capabilities (podman's 11 without SETFCAP, SETPCAP), effective for root, no ambient");
  T_OK (str (c, "linux.seccomp.defaultAction") && has_str (seccomp_names (c, "SCMP_ACT_ERRNO"), "vmsplice")
            && has_str (seccomp_names (c, "SCMP_ACT_ERRNO"), "sethostname")
            && !has_str (seccomp_names (c, "SCMP_ACT_ALLOW"), "socket")
            && has_str (seccomp_names (c, "SCMP_ACT_ERRNO"), "mount"),
        "seccomp: the default profile, tightened (vmsplice, sethostname refused; socket by argument; mount refused)");
  T_OK (has_ns (c, "pid") && has_ns (c, "network") && has_ns (c, "ipc") && has_ns (c, "uts") && has_ns (c, "mount")
            && has_ns (c, "cgroup") && !has_ns (c, "user") && path (c, "linux.uidMappings") == NULL,
        "every namespace new but user (root)");
  T_OK (strcmp (str (c, "hostname"), "0123456789ab") == 0, "hostname: the ID's first 12 characters");
  T_OK (path (c, "process.noNewPrivileges") == json_true () && json_array_size (path (c, "linux.maskedPaths")) > 5
            && json_array_size (path (c, "linux.readonlyPaths")) > 3 && path (c, "root.readonly") == json_false ()
            && strcmp (str (c, "root.path"), "rootfs") == 0,
        "noNewPrivileges, masked and read-only paths, writable root");
  T_OK (num (c, "linux.resources.pids.limit") == 2048 && path (c, "linux.resources.devices.0.allow") == json_false (),
        "pids limit 2048, device cgroup closed");
  T_OK ((rlim_t) num (c, "process.rlimits.0.hard") <= rl.rlim_max
            && num (c, "process.rlimits.0.soft") <= num (c, "process.rlimits.0.hard")
            && strcmp (str (c, "process.rlimits.0.type"), "RLIMIT_NOFILE") == 0,
        "RLIMIT_NOFILE hard %lld <= the host's hard %llu, soft %lld", num (c, "process.rlimits.0.hard"),
        (unsigned long long) rl.rlim_max, num (c, "process.rlimits.0.soft"));
  T_OK (strcmp (str (c, "process.args.0"), "sh") == 0 && json_array_size (path (c, "process.args")) == 1
            && strcmp (str (c, "process.cwd"), "/") == 0 && path (c, "process.terminal") == json_false (),
        "args from the image's Cmd, cwd /, no terminal");
  T_OK (strncmp (str (c, "process.env.0"), "PATH=/usr/local/sbin", 20) == 0
            && strcmp (str (c, "process.env.1"), "A=1") == 0 && strcmp (str (c, "process.env.2"), "HOSTNAME=0123456789ab") == 0
            && strcmp (str (c, "process.env.3"), "HOME=/root") == 0 && path (c, "process.env.4") == NULL,
        "env: default PATH, the image's, HOSTNAME, HOME from passwd; no TERM without -t");
  T_OK (num (c, "process.user.uid") == 0 && warned (w, "runs as root (uid 0) without a user namespace"),
        "root without a user namespace: warned");
  json_decref (c);
  hull_strv_free (w);
}

static void
test_config_user (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  char **w;
  json_t *c = CONFIG ("{\"Cmd\": [\"sh\"], \"User\": \"web\"}", &h, &w, &err, "img");

  T_OK (c && num (c, "process.user.uid") == 1000 && num (c, "process.user.gid") == 1001
            && num (c, "process.user.additionalGids.0") == 2000 && path (c, "process.user.additionalGids.1") == NULL
            && has_str (path (c, "process.env"), "HOME=/home/web") && !warned (w, "as root"),
        "the image's USER by name: uid, gid and supplementary groups from the rootfs's files, no root warning");
  T_OK (c && json_array_size (path (c, "process.capabilities.bounding")) == 9
            && json_array_size (path (c, "process.capabilities.effective")) == 0,
        "a non-root user: the set is the bounding set only");
  json_decref (c);
  hull_strv_free (w);
  c = CONFIG ("{\"Cmd\": [\"sh\"], \"User\": \"web\"}", &h, NULL, &err, "-u", "web:extra", "--cap-add", "NET_ADMIN", "img");
  T_OK (c && num (c, "process.user.gid") == 2000 && has_str (path (c, "process.capabilities.ambient"), "CAP_NET_ADMIN")
            && json_array_size (path (c, "process.capabilities.effective")) == 1,
        "-u web:extra: the group by name; --cap-add for a non-root user: effective and ambient");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "-u", "1234", "img");
  T_OK (c && num (c, "process.user.uid") == 1234 && num (c, "process.user.gid") == 0
            && has_str (path (c, "process.env"), "HOME=/"),
        "-u 1234: numeric, not in passwd: gid 0, HOME=/");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"], \"User\": \"web\"}", &h, NULL, &err, "-u", "0:webgrp", "img");
  T_OK (c && num (c, "process.user.uid") == 0 && num (c, "process.user.gid") == 1001, "-u 0:webgrp overrides the image");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "-u", "nobody", "img");
  T_OK (c == NULL && strstr (err->msg, "-u: user `nobody` is not in the image's /etc/passwd"), "-u unknown name: %s",
        err ? err->msg : "");
  hull_error_free (&err);
  c = CONFIG ("{\"Cmd\": [\"sh\"], \"User\": \"ghost:1\"}", &h, NULL, &err, "img");
  T_OK (c == NULL && strstr (err->msg, "the image's User: user `ghost`"), "the image's unknown USER named: %s",
        err ? err->msg : "");
  hull_error_free (&err);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "-u", "web:nogroup", "img");
  T_OK (c == NULL && strstr (err->msg, "group `nogroup`"), "-u unknown group: %s", err ? err->msg : "");
  hull_error_free (&err);
}

static void
test_config_env_args (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  const char *image = "{\"Env\": [\"PATH=/img\", \"A=1\", \"B=2\", \"bogus\"], \"Entrypoint\": [\"/ep\"], \"Cmd\": [\"a\"],"
                      " \"WorkingDir\": \"/w\"}";
  json_t *c;

  setenv ("HULL_TEST_FROM_HOST", "host-value", 1);
  unsetenv ("HULL_TEST_UNSET");
  c = CONFIG (image, &h, NULL, &err, "-t", "-e", "A=3", "-e", "C=4", "-e", "HULL_TEST_FROM_HOST", "-e", "HULL_TEST_UNSET",
              "-e", "B=5", "img");
  json_t *want = json_pack ("[s, s, s, s, s, s, s, s]", "PATH=/img", "A=3", "B=5", "HOSTNAME=0123456789ab", "TERM=xterm",
                            "HOME=/root", "C=4", "HULL_TEST_FROM_HOST=host-value");
  T_OK (c && json_equal (path (c, "process.env"), want) && path (c, "process.terminal") == json_true ()
            && strcmp (str (c, "process.cwd"), "/w") == 0,
        "env: the image's (PATH kept), HOSTNAME, TERM with -t, HOME, then -e in order replacing in place; -e KEY "
        "from the host, skipped when unset; cwd from WorkingDir");
  json_decref (want);
  json_decref (c);

  struct
  {
    const char *const *words;
    const char *want;
  } cases[] = {
    { (const char *const[]){ "img", NULL }, "[\"/ep\", \"a\"]" },
    { (const char *const[]){ "img", "b", "c", NULL }, "[\"/ep\", \"b\", \"c\"]" },
    { (const char *const[]){ "--entrypoint", "/x", "img", NULL }, "[\"/x\"]" },
    { (const char *const[]){ "--entrypoint", "/x", "img", "b", NULL }, "[\"/x\", \"b\"]" },
    { (const char *const[]){ "--entrypoint", "", "img", "b", NULL }, "[\"b\"]" },
    { (const char *const[]){ "--init", "img", NULL }, "[\"/run/hull-init\", \"--\", \"/ep\", \"a\"]" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      json_t *exp = json_loads (cases[i].want, 0, NULL);
      c = config_of (cases[i].words, image, &h, NULL, &err);
      T_OK (c && json_equal (path (c, "process.args"), exp), "args case %zu: %s", i, cases[i].want);
      json_decref (c);
      json_decref (exp);
      hull_error_free (&err);
    }
  c = CONFIG (image, &h, NULL, &err, "--entrypoint", "", "img");
  T_OK (c == NULL && strstr (err->msg, "no command"), "--entrypoint \"\" drops the image's Cmd too: no command");
  hull_error_free (&err);
  c = CONFIG (NULL, &h, NULL, &err, "img");
  T_OK (c == NULL && strstr (err->msg, "no command"), "no image config, no command: refused");
  hull_error_free (&err);
  c = CONFIG ("{\"Env\": \"A=1\", \"Cmd\": [\"sh\"]}", &h, NULL, &err, "img");
  T_OK (c == NULL && strstr (err->msg, "the image's config: Env"), "a bad image Env named: %s", err ? err->msg : "");
  hull_error_free (&err);
  c = CONFIG ("{\"Cmd\": [\"sh\", 3]}", &h, NULL, &err, "img");
  T_OK (c == NULL && strstr (err->msg, "Cmd[1]"), "a bad image Cmd entry named");
  hull_error_free (&err);
  c = CONFIG ("{\"Cmd\": [\"sh\"], \"WorkingDir\": \"rel\"}", &h, NULL, &err, "img");
  T_OK (c == NULL && strstr (err->msg, "WorkingDir"), "a relative image WorkingDir refused");
  hull_error_free (&err);
  c = CONFIG ("[]", &h, NULL, &err, "img");
  T_OK (c == NULL && strstr (err->msg, "expected an object"), "an image config that is not an object");
  hull_error_free (&err);
}

/* In a child whose hard RLIMIT_NOFILE is 500: the config asks for no more. */
static void
test_config_rlimit_low (void)
{
  pid_t pid = fork ();
  int status;

  if (pid == 0)
    {
      struct rlimit rl = { 500, 500 };
      struct hull_run_host h = host_root ();
      hull_error_t err = NULL;
      json_t *c;
      if (setrlimit (RLIMIT_NOFILE, &rl) < 0)
        _exit (2);
      c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "img");
      _exit (c && num (c, "process.rlimits.0.hard") == 500 && num (c, "process.rlimits.0.soft") == 500 ? 0 : 1);
    }
  waitpid (pid, &status, 0);
  T_OK (WIFEXITED (status) && WEXITSTATUS (status) == 0, "hard RLIMIT_NOFILE 500: the config's hard and soft are 500");
}

static void
test_config_privileged (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  char **w;
  json_t *c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, &w, &err, "--privileged", "img");

  T_OK (c && has_str (path (c, "process.capabilities.bounding"), "CAP_SYS_ADMIN")
            && json_array_size (path (c, "process.capabilities.bounding")) >= 38 && path (c, "linux.seccomp") == NULL
            && path (c, "linux.maskedPaths") == NULL && path (c, "linux.readonlyPaths") == NULL
            && path (c, "process.noNewPrivileges") == json_false ()
            && path (c, "linux.resources.devices.0.allow") == json_true () && !has_str (path (mount_at (c, "/sys"), "options"), "ro")
            && warned (w, "--privileged: every protection is off"),
        "--privileged: all capabilities, no seccomp, no masked paths, noNewPrivileges off, devices allowed, /sys rw, "
        "warned");
  json_decref (c);
  hull_strv_free (w);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--privileged", "--security-opt", "no-new-privileges", "img");
  T_OK (c && path (c, "process.noNewPrivileges") == json_true (), "--privileged with no-new-privileges keeps it");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, &w, &err, "--security-opt", "no-new-privileges=false", "img");
  T_OK (c && path (c, "process.noNewPrivileges") == json_false () && warned (w, "no-new-privileges=false"),
        "no-new-privileges=false: off, warned");
  json_decref (c);
  hull_strv_free (w);
}

static void
test_config_caps_seccomp (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  json_t *c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--cap-drop", "all", "--cap-add", "chown", "img");

  T_OK (c && json_array_size (path (c, "process.capabilities.bounding")) == 1
            && has_str (path (c, "process.capabilities.bounding"), "CAP_CHOWN"),
        "--cap-drop all --cap-add chown: CHOWN only");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--cap-add", "SYS_ADMIN", "--cap-drop", "CAP_CHOWN", "img");
  T_OK (c && has_str (path (c, "process.capabilities.bounding"), "CAP_SYS_ADMIN")
            && !has_str (path (c, "process.capabilities.bounding"), "CAP_CHOWN")
            && has_str (seccomp_names (c, "SCMP_ACT_ALLOW"), "mount")
            && has_str (seccomp_names (c, "SCMP_ACT_ALLOW"), "sethostname"),
        "--cap-add SYS_ADMIN: the capability, and the calls it exists for (mount, sethostname) allowed");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--cap-add", "all", "--cap-drop", "NET_RAW", "img");
  T_OK (c && json_array_size (path (c, "process.capabilities.bounding")) >= 37
            && !has_str (path (c, "process.capabilities.bounding"), "CAP_NET_RAW"),
        "--cap-add all --cap-drop NET_RAW");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--security-opt", "seccomp=unconfined", "img");
  T_OK (c && path (c, "linux.seccomp") == NULL, "seccomp=unconfined: no filter");
  json_decref (c);
  if (access ("/usr/share/containers/seccomp.json", R_OK) == 0)
    {
      c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--security-opt", "seccomp=/usr/share/containers/seccomp.json",
                  "img");
      T_OK (c && strcmp (str (c, "linux.seccomp.defaultAction"), "SCMP_ACT_ERRNO") == 0
                && has_str (path (c, "linux.seccomp.architectures"), "SCMP_ARCH_X86_64")
                && path (c, "linux.seccomp.archMap") == NULL,
            "seccomp=podman's seccomp.json: converted (archMap, includes) and accepted: %s", err ? err->msg : "");
      json_decref (c);
      hull_error_free (&err);
    }
  else
    T_SKIP ("no /usr/share/containers/seccomp.json (golang-github-containers-common)", "podman's profile converted");
  {
    char *bad = xasprintf ("%s/bad-seccomp.json", tmpdir), *wrong = xasprintf ("%s/wrong-seccomp.json", tmpdir);
    write_file (bad, "{not json");
    write_file (wrong, "{\"defaultAction\": \"SCMP_ACT_MAYBE\"}");
    char *opt_bad = xasprintf ("seccomp=%s", bad), *opt_wrong = xasprintf ("seccomp=%s", wrong);
    c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--security-opt", opt_bad, "img");
    T_OK (c == NULL && strstr (err->msg, "--security-opt seccomp="), "a seccomp file that is not JSON: %s",
          err ? err->msg : "");
    hull_error_free (&err);
    c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--security-opt", opt_wrong, "img");
    T_OK (c == NULL && strstr (err->msg, "--security-opt seccomp=") && strstr (err->msg, "defaultAction"),
          "a seccomp profile the runtime would refuse, named: %s", err ? err->msg : "");
    hull_error_free (&err);
    free (bad);
    free (wrong);
    free (opt_bad);
    free (opt_wrong);
  }
}

static void
test_config_mounts (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  char **w;
  json_t *c, *m;

  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, &w, &err, "-v", "/srv/data:/data:ro,z", "--tmpfs", "/scratch:size=1m", "-v",
              "/srv/x:/x:suid,bind", "img");
  m = c ? mount_at (c, "/data") : NULL;
  T_OK (m && strcmp (str (m, "type"), "bind") == 0 && strcmp (str (m, "source"), "/srv/data") == 0
            && has_str (path (m, "options"), "ro") && has_str (path (m, "options"), "rro")
            && has_str (path (m, "options"), "rbind") && has_str (path (m, "options"), "rprivate")
            && has_str (path (m, "options"), "nosuid") && has_str (path (m, "options"), "nodev")
            && !has_str (path (m, "options"), "noexec"),
        "-v ro: rbind, rprivate, ro and rro, nosuid, nodev by default");
  m = c ? mount_at (c, "/x") : NULL;
  T_OK (m && has_str (path (m, "options"), "bind") && !has_str (path (m, "options"), "rbind")
            && !has_str (path (m, "options"), "nosuid") && has_str (path (m, "options"), "suid"),
        "-v suid,bind: no nosuid, not recursive");
  m = c ? mount_at (c, "/scratch") : NULL;
  T_OK (m && strcmp (str (m, "type"), "tmpfs") == 0 && has_str (path (m, "options"), "size=1048576")
            && has_str (path (m, "options"), "noexec") && has_str (path (m, "options"), "nosuid"),
        "--tmpfs: nosuid, nodev, noexec by default");
  T_OK (warned (w, "/srv/data:/data:z ignored: SELinux is off"), ":z with SELinux off: a note");
  {
    struct hull_run_spec s;
    int img;
    PARSE (&s, &img, &err, "-v", "/srv/data:/data:z", "img");
    T_OK (hull_run_relabel_volumes (&s, c, &h, &err) == 0, "relabel with SELinux off: nothing done");
    hull_run_spec_clear (&s);
  }
  json_decref (c);
  hull_strv_free (w);

  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--read-only", "-v", "/srv:/run", "img");
  T_OK (c && path (c, "root.readonly") == json_true () && mount_at (c, "/tmp") && mount_at (c, "/var/tmp")
            && strcmp (str (mount_at (c, "/run"), "type"), "bind") == 0,
        "--read-only: read-only root, tmpfs on /tmp and /var/tmp (a volume on /run kept)");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--tmpfs", "/dev/shm:size=1m", "img");
  T_OK (c && strcmp (str (mount_at (c, "/dev/shm"), "source"), "tmpfs") == 0, "a volume replaces the default /dev/shm");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "-v", "/a:/d", "--tmpfs", "/d", "img");
  T_OK (c == NULL && strstr (err->msg, "`/d` is mounted twice"), "the same destination twice: refused");
  hull_error_free (&err);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "-v", "/proc:/proc/sys", "img");
  T_OK (c == NULL && strstr (err->msg, "/proc"), "a volume over /proc: refused");
  hull_error_free (&err);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--init", "img");
  m = c ? mount_at (c, "/run/hull-init") : NULL;
  T_OK (m && strcmp (str (m, "source"), init_path) == 0 && has_str (path (m, "options"), "ro")
            && strcmp (str (c, "process.args.0"), "/run/hull-init") == 0,
        "--init: hull-init bound read-only at /run/hull-init, args prefixed");
  json_decref (c);
  h.init_path = "/nonexistent/hull-init";
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--init", "img");
  T_OK (c == NULL && strstr (err->msg, "--init"), "--init without the binary: %s", err ? err->msg : "");
  hull_error_free (&err);
}

static void
test_config_etc_files (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  json_t *c, *m;

  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "img");
  T_OK (c && mount_at (c, "/etc/hosts") == NULL, "no container directory: no /etc files bound");
  json_decref (c);
  h.ctr_dir = "/var/lib/hull/containers/x";
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "img");
  m = c ? mount_at (c, "/etc/hosts") : NULL;
  T_OK (m && strcmp (str (m, "source"), "/var/lib/hull/containers/x/hosts") == 0 && has_str (path (m, "options"), "rw")
            && has_str (path (m, "options"), "nosuid") && mount_at (c, "/etc/hostname")
            && mount_at (c, "/etc/resolv.conf") == NULL,
        "/etc/hostname and /etc/hosts bound from the container's directory; no resolv.conf");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--network", "host", "--read-only", "img");
  m = c ? mount_at (c, "/etc/resolv.conf") : NULL;
  T_OK (m && has_str (path (m, "options"), "ro") && has_str (path (mount_at (c, "/etc/hosts"), "options"), "ro"),
        "--network host: resolv.conf too; --read-only: read-only");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "-v", "/srv:/etc", "--tmpfs", "/etc/hostname", "img");
  T_OK (c && strcmp (str (mount_at (c, "/etc/hostname"), "type"), "tmpfs") == 0 && mount_at (c, "/etc/hosts") == NULL,
        "a volume at /etc or at the file: none of ours");
  json_decref (c);
}

static void
test_config_network_resources (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  json_t *c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--network", "host", "--hostname", "box", "img");

  T_OK (c && !has_ns (c, "network") && has_ns (c, "uts") && strcmp (str (c, "hostname"), "box") == 0
            && has_str (path (c, "process.env"), "HOSTNAME=box"),
        "--network host: no network namespace; --hostname");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--network", "none", "img");
  T_OK (c && has_ns (c, "network"), "--network none: a new network namespace");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "-m", "64m", "--cpus", "1.5", "--pids-limit", "100", "img");
  T_OK (c && num (c, "linux.resources.memory.limit") == 64 << 20 && num (c, "linux.resources.cpu.quota") == 150000
            && num (c, "linux.resources.cpu.period") == 100000 && num (c, "linux.resources.pids.limit") == 100,
        "--memory, --cpus (quota/period), --pids-limit");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--pids-limit", "-1", "img");
  T_OK (c && path (c, "linux.resources.pids") == NULL, "--pids-limit -1: no limit");
  json_decref (c);
}

static void
test_config_rootless (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  char **w;
  json_t *c, *want;

  h.rootless = true;
  h.uid = 1000;
  h.gid = 1000;
  h.user_name = "u1000";
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, &w, &err, "img");
  want = json_loads ("[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}, "
                     "{\"containerID\": 1, \"hostID\": 100000, \"size\": 65536}]",
                     0, NULL);
  T_OK (c && has_ns (c, "user") && json_equal (path (c, "linux.uidMappings"), want)
            && json_equal (path (c, "linux.gidMappings"), want) && !warned (w, "as root")
            && path (c, "linux.resources") == NULL,
        "rootless: root is the user, 1.. its /etc/subuid range; no root warning; no default limits: %s",
        err ? err->msg : "");
  json_decref (want);
  json_decref (c);
  hull_strv_free (w);
  c = CONFIG ("{\"Cmd\": [\"sh\"], \"User\": \"web\"}", &h, NULL, &err, "--userns", "keep-id", "--pids-limit", "50", "img");
  want = json_loads ("[{\"containerID\": 1000, \"hostID\": 1000, \"size\": 1}, "
                     "{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}, "
                     "{\"containerID\": 1001, \"hostID\": 101000, \"size\": 64536}]",
                     0, NULL);
  T_OK (c && json_equal (path (c, "linux.uidMappings"), want) && num (c, "process.user.uid") == 1000
            && num (c, "process.user.gid") == 1000 && num (c, "linux.resources.pids.limit") == 50,
        "rootless keep-id: the user's id is itself, the range around it; runs as the user; asked limits kept");
  json_decref (want);
  json_decref (c);
  h.user_name = "nobody-here";
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, &w, &err, "img");
  T_OK (c && json_array_size (path (c, "linux.uidMappings")) == 1 && warned (w, "no subordinate uid range"),
        "rootless without a range: only the user's own id, warned");
  json_decref (c);
  hull_strv_free (w);
  h = host_root ();
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--userns", "keep-id", "img");
  T_OK (c == NULL && strstr (err->msg, "--userns keep-id"), "root with keep-id: refused");
  hull_error_free (&err);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--userns", "auto", "img");
  T_OK (c == NULL && strstr (err->msg, "--userns auto: not supported"), "--userns auto: refused, saying why");
  hull_error_free (&err);
}

static void
test_config_lsm (void)
{
  struct hull_run_host h = host_root ();
  hull_error_t err = NULL;
  char **w;
  json_t *c;

  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, &w, &err, "--security-opt", "label=type:spc_t", "--security-opt",
              "apparmor=myprofile", "img");
  T_OK (c && path (c, "process.selinuxLabel") == NULL && path (c, "process.apparmorProfile") == NULL
            && warned (w, "label=type:spc_t: ignored: SELinux is off")
            && warned (w, "apparmor=myprofile: ignored: AppArmor is off"),
        "SELinux and AppArmor off: labels ignored with a note");
  json_decref (c);
  hull_strv_free (w);
  h.selinux = true;
  h.apparmor = true;
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--security-opt", "apparmor=myprofile", "img");
  T_OK (c && strncmp (str (c, "process.selinuxLabel"), "system_u:system_r:container_t:s0:c", 34) == 0
            && strncmp (str (c, "linux.mountLabel"), "system_u:object_r:container_file_t:s0:c", 39) == 0
            && strcmp (str (c, "process.apparmorProfile"), "myprofile") == 0,
        "SELinux on: container_t with MCS categories, container_file_t mount label; AppArmor profile");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--security-opt", "label=type:spc_t", "--security-opt",
              "label=level:s0:c1,c2", "img");
  T_OK (c && strcmp (str (c, "process.selinuxLabel"), "system_u:system_r:spc_t:s0:c1,c2") == 0,
        "label=type: and label=level: replace their parts");
  json_decref (c);
  c = CONFIG ("{\"Cmd\": [\"sh\"]}", &h, NULL, &err, "--security-opt", "label=disable", "img");
  T_OK (c && path (c, "process.selinuxLabel") == NULL && path (c, "linux.mountLabel") == NULL, "label=disable: none");
  json_decref (c);
}

int
main (void)
{
  if (mkdtemp (tmpdir) == NULL)
    return 1;
  passwd_path = xasprintf ("%s/passwd", tmpdir);
  group_path = xasprintf ("%s/group", tmpdir);
  init_path = xasprintf ("%s/hull-init", tmpdir);
  subuid_path = xasprintf ("%s/subuid", tmpdir);
  write_file (passwd_path, "root:x:0:0:root:/root:/bin/sh\nbroken line\nweb:x:1000:1001:web:/home/web:/bin/sh\n");
  write_file (group_path, "root:x:0:\nwebgrp:x:1001:\nextra:x:2000:other,web\nnone:x:3000:\n");
  write_file (init_path, "");
  write_file (subuid_path, "other:200000:65536\nu1000:100000:65536\n");

  test_parse_basic ();
  test_parse_values ();
  test_parse_security ();
  test_env_file ();
  test_volumes ();
  test_config_defaults ();
  test_config_user ();
  test_config_env_args ();
  test_config_rlimit_low ();
  test_config_privileged ();
  test_config_caps_seccomp ();
  test_config_mounts ();
  test_config_etc_files ();
  test_config_network_resources ();
  test_config_rootless ();
  test_config_lsm ();

  {
    hull_error_t err = NULL;
    hull_rm_rf_at (-100, tmpdir, &err);
    hull_error_free (&err);
  }
  return hull_test_done ();
}
