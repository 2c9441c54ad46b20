/* state-spare.c: a removed container's state directory is kept for the next container
   instead of being deleted. It waits in --root as `.@spare` (at most one; '@' is in no
   container ID and `list` skips dot names), emptied but for the inodes of state.json and
   cgroup.path, kept under hidden names for the next container's writes (hull_state_file_write).
   A run then neither makes nor frees an inode or a block in --root. On a filesystem such as
   ext4 without a journal that is what start-up waited on most: a new inode after recent
   deletions costs 0.1-0.2 ms (the allocator steps over every inode freed in the last minute),
   and freeing the directory's block, with the discard mount option, a synchronous discard of
   0.2-0.4 ms; a run made three inodes and freed one block. Any step that fails falls back to
   making or deleting things as before. */
#define _GNU_SOURCE
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"

#define SPARE_DIR ".@spare"
#define SPARE_PREFIX ".spare-" /* inside a spare: ".spare-state.json", ".spare-cgroup.path" */

static const char *const kept_files[] = { HULL_STATE_FILE, HULL_CGROUP_MARK };

static bool
is_kept (const char *name)
{
  if (strncmp (name, SPARE_PREFIX, strlen (SPARE_PREFIX)) != 0)
    return false;
  for (size_t i = 0; i < sizeof kept_files / sizeof kept_files[0]; i++)
    if (strcmp (name + strlen (SPARE_PREFIX), kept_files[i]) == 0)
      return true;
  return false;
}

int
hull_state_spare_take (int root_fd, const char *id)
{
  /* NOREPLACE: an existing ID fails with EEXIST, as mkdir would. */
  return renameat2 (root_fd, SPARE_DIR, root_fd, id, RENAME_NOREPLACE);
}

/* Everything in DFD but the kept inodes goes (exec.fifo, start.sock, marks, temp files). */
static int
empty_but_kept (int dfd)
{
  int fd = dup (dfd);
  DIR *d = fd < 0 ? NULL : fdopendir (fd);
  struct dirent *de;
  hull_error_t ignored = NULL;
  int ret = 0;

  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0 || is_kept (de->d_name))
        continue;
      if (unlinkat (dfd, de->d_name, 0) == 0 || errno == ENOENT)
        continue;
      if (errno != EISDIR || hull_rm_rf_at (dfd, de->d_name, &ignored) < 0)
        {
          hull_error_free (&ignored);
          ret = -1;
        }
    }
  closedir (d);
  return ret;
}

bool
hull_state_spare_keep (int root_fd, const char *id)
{
  cleanup_close int dfd = -1;

  /* One spare is enough for sequential containers; with one there, ID is simply removed. */
  if (faccessat (root_fd, SPARE_DIR, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return false;
  dfd = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return false;
  /* First out of the way of readers, who then find no state.json, as after a removal. */
  for (size_t i = 0; i < sizeof kept_files / sizeof kept_files[0]; i++)
    {
      cleanup_free char *spare = xasprintf (SPARE_PREFIX "%s", kept_files[i]);
      if (renameat (dfd, kept_files[i], dfd, spare) < 0 && errno != ENOENT)
        return false;
    }
  if (empty_but_kept (dfd) < 0)
    return false;
  return renameat2 (root_fd, id, root_fd, SPARE_DIR, RENAME_NOREPLACE) == 0;
}

/* NAME's data written under a name nobody reads: the spare's kept inode when there is one,
   else a new temporary file. *STAGED names it, for hull_state_file_commit. */
int
hull_state_file_stage (int dir_fd, const char *name, const char *data, size_t len, char **staged, hull_error_t *err)
{
  cleanup_free char *spare = xasprintf (SPARE_PREFIX "%s", name);
  cleanup_close int fd = openat (dir_fd, spare, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    return hull_write_file_staged_at (dir_fd, name, data, len, 0600, staged, err);
  /* Overwritten, then cut to length, rather than truncated first: the block the file holds is
     kept instead of freed and allocated again. Nobody reads the spare name meanwhile. */
  if (hull_write_all (fd, data, len, spare, err) < 0)
    goto fail;
  if (ftruncate (fd, (off_t) len) < 0)
    {
      hull_error_sys (err, "truncate `%s`", spare);
      goto fail;
    }
  if (close (hull_steal_fd (fd)) < 0)
    {
      hull_error_sys (err, "close `%s`", spare);
      goto fail;
    }
  *staged = hull_steal_ptr (spare);
  return 0;
fail:
  unlinkat (dir_fd, spare, 0);
  return -1;
}

int
hull_state_file_commit (int dir_fd, const char *staged, const char *name, hull_error_t *err)
{
  if (renameat (dir_fd, staged, dir_fd, name) < 0)
    {
      hull_error_sys (err, "rename `%s` to `%s`", staged, name);
      unlinkat (dir_fd, staged, 0);
      return -1;
    }
  return 0;
}

int
hull_state_file_write (int dir_fd, const char *name, const char *data, size_t len, hull_error_t *err)
{
  cleanup_free char *staged = NULL;

  if (hull_state_file_stage (dir_fd, name, data, len, &staged, err) < 0)
    return -1;
  return hull_state_file_commit (dir_fd, staged, name, err);
}
