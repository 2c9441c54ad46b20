/* landlock-rules.c: the `org.hull.landlock` annotation (see landlock-rules.h). */
#define _GNU_SOURCE
#include "landlock-rules.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"

/* Rights newer than Debian 12's kernel headers; their values are fixed by the kernel ABI. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif

int
hull_landlock_abi (void)
{
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : (int) abi;
}

void
hull_landlock_free (struct hull_landlock *ll)
{
  if (ll == NULL)
    return;
  for (size_t i = 0; i < ll->n; i++)
    free (ll->rules[i].path);
  free (ll->rules);
  free (ll);
}

static int
parse_rights (const char *s, unsigned *out)
{
  *out = 0;
  for (; *s; s++)
    {
      unsigned bit = *s == 'r' ? HULL_LL_READ : *s == 'w' ? HULL_LL_WRITE : *s == 'x' ? HULL_LL_EXEC : 0;
      if (bit == 0 || (*out & bit))
        return -1;
      *out |= bit;
    }
  return *out ? 0 : -1;
}

int
hull_landlock_parse (const char *value, struct hull_landlock **out, hull_error_t *err)
{
  int abi = hull_landlock_abi ();
  json_error_t jerr;
  json_t *o;
  struct hull_landlock *ll;
  const char *path;
  json_t *v;

  if (abi <= 0)
    return hull_error (err, EOPNOTSUPP, "annotations.%s: this kernel has no Landlock", HULL_LANDLOCK_ANNOTATION);
  o = json_loads (value, 0, &jerr);
  if (o == NULL || !json_is_object (o))
    {
      json_decref (o);
      return hull_error (err, 0, "annotations.%s: not a JSON object of paths and rights%s%s", HULL_LANDLOCK_ANNOTATION,
                         o == NULL ? ": " : "", o == NULL ? jerr.text : "");
    }
  ll = xmalloc0 (sizeof *ll);
  ll->abi = abi;
  ll->rules = xmalloc0 ((json_object_size (o) + 1) * sizeof *ll->rules);
  json_object_foreach (o, path, v)
    {
      struct hull_landlock_rule *r = &ll->rules[ll->n];
      if (path[0] != '/')
        {
          hull_error (err, 0, "annotations.%s: `%s`: paths must be absolute", HULL_LANDLOCK_ANNOTATION, path);
          break;
        }
      if (!json_is_string (v) || parse_rights (json_string_value (v), &r->rights) < 0)
        {
          hull_error (err, 0, "annotations.%s: `%s`: rights must be letters of \"rwx\", each once", HULL_LANDLOCK_ANNOTATION,
                      path);
          break;
        }
      r->path = xstrdup (path);
      ll->n++;
    }
  json_decref (o);
  if (*err)
    {
      hull_landlock_free (ll);
      return -1;
    }
  *out = ll;
  return 0;
}

/* Every filesystem right the ABI knows: the ruleset handles (and so denies) all of them. */
static uint64_t
handled_rights (int abi)
{
  uint64_t fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE
                | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE
                | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG
                | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK
                | LANDLOCK_ACCESS_FS_MAKE_SYM;
  if (abi >= 2)
    fs |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5)
    fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return fs;
}

/* The rights RIGHTS grant on a directory (DIR) or a file, within HANDLED. */
static uint64_t
granted (unsigned rights, bool dir, uint64_t handled)
{
  uint64_t g = 0;
  uint64_t file_only = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE
                       | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV;
  if (rights & HULL_LL_READ)
    g |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
  if (rights & HULL_LL_EXEC)
    g |= LANDLOCK_ACCESS_FS_EXECUTE;
  if (rights & HULL_LL_WRITE)
    g |= handled
         & ~(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR);
  g &= handled;
  return dir ? g : g & file_only;
}

static int
add_rule (int ruleset, const struct hull_landlock_rule *r, uint64_t handled, hull_error_t *err)
{
  struct landlock_path_beneath_attr attr = { 0 };
  cleanup_close int fd = open (r->path, O_PATH | O_CLOEXEC);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return hull_error_sys (err, "annotations.%s: `%s`", HULL_LANDLOCK_ANNOTATION, r->path);
  attr.parent_fd = fd;
  attr.allowed_access = granted (r->rights, S_ISDIR (st.st_mode), handled);
  if (attr.allowed_access == 0)
    return 0; /* e.g. "x" on a directory: nothing to grant there */
  if (syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
    return hull_error_sys (err, "annotations.%s: rule for `%s`", HULL_LANDLOCK_ANNOTATION, r->path);
  return 0;
}

int
hull_landlock_apply (const struct hull_landlock *ll, hull_error_t *err)
{
  struct landlock_ruleset_attr attr = { .handled_access_fs = handled_rights (ll->abi) };
  cleanup_close int ruleset = -1;

  ruleset = syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    return hull_error_sys (err, "annotations.%s: create the ruleset", HULL_LANDLOCK_ANNOTATION);
  for (size_t i = 0; i < ll->n; i++)
    if (add_rule (ruleset, &ll->rules[i], attr.handled_access_fs, err) < 0)
      return -1;
  if (syscall (SYS_landlock_restrict_self, ruleset, 0) < 0)
    return hull_error_sys (err, "annotations.%s: restrict the process", HULL_LANDLOCK_ANNOTATION);
  return 0;
}
