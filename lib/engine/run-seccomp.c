/* run-seccomp.c: linux.seccomp for `hull run`.

   The default is hull-runtime's own allow list (lib/spec/spec_default_seccomp.c), tightened
   where it allowed what podman's default profile (containers-common's seccomp.json) refuses
   to a container without the matching capability:
   - io_pgetevents and vmsplice: refused outright (podman refuses the first, does not list the
     second; vmsplice has a history of page-cache bugs and no ordinary use);
   - sethostname and setdomainname without CAP_SYS_ADMIN, process_madvise without
     CAP_SYS_PTRACE;
   - socket(AF_NETLINK, *, NETLINK_AUDIT) without CAP_AUDIT_WRITE (EINVAL, as podman).
   The other way round, hull's list refuses (EPERM) calls podman allows to every container and
   leaves to the kernel's capability checks: mount and the new mount API, unshare, setns,
   keyctl, ptrace and process_vm_*, pivot_root, name_to_handle_at, the NUMA policy calls. A
   capability given with --cap-add (or --privileged's, when a profile is named too) unlocks
   the calls it exists for, as podman's profile does, so that asking for CAP_SYS_ADMIN to
   mount something works.

   --security-opt seccomp=FILE takes an OCI linux.seccomp object or podman's (Docker's)
   format: archMap for the architectures, includes/excludes (caps, arches, minKernel) decided
   here for this container, "name" as well as "names". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/utsname.h>

#include "../core/util.h"
#include "run-internal.h"

#define AF_NETLINK_ 16
#define NETLINK_AUDIT_ 9

#define CAP(n) (1ULL << (n))

/* Calls of hull's deny list that a capability unlocks (podman's includes.caps). */
static const struct
{
  uint64_t cap;
  const char *const names[12];
} unlocks[] = {
  { CAP (CAP_SYS_ADMIN),
    { "mount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
      "pivot_root", "setns", "unshare" } },
  { CAP (CAP_SYS_ADMIN), { "bpf", "fanotify_init", "lookup_dcookie", "perf_event_open", "quotactl", "quotactl_fd" } },
  { CAP (CAP_SYS_PTRACE), { "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd" } },
  { CAP (CAP_SYS_MODULE), { "init_module", "finit_module", "delete_module" } },
  { CAP (CAP_SYS_PACCT), { "acct" } },
  { CAP (CAP_SYS_RAWIO), { "ioperm", "iopl" } },
  { CAP (CAP_SYS_TIME), { "settimeofday", "clock_settime" } },
  { CAP (CAP_SYS_TTY_CONFIG), { "vhangup" } },
  { CAP (CAP_DAC_READ_SEARCH), { "open_by_handle_at", "name_to_handle_at" } },
  { CAP (CAP_SYS_BOOT), { "reboot" } },
  { CAP (CAP_SYSLOG), { "syslog" } },
  { CAP (CAP_SYS_NICE), { "mbind", "set_mempolicy", "migrate_pages", "move_pages" } },
};

/* Calls of hull's allow list refused unless the container holds the capability (0: always). */
static const struct
{
  uint64_t cap;
  const char *name;
} locks[] = {
  { 0, "io_pgetevents" },
  { 0, "vmsplice" },
  { CAP (CAP_SYS_ADMIN), "sethostname" },
  { CAP (CAP_SYS_ADMIN), "setdomainname" },
  { CAP (CAP_SYS_PTRACE), "process_madvise" },
  { CAP (CAP_AUDIT_WRITE), "socket" }, /* the audit netlink socket only: see audit_socket_rules */
};

/* The first rule with ACTION and no args: hull's allow list (SCMP_ACT_ALLOW) or deny list
   (SCMP_ACT_ERRNO). */
static json_t *
plain_rule (json_t *syscalls, const char *action)
{
  size_t i;
  json_t *r;
  json_array_foreach (syscalls, i, r)
    {
      const char *a = json_string_value (json_object_get (r, "action"));
      if (a && strcmp (a, action) == 0 && json_object_get (r, "args") == NULL)
        return json_object_get (r, "names");
    }
  return NULL;
}

static void
move_name (json_t *from, json_t *to, const char *name)
{
  if (run_json_remove (from, NULL, name))
    json_array_append_new (to, json_string (name));
}

/* socket for any family but AF_NETLINK, or any netlink protocol but NETLINK_AUDIT; the audit
   socket itself EINVAL. */
