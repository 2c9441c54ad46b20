/* mount_options.c: the table of fs-independent mount options and the parser over it. Anything
   not in the table is a filesystem parameter (mode=755, size=64k, newinstance, ...). */
#define _GNU_SOURCE
#include "mount_options.h"

#include <string.h>
#include <sys/mount.h>

#include "../core/util.h"

enum opt_kind
{
  K_ATTR,      /* set/clear attributes on the mount */
  K_RATTR,     /* set/clear attributes recursively */
  K_PROP,      /* propagation */
  K_RPROP,     /* recursive propagation */
  K_BIND,
  K_RBIND,
  K_REMOUNT,
  K_TMPCOPYUP,
  K_FSFLAG,    /* a superblock flag passed to fsconfig by name */
  K_NOOP,      /* accepted, the default anyway */
};

struct opt
{
  const char *name;
  enum opt_kind kind;
  uint64_t set, clr;       /* attributes, or propagation flag in set */
  const char *fsflag;      /* for K_FSFLAG */
};

#define ATIME MOUNT_ATTR__ATIME
static const struct opt opts[] = {
  { "defaults", K_NOOP, 0, 0, NULL },
  { "ro", K_ATTR, MOUNT_ATTR_RDONLY, 0, NULL },
  { "rw", K_ATTR, 0, MOUNT_ATTR_RDONLY, NULL },
  { "nosuid", K_ATTR, MOUNT_ATTR_NOSUID, 0, NULL },
  { "suid", K_ATTR, 0, MOUNT_ATTR_NOSUID, NULL },
  { "nodev", K_ATTR, MOUNT_ATTR_NODEV, 0, NULL },
  { "dev", K_ATTR, 0, MOUNT_ATTR_NODEV, NULL },
  { "noexec", K_ATTR, MOUNT_ATTR_NOEXEC, 0, NULL },
  { "exec", K_ATTR, 0, MOUNT_ATTR_NOEXEC, NULL },
  { "noatime", K_ATTR, MOUNT_ATTR_NOATIME, ATIME, NULL },
  { "atime", K_ATTR, MOUNT_ATTR_RELATIME, ATIME, NULL },
  { "relatime", K_ATTR, MOUNT_ATTR_RELATIME, ATIME, NULL },
  { "norelatime", K_ATTR, MOUNT_ATTR_STRICTATIME, ATIME, NULL },
  { "strictatime", K_ATTR, MOUNT_ATTR_STRICTATIME, ATIME, NULL },
  { "nostrictatime", K_ATTR, MOUNT_ATTR_RELATIME, ATIME, NULL },
  { "nodiratime", K_ATTR, MOUNT_ATTR_NODIRATIME, 0, NULL },
  { "diratime", K_ATTR, 0, MOUNT_ATTR_NODIRATIME, NULL },
  { "nosymfollow", K_ATTR, MOUNT_ATTR_NOSYMFOLLOW, 0, NULL },
  { "symfollow", K_ATTR, 0, MOUNT_ATTR_NOSYMFOLLOW, NULL },
  { "rro", K_RATTR, MOUNT_ATTR_RDONLY, 0, NULL },
  { "rrw", K_RATTR, 0, MOUNT_ATTR_RDONLY, NULL },
  { "rnosuid", K_RATTR, MOUNT_ATTR_NOSUID, 0, NULL },
  { "rsuid", K_RATTR, 0, MOUNT_ATTR_NOSUID, NULL },
  { "rnodev", K_RATTR, MOUNT_ATTR_NODEV, 0, NULL },
  { "rdev", K_RATTR, 0, MOUNT_ATTR_NODEV, NULL },
  { "rnoexec", K_RATTR, MOUNT_ATTR_NOEXEC, 0, NULL },
  { "rexec", K_RATTR, 0, MOUNT_ATTR_NOEXEC, NULL },
  { "rnoatime", K_RATTR, MOUNT_ATTR_NOATIME, ATIME, NULL },
  { "ratime", K_RATTR, MOUNT_ATTR_RELATIME, ATIME, NULL },
  { "rrelatime", K_RATTR, MOUNT_ATTR_RELATIME, ATIME, NULL },
  { "rnorelatime", K_RATTR, MOUNT_ATTR_STRICTATIME, ATIME, NULL },
  { "rstrictatime", K_RATTR, MOUNT_ATTR_STRICTATIME, ATIME, NULL },
  { "rnostrictatime", K_RATTR, MOUNT_ATTR_RELATIME, ATIME, NULL },
  { "rnodiratime", K_RATTR, MOUNT_ATTR_NODIRATIME, 0, NULL },
  { "rdiratime", K_RATTR, 0, MOUNT_ATTR_NODIRATIME, NULL },
  { "rnosymfollow", K_RATTR, MOUNT_ATTR_NOSYMFOLLOW, 0, NULL },
  { "rsymfollow", K_RATTR, 0, MOUNT_ATTR_NOSYMFOLLOW, NULL },
  { "private", K_PROP, MS_PRIVATE, 0, NULL },
  { "rprivate", K_RPROP, MS_PRIVATE, 0, NULL },
  { "shared", K_PROP, MS_SHARED, 0, NULL },
  { "rshared", K_RPROP, MS_SHARED, 0, NULL },
  { "slave", K_PROP, MS_SLAVE, 0, NULL },
  { "rslave", K_RPROP, MS_SLAVE, 0, NULL },
  { "unbindable", K_PROP, MS_UNBINDABLE, 0, NULL },
  { "runbindable", K_RPROP, MS_UNBINDABLE, 0, NULL },
  { "bind", K_BIND, 0, 0, NULL },
  { "rbind", K_RBIND, 0, 0, NULL },
  { "remount", K_REMOUNT, 0, 0, NULL },
  { "tmpcopyup", K_TMPCOPYUP, 0, 0, NULL },
  { "sync", K_FSFLAG, 0, 0, "sync" },
  { "dirsync", K_FSFLAG, 0, 0, "dirsync" },
  { "mand", K_FSFLAG, 0, 0, "mand" },
  { "lazytime", K_FSFLAG, 0, 0, "lazytime" },
  { "acl", K_FSFLAG, 0, 0, "posixacl" },
  { "async", K_NOOP, 0, 0, NULL },
  { "nomand", K_NOOP, 0, 0, NULL },
  { "nolazytime", K_NOOP, 0, 0, NULL },
  { "noacl", K_NOOP, 0, 0, NULL },
  { "iversion", K_NOOP, 0, 0, NULL },
  { "noiversion", K_NOOP, 0, 0, NULL },
  { "silent", K_NOOP, 0, 0, NULL },
  { "loud", K_NOOP, 0, 0, NULL },
};
#undef ATIME

