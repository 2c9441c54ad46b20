/* landlock-rules.h: the annotation `org.hull.landlock`, a wall of Landlock filesystem rules on
   top of the mount namespace. Its value is a JSON object mapping paths, as the container sees
   them, to rights: "r" (read files, list directories), "w" (write files, create, rename and
   remove entries, truncate, ioctl on devices), "x" (execute), in any combination, e.g.
       {"/bin": "rx", "/etc": "r", "/data": "rw", "/dev/null": "rw"}
   Everything else under the container's root is then out of reach of the program, whatever
   its uid or capabilities. The rules cover the filesystem rights of the running kernel's
   Landlock ABI; a kernel without Landlock refuses the container rather than run it unwalled. */
#ifndef HULL_LANDLOCK_RULES_H
#define HULL_LANDLOCK_RULES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"

#define HULL_LANDLOCK_ANNOTATION "org.hull.landlock"

struct hull_landlock_rule
{
  char *path;
  unsigned rights; /* HULL_LL_READ | HULL_LL_WRITE | HULL_LL_EXEC */
};

enum
{
  HULL_LL_READ = 1,
  HULL_LL_WRITE = 2,
  HULL_LL_EXEC = 4,
};

struct hull_landlock
{
  struct hull_landlock_rule *rules;
  size_t n;
  int abi; /* the kernel's Landlock ABI, read at parse time */
};

/* Parse the annotation's VALUE; errors name the annotation and the entry. A kernel without
   Landlock is refused here: asked for, the wall is never skipped. */
int hull_landlock_parse (const char *value, struct hull_landlock **out, hull_error_t *err);
/* In the init, after pivot_root: restrict the calling process. Needs no_new_privs or
   CAP_SYS_ADMIN, like seccomp. */
int hull_landlock_apply (const struct hull_landlock *ll, hull_error_t *err);
void hull_landlock_free (struct hull_landlock *ll);
/* The running kernel's Landlock ABI, or 0 when it has none. */
int hull_landlock_abi (void);

#endif
