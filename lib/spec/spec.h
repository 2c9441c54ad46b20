/* spec.h: the OCI runtime configuration (config.json) as typed C structures, and the parser
   that reads untrusted JSON into them. Every field is type-checked against the runtime-spec
   schema; errors name the field by its JSON path ("process.user.uid: ..."). Fields a later
   part of Hull acts on (resources, seccomp, capabilities) are validated here too. */
#ifndef HULL_SPEC_H
#define HULL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/error.h"

struct hull_kv
{
  char *key;
  char *value;
};

struct hull_idmap
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

struct hull_mount
{
  char *destination;          /* required; absolute on Linux (validated) */
  char *source;               /* may be NULL */
  char *type;                 /* may be NULL (bind mounts) */
  char **options;             /* NULL-terminated, may be NULL */
  struct hull_idmap *uid_mappings;
  size_t n_uid_mappings;
  struct hull_idmap *gid_mappings;
  size_t n_gid_mappings;
};

enum hull_hook_kind
{
  HULL_HOOK_PRESTART,
  HULL_HOOK_CREATE_RUNTIME,
  HULL_HOOK_CREATE_CONTAINER,
  HULL_HOOK_START_CONTAINER,
  HULL_HOOK_POSTSTART,
  HULL_HOOK_POSTSTOP,
  HULL_HOOK_N
};

struct hull_hook
{
  char *path;                 /* required, absolute */
  char **args;                /* NULL-terminated, may be NULL */
  char **env;                 /* NULL-terminated, may be NULL */
  int timeout;                /* seconds; 0 when absent (no timeout). Must be > 0 when present */
};

struct hull_rlimit
{
  char *type;                 /* e.g. "RLIMIT_NOFILE" */
  int resource;               /* RLIMIT_* value; validated */
  uint64_t soft;
  uint64_t hard;
};

struct hull_capabilities
{
  /* Capability names as written ("CAP_KILL"); NULL-terminated, NULL when the set is absent. */
  char **bounding, **effective, **inheritable, **permitted, **ambient;
};

struct hull_user
{
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;             /* Windows only; kept for completeness */
};

struct hull_process
{
  bool terminal;
  bool has_console_size;
  uint32_t console_height, console_width;
  struct hull_user user;
  char **args;                /* NULL-terminated; required non-empty on Linux when process is set */
  char *command_line;         /* Windows only */
  char **env;                 /* NULL-terminated, may be NULL */
  char *cwd;                  /* required, absolute */
  struct hull_capabilities *capabilities; /* NULL when absent */
  struct hull_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *selinux_label;
  json_t *scheduler;          /* validated object or NULL (acted on later) */
  json_t *io_priority;        /* validated object or NULL */
  json_t *exec_cpu_affinity;  /* validated object or NULL */
};

/* Namespace types; values are the CLONE_NEW* flags. */
struct hull_namespace
{
  int type;                   /* CLONE_NEWPID, CLONE_NEWNET, ... (CLONE_NEWTIME too) */
  char *path;                 /* NULL: create a new one; else join this one */
};

struct hull_device
{
  char *path;                 /* absolute */
  char type;                  /* 'c', 'b', 'u' or 'p' */
  bool has_major_minor;
  int64_t major, minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid, has_gid;
  uint32_t uid, gid;
};

struct hull_time_offset
{
  bool present;
  int64_t secs;
  uint32_t nanosecs;
};

struct hull_linux
{
  struct hull_namespace *namespaces;
  size_t n_namespaces;
  struct hull_idmap *uid_mappings;
  size_t n_uid_mappings;
  struct hull_idmap *gid_mappings;
  size_t n_gid_mappings;
  struct hull_time_offset time_boottime, time_monotonic;
  struct hull_device *devices;
  size_t n_devices;
  char *cgroups_path;         /* may be NULL */
  struct hull_kv *sysctl;
  size_t n_sysctl;
  char *rootfs_propagation;   /* validated: one of the propagation names, or NULL */
  char **masked_paths;        /* NULL-terminated, absolute, may be NULL */
  char **readonly_paths;      /* NULL-terminated, absolute, may be NULL */
  char *mount_label;
  json_t *resources;          /* validated object or NULL (acted on by the cgroups issue) */
  json_t *seccomp;            /* validated object or NULL (acted on by the confinement issue) */
  json_t *personality;        /* validated object or NULL */
  json_t *intel_rdt;          /* validated object or NULL */
  json_t *net_devices;        /* validated object or NULL */
};

struct hull_spec
{
  char *oci_version;          /* required */
  char *root_path;            /* root.path; required on Linux */
  bool root_readonly;
  struct hull_process *process; /* NULL when absent */
  char *hostname;
  char *domainname;
  struct hull_mount *mounts;
  size_t n_mounts;
  struct hull_hook *hooks[HULL_HOOK_N];
  size_t n_hooks[HULL_HOOK_N];
  struct hull_kv *annotations;
  size_t n_annotations;
  struct hull_linux *linux_;  /* NULL when absent */
  json_t *raw;                /* the whole parsed document (owned), for later modules */
};

/* Parse and validate config.json bytes. On failure *err names the field. */
int hull_spec_parse (const char *data, size_t len, struct hull_spec **out, hull_error_t *err);
/* Read BUNDLE/config.json and parse it. */
int hull_spec_load (const char *bundle, struct hull_spec **out, hull_error_t *err);
void hull_spec_free (struct hull_spec *spec);
void hull_spec_freep (struct hull_spec **spec);
#define cleanup_spec __attribute__ ((cleanup (hull_spec_freep)))

/* Checks that need the whole config and the Linux platform: args non-empty, a mount namespace
   present, mappings present with a user namespace, no duplicate namespace types, ... */
int hull_spec_validate_linux (const struct hull_spec *spec, hull_error_t *err);

/* linux.resources on its own (the input of `hull-runtime update`): JSON text parsed and checked
   with config.json's rules for that object, and fields the runtime spec does not define refused.
   Errors name the field relative to the object ("memory.limit: expected a 64-bit integer, got
   string"), for the caller to say where it came from. *out is a new reference. */
int hull_spec_parse_resources (const char *data, size_t len, json_t **out, hull_error_t *err);
/* The same checks of an object already in memory. */
int hull_spec_check_resources (json_t *resources, hull_error_t *err);

/* The namespace entry of TYPE, or NULL when the config does not list it. */
const struct hull_namespace *hull_spec_namespace (const struct hull_spec *spec, int type);

/* Namespace type names <-> CLONE_NEW* flags. */
int hull_namespace_from_name (const char *name);   /* -1 if unknown */
const char *hull_namespace_name (int type);
const char *hull_hook_kind_name (enum hull_hook_kind kind); /* "prestart", "createRuntime", ... */

/* A default config.json (like `runc spec`), as a JSON string the caller frees. With rootless,
   a user namespace with the caller's uid/gid mapped to root and no host-only mounts. */
char *hull_spec_default_json (bool rootless, uint32_t uid, uint32_t gid);

/* The seccomp actions and architectures linux.seccomp may name (NULL-terminated), for the
   modules that act on them. */
extern const char *const hull_spec_seccomp_actions[];
extern const char *const hull_spec_seccomp_arches[];
/* process.scheduler and process.ioPriority names, NULL-terminated, in the kernel's order:
   policy index = SCHED_* number, flag index = SCHED_FLAG_* bit, class index + 1 = IOPRIO_CLASS. */
extern const char *const hull_spec_sched_policies[];
extern const char *const hull_spec_sched_flags[];
extern const char *const hull_spec_ioprio_classes[];

#endif
