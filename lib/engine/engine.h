/* engine.h: the engine's containers and their life, with no daemon. A container is a row in
   ROOT/engine.db (db.h) and a directory ROOT/containers/ID: its bundle (config.json and the
   rootfs mount point), the overlay's upper and work directories (or a copied rootfs) and its
   log. Starting one forks a monitor (monitor.c) that outlives the `hull` that started it: it
   runs the container through libhull's runtime (state in RUN_ROOT/runtime, which
   `hull-runtime --root` can read), keeps its log, reaps it, records how it ended and cleans up. */
#ifndef HULL_ENGINE_H
#define HULL_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "../core/error.h"
#include "../core/log.h"
#include "db.h"
#include "run-spec.h"

struct hull_engine
{
  char *root;          /* data: the image store's root, engine.db, containers/ */
  char *run_root;      /* /run/hull, or $XDG_RUNTIME_DIR/hull: what a reboot should forget */
  char *runtime_root;  /* RUN_ROOT/runtime: the runtime's state directory (--root) */
  char *init_path;     /* hull-init, for --init (NULL: not found) */
  bool rootless;
  uid_t uid;
  gid_t gid;
  const struct hull_log *log;
};

/* The engine over the store at ROOT, for the calling user; RUN_ROOT NULL: /run/hull for
   root, else $XDG_RUNTIME_DIR/hull (or /tmp/hull-run-UID when that is not set). */
int hull_engine_init (struct hull_engine *e, const char *root, const char *run_root, const struct hull_log *log,
                      hull_error_t *err);
void hull_engine_clear (struct hull_engine *e);
int hull_engine_db (const struct hull_engine *e, struct hull_db **db, hull_error_t *err);

/* The log size cap of every container (bytes). */
#define HULL_CTR_LOG_MAX (8u << 20)
#define HULL_CTR_LOG "ctr.log"

/* ROOT/containers/ID, opened (O_PATH is not enough: *at() calls are made in it). */
int hull_engine_ctr_dir (const struct hull_engine *e, const char *id, int *fd, hull_error_t *err);
char *hull_engine_ctr_path (const struct hull_engine *e, const char *id, const char *name);

/* Make a container of IMAGE (a name or ID in the store) as S asks: its layers unpacked if
   they are not yet, its directory, config.json and record (state created). Its ID goes to
   ID; what the user should be warned of to *WARNINGS (NULL-terminated; may be NULL). On
   failure nothing is left. */
int hull_engine_create (const struct hull_engine *e, const struct hull_run_spec *s, const char *image, char id[65],
                        char ***warnings, hull_error_t *err);

struct hull_start_opts
{
  bool attach;        /* stay: the container's output to this process's stdout and stderr,
                         its terminal (with tty) relayed, until it ends */
  bool interactive;   /* the container's stdin is this process's */
  bool tty;           /* the container has a terminal (its config's process.terminal) */
  bool remove;        /* --rm: remove it once it has ended */
};

/* Start the created or exited container ID through a new monitor. Detached, this returns once
   the container runs; attached, once it has ended (and, with remove, been removed), with its
   exit code in *EXIT_CODE. When it could not start, *EXIT_CODE is podman's code for that:
   127 (no such command), 126 (cannot be run) or 125 (anything else). The caller must hold no
   database connection (db.h): the monitor is forked, and an SQLite connection must not cross
   fork(2). */
int hull_engine_start (const struct hull_engine *e, const char *id, const struct hull_start_opts *o, int *exit_code,
                       hull_error_t *err);

/* The monitor's side (monitor.c), in the child hull_engine_start forks; never returns. */
struct hull_monitor_args
{
  const struct hull_engine *e;
  const char *id;
  struct hull_start_opts o;
  int sock;           /* the starter's end is the other of this socketpair */
  int out_fd, err_fd; /* the starter's stdout and stderr (attached), or -1 */
  int in_fd;          /* the starter's stdin (interactive), or -1 */
};
__attribute__ ((noreturn)) void hull_monitor_main (const struct hull_monitor_args *a);

/* What the monitor tells its starter, on their socketpair, in the sync channel's messages
   (lib/linux/sync.h): READY with the init's pid once it runs (or ERROR with why it could not
   start), then PTY with the terminal's master for an attached tty, then EXITED with the exit
   code (128+signal) once it has ended and, with --rm, been removed. */

/* The container's state as it really is: a RUNNING record whose monitor is gone (killed) is
   looked up in the runtime, and shown EXITED (exit code -1) when the container is no longer
   there or has stopped. C is changed in memory only. */
void hull_engine_reconcile (const struct hull_engine *e, struct hull_ctr *c);
/* REF's record (hull_db_get) as it really is (hull_engine_reconcile). */
int hull_engine_get (const struct hull_engine *e, struct hull_db *db, const char *ref, struct hull_ctr *out,
                     hull_error_t *err);
/* Has ID ended? True also when its record is gone (a --rm container removed): then *CODE
   (may be NULL) is -1, else the record's exit code. */
bool hull_engine_ended (const struct hull_engine *e, struct hull_db *db, const char *id, int *code);
/* Is C's monitor (pid and start time) still alive? */
bool hull_engine_monitor_alive (const struct hull_ctr *c);

/* podman's exit code for a container that could not start, from the errno of why: 127 (no
   such command), 126 (cannot be run), else 125. */
int hull_engine_start_failure_code (int errno_);

/* Send SIG to the container's init (ALL: to every process of it). Refused unless it runs. */
int hull_engine_kill (const struct hull_engine *e, const struct hull_ctr *c, int sig, bool all, hull_error_t *err);
/* Stop: SIG (the image's StopSignal, else SIGTERM) and, after TIMEOUT_S seconds, SIGKILL;
   returns once the container has ended. A stopped one is left alone. */
void hull_engine_stop (const struct hull_engine *e, struct hull_db *db, const struct hull_ctr *c, int sig,
                       unsigned timeout_s);
/* Wait until the container has ended; *EXIT_CODE as the record has it. */
void hull_engine_wait (const struct hull_engine *e, struct hull_db *db, const char *id, int *exit_code);
/* Remove the container: refused while it runs unless FORCE (then it is killed first). Every
   step is one a killed monitor or an earlier rm may have done already. */
int hull_engine_remove (const struct hull_engine *e, const char *id, bool force, hull_error_t *err);
/* The steps of a removal that the record no longer needs, for the monitor's --rm and rm:
   the runtime's container deleted (killed if still there), the rootfs unmounted, the
   directory removed. */
int hull_engine_teardown (const struct hull_engine *e, const char *id, hull_error_t *err);

/* The rootfs (ctr-rootfs.c): an overlay of the image's layers at ROOT/containers/ID/rootfs
   with ID's upper and work dirs, or, rootless or without overlay, a copy made at create. */
int hull_engine_rootfs_mount (const struct hull_engine *e, const char *id, json_t *spec, hull_error_t *err);
int hull_engine_rootfs_unmount (const struct hull_engine *e, const char *id, hull_error_t *err);

/* The loopback interface of PID's network namespace brought up (nothing to do when it is
   hull's own, --network host): hull_create_opts.prestart of the monitor's run (ctr-net.c). */
int hull_engine_loopback_up (pid_t pid, void *arg, hull_error_t *err);

/* The current time as CLOCK_REALTIME nanoseconds. */
int64_t hull_engine_now_ns (void);

#endif
