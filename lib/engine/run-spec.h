/* run-spec.h: what `hull run` and `hull create` are asked for (podman's flags, parsed into a
   hull_run_spec) and the OCI config.json the engine makes of it and the image's config, with
   every protection on unless a flag turns it off. The defaults and why each is there are in
   man/hull.1 (SECURITY DEFAULTS). */
#ifndef HULL_ENGINE_RUN_SPEC_H
#define HULL_ENGINE_RUN_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "../core/error.h"

enum hull_volume_kind
{
  HULL_VOLUME_BIND,   /* -v /host:/ctr, --mount type=bind */
  HULL_VOLUME_TMPFS,  /* --tmpfs /ctr[:opts], --mount type=tmpfs */
};

/* One -v, --mount or --tmpfs. */
struct hull_volume
{
  enum hull_volume_kind kind;
  const char *flag;    /* the flag it came from, for messages: "-v", "--mount", "--tmpfs" */
  char *source;        /* host path (absolute, as given); NULL for tmpfs */
  char *destination;   /* absolute path in the container */
  char **options;      /* OCI mount options: ro/rw, nosuid, nodev, noexec, size=..., mode=... */
  bool relabel_shared; /* :z */
  bool relabel_private;/* :Z */
};

enum hull_network_mode
{
  HULL_NETWORK_PRIVATE,  /* default: a new network namespace with loopback only */
  HULL_NETWORK_NONE,     /* the same namespace, no interface but lo */
  HULL_NETWORK_HOST,     /* the host's (no network namespace) */
};

enum hull_userns_mode
{
  HULL_USERNS_DEFAULT,   /* root: host (none); rootless: a namespace from /etc/subuid */
  HULL_USERNS_HOST,      /* --userns host */
  HULL_USERNS_AUTO,      /* --userns auto: a private range from /etc/subuid (root too) */
  HULL_USERNS_KEEP_ID,   /* --userns keep-id (rootless): the user's uid is itself inside */
};

struct hull_run_spec
{
  /* podman's flags, as given */
  char *name;              /* --name; NULL: none asked (the engine makes one) */
  bool rm, detach, interactive, tty;
  char **env;              /* -e KEY=VALUE and --env-file lines, in order; "KEY" alone takes the host's */
  char *user;              /* -u USER[:GROUP], NULL: the image's USER */
  char *workdir;           /* -w */
  bool entrypoint_set;     /* --entrypoint given ("" clears the image's) */
  char **entrypoint;       /* --entrypoint as words: a JSON array, or one word */
  struct hull_volume *volumes;
  size_t n_volumes;
  bool read_only;          /* --read-only */
  char **cap_add, **cap_drop; /* names as given ("NET_ADMIN", "CAP_NET_ADMIN", "all") */
  bool privileged;
  bool no_new_privs;       /* true unless --security-opt no-new-privileges=false */
  bool no_new_privs_set;   /* --security-opt no-new-privileges[=...] was given (--privileged
                              turns noNewPrivileges off only when it was not); hull_run_config
                              reads no_new_privs only when this is set, so a zeroed spec keeps
                              noNewPrivileges on */
  char *seccomp_profile;   /* --security-opt seccomp=FILE; NULL: the default profile */
  bool seccomp_unconfined; /* --security-opt seccomp=unconfined */
  char **labels;           /* --security-opt label=... (user:, role:, type:, level:, disable) */
  char *apparmor;          /* --security-opt apparmor=PROFILE|unconfined */
  enum hull_userns_mode userns;
  int64_t memory;          /* --memory bytes, 0 none */
  int64_t pids_limit;      /* --pids-limit; 0: the default (2048), -1: none */
  double cpus;             /* --cpus, 0 none */
  enum hull_network_mode network;
  char *hostname;          /* --hostname; NULL: the container ID's first 12 characters */
  bool init;               /* --init: the engine's hull-init runs as pid 1 */
  char **cmd;              /* the words after IMAGE; NULL or empty: the image's Cmd */
};

void hull_run_spec_clear (struct hull_run_spec *s);

/* Parse `run`/`create` flags from ARGV[0..ARGC) up to the first word that is not an option
   (the image), which goes to *IMAGE_INDEX; the words after it are S->cmd. Errors name the flag
   and value ("--memory: `lots` is not a size"; "-v: `/a`: no container path"). */
int hull_run_spec_parse (int argc, char **argv, struct hull_run_spec *s, int *image_index, hull_error_t *err);

/* One -v SPEC (SRC:DST[:OPTIONS]; z, Z, ro, rw, nosuid, nodev, noexec, suid, dev, exec,
   rbind, bind, shared/slave/private...), --mount SPEC (type=bind|tmpfs,source=,destination=
   or target=,ro[=true],tmpfs-size=,tmpfs-mode=) or --tmpfs SPEC (DST[:OPTIONS]). */
int hull_volume_parse_v (const char *spec, struct hull_volume *out, hull_error_t *err);
int hull_volume_parse_mount (const char *spec, struct hull_volume *out, hull_error_t *err);
int hull_volume_parse_tmpfs (const char *spec, struct hull_volume *out, hull_error_t *err);
void hull_volume_clear (struct hull_volume *v);

/* What the engine knows of the host and the container when it makes the config. */
struct hull_run_host
{
  const char *id;          /* the container's ID (64 hex) */
  const char *rootfs;      /* root.path to write ("rootfs": relative to the bundle) */
  bool rootless;           /* the engine is not root */
  uid_t uid;               /* the engine's uid and gid (rootless mappings) */
  gid_t gid;
  const char *subuid_file; /* /etc/subuid and /etc/subgid (tests give others) */
  const char *subgid_file;
  const char *init_path;   /* host path of hull-init, for --init */
  bool selinux;            /* SELinux is enabled: labels apply and :z/:Z relabel */
  bool apparmor;           /* AppArmor is enabled */
  bool no_pids_controller; /* no cgroup hierarchy of the host has pids: the default limit is
                              left out (with a warning); one asked for is still refused */
  /* the rootfs's /etc/passwd and /etc/group (host paths; NULL or missing when the image has
     none), to resolve -u and the image's USER by name */
  const char *passwd;
  const char *group;
  const char *user_name;   /* the engine's user's name, for its /etc/subuid lines (NULL: looked
                              up from uid) */
  const char *ctr_dir;     /* the container's directory (a host path), where the engine writes
                              the hostname, hosts and, for --network host, resolv.conf files
                              bound at /etc/...; NULL: none bound */
};

/* The config.json for an image whose config (the image config's "config" object:
   Env, Cmd, Entrypoint, User, WorkingDir, StopSignal...) is IMAGE_CONFIG (may be NULL), run
   as S asks, on HOST. Rlimits never above the host's hard limits. *WARNINGS (may be NULL)
   gets a NULL-terminated list of what the user should be told ("the container runs as root",
   "--privileged: every protection is off", ":z ignored: SELinux is off"). Errors name the
   flag they come from. */
int hull_run_config (const struct hull_run_spec *s, json_t *image_config, const struct hull_run_host *host,
                     json_t **config, char ***warnings, hull_error_t *err);

/* :z and :Z with SELinux on: the host sources of S's volumes relabelled (recursively, the
   security.selinux attribute) to CONFIG's linux.mountLabel, with its MCS level for :Z and
   level s0 (shared by every container) for :z, as podman does before the container starts.
   Refuses system directories (/, /etc, /usr, /home...). Nothing to do with SELinux off. */
int hull_run_relabel_volumes (const struct hull_run_spec *s, json_t *config, const struct hull_run_host *host,
                              hull_error_t *err);

#endif
