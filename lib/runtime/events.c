/* events.c: `events`: a container's resource usage as runc's JSON events (events.h), once, or
   every interval until the container's init is gone, with an oom event each time the group's
   count of OOM kills has gone up (looked at every OOM_POLL_NS, or every interval when that is
   shorter, and once more when the init has gone). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cgroups/stats.h"
#include "../core/util.h"
#include "container.h"
#include "events.h"
#include "lifecycle.h"
#include "state.h"

#define OOM_POLL_NS 100000000ULL /* 100 ms */
#define NS_PER_SEC 1000000000ULL

struct watch
{
  const struct hull_events_opts *o;
  const struct hull_cgroup *cg;
  int pidfd;             /* the init's */
  bool oom_known;        /* the group has a memory controller with an OOM kill count */
  unsigned long long oom_kills;
};

static int
emit_stats (const struct hull_events_opts *o, const struct hull_cgroup *cg, hull_error_t *err)
{
  struct hull_cgroup_stats s;
  cleanup_free char *line = NULL;

  if (hull_cgroup_stats (cg, &s, err) < 0)
    return hull_error_wrap (err, "events of container `%s`", o->id);
  line = hull_event_stats_json (o->id, &s);
  hull_cgroup_stats_clear (&s);
  return o->emit (line, o->arg, err);
}

/* An oom event when the group has counted more OOM kills since the last look. */
static int
check_oom (struct watch *w, hull_error_t *err)
{
  cleanup_free char *line = NULL;
  unsigned long long count;
  bool found;

  if (!w->oom_known)
    return 0;
  if (hull_cgroup_oom_kills (w->cg, &found, &count, err) < 0)
    return hull_error_wrap (err, "events of container `%s`", w->o->id);
  if (!found || count <= w->oom_kills)
    return 0;
  w->oom_kills = count;
  line = hull_event_oom_json (w->o->id);
  return w->o->emit (line, w->o->arg, err);
}

static unsigned long long
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (unsigned long long) ts.tv_sec * NS_PER_SEC + (unsigned long long) ts.tv_nsec;
}

/* Wait up to NS for the init to end; *gone says whether it has. */
static int
wait_init (const struct watch *w, unsigned long long ns, bool *gone, hull_error_t *err)
{
  struct pollfd p = { .fd = w->pidfd, .events = POLLIN };
  struct timespec ts = { .tv_sec = (time_t) (ns / NS_PER_SEC), .tv_nsec = (long) (ns % NS_PER_SEC) };
  int r = ppoll (&p, 1, &ts, NULL);

  *gone = r > 0;
  if (r < 0 && errno != EINTR)
    return hull_error_sys (err, "events of container `%s`: wait for its process", w->o->id);
  return 0;
}

/* Stats every interval, OOM kills every step, until the init is gone. */
static int
watch (struct watch *w, hull_error_t *err)
{
  unsigned long long interval = w->o->interval_ns;
  unsigned long long step = interval < OOM_POLL_NS ? interval : OOM_POLL_NS;
  unsigned long long next = now_ns () + interval, now;
  bool gone = false;

  while (!gone)
    {
      now = now_ns ();
      if (now >= next)
        {
          if (emit_stats (w->o, w->cg, err) < 0)
            return -1;
          next = next + interval > now ? next + interval : now + interval;
        }
      if (wait_init (w, next - now < step ? next - now : step, &gone, err) < 0 || check_oom (w, err) < 0)
        return -1;
    }
  return 0;
}

/* ID's state and cgroup, for a container that is created, running or paused. */
static int
open_live (const struct hull_events_opts *o, struct hull_state **st, struct hull_cgroup **cg, hull_error_t *err)
{
  cleanup_close int root_fd = -1;
  cleanup_close int dir_fd = -1;
  enum hull_status status;

  if (hull_lifecycle_open (o->root, o->id, false, &root_fd, &dir_fd, st, err) < 0)
    return -1;
  if (*st == NULL)
    return hull_error (err, 0, "container `%s` is being created: it has no events yet", o->id);
  status = hull_state_status (dir_fd, *st);
  if (status == HULL_STATUS_STOPPED)
    return hull_error (err, 0, "container `%s` is stopped: it has no events to report", o->id);
  if ((*st)->cgroup_path == NULL)
    return hull_error (err, 0, "container `%s` has no cgroup: it has no statistics to report", o->id);
  if (hull_cgroup_open ((*st)->cgroup_path, cg, err) < 0)
    return hull_error_wrap (err, "events of container `%s`", o->id);
  return 0;
}

