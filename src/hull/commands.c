/* commands.c: the hull engine's command table. Each command lives in a file of its own
   (commands-*.c) and is declared in commands.h. */
#include <stddef.h>

#include "cli.h"
#include "commands.h"

const struct hull_command hull_commands[] = {
  { NULL, NULL, NULL, NULL },
};
