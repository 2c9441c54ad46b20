/* db.c: the engine's container records in SQLite; see db.h. Every change is one transaction
   begun IMMEDIATE (the write lock taken at BEGIN, so a transaction never has to upgrade a read
   snapshot another writer made stale), under a busy timeout, retried whole when SQLite still
   reports the database busy. */
#define _GNU_SOURCE
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../core/util.h"

#define BUSY_TIMEOUT_MS 10000 /* how long one statement waits for another process's lock */
#define BUSY_RETRIES 5        /* whole transactions retried after that (busy without the handler) */
#define JOURNAL_RETRIES 100   /* tries at the WAL switch while other processes open the file too */

struct hull_db
{
  sqlite3 *h;
  char *path;
  pid_t owner; /* the process that opened it: a forked child must not touch the handle */
};

static const char *const state_names[] = { "created", "running", "exited", "removing" };
#define N_STATES (sizeof state_names / sizeof state_names[0])

const char *
hull_ctr_state_name (enum hull_ctr_state s)
{
  return (unsigned) s < N_STATES ? state_names[s] : "unknown";
}

static int
state_from_name (const char *name, enum hull_ctr_state *out)
{
  for (size_t i = 0; name && i < N_STATES; i++)
    if (strcmp (name, state_names[i]) == 0)
      {
        *out = (enum hull_ctr_state) i;
        return 0;
      }
  return -1;
}

/* --- schema ----------------------------------------------------------------------------- */

/* Step I brings the schema from user_version I to I + 1. Only ever append steps. */
static const char *const migrations[] = {
  "CREATE TABLE containers ("
  " seq INTEGER PRIMARY KEY," /* the rowid: the order of creation */
  " id TEXT NOT NULL UNIQUE,"
  " name TEXT NOT NULL UNIQUE,"
  " image TEXT, image_id TEXT, command TEXT, spec TEXT,"
  " state TEXT NOT NULL CHECK (state IN ('created', 'running', 'exited', 'removing')),"
  " exit_code INTEGER NOT NULL DEFAULT 0,"
  " created_ns INTEGER NOT NULL DEFAULT 0,"
  " started_ns INTEGER NOT NULL DEFAULT 0,"
  " finished_ns INTEGER NOT NULL DEFAULT 0,"
  " pid INTEGER NOT NULL DEFAULT 0,"
  " monitor_pid INTEGER NOT NULL DEFAULT 0,"
  " monitor_start INTEGER NOT NULL DEFAULT 0)",
};
#define SCHEMA_VERSION ((int) (sizeof migrations / sizeof migrations[0]))

#define COLUMNS                                                                                                    \
  "id, name, image, image_id, command, spec, state, exit_code, created_ns, started_ns, finished_ns, pid, "         \
  "monitor_pid, monitor_start"

/* --- errors and statements -------------------------------------------------------------- */

