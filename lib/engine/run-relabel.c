/* run-relabel.c: -v SRC:DST:z and :Z where SELinux is on: before the container starts, the
   host files under SRC get the container's file label (security.selinux), so the confined
   container process may use them. :z gives the label at level s0, which every container may
   use (shared); :Z gives the container's own level (its MCS categories), which no other
   container's process may use. System directories are refused: relabelling /usr would lock
   the host out of its own files. SELinux is off where this is built, so this path is checked
   only as far as "nothing happens with SELinux off" (tests/unit/engine/test_run_spec.c). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../core/util.h"
#include "run-spec.h"

#define MAX_DEPTH 256

static const char *const system_dirs[] = { "/",    "/bin", "/boot", "/dev",  "/etc", "/home", "/lib", "/lib64",
                                           "/opt", "/proc", "/root", "/run", "/sbin", "/sys", "/usr", "/var", NULL };

static int
relabel_tree (const char *path, const char *label, unsigned depth, hull_error_t *err)
{
  struct stat st;
  DIR *d;
  struct dirent *de;
  int r = 0;

  if (lsetxattr (path, "security.selinux", label, strlen (label) + 1, 0) < 0)
    return hull_error_sys (err, "relabel `%s` to `%s`", path, label);
  if (lstat (path, &st) < 0)
    return hull_error_sys (err, "relabel: stat `%s`", path);
  if (!S_ISDIR (st.st_mode))
    return 0;
  if (depth >= MAX_DEPTH)
    return hull_error (err, ELOOP, "relabel `%s`", path);
  if ((d = opendir (path)) == NULL)
    return hull_error_sys (err, "relabel: open `%s`", path);
  while (r == 0 && (errno = 0, de = readdir (d)) != NULL)
    {
      cleanup_free char *child = NULL;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      child = xasprintf ("%s/%s", strcmp (path, "/") == 0 ? "" : path, de->d_name);
      r = relabel_tree (child, label, depth + 1, err);
    }
  if (r == 0 && errno != 0)
    r = hull_error_sys (err, "relabel: read `%s`", path);
  closedir (d);
  return r;
}

/* LABEL with its level replaced by LEVEL ("u:r:t:s0:c1,c2" -> "u:r:t:s0"). */
static char *
with_level (const char *label, const char *level)
{
  const char *p = label;
  for (int i = 0; i < 3 && p; i++)
    p = strchr (p, ':') ? strchr (p, ':') + 1 : NULL;
  if (p == NULL)
    return xstrdup (label);
  return xasprintf ("%.*s%s", (int) (p - label), label, level);
}

int
hull_run_relabel_volumes (const struct hull_run_spec *s, json_t *config, const struct hull_run_host *host,
                          hull_error_t *err)
{
  const char *mount_label = json_string_value (json_object_get (json_object_get (config, "linux"), "mountLabel"));

  if (!host->selinux || mount_label == NULL)
    return 0;
  for (size_t i = 0; i < s->n_volumes; i++)
    {
      const struct hull_volume *v = &s->volumes[i];
      cleanup_free char *label = NULL, *real = NULL;
      if (v->kind != HULL_VOLUME_BIND || (!v->relabel_shared && !v->relabel_private))
        continue;
      real = realpath (v->source, NULL);
      if (real == NULL)
        return hull_error_sys (err, "-v %s: relabel", v->source);
      for (size_t k = 0; system_dirs[k]; k++)
        if (strcmp (real, system_dirs[k]) == 0)
          return hull_error (err, 0, "-v %s:%s:%s: `%s` is a system directory, not relabelled", v->source,
                             v->destination, v->relabel_shared ? "z" : "Z", real);
      label = v->relabel_shared ? with_level (mount_label, "s0") : xstrdup (mount_label);
      if (relabel_tree (real, label, 0, err) < 0)
        return -1;
    }
  return 0;
}
