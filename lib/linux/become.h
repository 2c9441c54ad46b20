/* become.h: the last steps from a set-up process to the user's program, shared by the
   container's init and by processes that `exec` puts into a running container. */
#ifndef HULL_BECOME_H
#define HULL_BECOME_H

#include "../core/error.h"
#include "../spec/spec.h"
#include "caps.h"
#include "landlock-rules.h"
#include "seccomp-filter.h"

struct hull_become
{
  const struct hull_spec *spec;          /* spec->process is the program to become */
  const struct hull_seccomp *seccomp;    /* linux.seccomp compiled, or NULL */
  const struct hull_landlock *landlock;  /* org.hull.landlock parsed, or NULL */
  int sync_fd;                           /* the runtime's channel: a seccomp listener goes there */
  int preserve_fds;                      /* fds from 3 on that the program keeps */
  int pty_slave;                         /* a terminal's slave end for stdio and controlling
                                            terminal (process.terminal), or -1 */
};

/* Find process.args[0] as execvp would, with the process's PATH, in the current root. */
int hull_become_resolve (const struct hull_process *p, char **exe, hull_error_t *err);
/* process.oomScoreAdj, when set. */
int hull_become_oom_score_adj (const struct hull_process *p, hull_error_t *err);
/* Terminal, cwd, environment, labels, rlimits, scheduling, walls, capabilities, user,
   no_new_privs, then execve EXE. Returns only on failure. */
int hull_become (const struct hull_become *b, const char *exe, const struct hull_caps *caps, hull_error_t *err);

#endif
