/* terminal.h: process.terminal. A pseudo-terminal is opened from the container's own devpts
   (its /dev/ptmx, after pivot_root), its master end handed to the runtime, which sends it
   to the --console-socket as runc does (one SCM_RIGHTS descriptor), and its slave end made
   the program's stdio and controlling terminal. */
#ifndef HULL_TERMINAL_H
#define HULL_TERMINAL_H

#include "../core/error.h"
#include "../spec/spec.h"

/* Open a pty in the current root's /dev/ptmx: *MASTER and *SLAVE, both close-on-exec. The
   slave is given to P's uid and sized by process.consoleSize when set. */
int hull_pty_open (const struct hull_process *p, int *master, int *slave, hull_error_t *err);
/* The container's /dev/console becomes SLAVE (a bind mount), as config-linux.md asks. */
int hull_pty_bind_console (int slave, hull_error_t *err);
/* In the process that becomes the program: a new session whose controlling terminal is
   SLAVE, which becomes stdin, stdout and stderr (SLAVE itself is closed). */
int hull_pty_become_controlling (int slave, hull_error_t *err);
/* Send MASTER over SOCK, a connection to the --console-socket. */
int hull_console_send (int sock, int master, hull_error_t *err);
/* Connect to the --console-socket at PATH. */
int hull_console_connect (const char *path, int *sock, hull_error_t *err);

#endif
