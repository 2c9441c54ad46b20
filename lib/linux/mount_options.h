/* mount_options.h: turning the `options` of an OCI mount entry into what the new mount API
   takes: mount attributes for the mount itself and (r-prefixed options) for its whole subtree,
   a propagation type, and filesystem parameters for fsconfig(2). */
#ifndef HULL_MOUNT_OPTIONS_H
#define HULL_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"

struct hull_mount_opts
{
  bool bind;              /* bind or rbind */
  bool recursive_bind;    /* rbind */
  bool remount;
  bool tmpcopyup;
  uint64_t attr_set, attr_clr;   /* MOUNT_ATTR_* for the mount itself */
  uint64_t rattr_set, rattr_clr; /* MOUNT_ATTR_* for the mount and all below it (rro, rnosuid...) */
  unsigned long propagation;     /* MS_PRIVATE / MS_SHARED / MS_SLAVE / MS_UNBINDABLE, or 0 */
  bool propagation_recursive;
  char **fs_params;              /* NULL-terminated "key=value" or "flag" for fsconfig */
};

/* Parse OPTIONS (NULL-terminated, may be NULL). WHAT names the entry for errors ("mounts[3]"). */
int hull_mount_opts_parse (char *const *options, const char *what, struct hull_mount_opts *out, hull_error_t *err);
void hull_mount_opts_free (struct hull_mount_opts *o);

/* The recognised option names, NULL-terminated (for `features`). */
extern const char *const hull_mount_option_names[];

#endif
