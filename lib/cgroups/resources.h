/* resources.h: linux.resources written into the container's group. Each controller's
   settings go to the hierarchy that has the controller: a v1 hierarchy named after it, or the
   cgroup2 one (on hybrid hosts, whichever holds it), in v1 files and units or converted to v2
   ones as runc and crun convert them. The JSON becomes a plan of file writes first (pure, so
   the conversions are unit-tested), then the plan is written. */
#ifndef HULL_CGROUPS_RESOURCES_H
#define HULL_CGROUPS_RESOURCES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../core/error.h"
#include "../spec/spec.h"
#include "cgroups.h"

/* The controllers linux.resources can ask for, as bits of a mask. */
enum hull_res_ctl
{
  HULL_RES_MEMORY = 1 << 0,
  HULL_RES_PIDS = 1 << 1,
  HULL_RES_CPU = 1 << 2,
  HULL_RES_CPUSET = 1 << 3,
  HULL_RES_IO = 1 << 4,       /* v1 blkio, v2 io */
  HULL_RES_HUGETLB = 1 << 5,
  HULL_RES_NET_CLS = 1 << 6,
  HULL_RES_NET_PRIO = 1 << 7,
  HULL_RES_RDMA = 1 << 8,
  HULL_RES_DEVICES = 1 << 9,  /* v1 devices files; on v2 an eBPF program (devices-bpf.c) */
  HULL_RES_UNIFIED = 1 << 10, /* linux.resources.unified: v2 files named by the config */
};

/* One write: FILE (relative to the group's directory) gets VALUE. */
struct hull_res_write
{
  enum hull_res_ctl ctl;
  bool v2;                /* in the cgroup2 hierarchy */
  char *file;
  char *alt_file;         /* tried when FILE does not exist (blkio.weight, blkio.bfq.weight), or NULL */
  char *value;
  char *alt_value;        /* what ALT_FILE gets, if not VALUE */
  char *field;            /* the config field it comes from, for errors */
  bool memsw_pair;        /* v1 memory limit followed by its memsw limit: see resources.c */
};

/* A device cgroup rule, in the order the config lists it. MAJOR or MINOR -1: any. */
struct hull_dev_rule
{
  bool allow;
  char type;              /* 'a', 'c' or 'b' */
  int64_t major, minor;
  char access[4];         /* of "rwm" */
};

struct hull_res_plan
{
  struct hull_res_write *w;
  size_t n;
  struct hull_dev_rule *dev_rules; /* the device rules, for a v2 device program */
  size_t n_dev_rules;
};

/* The controllers RESOURCES asks for. */
unsigned hull_res_wanted (json_t *resources);
/* Plan LX's resources (linux.resources, validated by the spec module) with the controllers
   in V2_MASK on cgroup v2 and the others on v1; device rules only if ONLY has
   HULL_RES_DEVICES. Device rules, when the config has any, are
   followed by rules allowing the default devices and linux.devices, which the container's
   /dev holds (as runc does). Values that cannot be written are refused, naming the field: a
   v1-only setting on v2 (realtime, network), swap below the limit, swappiness over 100... */
int hull_res_plan (const struct hull_linux *lx, unsigned only, unsigned v2_mask, struct hull_res_plan *plan,
                   hull_error_t *err);
void hull_res_plan_free (struct hull_res_plan *plan);

/* v2 conversions, as runc and crun make them. */
unsigned long long hull_res_cpu_weight (unsigned long long shares); /* cpu.shares 2..262144 -> cpu.weight 1..10000 */
unsigned long long hull_res_io_weight (unsigned long long weight);  /* blkio.weight 10..1000 -> io.weight 1..10000 */

/* Write linux.resources into the group CG (in every hierarchy it has): enable the v2
   controllers needed, write the plan, and on v2 attach the device program. A controller the
   host has not got, where a setting asks for it, is an error naming the field. */
int hull_cgroup_apply_resources (const struct hull_cgroup *cg, const struct hull_linux *lx, hull_error_t *err);
/* `update`: write the settings RESOURCES (a checked linux.resources object) holds into the
   group of a running container, as above but never device rules. When a write fails, the
   files written before it get back the value they held (those holding a single value; a
   per-device list such as blkio.throttle.* keeps what was written), and the error names the
   field, and any file that could not be set back. */
int hull_cgroup_update_resources (const struct hull_cgroup *cg, json_t *resources, hull_error_t *err);

#endif
