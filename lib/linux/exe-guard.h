/* exe-guard.h: CVE-2019-5736. A process of hull-runtime inside a container (the init before it
   execs, or the binary run again through a `#!/proc/self/exe` entrypoint) exposes the
   runtime's binary as /proc/PID/exe; whoever holds that can, once no hull-runtime is running,
   reopen it for writing and replace the host's runtime. hull-runtime therefore runs, for the
   commands that put its own image into a container, from a read-only view of its binary. */
#ifndef HULL_EXE_GUARD_H
#define HULL_EXE_GUARD_H

#include "../core/error.h"

/* Returns 0 at once when /proc/self/exe is already on a read-only mount or a sealed memfd,
   or when the caller is not root and cannot write the binary. Otherwise re-executes ARGV from
   a read-only view of the binary (a detached read-only bind mount for root, a sealed memfd
   copy otherwise); the environment and every descriptor not close-on-exec carry over. It
   returns only on failure. */
int hull_exe_guard (char *const argv[], hull_error_t *err);

#endif
