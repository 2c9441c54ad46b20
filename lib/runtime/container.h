/* container.h: the OCI lifecycle operations behind hull-runtime's commands: create, start,
   run, state, kill, delete and list, over the state directory given by --root. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include <stdbool.h>

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

/* Signal names ("TERM", "SIGTERM", "15") to numbers; -1 when unknown. */
int hull_signal_parse (const char *s);

/* The features JSON (features.md), describing what this build really implements. */
json_t *hull_features_json (void);

#endif
