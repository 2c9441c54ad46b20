/* fsutil.h: resolving and creating paths inside a container's root without ever leaving it.
   Every lookup goes through openat2(2) with RESOLVE_IN_ROOT, so a symlink planted in the rootfs
   (even one swapped in while we work) resolves inside the root, never to the host. */
#ifndef HULL_FSUTIL_H
#define HULL_FSUTIL_H

#include <stdbool.h>

#include "../core/error.h"

/* O_PATH fd of PATH inside ROOT_FD (symlinks followed, scoped to the root). */
int hull_open_in_root (int root_fd, const char *path, int extra_flags, int *fd, hull_error_t *err);

/* Like hull_open_in_root, creating what is missing: parent directories (0755) and, as the last
   component, a directory (DIR true) or an empty regular file. Returns an O_PATH fd. */
int hull_mkpath_in_root (int root_fd, const char *path, bool dir, int *fd, hull_error_t *err);

/* O_PATH fd of the parent directory of PATH inside ROOT_FD (created when missing) and the
   last component in *base (points into PATH). */
int hull_open_parent_in_root (int root_fd, const char *path, int *fd, const char **base, hull_error_t *err);

#endif
