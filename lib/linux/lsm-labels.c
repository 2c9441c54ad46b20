/* lsm-labels.c: AppArmor and SELinux exec labels (see lsm-labels.h). Both are set through
   the task's attr files in /proc, which is all libselinux's setexeccon and libapparmor's
   aa_change_onexec do. */
#define _GNU_SOURCE
#include "lsm-labels.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../core/util.h"

bool
hull_lsm_apparmor_enabled (void)
{
  char c = 0;
  cleanup_close int fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read (fd, &c, 1) == 1 && c == 'Y';
}

bool
hull_lsm_selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

int
hull_lsm_check (const struct hull_spec *spec, hull_error_t *err)
{
  const struct hull_process *p = spec->process;
  const char *mount_label = spec->linux_ ? spec->linux_->mount_label : NULL;

  if (p && p->apparmor_profile && *p->apparmor_profile && !hull_lsm_apparmor_enabled ())
    return hull_error (err, 0, "process.apparmorProfile `%s`: AppArmor is not enabled on this host",
                       p->apparmor_profile);
  if (p && p->selinux_label && *p->selinux_label && !hull_lsm_selinux_enabled ())
    return hull_error (err, 0, "process.selinuxLabel `%s`: SELinux is not enabled on this host", p->selinux_label);
  if (mount_label && *mount_label && !hull_lsm_selinux_enabled ())
    return hull_error (err, 0, "linux.mountLabel `%s`: SELinux is not enabled on this host", mount_label);
  return 0;
}

const char *
hull_lsm_mount_context (const char *label, const char *type, char *const *params)
{
  static const char *const policy_labelled[] = { "proc", "sysfs", "cgroup", "cgroup2", "mqueue", NULL };
  static const char *const context_keys[] = { "context", "fscontext", "defcontext", "rootcontext", NULL };

  if (label == NULL || type == NULL)
    return NULL;
  for (size_t i = 0; policy_labelled[i]; i++)
    if (strcmp (type, policy_labelled[i]) == 0)
      return NULL;
  for (size_t i = 0; params && params[i]; i++)
    for (size_t k = 0; context_keys[k]; k++)
      {
        size_t n = strlen (context_keys[k]);
        if (strncmp (params[i], context_keys[k], n) == 0 && params[i][n] == '=')
          return NULL;
      }
  return label;
}

int
hull_lsm_label_mount_root (int mfd, const char *label, const char *what, hull_error_t *err)
{
  char path[64];
  /* the mount fd is O_PATH-like: name it through /proc to reach its root's xattrs */
  snprintf (path, sizeof path, "/proc/self/fd/%d", mfd);
  if (setxattr (path, "security.selinux", label, strlen (label) + 1, 0) < 0)
    return hull_error_sys (err, "%s: label with linux.mountLabel `%s`", what, label);
  return 0;
}

/* Write TEXT to the first of the attr files PATHS that exists. */
static int
write_attr (const char *const *paths, const char *text, const char *what, hull_error_t *err)
{
  for (; *paths; paths++)
    {
      cleanup_close int fd = open (*paths, O_WRONLY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT && paths[1] != NULL)
        continue;
      if (fd < 0)
        return hull_error_sys (err, "%s: open %s", what, *paths);
      return hull_write_all (fd, text, strlen (text), what, err);
    }
  return hull_error (err, ENOENT, "%s", what);
}

int
hull_lsm_set_exec_labels (const struct hull_spec *spec, hull_error_t *err)
{
  static const char *const apparmor[] = { "/proc/thread-self/attr/apparmor/exec", "/proc/thread-self/attr/exec", NULL };
  static const char *const selinux[] = { "/proc/thread-self/attr/exec", NULL };
  const struct hull_process *p = spec->process;

  if (p && p->apparmor_profile && *p->apparmor_profile)
    {
      cleanup_free char *cmd = xasprintf ("exec %s", p->apparmor_profile);
      if (write_attr (apparmor, cmd, "process.apparmorProfile", err) < 0)
        return -1;
    }
  if (p && p->selinux_label && *p->selinux_label
      && write_attr (selinux, p->selinux_label, "process.selinuxLabel", err) < 0)
    return -1;
  return 0;
}
