/* cli.h: the hull engine's command table and the options every command sees. */
#ifndef HULL_ENGINE_CLI_H
#define HULL_ENGINE_CLI_H

#include "core/error.h"
#include "core/log.h"

struct hull_cli
{
  const char *store;   /* image store root (--root): /var/lib/hull, or $XDG_DATA_HOME/hull */
  const char *run_root; /* --runroot: the containers' run-time state; NULL: the engine's default */
  struct hull_log log;
};

struct hull_command
{
  const char *name;
  int (*run) (struct hull_cli *g, int argc, char **argv);
  const char *usage;   /* arguments, after the command name */
  const char *summary;
};

extern const struct hull_command hull_commands[];

/* "Usage: hull NAME ..." from the table, to stderr when CODE is not 0; returns CODE. */
int hull_cli_usage (const char *name, int code);
/* Print "hull: MESSAGE" (and to the --log file); returns the exit code 1. */
int hull_cli_fail (struct hull_cli *g, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* hull_cli_fail with *ERR's message; *ERR is freed. */
int hull_cli_fail_err (struct hull_cli *g, hull_error_t *err);

#endif
