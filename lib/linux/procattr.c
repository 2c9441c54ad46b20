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

/* NAME's index in the NULL-terminated V (the spec's name lists are in the kernel's order,
   see spec.h), or -1. */
static int
index_of (const char *const *v, const char *name)
{
  for (int i = 0; v[i]; i++)
    if (strcmp (v[i], name) == 0)
      return i;
  return -1;
}

static int
set_scheduler (json_t *s, hull_error_t *err)
{
  const char *policy = json_string_value (json_object_get (s, "policy"));
  struct sched_attr a = { .size = sizeof a };
  int p = index_of (hull_spec_sched_policies, policy);
  size_t i;
  json_t *f;

  /* validated, and SCHED_ISO refused at create (checks.c) */
  a.sched_policy = (unsigned) p;
  a.sched_nice = (int) json_integer_value (json_object_get (s, "nice"));
  a.sched_priority = (unsigned) json_integer_value (json_object_get (s, "priority"));
  a.sched_runtime = (unsigned long long) json_integer_value (json_object_get (s, "runtime"));
  a.sched_deadline = (unsigned long long) json_integer_value (json_object_get (s, "deadline"));
  a.sched_period = (unsigned long long) json_integer_value (json_object_get (s, "period"));
  json_array_foreach (json_object_get (s, "flags"), i, f)
    {
      int bit = index_of (hull_spec_sched_flags, json_string_value (f));
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
  const char *name = json_string_value (json_object_get (io, "class"));
  int class = index_of (hull_spec_ioprio_classes, name) + 1; /* validated */
  int level = (int) json_integer_value (json_object_get (io, "priority"));

  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE (class, level)) < 0)
    return hull_error_sys (err, "process.ioPriority (%s, %d)", name, level);
  return 0;
}

static int
set_personality (json_t *pers, hull_error_t *err)
{
  const char *domain = json_string_value (json_object_get (pers, "domain"));
  unsigned long persona = strcmp (domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;

  /* flags, which the spec does not define yet, are refused at create (checks.c) */
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
