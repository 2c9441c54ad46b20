/* container.h: the OCI lifecycle operations behind hull-runtime's commands: create, start,
   run, state, kill, delete, list, exec, ps, events and update, over the state directory given
   by --root. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
  int console_fd;              /* > 2: a connected console socket, for a caller without a path
                                  (the engine's monitor); the master is sent there as to
                                  console_socket. The caller keeps its descriptor. */
  int preserve_fds;
  bool no_pivot;
  bool detach;                 /* run only */
  pid_t *pid_out;              /* run with detach: the init's pid (as the host sees it) goes
                                  here, also when it has already ended */
  /* run only, may be NULL: called with the init's pid once the container is created (its
     namespaces made, the init waiting) and before it is started; a failure undoes the
     creation. The engine brings the loopback interface up here. */
  int (*prestart) (pid_t pid, void *arg, hull_error_t *err);
  void *prestart_arg;
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

struct hull_exec_opts
{
  const char *root;
  const char *id;
  const char *process_file;  /* --process: a runtime-spec process object, as JSON */
  char **args;               /* the command when there is no --process (NULL-terminated) */
  char **env;                /* --env KEY=VALUE, over the config's process.env */
  const char *cwd;           /* --cwd */
  const char *user;          /* --user UID[:GID] */
  char **caps;               /* --cap NAME, added to every capability set */
  char **additional_gids;    /* --additional-gids GID, repeated */
  bool tty;                  /* --tty */
  bool no_new_privs;         /* --no-new-privs */
  const char *apparmor;      /* --apparmor PROFILE */
  const char *process_label; /* --process-label LABEL */
  const char *console_socket;
  const char *pid_file;
  bool detach;
  int preserve_fds;
  const struct hull_log *log;
};

/* The process an exec runs, as a process object: --process FILE as it is, or else the
   config's process (CONFIG is config.json) with the command line's changes. Labels and
   rlimits the result lacks are the container's, so an exec'd process is never less walled
   in than its container by omission. */
int hull_exec_process_json (json_t *config, const struct hull_exec_opts *o, json_t **out, hull_error_t *err);
/* The bytes of a --process file (NAME, for errors) as a JSON object. */
int hull_exec_process_parse (const char *data, size_t len, const char *name, json_t **out, hull_error_t *err);
/* Run a new process in the running container ID: it joins the container's cgroup and
   namespaces and gets the container's seccomp filter and Landlock rules, and the process's
   own capabilities, user, labels and rlimits. In the foreground *EXIT_STATUS is its exit
   code (128+signal when killed); with detach, the call returns once it has executed. */
int hull_container_exec (const struct hull_exec_opts *o, int *exit_status, hull_error_t *err);

/* ps: the host pids of every process in the container's cgroup (sub-groups included), sorted;
   none for a stopped container. Refused for a container without a cgroup. */
int hull_container_pids (const char *root, const char *id, pid_t **pids, size_t *n, hull_error_t *err);
/* ps: run the host's `ps PS_ARGS...` (NULL or empty: -ef) and keep its header line and the
   lines whose PID column holds one of the container's pids. */
int hull_container_ps (const char *root, const char *id, char *const *ps_args, char **out, hull_error_t *err);
/* The filter of hull_container_ps: PS_OUTPUT's first line (which must have a PID column) and
   the lines whose word in that column is one of PIDS. */
int hull_ps_filter (const char *ps_output, const pid_t *pids, size_t n, char **out, hull_error_t *err);

/* events: EMIT gets each event, one JSON object without a newline; its failure ends events. */
typedef int (*hull_event_fn) (const char *line, void *arg, hull_error_t *err);
struct hull_events_opts
{
  const char *root;
  const char *id;
  bool stats_once;                /* --stats: one stats event, then return */
  unsigned long long interval_ns; /* between stats events (--interval); not 0 */
  hull_event_fn emit;
  void *arg;
};
/* A stats event (runc's shape) every interval_ns, and an oom event whenever the cgroup counts a
   new OOM kill, until the container's process ends; or with stats_once one stats event.
   Refused for a stopped container and one without a cgroup. */
int hull_container_events (const struct hull_events_opts *o, hull_error_t *err);

/* Go-style durations ("5s", "500ms", "1m30s", "1.5h"; units ns us µs ms s m h) or a plain
   number of seconds ("5", "0.25"), in nanoseconds; -1 when S is none of these or too long. */
int hull_parse_duration (const char *s, unsigned long long *ns);

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
