/* idmap.h: writing a new user namespace's uid and gid maps (linux.uidMappings/gidMappings).
   Root writes /proc/PID/{uid,gid}_map itself. An unprivileged caller may write only a map of
   its own one id, and its gid map only after denying setgroups(2) in the namespace; any
   other map goes through the setuid helpers newuidmap/newgidmap (Debian's uidmap), which
   check the ranges against /etc/subuid and /etc/subgid. */
#ifndef HULL_IDMAP_H
#define HULL_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "../core/error.h"
#include "../spec/spec.h"

/* Write both maps of PID's user namespace, as the caller's credentials allow. */
int hull_idmap_write (pid_t pid, const struct hull_linux *lx, hull_error_t *err);

/* Whether the caller (euid EUID, egid EGID) can write map M itself, without a helper; for a
   gid map (GID) that is at the price of denying setgroups. */
bool hull_idmap_writable_directly (const struct hull_idmap *m, size_t n, bool gid, uid_t euid, gid_t egid);

/* The map as /proc/PID/uid_map takes it ("C H S\n" lines), for the caller to free. */
char *hull_idmap_format (const struct hull_idmap *m, size_t n);

#endif
