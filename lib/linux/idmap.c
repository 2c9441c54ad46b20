/* idmap.c: uid/gid maps of a new user namespace, written directly or through newuidmap and
   newgidmap (see idmap.h). */
#define _GNU_SOURCE
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"

extern char **environ;

bool
hull_idmap_writable_directly (const struct hull_idmap *m, size_t n, bool gid, uid_t euid, gid_t egid)
{
  if (euid == 0)
    return true;
  return n == 1 && m[0].size == 1 && m[0].host_id == (gid ? (uint32_t) egid : (uint32_t) euid);
}

char *
hull_idmap_format (const struct hull_idmap *m, size_t n)
{
  char *buf = xmalloc0 (n * 36 + 1);
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += sprintf (buf + len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                    m[i].size);
  return buf;
}

static const char *
field_name (bool gid)
{
  return gid ? "linux.gidMappings" : "linux.uidMappings";
}

static int
write_proc (pid_t pid, const char *file, const char *data, hull_error_t *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, file);
  return hull_write_file_at (AT_FDCWD, path, data, strlen (data), err);
}

static int
write_directly (pid_t pid, const struct hull_idmap *m, size_t n, bool gid, hull_error_t *err)
{
  cleanup_free char *text = hull_idmap_format (m, n);

  /* Unprivileged, the kernel takes a gid map only once setgroups is denied: otherwise the
     new namespace's root could drop a group that was denying it access. */
  if (gid && geteuid () != 0 && write_proc (pid, "setgroups", "deny", err) < 0)
    return hull_error_wrap (err, "%s", field_name (true));
  if (write_proc (pid, gid ? "gid_map" : "uid_map", text, err) < 0)
    return hull_error_wrap (err, "%s", field_name (gid));
  return 0;
}

/* Run HELPER PID C H S..., with an empty signal mask (the runtime may block some). */
static int
run_helper (const char *helper, pid_t pid, const struct hull_idmap *m, size_t n, bool gid, hull_error_t *err)
{
  cleanup_free char **argv = xmalloc0 ((2 + 3 * n + 1) * sizeof *argv);
  cleanup_free char *pid_s = xasprintf ("%d", (int) pid);
  cleanup_free char *nums = xmalloc0 (n * 3 * 12);
  posix_spawnattr_t attr;
  sigset_t none;
  size_t k = 0, off = 0;
  pid_t child;
  int status, r;

  argv[k++] = (char *) helper;
  argv[k++] = pid_s;
  for (size_t i = 0; i < n; i++)
    {
      const uint32_t v[3] = { m[i].container_id, m[i].host_id, m[i].size };
      for (int j = 0; j < 3; j++)
        {
          argv[k++] = nums + off;
          off += sprintf (nums + off, "%u", v[j]) + 1;
        }
    }
  sigemptyset (&none);
  posix_spawnattr_init (&attr);
  posix_spawnattr_setsigmask (&attr, &none);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK);
  r = posix_spawnp (&child, helper, NULL, &attr, argv, environ);
  posix_spawnattr_destroy (&attr);
  if (r == ENOENT)
    return hull_error (err, r, "%s: mapping more than your own %s as an unprivileged user needs %s (Debian package "
                       "uidmap), which is not in PATH", field_name (gid), gid ? "gid" : "uid", helper);
  if (r != 0)
    return hull_error (err, r, "%s: run %s", field_name (gid), helper);
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return hull_error_sys (err, "%s: wait for %s", field_name (gid), helper);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return hull_error (err, 0, "%s: %s refused the map (are the host ranges yours in %s?)", field_name (gid), helper,
                       gid ? "/etc/subgid" : "/etc/subuid");
  return 0;
}

static int
write_one (pid_t pid, const struct hull_idmap *m, size_t n, bool gid, hull_error_t *err)
{
  if (hull_idmap_writable_directly (m, n, gid, geteuid (), getegid ()))
    return write_directly (pid, m, n, gid, err);
  return run_helper (gid ? "newgidmap" : "newuidmap", pid, m, n, gid, err);
}

int
hull_idmap_write (pid_t pid, const struct hull_linux *lx, hull_error_t *err)
{
  if (write_one (pid, lx->uid_mappings, lx->n_uid_mappings, false, err) < 0)
    return -1;
  return write_one (pid, lx->gid_mappings, lx->n_gid_mappings, true, err);
}
