/* test_db.c: unit tests for lib/engine/db.c: records inserted and found by ID, name and ID
   prefix (ambiguous and LIKE-looking prefixes included), a taken name refused with its holder
   named, state changes, one claim for removal of several, deletion, creation order, the file
   modes and close-on-exec descriptors, and 50 processes inserting and updating at once. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness.h"
#include "core/util.h"
#include "engine/db.h"

#define N_PROCS 50

static void
make_ctr (struct hull_ctr *c, const char *id_head, unsigned n, const char *name)
{
  memset (c, 0, sizeof *c);
  /* ID_HEAD, then N in hex, then zeros to 64 digits */
  char head[32];
  int l = snprintf (head, sizeof head, "%s%08x", id_head, n);
  memset (c->id, '0', 64);
  memcpy (c->id, head, (size_t) l);
  c->id[64] = '\0';
  c->name = (char *) name;
  c->image = (char *) "docker.io/library/busybox:latest";
  c->image_id = (char *) "sha256:0123";
  c->command = (char *) "[\"sh\"]";
  c->spec = (char *) "{}";
  c->state = HULL_CTR_CREATED;
  c->created_ns = 1000 + n;
}

static void
test_insert_get (struct hull_db *db)
{
  hull_error_t err = NULL;
  struct hull_ctr c, got = { 0 };

  make_ctr (&c, "abc1", 1, "web");
  T_OK (hull_db_insert (db, &c, &err) == 0, "insert web: %s", err ? err->msg : "");
  hull_error_free (&err);
  make_ctr (&c, "abc2", 2, "db");
  c.image = NULL;
  T_OK (hull_db_insert (db, &c, &err) == 0, "insert db (no image)");
  hull_error_free (&err);

  T_OK (hull_db_get (db, "web", &got, &err) == 0 && strncmp (got.id, "abc1", 4) == 0 && strcmp (got.name, "web") == 0
          && strcmp (got.image, "docker.io/library/busybox:latest") == 0 && strcmp (got.command, "[\"sh\"]") == 0
          && got.state == HULL_CTR_CREATED && got.created_ns == 1001,
        "found by name, every field back");
  char full[65];
  snprintf (full, sizeof full, "%s", got.id);
  hull_ctr_clear (&got);
  T_OK (hull_db_get (db, full, &got, &err) == 0 && strcmp (got.name, "web") == 0, "found by full ID");
  hull_ctr_clear (&got);
  T_OK (hull_db_get (db, "abc2", &got, &err) == 0 && strcmp (got.name, "db") == 0 && got.image == NULL,
        "found by unique prefix, NULL image kept");
  hull_ctr_clear (&got);
  T_OK (hull_db_get (db, "abc", &got, &err) < 0 && strstr (err->msg, "`abc` is ambiguous") && strstr (err->msg, "abc1")
          && strstr (err->msg, "abc2") && got.name == NULL,
        "ambiguous prefix refused, both named: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_db_get (db, "ab%", &got, &err) < 0 && strstr (err->msg, "no such container `ab%`"),
        "LIKE metacharacters mean nothing: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_db_get (db, "ab*", &got, &err) < 0 && hull_db_get (db, "_", &got, &err) < 0, "nor do GLOB's or `_`");
  hull_error_free (&err);
  T_OK (hull_db_get (db, "", &got, &err) < 0 && strstr (err->msg, "empty"), "an empty reference refused");
  hull_error_free (&err);

  make_ctr (&c, "abc3", 3, "web");
  T_OK (hull_db_insert (db, &c, &err) < 0 && err
          && strcmp (err->msg, "the name `web` is already in use by container abc100000001") == 0,
        "a taken name refused, its holder named: %s", err ? err->msg : "");
  hull_error_free (&err);
  make_ctr (&c, "abc1", 1, "other");
  T_OK (hull_db_insert (db, &c, &err) < 0 && strstr (err->msg, "ID is already in use"), "a taken ID refused: %s",
        err ? err->msg : "");
  hull_error_free (&err);
  make_ctr (&c, "ABC", 4, "upper");
  T_OK (hull_db_insert (db, &c, &err) < 0 && strstr (err->msg, "64 lowercase hex") && strstr (err->msg, "upper"),
        "a malformed ID refused: %s", err ? err->msg : "");
  hull_error_free (&err);
  make_ctr (&c, "abc4", 4, "");
  T_OK (hull_db_insert (db, &c, &err) < 0 && strstr (err->msg, "empty name"), "an empty name refused");
  hull_error_free (&err);
  /* a name that looks like another container's prefix: the name wins */
  make_ctr (&c, "def", 5, "abc2");
  T_OK (hull_db_insert (db, &c, &err) == 0 && hull_db_get (db, "abc2", &got, &err) == 0 && strncmp (got.id, "def", 3) == 0,
        "a name is looked up before an ID prefix");
  hull_ctr_clear (&got);
  hull_error_free (&err);
}

static void
test_states (struct hull_db *db)
{
  hull_error_t err = NULL;
  struct hull_ctr got = { 0 };
  bool moved = false, moved2 = true;
  char id[65] = "";

  if (hull_db_get (db, "web", &got, &err) == 0)
    snprintf (id, sizeof id, "%s", got.id);
  hull_ctr_clear (&got);

  T_OK (hull_db_set_monitor (db, id, 4242, 987654321ULL, &err) == 0 && hull_db_set_running (db, id, 4343, 5000, &err) == 0
          && hull_db_get (db, "web", &got, &err) == 0 && got.state == HULL_CTR_RUNNING && got.pid == 4343
          && got.started_ns == 5000 && got.monitor_pid == 4242 && got.monitor_start == 987654321ULL,
        "running, with its pid and monitor: %s", err ? err->msg : "");
  hull_ctr_clear (&got);
  T_OK (strcmp (hull_ctr_state_name (HULL_CTR_RUNNING), "running") == 0
          && strcmp (hull_ctr_state_name (HULL_CTR_REMOVING), "removing") == 0,
        "state names");
  T_OK (hull_db_set_exited (db, id, 137, 6000, &err) == 0 && hull_db_get (db, "web", &got, &err) == 0
          && got.state == HULL_CTR_EXITED && got.exit_code == 137 && got.pid == 0 && got.finished_ns == 6000,
        "exited 137, pid cleared");
  hull_ctr_clear (&got);
  T_OK (hull_db_set_running (db, "f00", 1, 1, &err) < 0 && strstr (err->msg, "container `f00`")
          && strstr (err->msg, "no such container"),
        "set running on a missing container: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_db_set_exited (db, "f00", 0, 1, &err) == 0, "set exited on a missing container is no error");

  unsigned mask = 1u << HULL_CTR_CREATED | 1u << HULL_CTR_EXITED;
  T_OK (hull_db_claim_removal (db, id, 1u << HULL_CTR_RUNNING, &moved, &err) == 0 && !moved,
        "claim from RUNNING only: an exited container does not move");
  T_OK (hull_db_claim_removal (db, id, mask, &moved, &err) == 0 && moved
          && hull_db_claim_removal (db, id, mask, &moved2, &err) == 0 && !moved2,
        "claimed once, the second claim does not move it");
  T_OK (hull_db_set_exited (db, id, 1, 7000, &err) == 0 && hull_db_set_running (db, id, 9, 8000, &err) == 0
          && hull_db_get (db, id, &got, &err) == 0 && got.state == HULL_CTR_REMOVING,
        "a late exit or start report leaves it REMOVING");
  hull_ctr_clear (&got);
  T_OK (hull_db_set_state (db, id, HULL_CTR_EXITED, &err) == 0 && hull_db_get (db, id, &got, &err) == 0
          && got.state == HULL_CTR_EXITED && hull_db_claim_removal (db, id, mask, &moved, &err) == 0 && moved,
        "back to EXITED after a failed removal, claimed again");
  hull_ctr_clear (&got);
  T_OK (hull_db_set_state (db, id, (enum hull_ctr_state) 9, &err) < 0 && strstr (err->msg, "state 9"),
        "an unknown state refused");
  hull_error_free (&err);

  T_OK (hull_db_delete (db, id, &err) == 0 && hull_db_get (db, "web", &got, &err) < 0
          && strstr (err->msg, "no such container `web`"),
        "deleted: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_db_delete (db, id, &err) == 0, "deleting it again is no error");
  bool missing_moved = true;
  T_OK (hull_db_claim_removal (db, id, mask, &missing_moved, &err) == 0 && !missing_moved,
        "claiming a missing container: not moved, no error");
}

static void
test_list (struct hull_db *db)
{
  hull_error_t err = NULL;
  struct hull_ctr *v = NULL, c;
  size_t n = 0;

  make_ctr (&c, "0", 7, "web"); /* the name is free again; its ID sorts first */
  T_OK (hull_db_insert (db, &c, &err) == 0, "name reused after delete");
  T_OK (hull_db_list (db, &v, &n, &err) == 0 && n == 3 && strcmp (v[0].name, "db") == 0 && strcmp (v[1].name, "abc2") == 0
          && strcmp (v[2].name, "web") == 0,
        "list in creation order (%zu)", n);
  hull_ctr_list_free (v, n);
}

/* Every descriptor this process has on FILE (db, -wal, -shm) is close-on-exec. */
static int
count_fds (const char *dir, bool *all_cloexec)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;
  int n = 0;
  char link[4096];

  *all_cloexec = true;
  while (d && (de = readdir (d)))
    {
      cleanup_free char *p = xasprintf ("/proc/self/fd/%s", de->d_name);
      ssize_t l = readlink (p, link, sizeof link - 1);
      if (l <= 0)
        continue;
      link[l] = '\0';
      if (strncmp (link, dir, strlen (dir)) != 0 || strstr (link, "engine.db") == NULL)
        continue;
      n++;
      if (!(fcntl (atoi (de->d_name), F_GETFD) & FD_CLOEXEC))
        *all_cloexec = false;
    }
  if (d)
    closedir (d);
  return n;
}

static void
test_files (struct hull_db *db, const char *dir)
{
  struct stat st;
  bool cloexec = false;
  cleanup_free char *p = xasprintf ("%s/engine.db", dir);
  cleanup_free char *wal = xasprintf ("%s/engine.db-wal", dir);
  cleanup_free char *shm = xasprintf ("%s/engine.db-shm", dir);

  T_OK (stat (p, &st) == 0 && (st.st_mode & 0777) == 0600, "engine.db is 0600 (%o)", st.st_mode & 0777);
  T_OK (stat (wal, &st) == 0 && (st.st_mode & 0777) == 0600, "engine.db-wal is 0600: WAL journal");
  T_OK (stat (shm, &st) == 0 && (st.st_mode & 0777) == 0600, "engine.db-shm is 0600");
  int n = count_fds (dir, &cloexec);
  T_OK (n >= 2 && cloexec, "SQLite's %d descriptors are all close-on-exec", n);
}

static void
test_reopen (const char *dir)
{
  hull_error_t err = NULL;
  struct hull_db *db = NULL;
  struct hull_ctr got = { 0 };
  cleanup_free char *p = xasprintf ("%s/engine.db", dir);
  cleanup_free char *p2 = xasprintf ("%s/future.db", dir);
  cleanup_free char *link = xasprintf ("%s/link.db", dir);

  T_OK (hull_db_open (p, &db, &err) == 0 && hull_db_get (db, "db", &got, &err) == 0, "reopened, rows kept");
  hull_ctr_clear (&got);
  hull_db_close (db);
  db = NULL;

  /* a database from a newer hull is refused, not rewritten */
  T_OK (hull_db_open (p2, &db, &err) == 0, "a second database");
  hull_db_close (db);
  db = NULL;
  {
    cleanup_free char *cmd = xasprintf ("sqlite3 '%s' 'PRAGMA user_version = 99' 2>/dev/null", p2);
    if (system (cmd) != 0)
      T_SKIP ("no sqlite3 command", "a newer schema version refused");
    else
      {
        T_OK (hull_db_open (p2, &db, &err) < 0 && strstr (err->msg, "schema version 99"), "a newer schema refused: %s",
              err ? err->msg : "");
        hull_error_free (&err);
      }
  }
  T_OK (symlink (p, link) == 0 && hull_db_open (link, &db, &err) < 0 && db == NULL, "a symlink refused: %s",
        err ? err->msg : "");
  hull_error_free (&err);
}

/* N_PROCS processes open the database at the same moment (a pipe they all wait on closes),
   each inserts a container and moves it to RUNNING and EXITED. */
static int
child (const char *path, int gate, unsigned i)
{
  hull_error_t err = NULL;
  struct hull_db *db = NULL;
  struct hull_ctr c;
  char name[32], b;
  int rc = 0;

  if (read (gate, &b, 1) < 0)
    return 2;
  snprintf (name, sizeof name, "c%u", i);
  make_ctr (&c, "cc", i, name);
  if (hull_db_open (path, &db, &err) < 0 || hull_db_insert (db, &c, &err) < 0
      || hull_db_set_running (db, c.id, 100 + (pid_t) i, 1, &err) < 0
      || hull_db_set_exited (db, c.id, (int) i % 256, 2, &err) < 0)
    {
      fprintf (stderr, "child %u: %s\n", i, err ? err->msg : "?");
      rc = 1;
    }
  hull_error_free (&err);
  hull_db_close (db);
  return rc;
}

static void
test_concurrent (const char *dir)
{
  hull_error_t err = NULL;
  struct hull_db *db = NULL;
  struct hull_ctr *v = NULL;
  size_t n = 0, good = 0;
  int gate[2], failed = 0;
  pid_t pids[N_PROCS];
  cleanup_free char *p = xasprintf ("%s/shared.db", dir);

  if (pipe (gate) < 0)
    abort ();
  for (unsigned i = 0; i < N_PROCS; i++)
    {
      pids[i] = fork ();
      if (pids[i] == 0)
        {
          close (gate[1]);
          _exit (child (p, gate[0], i));
        }
    }
  close (gate[0]);
  close (gate[1]); /* all of them go */
  for (unsigned i = 0; i < N_PROCS; i++)
    {
      int st;
      if (pids[i] < 0 || waitpid (pids[i], &st, 0) < 0 || !WIFEXITED (st) || WEXITSTATUS (st) != 0)
        failed++;
    }
  T_OK (failed == 0, "%d processes opened, inserted and updated at once, %d failed", N_PROCS, failed);
  T_OK (hull_db_open (p, &db, &err) == 0 && hull_db_list (db, &v, &n, &err) == 0, "listed");
  for (size_t i = 0; i < n; i++)
    good += v[i].state == HULL_CTR_EXITED && v[i].pid == 0 && strncmp (v[i].name, "c", 1) == 0;
  T_OK (n == N_PROCS && good == N_PROCS, "all %d rows there, each EXITED (%zu, %zu)", N_PROCS, n, good);
  hull_ctr_list_free (v, n);
  hull_db_close (db);
}

/* A handle used in a forked child is refused, and closing it there leaves the parent's
   database whole. */
static void
test_fork (struct hull_db *db)
{
  hull_error_t err = NULL;
  struct hull_ctr *v = NULL;
  size_t n = 0;
  int st = 0;
  pid_t pid = fork ();

  if (pid == 0)
    {
      struct hull_ctr got;
      int bad = hull_db_get (db, "db", &got, &err) == 0 || err == NULL || strstr (err->msg, "after fork") == NULL;
      hull_db_close (db);
      _exit (bad);
    }
  T_OK (pid > 0 && waitpid (pid, &st, 0) == pid && WIFEXITED (st) && WEXITSTATUS (st) == 0,
        "a handle used after fork is refused in the child");
  T_OK (hull_db_list (db, &v, &n, &err) == 0 && n == 3, "the parent's handle still works");
  hull_ctr_list_free (v, n);
}

int
main (void)
{
  char dir[] = "/tmp/hull-test-db-XXXXXX";
  hull_error_t err = NULL;
  struct hull_db *db = NULL;

  if (mkdtemp (dir) == NULL)
    return 1;
  umask (022);
  cleanup_free char *p = xasprintf ("%s/engine.db", dir);
  T_OK (hull_db_open (p, &db, &err) == 0, "opened a new database: %s", err ? err->msg : "");
  if (db == NULL)
    return hull_test_done ();
  test_insert_get (db);
  test_states (db);
  test_list (db);
  test_files (db, dir);
  test_fork (db);
  hull_db_close (db);
  test_reopen (dir);
  test_concurrent (dir);
  hull_rm_rf_at (AT_FDCWD, dir, &err);
  hull_error_free (&err);
  return hull_test_done ();
}
