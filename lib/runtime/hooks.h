/* hooks.h: running OCI lifecycle hooks: each hook is forked and exec'd with the container
   state JSON on its stdin, its args and env, and killed when its timeout passes. Its stdout and
   stderr are captured and quoted in the error when it fails. */
#ifndef HULL_HOOKS_H
#define HULL_HOOKS_H

#include <stddef.h>

#include "../core/error.h"
#include "../spec/spec.h"

/* Run hooks in order; stops at the first failure, which names the hook kind, index and path. */
int hull_hooks_run (const struct hull_hook *hooks, size_t n, enum hull_hook_kind kind, const char *state_json,
                    hull_error_t *err);

/* Parse the "hooks" object saved in state.json back into hooks of one kind (for poststop at
   delete time). Returns the count; *out is freed with hull_hooks_free. */
size_t hull_hooks_from_json (json_t *hooks_obj, enum hull_hook_kind kind, struct hull_hook **out);
void hull_hooks_free (struct hull_hook *hooks, size_t n);

#endif