static bool
is_busy (int rc)
{
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* "container `REF`: WHAT: SQLite's message" (the message read now, before a rollback resets it). */
static int
db_fail (struct hull_db *db, const char *ref, const char *what, hull_error_t *err)
{
  if (ref != NULL)
    return hull_error (err, 0, "container `%s`: %s: %s", ref, what, sqlite3_errmsg (db->h));
  return hull_error (err, 0, "database `%s`: %s: %s", db->path, what, sqlite3_errmsg (db->h));
}

static void
finalizep (sqlite3_stmt **st)
{
  sqlite3_finalize (*st); /* NULL is a no-op */
}
#define cleanup_stmt __attribute__ ((cleanup (finalizep)))

static int
bind_text (sqlite3_stmt *st, int i, const char *s)
{
  return s ? sqlite3_bind_text (st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null (st, i);
}

/* Run SQL that returns no rows and takes no parameters. */
static int
exec_sql (struct hull_db *db, const char *sql)
{
  return sqlite3_exec (db->h, sql, NULL, NULL, NULL);
}

/* A short pause before retry ATTEMPT (from 0), 1 to 20 ms, different between processes so
   that those that collided do not collide again. */
static void
busy_pause (int attempt)
{
  struct timespec pause = { 0, (long) ((getpid () * 7 + attempt * 13) % 20 + 1) * 1000000L };
  nanosleep (&pause, NULL);
}

static int
check_owner (struct hull_db *db, const char *ref, hull_error_t *err)
{
  if (db->owner != getpid ())
    return hull_error (err, 0, "container `%s`: the database handle of process %d used in process %d (after fork)",
                       ref ? ref : "", (int) db->owner, (int) getpid ());
  return 0;
}

/* One transaction: BEGIN (IMMEDIATE when WRITE), FN, COMMIT. FN returns an SQLite result code;
   when it fails for a reason of its own it fills ERR itself. A busy database (the timeout
   passed, or SQLite gave up without calling the handler) retries the whole transaction. */
typedef int (*txn_fn) (struct hull_db *db, void *arg, hull_error_t *err);

static int
in_txn (struct hull_db *db, bool write, const char *ref, const char *what, txn_fn fn, void *arg, hull_error_t *err)
{
  int rc = SQLITE_OK;

  if (check_owner (db, ref, err) < 0)
    return -1;
  for (int attempt = 0; attempt <= BUSY_RETRIES; attempt++)
    {
      rc = exec_sql (db, write ? "BEGIN IMMEDIATE" : "BEGIN");
      if (rc == SQLITE_OK)
        {
          rc = fn (db, arg, err);
          if (rc == SQLITE_OK)
            rc = exec_sql (db, "COMMIT");
        }
      if (rc == SQLITE_OK)
        return 0;
      if (*err == NULL && !(is_busy (rc) && attempt < BUSY_RETRIES))
        db_fail (db, ref, what, err);
      if (sqlite3_get_autocommit (db->h) == 0)
        exec_sql (db, "ROLLBACK");
      if (*err != NULL)
        return -1;
      busy_pause (attempt);
    }
  return -1;
}

/* Step ST to its end; SQLITE_DONE becomes SQLITE_OK. */
static int
step_done (sqlite3_stmt *st)
{
  int rc = sqlite3_step (st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* --- opening ---------------------------------------------------------------------------- */

/* Create the file 0600 before SQLite does (it would use 0644): its -wal and -shm files take
   the database file's mode. An existing file open to group or others is narrowed. */
static int
create_file (const char *path, hull_error_t *err)
{
  cleanup_close int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  struct stat st;

  if (fd < 0)
    return hull_error_sys (err, "database `%s`: open", path);
  if (fstat (fd, &st) < 0)
    return hull_error_sys (err, "database `%s`: stat", path);
  if (!S_ISREG (st.st_mode))
    return hull_error (err, 0, "database `%s`: not a regular file", path);
  if ((st.st_mode & 077) != 0 && fchmod (fd, st.st_mode & 0700) < 0)
    return hull_error_sys (err, "database `%s`: chmod", path);
  return 0;
}

static int
read_version (struct hull_db *db, int *version)
{
  cleanup_stmt sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db->h, "PRAGMA user_version", -1, &st, NULL);

  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    return rc;
  *version = sqlite3_column_int (st, 0);
  return SQLITE_OK;
}

/* Inside the write transaction: read the version again (another process may have migrated
   since we looked) and apply the missing steps. */
static int
migrate_txn (struct hull_db *db, void *arg, hull_error_t *err)
{
  int version = 0, rc = read_version (db, &version);

  if (rc != SQLITE_OK)
    return rc;
  if (version > SCHEMA_VERSION)
    {
      hull_error (err, 0, "database `%s`: schema version %d is newer than this hull knows (%d)", db->path, version,
                  SCHEMA_VERSION);
      return SQLITE_ERROR;
    }
  for (; version < SCHEMA_VERSION; version++)
    if ((rc = exec_sql (db, migrations[version])) != SQLITE_OK)
      return rc;
  cleanup_free char *set = xasprintf ("PRAGMA user_version = %d", SCHEMA_VERSION);
  return exec_sql (db, set);
}

/* Ask for WAL; the journal mode the database is left in goes to MODE. */
static int
switch_to_wal (struct hull_db *db, char mode[8])
{
  cleanup_stmt sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db->h, "PRAGMA journal_mode = WAL", -1, &st, NULL);
  const unsigned char *m;

  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    return rc;
  m = sqlite3_column_text (st, 0);
  snprintf (mode, 8, "%s", m ? (const char *) m : "");
  return SQLITE_OK;
}

/* WAL lets readers go on while one process writes; the mode is stored in the file, so only
   the first open converts it. The switch needs the file to itself: when other processes open
   a new database at the same moment (parallel `hull run`s on a new store), SQLite may report
   it busy without waiting, or keep the old mode and say which; both are tried again, after a
   pause. synchronous=NORMAL is safe with WAL (a power cut may lose the last commits, never
   the database). */
static int
set_journal (struct hull_db *db, hull_error_t *err)
{
  char mode[8] = "";
  int rc = SQLITE_OK;

  for (int attempt = 0; attempt < JOURNAL_RETRIES; attempt++)
    {
      rc = switch_to_wal (db, mode);
      if (rc == SQLITE_OK && strcmp (mode, "wal") == 0)
        break;
      if (rc != SQLITE_OK && !is_busy (rc))
        return db_fail (db, NULL, "set the WAL journal", err);
      busy_pause (attempt);
    }
  if (rc != SQLITE_OK)
    return db_fail (db, NULL, "set the WAL journal", err);
  if (strcmp (mode, "wal") != 0)
    return hull_error (err, 0, "database `%s`: set the WAL journal: the journal stayed `%s`", db->path, mode);
  if ((rc = exec_sql (db, "PRAGMA synchronous = NORMAL")) != SQLITE_OK)
    return db_fail (db, NULL, "set synchronous = NORMAL", err);
  return 0;
}

int
hull_db_open (const char *path, struct hull_db **out, hull_error_t *err)
{
  cleanup_db struct hull_db *db = xmalloc0 (sizeof *db);
  int version = 0, rc;

  db->path = xstrdup (path);
  db->owner = getpid ();
  if (create_file (path, err) < 0)
    return -1;
  /* SQLite's unix VFS opens every file (database, -wal, -shm) with O_CLOEXEC, so the
     containers a monitor forks inherit none of them (tests/unit/engine/test_db.c checks). */
  rc = sqlite3_open_v2 (path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      if (db->h == NULL)
        return hull_error (err, 0, "database `%s`: open: %s", path, sqlite3_errstr (rc));
      return db_fail (db, NULL, "open", err);
    }
  sqlite3_busy_timeout (db->h, BUSY_TIMEOUT_MS);
  if (set_journal (db, err) < 0)
    return -1;
  for (int attempt = 0; (rc = read_version (db, &version)) != SQLITE_OK && is_busy (rc) && attempt < JOURNAL_RETRIES;
       attempt++)
    busy_pause (attempt);
  if (rc != SQLITE_OK)
    return db_fail (db, NULL, "read the schema version", err);
  if (version != SCHEMA_VERSION && in_txn (db, true, NULL, "create or migrate the schema", migrate_txn, NULL, err) < 0)
    return -1;
  *out = hull_steal_ptr (db);
  return 0;
}

void
hull_db_close (struct hull_db *db)
{
  if (db == NULL)
    return;
  /* In a forked child the handle is left alone: closing it there could checkpoint and drop
     the WAL under the parent, whose locks the child does not hold. */
  if (db->owner == getpid ())
    sqlite3_close (db->h);
  free (db->path);
  free (db);
}

void
hull_db_closep (struct hull_db **db)
{
  hull_db_close (*db);
}

/* --- records ---------------------------------------------------------------------------- */

static char *
column_strdup (sqlite3_stmt *st, int i)
{
  const unsigned char *s = sqlite3_column_text (st, i);
  return s ? xstrdup ((const char *) s) : NULL;
}

/* A row of COLUMNS into OUT. */
static void
read_row (sqlite3_stmt *st, struct hull_ctr *out)
{
  const unsigned char *id = sqlite3_column_text (st, 0);

  hull_ctr_clear (out); /* a retried transaction reads the row again */
  snprintf (out->id, sizeof out->id, "%s", id ? (const char *) id : "");
  out->name = column_strdup (st, 1);
  out->image = column_strdup (st, 2);
  out->image_id = column_strdup (st, 3);
  out->command = column_strdup (st, 4);
  out->spec = column_strdup (st, 5);
  if (state_from_name ((const char *) sqlite3_column_text (st, 6), &out->state) < 0)
    out->state = HULL_CTR_EXITED; /* the CHECK constraint keeps this from happening */
  out->exit_code = sqlite3_column_int (st, 7);
  out->created_ns = sqlite3_column_int64 (st, 8);
  out->started_ns = sqlite3_column_int64 (st, 9);
  out->finished_ns = sqlite3_column_int64 (st, 10);
  out->pid = (pid_t) sqlite3_column_int64 (st, 11);
  out->monitor_pid = (pid_t) sqlite3_column_int64 (st, 12);
  out->monitor_start = (uint64_t) sqlite3_column_int64 (st, 13);
}

void
hull_ctr_clear (struct hull_ctr *c)
{
  if (c == NULL)
    return;
  free (c->name);
  free (c->image);
  free (c->image_id);
  free (c->command);
  free (c->spec);
  memset (c, 0, sizeof *c);
}

void
hull_ctr_list_free (struct hull_ctr *v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    hull_ctr_clear (&v[i]);
  free (v);
}

static bool
valid_id (const char *id)
{
  size_t n = strspn (id, "0123456789abcdef");
  return n == 64 && id[n] == '\0';
}

/* --- insert ----------------------------------------------------------------------------- */

/* The id of the container called NAME into HOLDER (empty when none). */
static int
name_holder (struct hull_db *db, const char *name, char holder[65])
{
  cleanup_stmt sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db->h, "SELECT id FROM containers WHERE name = ?1", -1, &st, NULL);

  holder[0] = '\0';
  if (rc != SQLITE_OK || (rc = bind_text (st, 1, name)) != SQLITE_OK)
    return rc;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    snprintf (holder, 65, "%s", (const char *) sqlite3_column_text (st, 0));
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
insert_txn (struct hull_db *db, void *arg, hull_error_t *err)
{
  const struct hull_ctr *c = arg;
  cleanup_stmt sqlite3_stmt *st = NULL;
  char holder[65];
  int rc = name_holder (db, c->name, holder);

  if (rc != SQLITE_OK)
    return rc;
  if (holder[0] != '\0')
    {
      hull_error (err, 0, "the name `%s` is already in use by container %.12s", c->name, holder);
      return SQLITE_CONSTRAINT;
    }
  rc = sqlite3_prepare_v2 (db->h, "INSERT INTO containers (" COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                  " ?10, ?11, ?12, ?13, ?14)", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  if ((rc = bind_text (st, 1, c->id)) || (rc = bind_text (st, 2, c->name)) || (rc = bind_text (st, 3, c->image))
      || (rc = bind_text (st, 4, c->image_id)) || (rc = bind_text (st, 5, c->command))
      || (rc = bind_text (st, 6, c->spec)) || (rc = bind_text (st, 7, hull_ctr_state_name (c->state)))
      || (rc = sqlite3_bind_int (st, 8, c->exit_code)) || (rc = sqlite3_bind_int64 (st, 9, c->created_ns))
      || (rc = sqlite3_bind_int64 (st, 10, c->started_ns)) || (rc = sqlite3_bind_int64 (st, 11, c->finished_ns))
      || (rc = sqlite3_bind_int64 (st, 12, c->pid)) || (rc = sqlite3_bind_int64 (st, 13, c->monitor_pid))
      || (rc = sqlite3_bind_int64 (st, 14, (sqlite3_int64) c->monitor_start)))
    return rc;
  rc = step_done (st);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    hull_error (err, 0, "container %s: the ID is already in use", c->id);
  return rc;
}

int
hull_db_insert (struct hull_db *db, const struct hull_ctr *c, hull_error_t *err)
{
  if (!valid_id (c->id))
    return hull_error (err, 0, "container `%s`: the ID `%s` is not 64 lowercase hex digits",
                       c->name ? c->name : "", c->id);
  if (c->name == NULL || c->name[0] == '\0')
    return hull_error (err, 0, "container %.12s: an empty name", c->id);
  if ((unsigned) c->state >= N_STATES)
    return hull_error (err, 0, "container `%s`: state %d is not one of created, running, exited, removing", c->name,
                       (int) c->state);
  return in_txn (db, true, c->name, "insert", insert_txn, (void *) c, err);
}

/* --- lookups ---------------------------------------------------------------------------- */

struct get_arg
{
  const char *ref;
  struct hull_ctr *out;
};

/* The full ID, then a name, then an ID prefix: substr() compares the prefix, so no LIKE or
   GLOB metacharacter in REF means anything. Two prefix matches make REF ambiguous. */
static int
get_txn (struct hull_db *db, void *arg, hull_error_t *err)
{
  struct get_arg *a = arg;
  cleanup_stmt sqlite3_stmt *st = NULL;
  char first[65];
  int rank, rc;

  rc = sqlite3_prepare_v2 (db->h, "SELECT " COLUMNS ", CASE WHEN id = ?1 THEN 0 WHEN name = ?1 THEN 1 ELSE 2 END AS rank"
                                  " FROM containers WHERE id = ?1 OR name = ?1 OR substr (id, 1, length (?1)) = ?1"
                                  " ORDER BY rank, seq LIMIT 2", -1, &st, NULL);
  if (rc != SQLITE_OK || (rc = bind_text (st, 1, a->ref)) != SQLITE_OK)
    return rc;
  rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    {
      hull_error (err, 0, "no such container `%s`", a->ref);
      return SQLITE_NOTFOUND;
    }
  if (rc != SQLITE_ROW)
    return rc;
  rank = sqlite3_column_int (st, 14);
  snprintf (first, sizeof first, "%s", (const char *) sqlite3_column_text (st, 0));
  read_row (st, a->out);
  if (rank < 2)
    return SQLITE_OK;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      hull_error (err, 0, "`%s` is ambiguous: it begins the IDs of %.12s and %.12s (and maybe more)", a->ref, first,
                  (const char *) sqlite3_column_text (st, 0));
      hull_ctr_clear (a->out);
      return SQLITE_CONSTRAINT;
    }
  if (rc != SQLITE_DONE)
    hull_ctr_clear (a->out);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
hull_db_get (struct hull_db *db, const char *ref, struct hull_ctr *out, hull_error_t *err)
{
  struct get_arg a = { ref, out };

  memset (out, 0, sizeof *out);
  if (ref == NULL || ref[0] == '\0')
    return hull_error (err, 0, "no such container ``: an empty name or ID");
  if (in_txn (db, false, ref, "look up", get_txn, &a, err) < 0)
    {
      hull_ctr_clear (out);
      return -1;
    }
  return 0;
}

struct list_arg
{
  struct hull_ctr *v;
  size_t n;
};

static int
list_txn (struct hull_db *db, void *arg, hull_error_t *err)
{
  struct list_arg *a = arg;
  cleanup_stmt sqlite3_stmt *st = NULL;
  size_t cap = 0;
  int rc = sqlite3_prepare_v2 (db->h, "SELECT " COLUMNS " FROM containers ORDER BY seq", -1, &st, NULL);

  /* a retried transaction begins the list again */
  hull_ctr_list_free (a->v, a->n);
  a->v = NULL;
  a->n = 0;
  if (rc != SQLITE_OK)
    return rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (a->n == cap)
        {
          cap = cap ? cap * 2 : 16;
          a->v = xrealloc (a->v, cap * sizeof *a->v);
        }
      memset (&a->v[a->n], 0, sizeof *a->v);
      read_row (st, &a->v[a->n++]);
    }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
hull_db_list (struct hull_db *db, struct hull_ctr **out, size_t *n, hull_error_t *err)
{
  struct list_arg a = { NULL, 0 };

  if (in_txn (db, false, NULL, "list the containers", list_txn, &a, err) < 0)
    {
      hull_ctr_list_free (a.v, a.n);
      return -1;
    }
  *out = a.v;
  *n = a.n;
  return 0;
}

/* --- changes ---------------------------------------------------------------------------- */

/* One UPDATE ... WHERE id = ?1 with parameters ?2... bound from ARGS (int64, or text when
   the SQL's parameter is a state name: see the callers). */
struct update_arg
{
  const char *sql;
  const char *id;
  const char *texts[4];     /* ?2.. ?5 when the update binds state names */
  sqlite3_int64 ints[3];    /* otherwise ?2.. ?4 */
  int n_texts, n_ints;
  int changes;
};

static int
update_txn (struct hull_db *db, void *arg, hull_error_t *err)
{
  struct update_arg *a = arg;
  cleanup_stmt sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db->h, a->sql, -1, &st, NULL);

  if (rc != SQLITE_OK || (rc = bind_text (st, 1, a->id)) != SQLITE_OK)
    return rc;
  for (int i = 0; i < a->n_texts; i++)
    if ((rc = bind_text (st, 2 + i, a->texts[i])) != SQLITE_OK)
      return rc;
  for (int i = 0; i < a->n_ints; i++)
    if ((rc = sqlite3_bind_int64 (st, 2 + a->n_texts + i, a->ints[i])) != SQLITE_OK)
      return rc;
  rc = step_done (st);
  a->changes = sqlite3_changes (db->h);
  return rc;
}

/* Run A; MUST_EXIST: no row changed is "no such container". */
static int
update (struct hull_db *db, struct update_arg *a, const char *what, bool must_exist, hull_error_t *err)
{
  if (in_txn (db, true, a->id, what, update_txn, a, err) < 0)
    return -1;
  if (must_exist && a->changes == 0)
    return hull_error (err, 0, "container `%s`: %s: no such container", a->id, what);
  return 0;
}

/* A container being removed stays REMOVING when its monitor reports it started or ended, so
   that no second remover can claim it. */
int
hull_db_set_running (struct hull_db *db, const char *id, pid_t pid, int64_t started_ns, hull_error_t *err)
{
  struct update_arg a = { .sql = "UPDATE containers SET state = CASE state WHEN 'removing' THEN state ELSE 'running' END,"
                                 " pid = ?2, started_ns = ?3, exit_code = 0, finished_ns = 0 WHERE id = ?1",
                          .id = id, .ints = { pid, started_ns }, .n_ints = 2 };
  return update (db, &a, "set running", true, err);
}

int
hull_db_set_exited (struct hull_db *db, const char *id, int code, int64_t finished_ns, hull_error_t *err)
{
  struct update_arg a = { .sql = "UPDATE containers SET state = CASE state WHEN 'removing' THEN state ELSE 'exited' END,"
                                 " exit_code = ?2, finished_ns = ?3, pid = 0 WHERE id = ?1",
                          .id = id, .ints = { code, finished_ns }, .n_ints = 2 };
  return update (db, &a, "set exited", false, err);
}

int
hull_db_set_monitor (struct hull_db *db, const char *id, pid_t pid, uint64_t start, hull_error_t *err)
{
  struct update_arg a = { .sql = "UPDATE containers SET monitor_pid = ?2, monitor_start = ?3 WHERE id = ?1",
                          .id = id, .ints = { pid, (sqlite3_int64) start }, .n_ints = 2 };
  return update (db, &a, "set its monitor", true, err);
}

/* One UPDATE whose WHERE tests the state: of two processes claiming at once, the second finds
   REMOVING and changes nothing. States not in FROM bind NULL, which IN never matches. */
int
hull_db_claim_removal (struct hull_db *db, const char *id, unsigned from, bool *moved, hull_error_t *err)
{
  struct update_arg a = { .sql = "UPDATE containers SET state = 'removing' WHERE id = ?1 AND state IN (?2, ?3, ?4, ?5)",
                          .id = id, .n_texts = 4 };

  *moved = false;
  for (unsigned s = 0; s < N_STATES; s++)
    a.texts[s] = (from & (1u << s)) ? state_names[s] : NULL;
  if (update (db, &a, "claim for removal", false, err) < 0)
    return -1;
  *moved = a.changes == 1;
  return 0;
}

int
hull_db_set_state (struct hull_db *db, const char *id, enum hull_ctr_state state, hull_error_t *err)
{
  struct update_arg a = { .sql = "UPDATE containers SET state = ?2 WHERE id = ?1", .id = id, .n_texts = 1 };

  if ((unsigned) state >= N_STATES)
    return hull_error (err, 0, "container `%s`: state %d is not one of created, running, exited, removing", id,
                       (int) state);
  a.texts[0] = state_names[state];
  return update (db, &a, "set its state", true, err);
}

int
hull_db_delete (struct hull_db *db, const char *id, hull_error_t *err)
{
  struct update_arg a = { .sql = "DELETE FROM containers WHERE id = ?1", .id = id };
  return update (db, &a, "delete", false, err);
}
