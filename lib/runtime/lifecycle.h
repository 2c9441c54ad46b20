/* lifecycle.h: helpers shared by create.c and lifecycle.c. */
#ifndef HULL_LIFECYCLE_H
#define HULL_LIFECYCLE_H

#include <jansson.h>
#include <sys/types.h>

#include "../core/log.h"
#include "../spec/spec.h"

/* poststart hooks: a failure is a warning, and the remaining hooks still run (runtime.md). */
void hull_lifecycle_poststart (const struct hull_hook *hooks, size_t n, const char *id, const char *bundle, pid_t pid,
                               json_t *annotations, const struct hull_log *log);

#endif
