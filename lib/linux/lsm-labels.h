/* lsm-labels.h: process.apparmorProfile, process.selinuxLabel and linux.mountLabel. A label
   the host's LSM cannot apply is refused before anything is made, never silently dropped: a
   container asked to run confined does not run unconfined. On a host with the LSM, the exec
   label is set by the init on itself right before execve, so it takes effect for the
   program (and for none of the hooks, which run earlier). */
#ifndef HULL_LSM_LABELS_H
#define HULL_LSM_LABELS_H

#include <stdbool.h>

#include "../core/error.h"
#include "../spec/spec.h"

bool hull_lsm_apparmor_enabled (void);
bool hull_lsm_selinux_enabled (void);

/* At create: refuse the labels SPEC asks for that this host cannot apply. */
int hull_lsm_check (const struct hull_spec *spec, hull_error_t *err);
/* In the init, after pivot_root (the container's /proc), before execve. */
int hull_lsm_set_exec_labels (const struct hull_spec *spec, hull_error_t *err);

#endif
