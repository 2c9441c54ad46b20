/* lsm-labels.h: process.apparmorProfile, process.selinuxLabel and linux.mountLabel. A label
   the host's LSM cannot apply is refused before anything is made, never silently dropped: a
   container asked to run confined does not run unconfined (runc refuses all three too, the
   mount label by failing its first labelled mount). On a host with the LSM, the exec label
   is set by the init on itself right before execve, so it takes effect for the program (and
   for none of the hooks, which run earlier); the mount label becomes the `context` option
   of the filesystems the container gets new (tmpfs, devpts, masked directories, ...), and
   the label of mqueue's root. */
#ifndef HULL_LSM_LABELS_H
#define HULL_LSM_LABELS_H

#include <stdbool.h>

#include "../core/error.h"
#include "../spec/spec.h"

bool hull_lsm_apparmor_enabled (void);
bool hull_lsm_selinux_enabled (void);

/* At create: refuse the labels SPEC asks for that this host cannot apply. */
int hull_lsm_check (const struct hull_spec *spec, hull_error_t *err);
/* The `context` value for a new filesystem of TYPE with fsconfig PARAMS, given LABEL (NULL:
   none): LABEL, except for filesystems whose labels the policy sets (proc, sysfs, cgroup,
   cgroup2, mqueue), and where PARAMS name a context of their own. */
const char *hull_lsm_mount_context (const char *label, const char *type, char *const *params);
/* Label the root of the detached mount MFD (mqueue takes no context option). */
int hull_lsm_label_mount_root (int mfd, const char *label, const char *what, hull_error_t *err);
/* In the init, after pivot_root (the container's /proc), before execve. */
int hull_lsm_set_exec_labels (const struct hull_spec *spec, hull_error_t *err);

#endif
