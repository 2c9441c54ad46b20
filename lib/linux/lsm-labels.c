/* lsm-labels.c: AppArmor and SELinux exec labels (see lsm-labels.h). Both are set through
   the task's attr files in /proc, which is all libselinux's setexeccon and libapparmor's
   aa_change_onexec do. */
#define _GNU_SOURCE
#include "lsm-labels.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
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
  if (mount_label && *mount_label)
    {
      if (!hull_lsm_selinux_enabled ())
        return hull_error (err, 0, "linux.mountLabel `%s`: SELinux is not enabled on this host", mount_label);
      return hull_error (err, 0, "linux.mountLabel `%s`: not supported yet", mount_label);
    }
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
