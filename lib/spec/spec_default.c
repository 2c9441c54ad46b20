/* spec_default.c: the config.json that `hull-runtime spec` writes, in the spirit of
   `runc spec`: run `sh` from a busybox-style rootfs with a minimal capability set, no new
   privileges, every namespace but user (and time), the usual /proc and /sys paths masked, and a
   cgroup device rule that denies everything not listed.

   Differences from runc's example spec:
   - process.terminal is false, so `hull-runtime run` works without a console socket;
   - TERM is not set, as there is no terminal;
   - /sys/devices/virtual/powercap is masked (RAPL energy counters leak information);
   - a seccomp allow list (spec_default_seccomp.c), which runc's example has none of.

   Rootless variant (rootless == true), for an unprivileged caller with host ids UID/GID:
   - a user namespace maps container root (0) to the caller, one id each for users and groups;
   - /sys is a read-only recursive bind of the host's /sys: sysfs can only be mounted by a
     user namespace that owns the current network namespace, and the bind works whatever
     network namespace the container finally gets (a new one, or one joined by path);
   - the devpts mount drops gid=5 (group 5 is not mapped);
   - linux.resources is dropped: an unprivileged caller usually cannot write cgroup limits,
     and the device rules are moot because mknod is refused in a user namespace.
   - the network namespace is KEPT. runc's rootless spec removes it so the container shares
     the host network; Hull prefers isolation: sharing the host network namespace also shares
     the abstract UNIX socket namespace, which exposes host services (X11, D-Bus, ...) bound
     to abstract addresses. A new network namespace owned by the user namespace needs no
     privilege; it only has a loopback device until a tool like pasta or slirp4netns is used. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spec-internal.h"
#include "spec.h"

#include <stdlib.h>

#define DEFAULT_OCI_VERSION "1.3.0"
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

json_t *
spec_json_strv (const char *const *v)
{
  json_t *a = json_array ();
  for (; *v; v++)
    json_array_append_new (a, json_string (*v));
  return a;
}

static json_t *
default_process (void)
{
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  static const char *const args[] = { "sh", NULL };
  static const char *const env[] = { DEFAULT_PATH, NULL };

  return json_pack ("{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:{s:o, s:o, s:o}, s:[{s:s, s:i, s:i}],"
                    " s:b}",
                    "terminal", 0, "user", "uid", 0, "gid", 0, "args", spec_json_strv (args), "env",
                    spec_json_strv (env), "cwd", "/", "capabilities", "bounding", spec_json_strv (caps), "effective",
                    spec_json_strv (caps), "permitted", spec_json_strv (caps), "rlimits", "type", "RLIMIT_NOFILE",
                    "hard", 1024, "soft", 1024, "noNewPrivileges", 1);
}

static json_t *
make_mount (const char *destination, const char *type, const char *source,
            const char *const *options)
{
  json_t *m
      = json_pack ("{s:s, s:s, s:s}", "destination", destination, "type", type, "source", source);
  if (options != NULL)
    json_object_set_new (m, "options", spec_json_strv (options));
  return m;
}

static json_t *
default_mounts (bool rootless)
{
  static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const pts[]
      = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  static const char *const pts_rootless[]
      = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm[]
      = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
  static const char *const mqueue[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const sys_rootless[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const cgroup[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
  json_t *a = json_array ();

  json_array_append_new (a, make_mount ("/proc", "proc", "proc", NULL));
  json_array_append_new (a, make_mount ("/dev", "tmpfs", "tmpfs", dev));
  json_array_append_new (
      a, make_mount ("/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts));
  json_array_append_new (a, make_mount ("/dev/shm", "tmpfs", "shm", shm));
  json_array_append_new (a, make_mount ("/dev/mqueue", "mqueue", "mqueue", mqueue));
  if (rootless)
    json_array_append_new (a, make_mount ("/sys", "none", "/sys", sys_rootless));
  else
    json_array_append_new (a, make_mount ("/sys", "sysfs", "sysfs", sys));
  json_array_append_new (a, make_mount ("/sys/fs/cgroup", "cgroup", "cgroup", cgroup));
  return a;
}

static json_t *
default_namespaces (bool rootless)
{
  static const char *const types[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", NULL };
  json_t *a = json_array ();

  for (size_t i = 0; types[i]; i++)
    json_array_append_new (a, json_pack ("{s:s}", "type", types[i]));
  if (rootless)
    json_array_append_new (a, json_pack ("{s:s}", "type", "user"));
  return a;
}

static json_t *
default_linux (bool rootless, uint32_t uid, uint32_t gid)
{
  static const char *const masked[] = { "/proc/acpi",
                                        "/proc/asound",
                                        "/proc/kcore",
                                        "/proc/keys",
                                        "/proc/latency_stats",
                                        "/proc/timer_list",
                                        "/proc/timer_stats",
                                        "/proc/sched_debug",
                                        "/proc/scsi",
                                        "/sys/firmware",
                                        "/sys/devices/virtual/powercap",
                                        NULL };
  static const char *const readonly[]
      = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
  json_t *l = json_pack ("{s:o, s:o, s:o, s:o}", "namespaces", default_namespaces (rootless),
                         "maskedPaths", spec_json_strv (masked), "readonlyPaths", spec_json_strv (readonly), "seccomp",
                         hull_spec_default_seccomp ());

  if (rootless)
    {
      json_object_set_new (
          l, "uidMappings",
          json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t) uid, "size", 1));
      json_object_set_new (
          l, "gidMappings",
          json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t) gid, "size", 1));
    }
  else
    json_object_set_new (l, "resources",
                         json_pack ("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
  return l;
}

char *
hull_spec_default_json (bool rootless, uint32_t uid, uint32_t gid)
{
  json_t *doc = json_pack ("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion",
                           DEFAULT_OCI_VERSION, "process", default_process (), "root", "path",
                           "rootfs", "readonly", 1, "hostname", "hull", "mounts",
                           default_mounts (rootless), "linux", default_linux (rootless, uid, gid));
  char *text;

  if (doc == NULL)
    abort (); /* only a malformed format string or out of memory gets here */
  text = json_dumps (doc, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  json_decref (doc);
  if (text == NULL)
    abort ();
  return text;
}
