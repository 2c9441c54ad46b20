/* engine.c: the engine's places (data root, run root, the runtime's state directory, each
   container's directory), its database, and what is true of a container whose monitor is gone. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "../runtime/container.h"
#include "../runtime/state.h"
#include "engine.h"
#include "hull-config.h"

int64_t
hull_engine_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char *
default_run_root (bool rootless, uid_t uid)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (!rootless)
    return xstrdup ("/run/hull");
  if (xdg && *xdg == '/')
    return xasprintf ("%s/hull", xdg);
  return xasprintf ("/tmp/hull-run-%u", (unsigned) uid);
}

/* hull-init: $HULL_INIT, else the installed one, else the one in the build tree. */
static char *
find_init (void)
{
  const char *env = getenv ("HULL_INIT");
  const char *paths[] = { HULL_INIT_INSTALLED, HULL_INIT_BUILT };

  if (env && *env)
    return xstrdup (env);
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
    if (access (paths[i], X_OK) == 0)
      return xstrdup (paths[i]);
  return NULL;
}

int
hull_engine_init (struct hull_engine *e, const char *root, const char *run_root, const struct hull_log *log,
                  hull_error_t *err)
{
  cleanup_free char *ctrs = NULL;
  struct stat st;

  memset (e, 0, sizeof *e);
  e->uid = geteuid ();
  e->gid = getegid ();
  e->rootless = e->uid != 0;
  e->log = log;
  e->root = xstrdup (root);
  e->run_root = run_root ? xstrdup (run_root) : default_run_root (e->rootless, e->uid);
  e->runtime_root = xasprintf ("%s/runtime", e->run_root);
  e->init_path = find_init ();
  ctrs = xasprintf ("%s/containers", e->root);
  if (hull_mkdir_p (ctrs, 0700, "directory", err) < 0 || hull_mkdir_p (e->runtime_root, 0700, "directory", err) < 0)
    return -1;
  /* a run root someone else made (the /tmp fallback) must be ours alone */
  if (stat (e->run_root, &st) < 0)
    return hull_error_sys (err, "run root `%s`", e->run_root);
  if (st.st_uid != e->uid || (st.st_mode & 0077) != 0)
    return hull_error (err, 0, "run root `%s`: not owned by uid %u alone (mode %03o, owner %u)", e->run_root,
                       (unsigned) e->uid, (unsigned) (st.st_mode & 0777), (unsigned) st.st_uid);
  return 0;
}

void
hull_engine_clear (struct hull_engine *e)
{
  free (e->root);
  free (e->run_root);
  free (e->runtime_root);
  free (e->init_path);
  memset (e, 0, sizeof *e);
}

int
hull_engine_db (const struct hull_engine *e, struct hull_db **db, hull_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/engine.db", e->root);
  return hull_db_open (path, db, err);
}

char *
hull_engine_ctr_path (const struct hull_engine *e, const char *id, const char *name)
{
  if (name == NULL)
    return xasprintf ("%s/containers/%s", e->root, id);
  return xasprintf ("%s/containers/%s/%s", e->root, id, name);
}

int
hull_engine_ctr_dir (const struct hull_engine *e, const char *id, int *fd, hull_error_t *err)
{
  cleanup_free char *path = hull_engine_ctr_path (e, id, NULL);

  *fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (*fd < 0)
    return hull_error_sys (err, "container %.12s: its directory `%s`", id, path);
  return 0;
}

int
hull_engine_get (const struct hull_engine *e, struct hull_db *db, const char *ref, struct hull_ctr *out,
                 hull_error_t *err)
{
  if (hull_db_get (db, ref, out, err) < 0)
    return -1;
  hull_engine_reconcile (e, out);
  return 0;
}

bool
hull_engine_ended (const struct hull_engine *e, struct hull_db *db, const char *id, int *code)
{
  struct hull_ctr c = { 0 };
  hull_error_t err = NULL;
  bool ended;

  if (hull_engine_get (e, db, id, &c, &err) < 0)
    {
      /* a --rm container removed meanwhile has ended */
      hull_error_free (&err);
      if (code)
        *code = -1;
      return true;
    }
  ended = c.state != HULL_CTR_RUNNING;
  if (ended && code)
    *code = c.exit_code;
  hull_ctr_clear (&c);
  return ended;
}

bool
hull_engine_monitor_alive (const struct hull_ctr *c)
{
  unsigned long long start;
  bool zombie;

  if (c->monitor_pid <= 0)
    return false;
  if (hull_proc_start_time (c->monitor_pid, &start, &zombie) < 0)
    return false;
  return !zombie && start == c->monitor_start;
}

void
hull_engine_reconcile (const struct hull_engine *e, struct hull_ctr *c)
{
  cleanup_json json_t *state = NULL;
  hull_error_t err = NULL;
  const char *status;

  if (c->state != HULL_CTR_RUNNING || hull_engine_monitor_alive (c))
    return;
  if (hull_container_state (e->runtime_root, c->id, &state, &err) < 0)
    {
      hull_error_free (&err);
      status = "stopped";
    }
  else
    status = json_string_value (json_object_get (state, "status")) ?: "stopped";
  if (strcmp (status, "stopped") == 0)
    {
      c->state = HULL_CTR_EXITED;
      c->exit_code = -1;
      c->pid = 0;
    }
}
