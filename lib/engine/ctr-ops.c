/* ctr-ops.c: what is done to a container from outside its monitor: kill, stop, wait and
   remove. Signals go through the runtime (its state has the init's pid and start time, so a
   recycled pid is never signalled); the monitor notices the end and records it. Removal is
   claimed in the record first, so only one of `rm`, `rm -f` and the monitor's --rm does it,
   and each of its steps may already have been done by an earlier attempt. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "../runtime/container.h"
#include "engine.h"

#define POLL_NS (10 * 1000 * 1000)

static void
pause_poll (void)
{
  struct timespec ts = { 0, POLL_NS };
  nanosleep (&ts, NULL);
}

int
hull_engine_start_failure_code (int errno_)
{
  if (errno_ == ENOENT)
    return 127;
  if (errno_ == EACCES || errno_ == ENOEXEC || errno_ == EISDIR)
    return 126;
  return 125;
}

int
hull_engine_kill (const struct hull_engine *e, const struct hull_ctr *c, int sig, bool all, hull_error_t *err)
{
  if (c->state != HULL_CTR_RUNNING)
    return hull_error (err, 0, "container %s (%.12s) is not running: it is %s", c->name, c->id,
                       hull_ctr_state_name (c->state));
  if (hull_container_kill (e->runtime_root, c->id, sig, all, err) < 0)
    return hull_error_wrap (err, "container %s", c->name);
  return 0;
}

/* Until ID has ended (its exit code to *CODE, may be NULL), or DEADLINE_NS (0: none) has
   passed: whether it ended. */
static bool
wait_end (const struct hull_engine *e, struct hull_db *db, const char *id, int64_t deadline_ns, int *code)
{
  while (!hull_engine_ended (e, db, id, code))
    {
      if (deadline_ns && hull_engine_now_ns () >= deadline_ns)
        return false;
      pause_poll ();
    }
  return true;
}

void
hull_engine_wait (const struct hull_engine *e, struct hull_db *db, const char *id, int *exit_code)
{
  wait_end (e, db, id, 0, exit_code);
}

void
hull_engine_stop (const struct hull_engine *e, struct hull_db *db, const struct hull_ctr *c, int sig,
                  unsigned timeout_s)
{
  hull_error_t kerr = NULL;

  if (c->state != HULL_CTR_RUNNING)
    return;
  /* a failed signal (the container ended meanwhile) is no error: the wait tells */
  if (hull_container_kill (e->runtime_root, c->id, sig, false, &kerr) < 0)
    hull_error_free (&kerr);
  if (wait_end (e, db, c->id, hull_engine_now_ns () + (int64_t) timeout_s * 1000000000, NULL))
    return;
  hull_debug (e->log, "container %s: still running %us after signal %d; killing it", c->name, timeout_s, sig);
  if (hull_container_kill (e->runtime_root, c->id, SIGKILL, true, &kerr) < 0)
    hull_error_free (&kerr);
  wait_end (e, db, c->id, 0, NULL);
}

int
hull_engine_teardown (const struct hull_engine *e, const char *id, hull_error_t *err)
{
  cleanup_free char *ctrs = xasprintf ("%s/containers", e->root);
  cleanup_close int fd = -1;

  if (hull_container_delete (e->runtime_root, id, true, e->log, err) < 0)
    {
      if ((*err)->errno_ != ENOENT)
        return hull_error_wrap (err, "container %.12s: runtime", id);
      hull_error_free (err);
    }
  /* unmounted before the tree goes: never remove files through the overlay */
  if (hull_engine_rootfs_unmount (e, id, err) < 0)
    return -1;
  fd = open (ctrs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hull_error_sys (err, "`%s`", ctrs);
  if (hull_rm_rf_at (fd, id, err) < 0 && (*err)->errno_ != ENOENT)
    return hull_error_wrap (err, "container %.12s: its directory", id);
  hull_error_free (err);
  return 0;
}

int
hull_engine_remove (const struct hull_engine *e, const char *ref, bool force, hull_error_t *err)
{
  cleanup_db struct hull_db *db = NULL;
  struct hull_ctr c = { 0 };
  unsigned from = 1u << HULL_CTR_CREATED | 1u << HULL_CTR_EXITED | 1u << HULL_CTR_REMOVING;
  bool moved = false;
  int r = -1;

  if (hull_engine_db (e, &db, err) < 0 || hull_engine_get (e, db, ref, &c, err) < 0)
    return -1;
  /* recorded running, but its monitor is gone and so is the container: no one else will
     record its end, so the record is claimed from running */
  if (c.state == HULL_CTR_EXITED && c.exit_code == -1)
    from |= 1u << HULL_CTR_RUNNING;
  if (c.state == HULL_CTR_RUNNING && !force)
    {
      hull_error (err, 0, "container %s (%.12s) is running: stop it first, or remove it with -f", c.name, c.id);
      goto out;
    }
  if (force)
    from |= 1u << HULL_CTR_RUNNING;
  if (hull_db_claim_removal (db, c.id, from, &moved, err) < 0)
    goto out;
  if (!moved)
    {
      hull_error (err, 0, "container %s (%.12s) started again while being removed: try again", c.name, c.id);
      goto out;
    }
  /* a failed teardown leaves the record REMOVING: the next rm retries it */
  if (hull_engine_teardown (e, c.id, err) < 0)
    goto out;
  r = hull_db_delete (db, c.id, err);
  /* a monitor that was watching it notices the end and exits at once: rm returns after it,
     so nothing of the container runs on once rm has said it is gone */
  for (int i = 0; r == 0 && i < 500 && hull_engine_monitor_alive (&c); i++)
    pause_poll ();
out:
  hull_ctr_clear (&c);
  return r;
}
