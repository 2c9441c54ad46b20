/* procattr.h: process attributes the init sets on itself before it becomes the program, and
   the program inherits: process.scheduler (sched_setattr), process.ioPriority (ioprio_set) and
   linux.personality (personality). */
#ifndef HULL_PROCATTR_H
#define HULL_PROCATTR_H

#include "../core/error.h"
#include "../spec/spec.h"

/* Apply whichever of the three SPEC sets. Run while the init still holds its capabilities (a
   real-time policy needs CAP_SYS_NICE) and before any seccomp filter. */
int hull_procattr_apply (const struct hull_spec *spec, hull_error_t *err);

#endif
