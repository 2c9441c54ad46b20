/* exe-guard.c: re-executing from a read-only view of our own binary (see exe-guard.h). A
   detached bind mount of the one file, made read-only, costs an exec of this binary and no
   copy of it (unlike a sealed memfd copy); writes through /proc/PID/exe of any process of that
   image then fail with EROFS, whatever the writer's capabilities, and the mount is in no
   namespace for anyone to remount. */
#define _GNU_SOURCE
#include "exe-guard.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"

extern char **environ;

int
hull_exe_guard (char *const argv[], hull_error_t *err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
  cleanup_close int self = open ("/proc/self/exe", O_PATH | O_CLOEXEC);
  cleanup_close int view = -1;
  struct statvfs sv;

  if (self < 0)
    return hull_error_sys (err, "open /proc/self/exe");
  /* Also what ends the re-execution: the new image sees its read-only mount here. */
  if (fstatvfs (self, &sv) < 0)
    return hull_error_sys (err, "statvfs /proc/self/exe");
  if (sv.f_flag & ST_RDONLY)
    return 0;
  view = open_tree (self, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (view < 0)
    return hull_error_sys (err, "make a read-only view of the runtime's binary (CVE-2019-5736)");
  if (mount_setattr (view, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return hull_error_sys (err, "make the view of the runtime's binary read-only (CVE-2019-5736)");
  syscall (SYS_execveat, view, "", argv, environ, AT_EMPTY_PATH);
  return hull_error_sys (err, "re-execute the runtime from its read-only view (CVE-2019-5736)");
}
