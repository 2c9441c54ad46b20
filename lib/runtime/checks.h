/* checks.h: refusals that come before anything is made: settings this runtime will not apply
   (terminal before console support, a sysctl outside the container's namespaces, a hostname
   without a UTS namespace). Each error names the field. */
#ifndef HULL_CHECKS_H
#define HULL_CHECKS_H

#include "../core/error.h"
#include "../spec/spec.h"

/* NEED_PROCESS: `run` needs process; `create` does not (runtime.md: it is required by start). */
int hull_check_spec (const struct hull_spec *spec, const char *console_socket, bool need_process, hull_error_t *err);

#endif
