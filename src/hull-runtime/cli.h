/* cli.h: hull-runtime's command table and the global options every command sees. */
#ifndef HULL_RUNTIME_CLI_H
#define HULL_RUNTIME_CLI_H

#include <stdbool.h>

#include "core/error.h"
#include "core/log.h"

struct cli_globals
{
  const char *root;
  struct hull_log log;
};

struct cli_command
{
  const char *name;
  int (*run) (struct cli_globals *g, int argc, char **argv);
  const char *usage;   /* arguments, after the command name */
  const char *summary;
  bool enters_container; /* puts a process of this binary into a container (exe-guard.h) */
  bool stateless;        /* needs no state directory (--root) */
};

extern const struct cli_command cli_commands[];

/* Commands defined outside commands.c. */
int cli_cmd_exec (struct cli_globals *g, int argc, char **argv);  /* commands-exec.c */
int cli_cmd_ps (struct cli_globals *g, int argc, char **argv);    /* commands-info.c */
int cli_cmd_events (struct cli_globals *g, int argc, char **argv);
int cli_cmd_update (struct cli_globals *g, int argc, char **argv);    /* commands-update.c */

/* "Usage: hull-runtime NAME ..." from the command table, to stderr when CODE is not 0;
   returns CODE. */
int cli_usage (const char *name, int code);
/* cli_fail with *ERR's message; *ERR is freed. */
int cli_fail_err (struct cli_globals *g, hull_error_t *err);
/* Print an error (stderr, and the --log file) and return the exit code 1. */
int cli_fail (struct cli_globals *g, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#endif