const char *const hull_mount_option_names[] = {
  "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime",
  "loud", "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
  "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime",
  "relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
  "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave",
  "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid",
  "symfollow", "sync", "tmpcopyup", "unbindable", NULL
};

static const struct opt *
find_opt (const char *name)
{
  for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
    if (strcmp (opts[i].name, name) == 0)
      return &opts[i];
  return NULL;
}

static void
add_param (struct hull_mount_opts *o, size_t *n, const char *p)
{
  o->fs_params = xrealloc (o->fs_params, (*n + 2) * sizeof (char *));
  o->fs_params[(*n)++] = xstrdup (p);
  o->fs_params[*n] = NULL;
}

/* Record one option in a set/clear pair. The atime modes share one field: mount_setattr(2)
   wants the whole field cleared and exactly one mode set (relatime is the value 0). */
static void
apply_attr (uint64_t *set, uint64_t *clr, const struct opt *op)
{
  if (op->clr == MOUNT_ATTR__ATIME)
    {
      *set = (*set & ~MOUNT_ATTR__ATIME) | op->set;
      *clr |= MOUNT_ATTR__ATIME;
      return;
    }
  *set = (*set | op->set) & ~op->clr;
  *clr = (*clr | op->clr) & ~op->set;
}

int
hull_mount_opts_parse (char *const *options, const char *what, struct hull_mount_opts *out, hull_error_t *err)
{
  size_t nparams = 0;
  memset (out, 0, sizeof *out);
  for (size_t i = 0; options && options[i]; i++)
    {
      const char *name = options[i];
      const struct opt *op = find_opt (name);
      if (*name == '\0')
        {
          hull_mount_opts_free (out);
          return hull_error (err, 0, "%s.options[%zu]: empty option", what, i);
        }
      if (op == NULL)
        {
          if (strcmp (name, "idmap") == 0 || strcmp (name, "ridmap") == 0)
            {
              hull_mount_opts_free (out);
              return hull_error (err, 0, "%s.options[%zu]: `%s` mounts are not supported yet", what, i, name);
            }
          add_param (out, &nparams, name);
          continue;
        }
      switch (op->kind)
        {
        case K_ATTR:
          apply_attr (&out->attr_set, &out->attr_clr, op);
          break;
        case K_RATTR:
          apply_attr (&out->rattr_set, &out->rattr_clr, op);
          break;
        case K_PROP:
        case K_RPROP:
          out->propagation = op->set;
          out->propagation_recursive = op->kind == K_RPROP;
          break;
        case K_BIND:
          out->bind = true;
          break;
        case K_RBIND:
          out->bind = out->recursive_bind = true;
          break;
        case K_REMOUNT:
          out->remount = true;
          break;
        case K_TMPCOPYUP:
          out->tmpcopyup = true;
          break;
        case K_FSFLAG:
          add_param (out, &nparams, op->fsflag);
          break;
        case K_NOOP:
          break;
        }
    }
  return 0;
}

void
hull_mount_opts_free (struct hull_mount_opts *o)
{
  hull_strv_free (o->fs_params);
  o->fs_params = NULL;
}
