/* procattr.c: process.scheduler, process.ioPriority and linux.personality (see procattr.h). */
#define _GNU_SOURCE
#include "procattr.h"

#include <errno.h>
#include <linux/ioprio.h>
#include <linux/sched/types.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const policies[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
                                        "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE" };
static const char *const sched_flags[] = { "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
                                           "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
                                           "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
                                           "SCHED_FLAG_UTIL_CLAMP_MAX" };

/* NAME's index in V (the kernel's numbering for both tables above), or -1. */
static int
index_of (const char *const *v, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i], name) == 0)
      return (int) i;
  return -1;
}

static int
set_scheduler (json_t *s, hull_error_t *err)
{
  const char *policy = json_string_value (json_object_get (s, "policy"));
  struct sched_attr a = { .size = sizeof a };
  int p = index_of (policies, sizeof policies / sizeof policies[0], policy);
  size_t i;
  json_t *f;

  if (p < 0 || strcmp (policy, "SCHED_ISO") == 0)
    return hull_error (err, 0, "process.scheduler.policy `%s`: not a Linux scheduling policy", policy);
  a.sched_policy = (unsigned) p;
  a.sched_nice = (int) json_integer_value (json_object_get (s, "nice"));
  a.sched_priority = (unsigned) json_integer_value (json_object_get (s, "priority"));
  a.sched_runtime = (unsigned long long) json_integer_value (json_object_get (s, "runtime"));
  a.sched_deadline = (unsigned long long) json_integer_value (json_object_get (s, "deadline"));
  a.sched_period = (unsigned long long) json_integer_value (json_object_get (s, "period"));
  json_array_foreach (json_object_get (s, "flags"), i, f)
    {
      int bit = index_of (sched_flags, sizeof sched_flags / sizeof sched_flags[0], json_string_value (f));
      if (bit >= 0)
        a.sched_flags |= 1ULL << bit;
    }
  if (syscall (SYS_sched_setattr, 0, &a, 0) < 0)
    return hull_error_sys (err, "process.scheduler (%s)", policy);
  return 0;
}

static int
set_io_priority (json_t *io, hull_error_t *err)
{
  static const char *const classes[] = { "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                         "IOPRIO_CLASS_IDLE" };
  const char *name = json_string_value (json_object_get (io, "class"));
  int class = index_of (classes, sizeof classes / sizeof classes[0], name);
  int level = (int) json_integer_value (json_object_get (io, "priority"));

  if (class <= 0)
    return hull_error (err, 0, "process.ioPriority.class `%s`: unknown", name);
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE (class, level)) < 0)
    return hull_error_sys (err, "process.ioPriority (%s, %d)", name, level);
  return 0;
}

static int
set_personality (json_t *pers, hull_error_t *err)
{
  const char *domain = json_string_value (json_object_get (pers, "domain"));
  json_t *flags = json_object_get (pers, "flags");
  unsigned long persona = strcmp (domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;

  /* The spec defines no flags yet: one that is named cannot be honoured. */
  if (json_array_size (flags) > 0)
    return hull_error (err, 0, "linux.personality.flags: `%s` is not supported",
                       json_string_value (json_array_get (flags, 0)));
  if (personality (persona) < 0)
    return hull_error_sys (err, "linux.personality.domain `%s`", domain);
  return 0;
}

int
hull_procattr_apply (const struct hull_spec *spec, hull_error_t *err)
{
  const struct hull_process *p = spec->process;

  if (p && p->scheduler && set_scheduler (p->scheduler, err) < 0)
    return -1;
  if (p && p->io_priority && set_io_priority (p->io_priority, err) < 0)
    return -1;
  if (spec->linux_ && spec->linux_->personality && set_personality (spec->linux_->personality, err) < 0)
    return -1;
  return 0;
}
