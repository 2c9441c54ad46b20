/* prepare.h: the walls that create and exec compile from config.json before anything is
   made, so that a refusal leaves nothing behind: linux.seccomp (through the cache of
   compiled programs in the state root) and the org.hull.landlock annotation. */
#ifndef HULL_PREPARE_H
#define HULL_PREPARE_H

#include "../core/error.h"
#include "../linux/landlock-rules.h"
#include "../linux/seccomp-filter.h"
#include "../spec/spec.h"

/* *OUT is NULL when the config has no linux.seccomp. ROOT_FD is the --root directory. */
int hull_prepare_seccomp (int root_fd, const struct hull_spec *spec, struct hull_seccomp **out, hull_error_t *err);
/* *OUT is NULL when the annotation is not set. A kernel without Landlock is refused. */
int hull_prepare_landlock (const struct hull_spec *spec, struct hull_landlock **out, hull_error_t *err);

#endif
