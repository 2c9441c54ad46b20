/* container.h: the OCI lifecycle operations behind hull-runtime's commands: create, start,
   run, state, kill, delete, list and update, over the state directory given by --root. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/error.h"
#include "../core/log.h"

struct hull_create_opts
{
  const char *root;            /* state directory (--root) */
  const char *id;
  const char *bundle;          /* NULL: the current directory */
  const char *pid_file;        /* NULL: none */
  const char *console_socket;  /* NULL: none */
  int preserve_fds;
  bool no_pivot;
  bool detach;                 /* run only */
  const struct hull_log *log;
};

int hull_container_create (const struct hull_create_opts *o, hull_error_t *err);
/* create + start; in the foreground waits and sets *exit_status to the container's (128+signal
   when killed), then deletes the container. */
int hull_container_run (const struct hull_create_opts *o, int *exit_status, hull_error_t *err);
int hull_container_start (const char *root, const char *id, const struct hull_log *log, hull_error_t *err);
int hull_container_state (const char *root, const char *id, json_t **out, hull_error_t *err);
int hull_container_kill (const char *root, const char *id, int sig, bool all, hull_error_t *err);
int hull_container_delete (const char *root, const char *id, bool force, const struct hull_log *log,
                           hull_error_t *err);
/* An array of state objects, one per container under ROOT, sorted by ID. */
int hull_container_list (const char *root, json_t **out, hull_error_t *err);
/* Freeze a running container's cgroup (status paused), and thaw it again. */
int hull_container_pause (const char *root, const char *id, hull_error_t *err);
int hull_container_resume (const char *root, const char *id, hull_error_t *err);

/* ---- update (update.c; the flags in update-flags.c) ---------------------------------- */

/* One of runc's `update` flags and the linux.resources field it sets. */
struct hull_update_flag
{
  const char *name;   /* without the dashes: "memory" */
  const char *object; /* its object in linux.resources ("memory"); NULL: refused (Intel RDT) */
  const char *key;    /* its field there ("limit") */
  int kind;           /* how its value is read (update-flags.c) */
  const char *help;
};
extern const struct hull_update_flag hull_update_flags[]; /* ended by a NULL name */
const struct hull_update_flag *hull_update_flag_find (const char *name);
/* The flag that sets FIELD ("memory.limit", relative to linux.resources), or NULL. */
const struct hull_update_flag *hull_update_flag_for_field (const char *field);
/* --NAME VALUE into RESOURCES (a linux.resources object being built): the value read (sizes
   as hull_parse_size, -1 for "no limit" where runc takes it) and checked as config.json's
   field would be; errors name the flag ("--memory: `abc` is not a size ..."). */
int hull_update_flag_set (json_t *resources, const char *name, const char *value, hull_error_t *err);
/* A size as runc reads one: digits, an optional fraction, an optional space and a suffix k, m,
   g, t or p (powers of 1024, any case, "i" and "b" allowed after it: 64m, 64MiB, 1.5g, 100b),
   rounded down to a byte. -1 unless it fills S and fits in int64. */
int hull_parse_size (const char *s, int64_t *out);

/* What an update writes, from FILE's linux.resources (or NULL) with FLAGS' over it (or NULL),
   CURRENT being what is in force: fields whose 0 (or "") means "no change" (resources-plan.c)
   dropped, memory.swap -1 added to a memory.limit of -1 without one (runc's reading), and the
   other half of a pair the v2 files write together (memory.swap needs memory.limit, cpu.quota
   and cpu.period go in one cpu.max) taken from CURRENT. Device rules are refused: they stay
   as create set them. Errors start with the field ("linux.resources.devices: ..."). */
int hull_update_prepare (json_t *file, json_t *flags, json_t *current, json_t **out, hull_error_t *err);
/* SRC merged into DST: objects member by member, arrays of objects entry by entry (an entry
   with the same pageSize, major and minor, or name replaces the old one), others replaced. */
void hull_update_merge (json_t *dst, json_t *src);

struct hull_update_opts
{
  const char *root;
  const char *id;
  const char *resources;   /* --resources: a file, "-" for stdin, or NULL */
  json_t *flags;           /* linux.resources from the flags (hull_update_flag_set), or NULL */
  const struct hull_log *log;
};

/* Change the limits of a created, running or paused container: the update is read and
   checked, written into the container's cgroup (hull_cgroup_update_resources: a failed write
   puts the earlier ones back), and what is then in force kept in ROOT/ID/resources.json for
   the next update. Errors name the flag ("--memory: ...") or the file and field ("resources
   FILE: memory.limit: ...") they come from. */
int hull_container_update (const struct hull_update_opts *o, hull_error_t *err);

/* Signal names ("TERM", "SIGTERM", "15") to numbers; -1 when unknown. */
int hull_signal_parse (const char *s);

/* The features JSON (features.md), describing what this build really implements. */
json_t *hull_features_json (void);

#endif
