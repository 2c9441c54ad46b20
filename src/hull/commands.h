/* commands.h: the engine's commands, one function each (their files are named after them). */
#ifndef HULL_ENGINE_COMMANDS_H
#define HULL_ENGINE_COMMANDS_H

#include "cli.h"

#endif
