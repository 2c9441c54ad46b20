/* db.h: the engine's container records in SQLite (ROOT/engine.db): one row per container,
   each change in its own transaction, safe when many `hull` processes change it at once (WAL
   journal, a busy timeout, names unique by constraint). */
#ifndef HULL_ENGINE_DB_H
#define HULL_ENGINE_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/error.h"

struct hull_db;

enum hull_ctr_state
{
  HULL_CTR_CREATED,  /* configured (`hull create`), never started */
  HULL_CTR_RUNNING,  /* its monitor started it */
  HULL_CTR_EXITED,   /* ended; exit_code holds how */
  HULL_CTR_REMOVING, /* `rm` or --rm cleanup has begun */
};
const char *hull_ctr_state_name (enum hull_ctr_state s); /* "created", "running", "exited", "removing" */

struct hull_ctr
{
  char id[65];
  char *name;
  char *image;          /* the name as given to run (normalised) */
  char *image_id;       /* sha256:... of the image config */
  char *command;        /* process.args as a JSON array */
  char *spec;           /* the run spec and engine data as a JSON object (text) */
  enum hull_ctr_state state;
  int exit_code;        /* valid when EXITED: the code, or 128+signal */
  int64_t created_ns, started_ns, finished_ns; /* CLOCK_REALTIME ns, 0 when not yet */
  pid_t pid;            /* the container's init (host pid), 0 when not running */
  pid_t monitor_pid;    /* 0 when none */
  uint64_t monitor_start; /* the monitor's start time (/proc/PID/stat field 22), to tell a reused pid */
};
void hull_ctr_clear (struct hull_ctr *c);

/* Open (creating it and its schema) the database at PATH (mode 0600; a symlink is refused).
   A handle belongs to the process that opened it: after fork the child must neither use nor
   close it (the calls refuse, hull_db_close only frees memory there) and opens its own. */
int hull_db_open (const char *path, struct hull_db **out, hull_error_t *err);
void hull_db_close (struct hull_db *db);
void hull_db_closep (struct hull_db **db);
#define cleanup_db __attribute__ ((cleanup (hull_db_closep)))

/* Insert C (state, id, name, image... as they are). A name already taken is refused:
   "the name `web` is already in use by container 0123456789ab". */
int hull_db_insert (struct hull_db *db, const struct hull_ctr *c, hull_error_t *err);
/* The container whose ID, name, or unique ID prefix (any length) is REF; "no such container
   `REF`" otherwise, and "`REF` is ambiguous" when a prefix matches several. */
int hull_db_get (struct hull_db *db, const char *ref, struct hull_ctr *out, hull_error_t *err);
/* Every container, in the order they were created. */
int hull_db_list (struct hull_db *db, struct hull_ctr **out, size_t *n, hull_error_t *err);
void hull_ctr_list_free (struct hull_ctr *v, size_t n);

/* The monitor started it: RUNNING with PID, started_ns. Here and in set_exited a container
   already REMOVING stays so (the report is recorded, the claim kept). */
int hull_db_set_running (struct hull_db *db, const char *id, pid_t pid, int64_t started_ns, hull_error_t *err);
/* It ended: EXITED with CODE, finished_ns, pid 0. A container already gone is not an error. */
int hull_db_set_exited (struct hull_db *db, const char *id, int code, int64_t finished_ns, hull_error_t *err);
/* Which monitor watches it (0, 0: none). */
int hull_db_set_monitor (struct hull_db *db, const char *id, pid_t pid, uint64_t start, hull_error_t *err);
/* Move to REMOVING if the state is one of FROM (a bit mask of 1 << state); *MOVED tells
   whether it did. So only one of `rm`, `rm -f` and the --rm cleanup goes on to remove. A
   container already gone is not an error (*MOVED false). */
int hull_db_claim_removal (struct hull_db *db, const char *id, unsigned from, bool *moved, hull_error_t *err);
/* Back from REMOVING to STATE (a removal that failed half-way is retried by the next rm). */
int hull_db_set_state (struct hull_db *db, const char *id, enum hull_ctr_state state, hull_error_t *err);
/* Remove the row; a container already gone is not an error. */
int hull_db_delete (struct hull_db *db, const char *id, hull_error_t *err);

#endif