static void
audit_socket_rules (json_t *syscalls)
{
  json_array_append_new (syscalls, json_pack ("{s:[s], s:s, s:[{s:i, s:i, s:s}]}", "names", "socket", "action",
                                              "SCMP_ACT_ALLOW", "args", "index", 0, "value", AF_NETLINK_, "op",
                                              "SCMP_CMP_NE"));
  json_array_append_new (syscalls, json_pack ("{s:[s], s:s, s:[{s:i, s:i, s:s}]}", "names", "socket", "action",
                                              "SCMP_ACT_ALLOW", "args", "index", 2, "value", NETLINK_AUDIT_, "op",
                                              "SCMP_CMP_NE"));
  json_array_append_new (syscalls, json_pack ("{s:[s], s:s, s:i, s:[{s:i, s:i, s:s}, {s:i, s:i, s:s}]}", "names",
                                              "socket", "action", "SCMP_ACT_ERRNO", "errnoRet", EINVAL, "args", "index",
                                              0, "value", AF_NETLINK_, "op", "SCMP_CMP_EQ", "index", 2, "value",
                                              NETLINK_AUDIT_, "op", "SCMP_CMP_EQ"));
}

static void
tighten_default (json_t *seccomp, uint64_t caps)
{
  json_t *syscalls = json_object_get (seccomp, "syscalls");
  json_t *allow = plain_rule (syscalls, "SCMP_ACT_ALLOW"), *deny = plain_rule (syscalls, "SCMP_ACT_ERRNO");

  if (allow == NULL || deny == NULL)
    return;
  for (size_t i = 0; i < sizeof locks / sizeof locks[0]; i++)
    {
      if (locks[i].cap & caps)
        continue;
      if (strcmp (locks[i].name, "socket") != 0)
        move_name (allow, deny, locks[i].name);
      else if (run_json_remove (allow, NULL, "socket"))
        audit_socket_rules (syscalls);
    }
  for (size_t i = 0; i < sizeof unlocks / sizeof unlocks[0]; i++)
    if (unlocks[i].cap & caps)
      for (size_t j = 0; j < 12 && unlocks[i].names[j]; j++)
        move_name (deny, allow, unlocks[i].names[j]);
}

/* podman's names for this machine: its Go architecture and the libseccomp one. */
#if defined(__x86_64__)
#define NATIVE_GOARCH "amd64"
#define NATIVE_SCMP "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define NATIVE_GOARCH "arm64"
#define NATIVE_SCMP "SCMP_ARCH_AARCH64"
#else
#define NATIVE_GOARCH "?"
#define NATIVE_SCMP "?"
#endif

/* Whether every capability name of CAPS (a JSON array) is in MASK. */
static bool
holds_caps (json_t *caps, uint64_t mask)
{
  size_t i;
  json_t *v;
  json_array_foreach (caps, i, v)
    {
      cleanup_free char *canon = json_is_string (v) ? run_cap_canonical (json_string_value (v)) : NULL;
      cap_value_t n;
      if (canon == NULL || cap_from_name (canon, &n) < 0 || !(mask & CAP (n)))
        return false;
    }
  return true;
}

/* The running kernel is at least VERSION ("4.8"). */
static bool
kernel_at_least (const char *version)
{
  struct utsname u;
  unsigned a = 0, b = 0, x = 0, y = 0;
  if (uname (&u) < 0 || sscanf (u.release, "%u.%u", &x, &y) < 1 || sscanf (version, "%u.%u", &a, &b) < 1)
    return true;
  return x > a || (x == a && y >= b);
}

/* podman's includes (all must hold) or excludes (none may), for this container. */
static bool
condition_holds (json_t *cond, uint64_t caps, bool include)
{
  json_t *arches = json_object_get (cond, "arches"), *capv = json_object_get (cond, "caps");
  json_t *kern = json_object_get (cond, "minKernel");
  bool r;

  if (!json_is_object (cond) || json_object_size (cond) == 0)
    return include;
  if (include)
    return (!json_is_array (arches) || run_json_index (arches, NULL, NATIVE_GOARCH) >= 0)
           && (!json_is_array (capv) || holds_caps (capv, caps))
           && (!json_is_string (kern) || kernel_at_least (json_string_value (kern)));
  r = (json_is_array (arches) && run_json_index (arches, NULL, NATIVE_GOARCH) >= 0);
  for (size_t i = 0; json_is_array (capv) && i < json_array_size (capv); i++)
    {
      json_t *one = json_pack ("[O]", json_array_get (capv, i));
      r = r || holds_caps (one, caps);
      json_decref (one);
    }
  return r || (json_is_string (kern) && kernel_at_least (json_string_value (kern)));
}

