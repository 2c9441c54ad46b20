/* checks.h: refusals that come before anything is made: settings this runtime will not apply
   (a terminal with nowhere to send it, a sysctl outside the container's namespaces, a hostname
   without a UTS namespace). Each error names the field. */
#ifndef HULL_CHECKS_H
#define HULL_CHECKS_H

#include "../core/error.h"
#include "../spec/spec.h"

/* NEED_PROCESS: `run` needs process; `create` does not (runtime.md: it is required by start). */
/* process.terminal needs --console-socket, unless the runtime stays in the FOREGROUND and is
   the terminal itself; --console-socket without a terminal is refused. */
int hull_check_terminal (const struct hull_process *p, const char *console_socket, bool foreground, hull_error_t *err);
int hull_check_spec (const struct hull_spec *spec, const char *console_socket, bool need_process, bool foreground,
                     hull_error_t *err);

#endif
