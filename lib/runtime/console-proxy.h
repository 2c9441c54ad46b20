/* console-proxy.h: the runtime's side of process.terminal. The pty's master arrives from the
   container and goes on to --console-socket; or, for a foreground `run` or `exec` without
   one (as runc does it), the runtime keeps it and copies between it and its own stdin and
   stdout, with its own terminal (if stdin is one) in raw mode and its window size passed
   on, until the process ends. */
#ifndef HULL_CONSOLE_PROXY_H
#define HULL_CONSOLE_PROXY_H

#include <signal.h>
#include <sys/types.h>

#include "../core/error.h"

/* Receive the master (HULL_SYNC_PTY on SYNC) and send it to *CONSOLE_FD (then closed), or,
   with no console socket (-1), keep it in *MASTER. */
int hull_console_take (int sync, int *console_fd, int *master, hull_error_t *err);
/* Copy until PID (a child) has ended and the terminal is drained; relay the signals of SET
   (blocked by the caller) as hull_signals_forward_wait does, SIGWINCH as a new window size.
   *EXIT_STATUS as there. MASTER is closed. */
int hull_console_proxy (pid_t pid, int master, const sigset_t *set, int *exit_status, hull_error_t *err);

/* Pieces of the proxy, for the engine's attached starter (lib/engine/ctr-start.c): */
/* The window size of this process's stdin given to MASTER. */
void hull_console_pass_window_size (int master);
/* One read from FROM written whole to TO: 1, or 0 at EOF (or EIO: a pty with no slave left). */
int hull_console_copy_once (int from, int to, const char *what, hull_error_t *err);
/* Type the terminal's end-of-file character into MASTER (stdin has ended). */
void hull_console_send_eof (int master);

#endif
