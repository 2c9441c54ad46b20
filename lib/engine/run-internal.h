/* run-internal.h: what the files behind run-spec.h share: the config being built (struct
   run_ctx), the warnings list, and the steps hull_run_config takes, one file each:
   run-config.c (process, mounts, namespaces, resources), run-user.c (users, groups and id
   maps), run-security.c (capabilities, labels, privileged), run-seccomp.c (the profile). */
#ifndef HULL_ENGINE_RUN_INTERNAL_H
#define HULL_ENGINE_RUN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "../core/error.h"
#include "run-spec.h"

struct run_ctx
{
  const struct hull_run_spec *s;
  const struct hull_run_host *host;
  json_t *image;   /* the image config's "config" object, or NULL */
  json_t *doc;     /* the config being built (owned) */
  char **warnings; /* NULL-terminated, grown by run_warn */
  size_t n_warnings;
  uid_t uid;       /* the container process's uid, once run_user_apply has run */
  bool userns;     /* the container gets a user namespace */
  char *home;      /* the user's home directory from the rootfs's passwd ("/" without one) */
};

void run_warn (struct run_ctx *c, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* A JSON array of the strings of V (NULL-terminated, may be NULL). */
json_t *run_json_strv (char *const *v);
/* The index in the array A of the string S, or of the object whose string member KEY is S
   (KEY NULL: strings); -1 when there is none. */
long run_json_index (json_t *a, const char *key, const char *s);
/* That entry taken out of A; false when there was none. */
bool run_json_remove (json_t *a, const char *key, const char *s);

/* The process's user (-u, the image's USER, keep-id) resolved against the rootfs's passwd and
   group files into process.user; HOME set when nobody set it. */
int run_user_apply (struct run_ctx *c, json_t *process, hull_error_t *err);
/* linux.uidMappings/gidMappings and the user namespace, as --userns and rootless ask. */
int run_userns_apply (struct run_ctx *c, hull_error_t *err);

/* process.capabilities from the default set, --cap-add, --cap-drop and --privileged; *BOUNDING
   gets the bounding set as a mask. */
int run_caps_apply (struct run_ctx *c, json_t *process, uint64_t *bounding, hull_error_t *err);
/* --security-opt label= and apparmor=, and --privileged's removal of the other protections. */
int run_lsm_apply (struct run_ctx *c, json_t *process, hull_error_t *err);
void run_privileged_apply (struct run_ctx *c);
/* linux.seccomp: the default profile (tightened to podman's where hull's allowed more), a
   --security-opt seccomp=FILE (OCI or podman's format), or none. CAPS: the bounding set, as a
   mask of 1 << CAP_*: a capability given unlocks the calls it is there for. */
int run_seccomp_apply (struct run_ctx *c, uint64_t caps, hull_error_t *err);

/* "true", "1", "false", "0", or NULL (a flag given alone: true), into *OUT; -1 otherwise. */
int run_parse_bool (const char *v, bool *out);

/* Capability name as the config writes it ("net_admin" -> "CAP_NET_ADMIN"), or NULL when
   libcap does not know it. */
char *run_cap_canonical (const char *name);

#endif
