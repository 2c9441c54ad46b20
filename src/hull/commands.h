/* commands.h: the engine's commands, one function each (their files are named after them). */
#ifndef HULL_ENGINE_COMMANDS_H
#define HULL_ENGINE_COMMANDS_H

#include "cli.h"

/* commands-images.c */
int cmd_import (struct hull_cli *g, int argc, char **argv);
int cmd_images (struct hull_cli *g, int argc, char **argv);
int cmd_inspect (struct hull_cli *g, int argc, char **argv);
int cmd_rmi (struct hull_cli *g, int argc, char **argv);
int cmd_tag (struct hull_cli *g, int argc, char **argv);
/* commands-archive.c */
int cmd_save (struct hull_cli *g, int argc, char **argv);
int cmd_load (struct hull_cli *g, int argc, char **argv);
/* commands-pull.c */
int cmd_pull (struct hull_cli *g, int argc, char **argv);
int cmd_push (struct hull_cli *g, int argc, char **argv);

/* commands-run.c */
int cmd_run (struct hull_cli *g, int argc, char **argv);
int cmd_create (struct hull_cli *g, int argc, char **argv);
int cmd_start (struct hull_cli *g, int argc, char **argv);
/* commands-ctr.c */
int cmd_stop (struct hull_cli *g, int argc, char **argv);
int cmd_kill (struct hull_cli *g, int argc, char **argv);
int cmd_rm (struct hull_cli *g, int argc, char **argv);
int cmd_wait (struct hull_cli *g, int argc, char **argv);
int cmd_logs (struct hull_cli *g, int argc, char **argv);
int cmd_exec (struct hull_cli *g, int argc, char **argv);
/* commands-ps.c */
int cmd_ps (struct hull_cli *g, int argc, char **argv);

/* The engine over G's store and run root; 0, or 1 with the error printed (commands-run.c). */
struct hull_engine;
struct hull_ctr;
int hull_cli_engine (struct hull_cli *g, struct hull_engine *e);
/* A container as `inspect` shows it (commands-ps.c). */
#include <jansson.h>
json_t *hull_cli_ctr_inspect (struct hull_engine *e, const struct hull_ctr *c);

#endif