int
hull_container_events (const struct hull_events_opts *o, hull_error_t *err)
{
  cleanup_state struct hull_state *st = NULL;
  cleanup_cgroup struct hull_cgroup *cg = NULL;
  cleanup_close int pidfd = -1;
  struct watch w = { .o = o };

  if (open_live (o, &st, &cg, err) < 0)
    return -1;
  if (o->stats_once)
    return emit_stats (o, cg, err);
  if (o->interval_ns == 0)
    return hull_error (err, 0, "events of container `%s`: the interval must be longer than 0", o->id);
  pidfd = hull_lifecycle_init_pidfd (st, err);
  if (pidfd < 0)
    return *err ? hull_error_wrap (err, "events of container `%s`", o->id) : 0; /* it just ended */
  w.cg = cg;
  w.pidfd = pidfd;
  if (hull_cgroup_oom_kills (cg, &w.oom_known, &w.oom_kills, err) < 0)
    return hull_error_wrap (err, "events of container `%s`", o->id);
  return watch (&w, err);
}

/* ---- --interval ------------------------------------------------------------------------- */

/* The unit at P (longest first: "ms" before "m"), its length in *len; 0 when none. */
static unsigned long long
duration_unit (const char *p, size_t *len)
{
  static const struct
  {
    const char *name;
    unsigned long long ns;
  } units[] = { { "ns", 1 },           { "us", 1000 },        { "\u00b5s", 1000 },      { "\u03bcs", 1000 },
                { "ms", 1000000 },     { "s", NS_PER_SEC },   { "m", 60 * NS_PER_SEC }, { "h", 3600 * NS_PER_SEC } };

  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strncmp (p, units[i].name, strlen (units[i].name)) == 0)
      {
        *len = strlen (units[i].name);
        return units[i].ns;
      }
  return 0;
}

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* One NUMBER[.FRACTION]UNIT at *P, added to *total. S is the whole text: a number without a
   unit is seconds, when it is all there is. */
static int
duration_part (const char *s, const char **p, unsigned long long *total)
{
  const char *start = *p;
  unsigned long long whole = 0, frac = 0, scale = 1, unit, part;
  size_t len = 0;

  for (; is_digit (**p); (*p)++)
    {
      if (whole > (UINT64_MAX - 9) / 10)
        return -1;
      whole = whole * 10 + (unsigned) (**p - '0');
    }
  if (**p == '.')
    for ((*p)++; is_digit (**p); (*p)++)
      if (scale < NS_PER_SEC) /* digits beyond a nanosecond's share of the unit are dropped */
        {
          frac = frac * 10 + (unsigned) (**p - '0');
          scale *= 10;
        }
  if (*p == start || (*p == start + 1 && *start == '.'))
    return -1;
  unit = duration_unit (*p, &len);
  if (unit == 0 && (start != s || **p != '\0'))
    return -1;
  if (unit == 0)
    unit = NS_PER_SEC;
  *p += len;
  if (whole > INT64_MAX / unit)
    return -1;
  part = whole * unit + (unsigned long long) ((long double) frac * unit / scale);
  if (part > INT64_MAX - *total)
    return -1;
  *total += part;
  return 0;
}

int
hull_parse_duration (const char *s, unsigned long long *ns)
{
  unsigned long long total = 0;
  const char *p = s;

  if (s == NULL || *s == '\0')
    return -1;
  while (*p)
    if (duration_part (s, &p, &total) < 0)
      return -1;
  *ns = total;
  return 0;
}
