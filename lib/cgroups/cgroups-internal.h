/* cgroups-internal.h: helpers shared by cgroups.c (hierarchies, groups) and cgroups-procs.c
   (processes in a group). Not part of the public interface. */
#ifndef HULL_CGROUPS_INTERNAL_H
#define HULL_CGROUPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroups.h"

#define HULL_CGROUP_ROOT "/sys/fs/cgroup"

/* Whether a v1 hierarchy's mount point name lists CONTROLLER ("cpu,cpuacct" has "cpu"). */
bool hull_cgroup_hier_has (const struct hull_cgroup_hier *h, const char *controller);

/* The group's cgroup2 hierarchy, or NULL. */
const struct hull_cgroup_hier *hull_cgroup_v2_hier (const struct hull_cgroup *cg);

/* Whether the space- or newline-separated LIST holds the LEN bytes of WORD. */
bool hull_cgroup_word_in (const char *list, const char *word, size_t len);

/* The v1 freezer.state file of the group, or NULL when no freezer hierarchy holds it. */
char *hull_cgroup_v1_freezer_file (const struct hull_cgroup *cg);

/* One step of a bounded back-off: sleep *delay_us (at most what is left of budget_us, counted
   in *slept_us), then double *delay_us. Returns false, without sleeping, once the budget is
   spent. */
bool hull_cgroup_backoff (long *slept_us, long *delay_us, long budget_us);

#endif
