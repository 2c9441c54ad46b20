/* spec_linux.c: the `linux` object of config.json, and the Linux-only rules that need the
   whole configuration (hull_spec_validate_linux). Objects that later modules act on
   (resources, seccomp, personality, intelRdt, netDevices) are type-checked here against the
   schema and kept as validated json_t references. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spec-internal.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

/* ---- extra rules for the field tables -------------------------------------------------- */

static int
check_page_size (json_t *v, const char *path, hull_error_t *err)
{
  /* ^[1-9][0-9]*[KMG]B$ */
  const char *s = json_string_value (v);
  size_t digits = strspn (s, "0123456789");

  if (digits == 0 || s[0] == '0' || s[digits] == '\0' || strchr ("KMG", s[digits]) == NULL
      || strcmp (s + digits + 1, "B") != 0)
    {
      cleanup_free char *q = spec_quote (s);
      return spec_error (err, path, "invalid hugepage size %s (expected e.g. 64KB, 2MB, 1GB)", q);
    }
  return 0;
}

static int
check_list_string (json_t *v, const char *path, hull_error_t *err)
{
  const char *s = json_string_value (v);
  if (strspn (s, "0123456789,- ") != strlen (s))
    return spec_error (err, path, "must be a list such as \"0-3,7\"");
  return 0;
}

static int
check_cgroup_device_type (json_t *v, const char *path, hull_error_t *err)
{
  const char *s = json_string_value (v);
  if (strcmp (s, "a") != 0 && strcmp (s, "c") != 0 && strcmp (s, "b") != 0)
    {
      cleanup_free char *q = spec_quote (s);
      return spec_error (err, path, "invalid device type %s (expected a, c or b)", q);
    }
  return 0;
}

static int
check_access (json_t *v, const char *path, hull_error_t *err)
{
  const char *s = json_string_value (v);
  for (size_t i = 0; s[i]; i++)
    if (strchr ("rwm", s[i]) == NULL || strchr (s + i + 1, s[i]) != NULL)
      {
        cleanup_free char *q = spec_quote (s);
        return spec_error (err, path, "invalid access %s (expected letters from \"rwm\")", q);
      }
  return 0;
}

static int
check_weight_device (json_t *v, const char *path, hull_error_t *err)
{
  if (json_object_get (v, "weight") == NULL && json_object_get (v, "leafWeight") == NULL)
    return spec_error (err, path, "one of weight or leafWeight is required");
  return 0;
}

static int
check_rdma (json_t *v, const char *path, hull_error_t *err)
{
  if (json_object_get (v, "hcaHandles") == NULL && json_object_get (v, "hcaObjects") == NULL)
    return spec_error (err, path, "one of hcaHandles or hcaObjects is required");
  return 0;
}

/* A name used as one path component under a kernel filesystem (cgroup files, resctrl). */
static bool
plain_name (const char *s)
{
  return *s && strchr (s, '/') == NULL && strcmp (s, ".") != 0 && strcmp (s, "..") != 0;
}

static int
check_unified (json_t *v, const char *path, hull_error_t *err)
{
  const char *key;
  json_t *val;

  json_object_foreach (v, key, val)
    if (!plain_name (key))
      {
        cleanup_free char *q = spec_quote (key);
        return spec_error (err, path, "invalid cgroup file name %s", q);
      }
  return 0;
}

static int
check_no_newline (json_t *v, const char *path, hull_error_t *err)
{
  if (strchr (json_string_value (v), '\n') != NULL)
    return spec_error (err, path, "must not contain a newline");
  return 0;
}

static int
check_schemata (json_t *v, const char *path, hull_error_t *err)
{
  json_t *e;
  size_t i;

  json_array_foreach (v, i, e)
    {
      cleanup_free char *p = spec_path_idx (path, i);
      if (check_no_newline (e, p, err) < 0)
        return -1;
    }
  return 0;
}

static int
check_mem_bw (json_t *v, const char *path, hull_error_t *err)
{
  /* ^MB:[^\n]*$ */
  if (strncmp (json_string_value (v), "MB:", 3) != 0)
    return spec_error (err, path, "must start with \"MB:\"");
  return check_no_newline (v, path, err);
}

