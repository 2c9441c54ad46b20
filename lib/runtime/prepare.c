/* prepare.c: linux.seccomp and Landlock rules compiled before a container or an exec'd
   process is made (see prepare.h). */
#define _GNU_SOURCE
#include "prepare.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "state.h"

/* The cache is a directory of the state root whose name no container ID can take (`@` is
   not allowed in IDs). Without it, the filter is compiled afresh. */
int
hull_prepare_seccomp (int root_fd, const struct hull_spec *spec, struct hull_seccomp **out, hull_error_t *err)
{
  cleanup_close int cache = -1;

  *out = NULL;
  if (spec->linux_ == NULL || spec->linux_->seccomp == NULL)
    return 0;
  if (mkdirat (root_fd, HULL_SECCOMP_CACHE_DIR, 0700) == 0 || errno == EEXIST)
    cache = openat (root_fd, HULL_SECCOMP_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return hull_seccomp_prepare (spec->linux_->seccomp, cache, out, err);
}

int
hull_prepare_landlock (const struct hull_spec *spec, struct hull_landlock **out, hull_error_t *err)
{
  json_t *v = json_object_get (json_object_get (spec->raw, "annotations"), HULL_LANDLOCK_ANNOTATION);

  *out = NULL;
  if (v == NULL)
    return 0;
  if (!json_is_string (v))
    return hull_error (err, 0, "annotations.%s: must be a string", HULL_LANDLOCK_ANNOTATION);
  return hull_landlock_parse (json_string_value (v), out, err);
}
