/* exe-guard.c: re-executing from a read-only view of our own binary (see exe-guard.h).
   Root gets a detached bind mount of the one file, made read-only: it costs an exec of this
   binary and no copy of it; writes through /proc/PID/exe of any process of that image then
   fail with EROFS, whatever the writer's capabilities, and the mount is in no namespace for
   anyone to remount. An unprivileged caller cannot make that mount; when it can write the
   binary (one it built itself, say), it runs from a sealed memfd copy instead, which nothing
   can write; when it cannot write it, neither can its containers, whose ids all map to it or
   to its subordinate ids, and no re-execution is needed. */
#define _GNU_SOURCE
#include "exe-guard.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Already running from a view nothing can write: a read-only mount, or a sealed memfd. */
static int
already_guarded (int self, bool *yes, hull_error_t *err)
{
  cleanup_close int rd = -1;
  struct statvfs sv;
  int seals;

  if (fstatvfs (self, &sv) < 0)
    return hull_error_sys (err, "statvfs /proc/self/exe");
  *yes = (sv.f_flag & ST_RDONLY) != 0;
  if (*yes || geteuid () == 0)
    return 0;
  rd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (rd < 0)
    return hull_error_sys (err, "open /proc/self/exe");
  seals = fcntl (rd, F_GET_SEALS);
  *yes = seals >= 0 && (seals & SEALS) == SEALS;
  return 0;
}

static int
reexec_from (int fd, char *const argv[], hull_error_t *err)
{
  syscall (SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
  return hull_error_sys (err, "re-execute the runtime from its read-only view (CVE-2019-5736)");
}

static int
reexec_from_mount (int self, char *const argv[], hull_error_t *err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
  cleanup_close int view = open_tree (self, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

  if (view < 0)
    return hull_error_sys (err, "make a read-only view of the runtime's binary (CVE-2019-5736)");
  if (mount_setattr (view, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return hull_error_sys (err, "make the view of the runtime's binary read-only (CVE-2019-5736)");
  return reexec_from (view, argv, err);
}

static int
reexec_from_memfd (char *const argv[], hull_error_t *err)
{
  cleanup_close int src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int mem = -1;
  struct stat st;
  off_t off = 0;

  if (src < 0 || fstat (src, &st) < 0)
    return hull_error_sys (err, "open /proc/self/exe");
  mem = memfd_create ("hull-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mem < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
    mem = memfd_create ("hull-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0)
    return hull_error_sys (err, "memfd_create for a sealed copy of the runtime (CVE-2019-5736)");
  while (off < st.st_size)
    if (sendfile (mem, src, &off, st.st_size - off) <= 0)
      return hull_error_sys (err, "copy the runtime into a sealed memfd (CVE-2019-5736)");
  if (fchmod (mem, 0555) < 0 || fcntl (mem, F_ADD_SEALS, SEALS) < 0)
    return hull_error_sys (err, "seal the runtime's memfd copy (CVE-2019-5736)");
  return reexec_from (mem, argv, err);
}

int
hull_exe_guard (char *const argv[], hull_error_t *err)
{
  cleanup_close int self = open ("/proc/self/exe", O_PATH | O_CLOEXEC);
  bool guarded = false;

  if (self < 0)
    return hull_error_sys (err, "open /proc/self/exe");
  /* Also what ends the re-execution: the new image sees its own view here. */
  if (already_guarded (self, &guarded, err) < 0)
    return -1;
  if (guarded)
    return 0;
  if (geteuid () == 0)
    return reexec_from_mount (self, argv, err);
  if (faccessat (self, "", W_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
    return 0;
  return reexec_from_memfd (argv, err);
}