/* archMap's entry for this machine: its architecture and sub-architectures. */
static json_t *
arch_from_map (json_t *map)
{
  size_t i;
  json_t *e;
  json_array_foreach (map, i, e)
    {
      json_t *arch = json_object_get (e, "architecture"), *sub = json_object_get (e, "subArchitectures");
      json_t *out;
      if (!json_is_string (arch) || strcmp (json_string_value (arch), NATIVE_SCMP) != 0)
        continue;
      out = json_pack ("[O]", arch);
      if (json_is_array (sub))
        json_array_extend (out, sub);
      return out;
    }
  return NULL;
}

static json_t *
convert_rule (json_t *r, uint64_t caps)
{
  static const char *const keep[] = { "action", "errnoRet", "args", NULL };
  json_t *out, *name = json_object_get (r, "name");

  if (!json_is_object (r) || !condition_holds (json_object_get (r, "includes"), caps, true)
      || condition_holds (json_object_get (r, "excludes"), caps, false))
    return NULL;
  out = json_object ();
  if (json_object_get (r, "names"))
    json_object_set (out, "names", json_object_get (r, "names"));
  else if (name)
    json_object_set_new (out, "names", json_pack ("[O]", name));
  for (size_t i = 0; keep[i]; i++)
    if (json_object_get (r, keep[i]))
      json_object_set (out, keep[i], json_object_get (r, keep[i]));
  return out;
}

/* podman's format (or OCI's, which is the same without the extras) as linux.seccomp; what is
   wrong in it is found when the whole config is checked. */
static json_t *
convert_profile (json_t *in, uint64_t caps)
{
  static const char *const keep[] = { "defaultAction", "defaultErrnoRet", "flags", "listenerPath",
                                      "listenerMetadata", "architectures", NULL };
  json_t *out = json_object (), *syscalls = json_object_get (in, "syscalls"), *rules, *r;
  size_t i;

  for (size_t k = 0; keep[k]; k++)
    if (json_object_get (in, keep[k]))
      json_object_set (out, keep[k], json_object_get (in, keep[k]));
  if (json_object_get (in, "architectures") == NULL && json_is_array (json_object_get (in, "archMap")))
    {
      json_t *arches = arch_from_map (json_object_get (in, "archMap"));
      if (arches)
        json_object_set_new (out, "architectures", arches);
    }
  if (!json_is_array (syscalls))
    {
      if (syscalls)
        json_object_set (out, "syscalls", syscalls);
      return out;
    }
  rules = json_array ();
  json_array_foreach (syscalls, i, r)
    {
      json_t *c = convert_rule (r, caps);
      if (c)
        json_array_append_new (rules, c);
    }
  json_object_set_new (out, "syscalls", rules);
  return out;
}

static int
load_profile (const char *path, uint64_t caps, json_t **out, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  cleanup_json json_t *in = NULL;
  json_error_t jerr;
  size_t len;

  if (hull_read_file_at (AT_FDCWD, path, &text, &len, err) < 0)
    return hull_error_wrap (err, "--security-opt seccomp=%s", path);
  in = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!json_is_object (in))
    return hull_error (err, 0, "--security-opt seccomp=%s: not a JSON object%s%s", path, in ? "" : ": ",
                       in ? "" : jerr.text);
  *out = convert_profile (in, caps);
  return 0;
}

int
run_seccomp_apply (struct run_ctx *c, uint64_t caps, hull_error_t *err)
{
  json_t *lx = json_object_get (c->doc, "linux"), *profile;

  if (c->s->seccomp_unconfined || (c->s->privileged && c->s->seccomp_profile == NULL))
    {
      json_object_del (lx, "seccomp");
      if (c->s->seccomp_unconfined && !c->s->privileged)
        run_warn (c, "--security-opt seccomp=unconfined: no system call filter (every kernel interface is open)");
      return 0;
    }
  if (c->s->seccomp_profile == NULL)
    {
      tighten_default (json_object_get (lx, "seccomp"), caps);
      return 0;
    }
  if (load_profile (c->s->seccomp_profile, caps, &profile, err) < 0)
    return -1;
  json_object_set_new (lx, "seccomp", profile);
  return 0;
}