static int
check_clos_id (json_t *v, const char *path, hull_error_t *err)
{
  const char *s = json_string_value (v);
  if (strcmp (s, "/") != 0 && !plain_name (s))
    return spec_error (err, path, "must be \"/\" or a single directory name");
  return 0;
}

static bool
errno_action (const char *action)
{
  return strcmp (action, "SCMP_ACT_ERRNO") == 0 || strcmp (action, "SCMP_ACT_TRACE") == 0;
}

static int
check_syscall (json_t *v, const char *path, hull_error_t *err)
{
  if (json_array_size (json_object_get (v, "names")) == 0)
    return spec_key_error (err, path, "names", "must contain at least one entry");
  if (json_object_get (v, "errnoRet") != NULL
      && !errno_action (json_string_value (json_object_get (v, "action"))))
    return spec_key_error (err, path, "errnoRet",
                           "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
  return 0;
}

static int
check_syscall_arg (json_t *v, const char *path, hull_error_t *err)
{
  json_t *index = json_object_get (v, "index");
  if (json_integer_value (index) >= 6)
    return spec_key_error (err, path, "index", "must be less than 6 (syscalls take 6 arguments)");
  return 0;
}

static int
check_seccomp (json_t *v, const char *path, hull_error_t *err)
{
  if (json_object_get (v, "listenerMetadata") != NULL
      && json_object_get (v, "listenerPath") == NULL)
    return spec_key_error (err, path, "listenerMetadata", "requires listenerPath");
  if (json_object_get (v, "defaultErrnoRet") != NULL
      && !errno_action (json_string_value (json_object_get (v, "defaultAction"))))
    return spec_key_error (err, path, "defaultErrnoRet",
                           "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
  return 0;
}

/* Interface names as the kernel accepts them: 1-15 bytes, no '/', ':' or white space. */
static bool
valid_ifname (const char *s)
{
  size_t n = strlen (s);
  if (n == 0 || n >= 16 || strcmp (s, ".") == 0 || strcmp (s, "..") == 0)
    return false;
  for (; *s; s++)
    if (*s == '/' || *s == ':' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
      return false;
  return true;
}

static int
check_net_devices (json_t *v, const char *path, hull_error_t *err)
{
  const char *key;
  json_t *dev;

  json_object_foreach (v, key, dev)
    {
      cleanup_free char *p = spec_path_key (path, key);
      json_t *name;
      if (!valid_ifname (key))
        return spec_error (err, p, "invalid network interface name");
      if (!json_is_object (dev))
        return spec_error (err, p, "expected an object, got %s", spec_type_name (dev));
      if (spec_get (dev, p, "name", false, &name, err) == 0)
        continue;
      if (!spec_is_string (name))
        return spec_key_error (err, p, "name", "expected a string, got %s", spec_type_name (name));
      if (!valid_ifname (json_string_value (name)))
        return spec_key_error (err, p, "name", "invalid network interface name");
    }
  return 0;
}

/* ---- field tables ---------------------------------------------------------------------- */

static const struct spec_field device_cgroup_fields[] = {
  { "allow", SPEC_BOOL, true },
  { "type", SPEC_STRING, .check = check_cgroup_device_type },
  { "major", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "minor", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "access", SPEC_STRING, .check = check_access },
  { NULL },
};

static const struct spec_field pids_fields[] = {
  { "limit", SPEC_INTEGER, true, .int_kind = SPEC_I64 },
  { NULL },
};

static const struct spec_field weight_device_fields[] = {
  { "major", SPEC_INTEGER, true, .int_kind = SPEC_I64 },
  { "minor", SPEC_INTEGER, true, .int_kind = SPEC_I64 },
  { "weight", SPEC_INTEGER, .int_kind = SPEC_U16 },
  { "leafWeight", SPEC_INTEGER, .int_kind = SPEC_U16 },
  { NULL },
};

static const struct spec_field throttle_device_fields[] = {
  { "major", SPEC_INTEGER, true, .int_kind = SPEC_I64 },
  { "minor", SPEC_INTEGER, true, .int_kind = SPEC_I64 },
  { "rate", SPEC_INTEGER, true, .int_kind = SPEC_U64 },
  { NULL },
};

static const struct spec_field block_io_fields[] = {
  { "weight", SPEC_INTEGER, .int_kind = SPEC_U16 },
  { "leafWeight", SPEC_INTEGER, .int_kind = SPEC_U16 },
  { "weightDevice", SPEC_OBJECTV, .fields = weight_device_fields, .check = check_weight_device },
  { "throttleReadBpsDevice", SPEC_OBJECTV, .fields = throttle_device_fields },
  { "throttleWriteBpsDevice", SPEC_OBJECTV, .fields = throttle_device_fields },
  { "throttleReadIOPSDevice", SPEC_OBJECTV, .fields = throttle_device_fields },
  { "throttleWriteIOPSDevice", SPEC_OBJECTV, .fields = throttle_device_fields },
  { NULL },
};

static const struct spec_field cpu_fields[] = {
  { "cpus", SPEC_STRING, .check = check_list_string },
  { "mems", SPEC_STRING, .check = check_list_string },
  { "period", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "quota", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "burst", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "realtimePeriod", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "realtimeRuntime", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "shares", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "idle", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { NULL },
};

static const struct spec_field hugepage_fields[] = {
  { "pageSize", SPEC_STRING, true, .check = check_page_size },
  { "limit", SPEC_INTEGER, true, .int_kind = SPEC_U64 },
  { NULL },
};

static const struct spec_field memory_fields[] = {
  { "kernel", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "kernelTCP", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "limit", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "reservation", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "swap", SPEC_INTEGER, .int_kind = SPEC_I64 },
  { "swappiness", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "disableOOMKiller", SPEC_BOOL },
  { "useHierarchy", SPEC_BOOL },
  { "checkBeforeUpdate", SPEC_BOOL },
  { NULL },
};

static const struct spec_field net_priority_fields[] = {
  { "name", SPEC_STRING, true },
  { "priority", SPEC_INTEGER, true, .int_kind = SPEC_U32 },
  { NULL },
};

static const struct spec_field network_fields[] = {
  { "classID", SPEC_INTEGER, .int_kind = SPEC_U32 },
  { "priorities", SPEC_OBJECTV, .fields = net_priority_fields },
  { NULL },
};

static const struct spec_field rdma_fields[] = {
  { "hcaHandles", SPEC_INTEGER, .int_kind = SPEC_U32 },
  { "hcaObjects", SPEC_INTEGER, .int_kind = SPEC_U32 },
  { NULL },
};

static const struct spec_field resources_fields[] = {
  { "unified", SPEC_STRING_MAP, .check = check_unified },
  { "devices", SPEC_OBJECTV, .fields = device_cgroup_fields },
  { "pids", SPEC_OBJECT, .fields = pids_fields },
  { "blockIO", SPEC_OBJECT, .fields = block_io_fields },
  { "cpu", SPEC_OBJECT, .fields = cpu_fields },
  { "hugepageLimits", SPEC_OBJECTV, .fields = hugepage_fields },
  { "memory", SPEC_OBJECT, .fields = memory_fields },
  { "network", SPEC_OBJECT, .fields = network_fields },
  { "rdma", SPEC_OBJECT_MAP, .fields = rdma_fields, .check = check_rdma },
  { NULL },
};

const char *const hull_spec_seccomp_actions[] = { "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                               "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
                                               "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
                                               "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
                                               "SCMP_ACT_NOTIFY",      NULL };
static const char *const seccomp_flags[]
    = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };
const char *const hull_spec_seccomp_arches[] = {
  "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
  "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL,
};
static const char *const seccomp_ops[]
    = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };

static const struct spec_field syscall_arg_fields[] = {
  { "index", SPEC_INTEGER, true, .int_kind = SPEC_U32 },
  { "value", SPEC_INTEGER, true, .int_kind = SPEC_U64 },
  { "valueTwo", SPEC_INTEGER, .int_kind = SPEC_U64 },
  { "op", SPEC_ENUM, true, .values = seccomp_ops },
  { NULL },
};

static const struct spec_field syscall_fields[] = {
  { "names", SPEC_STRV, true },
  { "action", SPEC_ENUM, true, .values = hull_spec_seccomp_actions },
  { "errnoRet", SPEC_INTEGER, .int_kind = SPEC_U32 },
  { "args", SPEC_OBJECTV, .fields = syscall_arg_fields, .check = check_syscall_arg },
  { NULL },
};

static const struct spec_field seccomp_fields[] = {
  { "defaultAction", SPEC_ENUM, true, .values = hull_spec_seccomp_actions },
  { "defaultErrnoRet", SPEC_INTEGER, .int_kind = SPEC_U32 },
  { "flags", SPEC_ENUMV, .values = seccomp_flags },
  { "listenerPath", SPEC_STRING },
  { "listenerMetadata", SPEC_STRING },
  { "architectures", SPEC_ENUMV, .values = hull_spec_seccomp_arches },
  { "syscalls", SPEC_OBJECTV, .fields = syscall_fields, .check = check_syscall },
  { NULL },
};

static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };
static const struct spec_field personality_fields[] = {
  { "domain", SPEC_ENUM, true, .values = personality_domains },
  { "flags", SPEC_STRV },
  { NULL },
};

static const struct spec_field intel_rdt_fields[] = {
  { "closID", SPEC_STRING, .check = check_clos_id },
  { "schemata", SPEC_STRV, .check = check_schemata },
  { "l3CacheSchema", SPEC_STRING },
  { "memBwSchema", SPEC_STRING, .check = check_mem_bw },
  { "enableMonitoring", SPEC_BOOL },
  { NULL },
};

static const char *const mpol_modes[]
    = { "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
        "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL };
static const char *const mpol_flags[]
    = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL };
static const struct spec_field memory_policy_fields[] = {
  { "mode", SPEC_ENUM, true, .values = mpol_modes },
  { "nodes", SPEC_STRING, .check = check_list_string },
  { "flags", SPEC_ENUMV, .values = mpol_flags },
  { NULL },
};

const struct spec_field spec_resources_field
    = { "resources", SPEC_OBJECT, .fields = resources_fields };
static const struct spec_field seccomp_field
    = { "seccomp", SPEC_OBJECT, .fields = seccomp_fields, .check = check_seccomp };
static const struct spec_field personality_field
    = { "personality", SPEC_OBJECT, .fields = personality_fields };
static const struct spec_field intel_rdt_field
    = { "intelRdt", SPEC_OBJECT, .fields = intel_rdt_fields };
static const struct spec_field net_devices_field
    = { "netDevices", SPEC_OBJECT, .check = check_net_devices };
static const struct spec_field memory_policy_field
    = { "memoryPolicy", SPEC_OBJECT, .fields = memory_policy_fields };

/* ---- extracted parts ------------------------------------------------------------------- */

static int
parse_namespace (json_t *e, const char *path, struct hull_namespace *ns, hull_error_t *err)
{
  cleanup_free char *type = NULL;

  if (!json_is_object (e))
    return spec_error (err, path, "expected an object, got %s", spec_type_name (e));
  if (spec_get_string (e, path, "type", true, &type, err) < 0
      || spec_get_string (e, path, "path", false, &ns->path, err) < 0)
    return -1;
  ns->type = hull_namespace_from_name (type);
  if (ns->type < 0)
    {
      cleanup_free char *q = spec_quote (type);
      return spec_key_error (err, path, "type", "unknown namespace type %s", q);
    }
  return 0;
}

static int
parse_namespaces (json_t *lx, struct hull_linux *l, hull_error_t *err)
{
  json_t *arr, *e;
  size_t i;
  int r = spec_get_array (lx, "linux", "namespaces", false, &arr, err);

  if (r <= 0)
    return r;
  l->namespaces = xmalloc0 ((json_array_size (arr) + 1) * sizeof *l->namespaces);
  json_array_foreach (arr, i, e)
    {
      cleanup_free char *path = spec_path_idx ("linux.namespaces", i);
      l->n_namespaces = i + 1;
      if (parse_namespace (e, path, &l->namespaces[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_device_type (json_t *e, const char *path, struct hull_device *d, hull_error_t *err)
{
  cleanup_free char *type = NULL;

  if (spec_get_string (e, path, "type", true, &type, err) < 0)
    return -1;
  if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
    {
      cleanup_free char *q = spec_quote (type);
      return spec_key_error (err, path, "type", "invalid device type %s (expected c, b, u or p)",
                             q);
    }
  d->type = type[0];
  return 0;
}

static int
parse_device (json_t *e, const char *path, struct hull_device *d, hull_error_t *err)
{
  int has_major, has_minor, r;

  if (!json_is_object (e))
    return spec_error (err, path, "expected an object, got %s", spec_type_name (e));
  if (parse_device_type (e, path, d, err) < 0
      || spec_get_string (e, path, "path", true, &d->path, err) < 0)
    return -1;
  has_major = spec_get_i64 (e, path, "major", false, &d->major, err);
  has_minor = spec_get_i64 (e, path, "minor", false, &d->minor, err);
  if (has_major < 0 || has_minor < 0)
    return -1;
  d->has_major_minor = has_major && has_minor;
  {
    int mode = 0;
    r = spec_get_int (e, path, "fileMode", false, SPEC_FILEMODE, &mode, err);
    if (r < 0)
      return -1;
    d->has_file_mode = r > 0;
    d->file_mode = (uint32_t) mode;
  }
  if ((r = spec_get_u32 (e, path, "uid", false, &d->uid, err)) < 0)
    return -1;
  d->has_uid = r > 0;
  if ((r = spec_get_u32 (e, path, "gid", false, &d->gid, err)) < 0)
    return -1;
  d->has_gid = r > 0;
  return 0;
}

static int
parse_devices (json_t *lx, struct hull_linux *l, hull_error_t *err)
{
  json_t *arr, *e;
  size_t i;
  int r = spec_get_array (lx, "linux", "devices", false, &arr, err);

  if (r <= 0)
    return r;
  l->devices = xmalloc0 ((json_array_size (arr) + 1) * sizeof *l->devices);
  json_array_foreach (arr, i, e)
    {
      cleanup_free char *path = spec_path_idx ("linux.devices", i);
      l->n_devices = i + 1;
      if (parse_device (e, path, &l->devices[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_time_offset (json_t *offsets, const char *clock, struct hull_time_offset *t,
                   hull_error_t *err)
{
  cleanup_free char *path = spec_path_key ("linux.timeOffsets", clock);
  json_t *o;
  int r = spec_get_object (offsets, "linux.timeOffsets", clock, false, &o, err);

  if (r <= 0)
    return r;
  t->present = true;
  if (spec_get_i64 (o, path, "secs", false, &t->secs, err) < 0
      || spec_get_u32 (o, path, "nanosecs", false, &t->nanosecs, err) < 0)
    return -1;
  return 0;
}

static int
parse_time_offsets (json_t *lx, struct hull_linux *l, hull_error_t *err)
{
  json_t *o;
  int r = spec_get_object (lx, "linux", "timeOffsets", false, &o, err);

  if (r <= 0)
    return r;
  if (parse_time_offset (o, "boottime", &l->time_boottime, err) < 0
      || parse_time_offset (o, "monotonic", &l->time_monotonic, err) < 0)
    return -1;
  return 0;
}

/* The schema lists four values; runc (and so podman and CRI-O) also send the recursive forms. */
static const char *const propagations[] = { "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable", NULL };
static const struct spec_field propagation_field
    = { "rootfsPropagation", SPEC_ENUM, .values = propagations };

static int
parse_linux_fields (json_t *lx, struct hull_linux *l, hull_error_t *err)
{
  const char *path = "linux";

  if (parse_namespaces (lx, l, err) < 0
      || spec_get_idmaps (lx, path, "uidMappings", &l->uid_mappings, &l->n_uid_mappings, err) < 0
      || spec_get_idmaps (lx, path, "gidMappings", &l->gid_mappings, &l->n_gid_mappings, err) < 0
      || parse_time_offsets (lx, l, err) < 0 || parse_devices (lx, l, err) < 0
      || spec_get_string (lx, path, "cgroupsPath", false, &l->cgroups_path, err) < 0
      || spec_get_strmap (lx, path, "sysctl", false, &l->sysctl, &l->n_sysctl, err) < 0
      || spec_get_checked (lx, path, &propagation_field, NULL, err) < 0
      || spec_get_string (lx, path, "rootfsPropagation", false, &l->rootfs_propagation, err) < 0
      || spec_get_strv (lx, path, "maskedPaths", false, &l->masked_paths, err) < 0
      || spec_get_strv (lx, path, "readonlyPaths", false, &l->readonly_paths, err) < 0
      || spec_get_string (lx, path, "mountLabel", false, &l->mount_label, err) < 0)
    return -1;
  if (spec_get_checked (lx, path, &spec_resources_field, &l->resources, err) < 0
      || spec_get_checked (lx, path, &seccomp_field, &l->seccomp, err) < 0
      || spec_get_checked (lx, path, &personality_field, &l->personality, err) < 0
      || spec_get_checked (lx, path, &intel_rdt_field, &l->intel_rdt, err) < 0
      || spec_get_checked (lx, path, &net_devices_field, &l->net_devices, err) < 0
      || spec_get_checked (lx, path, &memory_policy_field, NULL, err) < 0)
    return -1;
  return 0;
}

int
spec_parse_linux (json_t *lx, struct hull_linux **out, hull_error_t *err)
{
  if (!json_is_object (lx))
    return spec_error (err, "linux", "expected an object, got %s", spec_type_name (lx));
  *out = xmalloc0 (sizeof **out);
  return parse_linux_fields (lx, *out, err);
}

void
spec_linux_free (struct hull_linux *l)
{
  if (l == NULL)
    return;
  for (size_t i = 0; i < l->n_namespaces; i++)
    free (l->namespaces[i].path);
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++)
    free (l->devices[i].path);
  free (l->devices);
  free (l->cgroups_path);
  spec_kv_free (l->sysctl, l->n_sysctl);
  free (l->rootfs_propagation);
  hull_strv_free (l->masked_paths);
  hull_strv_free (l->readonly_paths);
  free (l->mount_label);
  json_decref (l->resources);
  json_decref (l->seccomp);
  json_decref (l->personality);
  json_decref (l->intel_rdt);
  json_decref (l->net_devices);
  free (l);
}

/* ---- hull_spec_validate_linux ---------------------------------------------------------- */

static int
validate_root (const struct hull_spec *spec, hull_error_t *err)
{
  if (spec->root_path == NULL)
    return spec_error (err, "root.path", "required on Linux");
  if (spec->root_path[0] == '\0')
    return spec_error (err, "root.path", "must not be empty");
  return 0;
}

static int
validate_process (const struct hull_process *p, hull_error_t *err)
{
  if (p->args == NULL || p->args[0] == NULL)
    return spec_error (err, "process.args", "must contain at least one entry");
  if (p->args[0][0] == '\0')
    return spec_error (err, "process.args[0]", "must not be empty");
  if (!spec_is_absolute (p->cwd))
    return spec_error (err, "process.cwd", "must be an absolute path");
  if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    return spec_error (err, "process.oomScoreAdj", "must be between -1000 and 1000");
  for (size_t i = 0; i < p->n_rlimits; i++)
    if (p->rlimits[i].soft > p->rlimits[i].hard)
      {
        cleanup_free char *path = spec_path_idx ("process.rlimits", i);
        return spec_error (err, path, "soft limit is above the hard limit");
      }
  return 0;
}

static int
validate_mounts (const struct hull_spec *spec, hull_error_t *err)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (!spec_is_absolute (spec->mounts[i].destination))
      {
        cleanup_free char *path = spec_path_idx ("mounts", i);
        return spec_key_error (err, path, "destination", "must be an absolute path");
      }
  return 0;
}

static int
validate_hooks (const struct hull_spec *spec, hull_error_t *err)
{
  for (int k = 0; k < HULL_HOOK_N; k++)
    for (size_t i = 0; i < spec->n_hooks[k]; i++)
      {
        cleanup_free char *base = spec_path_key ("hooks", hull_hook_kind_name (k));
        cleanup_free char *path = spec_path_idx (base, i);
        if (!spec_is_absolute (spec->hooks[k][i].path))
          return spec_key_error (err, path, "path", "must be an absolute path");
        if (spec->hooks[k][i].timeout < 0)
          return spec_key_error (err, path, "timeout", "must be greater than zero");
      }
  return 0;
}

static int
validate_namespaces (const struct hull_linux *l, hull_error_t *err)
{
  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      cleanup_free char *path = spec_path_idx ("linux.namespaces", i);
      for (size_t j = 0; j < i; j++)
        if (l->namespaces[j].type == l->namespaces[i].type)
          return spec_key_error (err, path, "type", "duplicate namespace type \"%s\"",
                                 hull_namespace_name (l->namespaces[i].type));
      if (l->namespaces[i].path != NULL && !spec_is_absolute (l->namespaces[i].path))
        return spec_key_error (err, path, "path", "must be an absolute path");
    }
  return 0;
}

static const struct hull_namespace *
find_namespace (const struct hull_linux *l, int type)
{
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == type)
      return &l->namespaces[i];
  return NULL;
}

static int
validate_idmaps (const char *path, const struct hull_idmap *m, size_t n, hull_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *p = spec_path_idx (path, i);
      if (m[i].size == 0)
        return spec_key_error (err, p, "size", "must be greater than zero");
      if ((uint64_t) m[i].container_id + m[i].size > (uint64_t) UINT32_MAX + 1
          || (uint64_t) m[i].host_id + m[i].size > (uint64_t) UINT32_MAX + 1)
        return spec_error (err, p, "range goes past the largest id (4294967295)");
    }
  return 0;
}

static int
validate_user_namespace (const struct hull_linux *l, hull_error_t *err)
{
  const struct hull_namespace *user = find_namespace (l, CLONE_NEWUSER);
  bool has_uid = l->n_uid_mappings > 0, has_gid = l->n_gid_mappings > 0;

  if (validate_idmaps ("linux.uidMappings", l->uid_mappings, l->n_uid_mappings, err) < 0
      || validate_idmaps ("linux.gidMappings", l->gid_mappings, l->n_gid_mappings, err) < 0)
    return -1;
  if (user == NULL)
    {
      if (has_uid || has_gid)
        return spec_error (err, has_uid ? "linux.uidMappings" : "linux.gidMappings",
                           "set, but linux.namespaces has no user namespace");
      return 0;
    }
  /* Joining an existing user namespace: its mappings are already written. */
  if (user->path != NULL)
    return 0;
  if (!has_uid)
    return spec_error (err, "linux.uidMappings", "a new user namespace needs uid mappings");
  if (!has_gid)
    return spec_error (err, "linux.gidMappings", "a new user namespace needs gid mappings");
  return 0;
}

static int
validate_path_list (const char *path, char **v, hull_error_t *err)
{
  for (size_t i = 0; v != NULL && v[i] != NULL; i++)
    if (!spec_is_absolute (v[i]))
      {
        cleanup_free char *p = spec_path_idx (path, i);
        return spec_error (err, p, "must be an absolute path");
      }
  return 0;
}

static int
validate_devices (const struct hull_linux *l, hull_error_t *err)
{
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct hull_device *d = &l->devices[i];
      cleanup_free char *path = spec_path_idx ("linux.devices", i);
      if (!spec_is_absolute (d->path))
        return spec_key_error (err, path, "path", "must be an absolute path");
      if (d->type != 'p' && !d->has_major_minor)
        return spec_error (err, path, "major and minor are required for type '%c'", d->type);
    }
  return 0;
}

static int
validate_time_offsets (const struct hull_linux *l, hull_error_t *err)
{
  const struct hull_namespace *time_ns = find_namespace (l, CLONE_NEWTIME);

  if (!l->time_boottime.present && !l->time_monotonic.present)
    return 0;
  if (time_ns == NULL || time_ns->path != NULL)
    return spec_error (err, "linux.timeOffsets", "needs a new time namespace in linux.namespaces");
  if (l->time_boottime.nanosecs >= 1000000000)
    return spec_error (err, "linux.timeOffsets.boottime.nanosecs", "must be below 1000000000");
  if (l->time_monotonic.nanosecs >= 1000000000)
    return spec_error (err, "linux.timeOffsets.monotonic.nanosecs", "must be below 1000000000");
  return 0;
}

/* Sysctls that belong to a namespace, and which one. Writing any other one from the container
   would change the host kernel, so Hull refuses them. '/' separators count as '.'. */
static const struct
{
  const char *name;
  bool prefix;
  int ns;
} namespaced_sysctls[] = {
  { "kernel.msgmax", false, CLONE_NEWIPC },   { "kernel.msgmnb", false, CLONE_NEWIPC },
  { "kernel.msgmni", false, CLONE_NEWIPC },   { "kernel.sem", false, CLONE_NEWIPC },
  { "kernel.shmall", false, CLONE_NEWIPC },   { "kernel.shmmax", false, CLONE_NEWIPC },
  { "kernel.shmmni", false, CLONE_NEWIPC },   { "kernel.shm_rmid_forced", false, CLONE_NEWIPC },
  { "fs.mqueue.", true, CLONE_NEWIPC },       { "net.", true, CLONE_NEWNET },
  { "kernel.hostname", false, CLONE_NEWUTS }, { "kernel.domainname", false, CLONE_NEWUTS },
};

static bool
sysctl_matches (const char *key, const char *name, bool prefix)
{
  size_t i = 0;
  for (; name[i]; i++)
    if (key[i] != name[i] && !(key[i] == '/' && name[i] == '.'))
      return false;
  return prefix || key[i] == '\0';
}

/* The namespace KEY belongs to, or 0 when it is not namespaced. */
static int
sysctl_namespace (const char *key)
{
  for (size_t i = 0; i < sizeof namespaced_sysctls / sizeof namespaced_sysctls[0]; i++)
    if (sysctl_matches (key, namespaced_sysctls[i].name, namespaced_sysctls[i].prefix))
      return namespaced_sysctls[i].ns;
  return 0;
}

static int
validate_sysctl (const struct hull_linux *l, hull_error_t *err)
{
  for (size_t i = 0; i < l->n_sysctl; i++)
    {
      const char *k = l->sysctl[i].key;
      cleanup_free char *path = NULL;
      int ns;

      if (*k == '\0')
        return spec_error (err, "linux.sysctl", "keys must not be empty");
      path = spec_path_key ("linux.sysctl", k);
      if (*k == '.' || *k == '/' || strstr (k, "..") != NULL)
        return spec_error (err, path, "invalid sysctl name");
      ns = sysctl_namespace (k);
      if (ns == 0)
        return spec_error (err, path, "not a namespaced sysctl; setting it would change the host");
      if (find_namespace (l, ns) == NULL)
        return spec_error (err, path, "needs a namespace of type \"%s\" in linux.namespaces",
                           hull_namespace_name (ns));
    }
  return 0;
}

/* hostname and domainname are set in the container's UTS namespace; without one they would
   rename the host. */
static int
validate_uts (const struct hull_spec *spec, hull_error_t *err)
{
  if (find_namespace (spec->linux_, CLONE_NEWUTS) != NULL)
    return 0;
  if (spec->hostname != NULL && spec->hostname[0] != '\0')
    return spec_error (err, "hostname", "needs a namespace of type \"uts\" in linux.namespaces");
  if (spec->domainname != NULL && spec->domainname[0] != '\0')
    return spec_error (err, "domainname", "needs a namespace of type \"uts\" in linux.namespaces");
  return 0;
}

static int
validate_linux_section (const struct hull_linux *l, hull_error_t *err)
{
  if (validate_namespaces (l, err) < 0)
    return -1;
  if (validate_user_namespace (l, err) < 0 || validate_time_offsets (l, err) < 0
      || validate_path_list ("linux.maskedPaths", l->masked_paths, err) < 0
      || validate_path_list ("linux.readonlyPaths", l->readonly_paths, err) < 0
      || validate_devices (l, err) < 0 || validate_sysctl (l, err) < 0)
    return -1;
  return 0;
}

int
hull_spec_validate_linux (const struct hull_spec *spec, hull_error_t *err)
{
  if (spec == NULL)
    return hull_error (err, 0, "config.json: no configuration");
  if (validate_root (spec, err) < 0
      || (spec->process != NULL && validate_process (spec->process, err) < 0)
      || validate_mounts (spec, err) < 0 || validate_hooks (spec, err) < 0)
    return -1;
  /* No linux section (or no mount namespace): accepted; the runtime still gives the container
     a private mount namespace (see spawn.c), as pivot_root in the host's would move its root. */
  if (spec->linux_ == NULL)
    return 0;
  if (validate_linux_section (spec->linux_, err) < 0)
    return -1;
  return validate_uts (spec, err);
}
