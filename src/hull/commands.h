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

#endif
