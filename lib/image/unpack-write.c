/* unpack-write.c: the unpacker's entry writers. Each entry is made fresh beside its parent
   (an O_PATH fd resolved inside the root) with *at() calls that never follow the last
   component, then given its owner, mode, xattrs and times. Directories get their mode and
   times at the very end, after everything inside them has been written. */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/limits.h> /* XATTR_NAME_MAX, XATTR_SIZE_MAX */
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/fsutil.h"
#include "unpack-internal.h"

void
hull_unpack_warn (struct hull_unpack *u, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  u->st->skipped++;
  if (u->o.warn == NULL)
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg != NULL)
    u->o.warn (u->o.warn_arg, msg);
}

static uint64_t
now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (uint64_t) t.tv_sec * 1000000000u + t.tv_nsec;
}

int
hull_unpack_clear (int parent, const char *base, bool keep_dir, const char *name, hull_error_t *err)
{
  struct stat st;

  if (fstatat (parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return hull_error_sys (err, "layer entry `%s`: stat what is there", name);
    }
  if (S_ISDIR (st.st_mode))
    {
      if (keep_dir)
        return 1;
      /* layer.md: an entry of another type replaces the directory, contents and all. The
         removal never follows a symlink (O_NOFOLLOW at every level). */
      if (hull_rm_rf_at (parent, base, err) < 0)
        return hull_error_wrap (err, "layer entry `%s`: replace the directory", name);
      return 0;
    }
  if (unlinkat (parent, base, 0) < 0 && errno != ENOENT)
    return hull_error_sys (err, "layer entry `%s`: remove what is there", name);
  return 0;
}

/* --- metadata ---------------------------------------------------------------------------- */

static mode_t
entry_mode (struct hull_unpack *u, struct archive_entry *e)
{
  mode_t m = archive_entry_perm (e) & 07777;
  /* Without chown the file is the caller's: a setuid bit would hand out the caller's ids. */
  if (!u->chown && archive_entry_filetype (e) != AE_IFDIR)
    m &= ~(mode_t) (S_ISUID | S_ISGID);
  return m;
}

static void
entry_times (struct archive_entry *e, struct timespec ts[2])
{
  ts[1].tv_sec = archive_entry_mtime (e);
  ts[1].tv_nsec = archive_entry_mtime_is_set (e) ? archive_entry_mtime_nsec (e) : 0;
  if (archive_entry_atime_is_set (e))
    {
      ts[0].tv_sec = archive_entry_atime (e);
      ts[0].tv_nsec = archive_entry_atime_nsec (e);
    }
  else
    ts[0] = ts[1];
}

static int
set_owner (struct hull_unpack *u, int parent, const char *base, struct archive_entry *e, const char *name,
           hull_error_t *err)
{
  if (!u->chown)
    return 0;
  if (fchownat (parent, base, archive_entry_uid (e), archive_entry_gid (e), AT_SYMLINK_NOFOLLOW) < 0)
    return hull_error_sys (err, "layer entry `%s`: chown %lld:%lld", name, (long long) archive_entry_uid (e),
                           (long long) archive_entry_gid (e));
  return 0;
}

/* Which xattrs a layer may set: the file capability and user.*, trusted.* as root; never an
   overlayfs one (trusted.overlay.opaque and friends would steer the overlay mount). */
static bool
xattr_allowed (struct hull_unpack *u, const char *key)
{
  if (strstr (key, ".overlay.") != NULL)
    return false;
  if (strcmp (key, "security.capability") == 0 || strncmp (key, "user.", 5) == 0)
    return true;
  return u->trusted && strncmp (key, "trusted.", 8) == 0;
}

/* The entry's xattrs on the open FD (a regular file or a directory). */
static int
set_xattrs (struct hull_unpack *u, int fd, struct archive_entry *e, const char *name, hull_error_t *err)
{
  const char *key;
  const void *value;
  size_t size;

  archive_entry_xattr_reset (e);
  while (archive_entry_xattr_next (e, &key, &value, &size) == ARCHIVE_OK)
    {
      if (strlen (key) > XATTR_NAME_MAX || size > XATTR_SIZE_MAX)
        return hull_error (err, 0, "layer entry `%s`: xattr `%.64s%s` of %zu bytes: past the kernel's limits (a name of %d, a value of %d bytes)",
                           name, key, strlen (key) > 64 ? "..." : "", size, XATTR_NAME_MAX, XATTR_SIZE_MAX);
      if (!xattr_allowed (u, key))
        {
          hull_unpack_warn (u, "layer entry `%s`: xattr `%s` dropped", name, key);
          continue;
        }
      if (fsetxattr (fd, key, value, size, 0) == 0)
        continue;
      if (errno == ENOTSUP || (errno == EPERM && !u->chown))
        hull_unpack_warn (u, "layer entry `%s`: xattr `%s` not set: %s", name, key, strerror (errno));
      else
        return hull_error_sys (err, "layer entry `%s`: set xattr `%s`", name, key);
    }
  return 0;
}

static void
warn_no_xattrs (struct hull_unpack *u, struct archive_entry *e, const char *name)
{
  if (archive_entry_xattr_reset (e) > 0)
    hull_unpack_warn (u, "layer entry `%s`: xattrs on a symlink or special file are not set", name);
}

/* Owner, mode and times of a node that is not a regular file or directory, by name. */
static int
set_meta_at (struct hull_unpack *u, int parent, const char *base, struct archive_entry *e, bool chmod,
             const char *name, hull_error_t *err)
{
  struct timespec ts[2];

  if (set_owner (u, parent, base, e, name, err) < 0)
    return -1;
  /* After chown, which clears setuid bits. The node is the one just made beside PARENT: only
     the unpacker writes in the root while it works. */
  if (chmod && fchmodat (parent, base, entry_mode (u, e), 0) < 0)
    return hull_error_sys (err, "layer entry `%s`: chmod", name);
  warn_no_xattrs (u, e, name);
  entry_times (e, ts);
  if (utimensat (parent, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_error_sys (err, "layer entry `%s`: set times", name);
  return 0;
}

/* --- writers ----------------------------------------------------------------------------- */

static int
write_data (struct hull_unpack *u, int fd, const char *name, hull_error_t *err)
{
  const void *buf;
  size_t size;
  la_int64_t offset;

  for (;;)
    {
      uint64_t t0 = now_ns ();
      int r = archive_read_data_block (u->a, &buf, &size, &offset);
      u->st->ns_read += now_ns () - t0;
      if (r == ARCHIVE_EOF)
        return 0;
      if (r < ARCHIVE_WARN)
        return hull_error (err, archive_errno (u->a) > 0 ? archive_errno (u->a) : 0, "layer entry `%s`: read: %s",
                           name, archive_error_string (u->a) ? archive_error_string (u->a) : "broken stream");
      /* Sparse files come as blocks at their offsets; the holes stay holes. */
      for (size_t done = 0; done < size;)
        {
          ssize_t w = pwrite (fd, (const char *) buf + done, size - done, offset + done);
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            return hull_error_sys (err, "layer entry `%s`: write", name);
          done += w;
          u->st->bytes_written += w;
        }
    }
}

static int
write_file (struct hull_unpack *u, int parent, const char *base, struct archive_entry *e, const char *name,
            hull_error_t *err)
{
  cleanup_close int fd = -1;
  struct timespec ts[2];

  if (hull_unpack_clear (parent, base, false, name, err) < 0)
    return -1;
  fd = openat (parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return hull_error_sys (err, "layer entry `%s`: create", name);
  if (write_data (u, fd, name, err) < 0)
    return -1;
  if (archive_entry_size_is_set (e) && ftruncate (fd, archive_entry_size (e)) < 0)
    return hull_error_sys (err, "layer entry `%s`: set size", name);
  /* chown clears setuid bits and security.capability, so: owner, then mode, then xattrs;
     times last, as every write before changes them. */
  if (u->chown && fchown (fd, archive_entry_uid (e), archive_entry_gid (e)) < 0)
    return hull_error_sys (err, "layer entry `%s`: chown", name);
  if (fchmod (fd, entry_mode (u, e)) < 0)
    return hull_error_sys (err, "layer entry `%s`: chmod", name);
  if (set_xattrs (u, fd, e, name, err) < 0)
    return -1;
  entry_times (e, ts);
  if (futimens (fd, ts) < 0)
    return hull_error_sys (err, "layer entry `%s`: set times", name);
  return 0;
}

static int
write_dir (struct hull_unpack *u, int parent, const char *base, struct archive_entry *e, const char *name,
           hull_error_t *err)
{
  cleanup_close int fd = -1;
  struct hull_path_node *n;
  int r = hull_unpack_clear (parent, base, true, name, err);

  if (r < 0)
    return -1;
  /* Made private (0700) until the end: the layer's mode may forbid writing inside it. */
  if (r == 0 && mkdirat (parent, base, 0700) < 0)
    return hull_error_sys (err, "layer entry `%s`: mkdir", name);
  if (set_owner (u, parent, base, e, name, err) < 0)
    return -1;
  fd = openat (parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return hull_error_sys (err, "layer entry `%s`: open the directory", name);
  if (set_xattrs (u, fd, e, name, err) < 0)
    return -1;
  n = hull_path_set_add (&u->dirs, name);
  n->mode = entry_mode (u, e);
  entry_times (e, n->times);
  return 0;
}

static int
write_symlink (struct hull_unpack *u, int parent, const char *base, struct archive_entry *e, const char *name,
               hull_error_t *err)
{
  const char *target = archive_entry_symlink (e);

  if (target == NULL || *target == '\0')
    return hull_error (err, 0, "layer entry `%s`: symlink without a target", name);
  if (hull_unpack_clear (parent, base, false, name, err) < 0)
    return -1;
  /* The target is only text: whatever it says, it is resolved inside the root whenever
     Hull follows it (and a container sees it in its own root). */
  if (symlinkat (target, parent, base) < 0)
    return hull_error_sys (err, "layer entry `%s`: symlink", name);
  return set_meta_at (u, parent, base, e, false, name, err);
}

static int
write_node (struct hull_unpack *u, int parent, const char *base, struct archive_entry *e, const char *name,
            hull_error_t *err)
{
  mode_t type = archive_entry_filetype (e);

  if (type == AE_IFSOCK)
    {
      hull_unpack_warn (u, "layer entry `%s`: socket skipped", name);
      return 0;
    }
  if (type != AE_IFIFO && !u->mknod)
    {
      hull_unpack_warn (u, "layer entry `%s`: device node skipped (not root)", name);
      return 0;
    }
  if (hull_unpack_clear (parent, base, false, name, err) < 0)
    return -1;
  if (mknodat (parent, base, type | 0600, type == AE_IFIFO ? 0 : archive_entry_rdev (e)) < 0)
    {
      if (errno == EPERM && type != AE_IFIFO)
        {
          hull_unpack_warn (u, "layer entry `%s`: device node skipped: %s", name, strerror (errno));
          return 0;
        }
      return hull_error_sys (err, "layer entry `%s`: mknod", name);
    }
  return set_meta_at (u, parent, base, e, true, name, err);
}

/* A hardlink to TARGET (cleaned like any name, so it stays in the root), linked without
   following it: a hardlink to a symlink is a second name of the symlink. */
static int
write_hardlink (struct hull_unpack *u, int parent, const char *base, const char *raw_target, const char *name,
                hull_error_t *err)
{
  cleanup_free char *target = NULL;
  cleanup_free char *tdir = NULL;
  cleanup_close int tparent = -1;
  const char *slash, *tbase;
  struct stat st;

  if (hull_unpack_clean_name (raw_target, &target, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`: hardlink target", name);
  if (*target == '\0' || strcmp (target, name) == 0)
    return hull_error (err, 0, "layer entry `%s`: hardlink to `%s`: to the root or itself", name, raw_target);
  slash = strrchr (target, '/');
  tbase = slash ? slash + 1 : target;
  if (slash != NULL)
    {
      tdir = xmalloc0 (slash - target + 1);
      memcpy (tdir, target, slash - target);
    }
  else
    tdir = xstrdup (".");
  if (hull_open_in_root (u->root_fd, tdir, O_DIRECTORY, &tparent, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`: hardlink to `%s`", name, raw_target);
  if (fstatat (tparent, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_error_sys (err, "layer entry `%s`: hardlink to `%s`", name, raw_target);
  if (S_ISDIR (st.st_mode))
    return hull_error (err, 0, "layer entry `%s`: hardlink to `%s`, a directory", name, raw_target);
  if (hull_unpack_clear (parent, base, false, name, err) < 0)
    return -1;
  if (linkat (tparent, tbase, parent, base, 0) < 0)
    return hull_error_sys (err, "layer entry `%s`: hardlink to `%s`", name, raw_target);
  return 0;
}

/* The root itself (a `./` entry): only a directory may name it; it keeps its place and gets
   the entry's owner, mode and times. */
static int
write_root (struct hull_unpack *u, struct archive_entry *e, const char *raw, hull_error_t *err)
{
  struct hull_path_node *n;

  if (archive_entry_filetype (e) != AE_IFDIR || archive_entry_hardlink (e) != NULL)
    return hull_error (err, 0, "layer entry `%s`: would replace the root", raw);
  if (set_owner (u, u->root_fd, ".", e, raw, err) < 0)
    return -1;
  n = hull_path_set_add (&u->dirs, "");
  n->mode = entry_mode (u, e);
  entry_times (e, n->times);
  return 0;
}

/* Remember NAME and its ancestors as this layer's own (an opaque whiteout keeps them). */
static void
mark_written (struct hull_unpack *u, const char *name)
{
  cleanup_free char *p = xstrdup (name);
  char *slash;

  hull_path_set_add (&u->written, p);
  while ((slash = strrchr (p, '/')) != NULL)
    {
      *slash = '\0';
      if (hull_path_set_find (&u->written, p) != NULL)
        break;
      hull_path_set_add (&u->written, p);
    }
}

int
hull_unpack_entry (struct hull_unpack *u, struct archive_entry *e, const char *name, hull_error_t *err)
{
  cleanup_close int parent = -1;
  const char *base;

  if (*name == '\0')
    return write_root (u, e, archive_entry_pathname (e), err);
  if (hull_unpack_parent (u, name, &parent, &base, err) < 0)
    return -1;
  mark_written (u, name);
  if (archive_entry_hardlink (e) != NULL)
    return write_hardlink (u, parent, base, archive_entry_hardlink (e), name, err);
  switch (archive_entry_filetype (e))
    {
    case AE_IFREG:
      return write_file (u, parent, base, e, name, err);
    case AE_IFDIR:
      return write_dir (u, parent, base, e, name, err);
    case AE_IFLNK:
      return write_symlink (u, parent, base, e, name, err);
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO:
    case AE_IFSOCK:
      return write_node (u, parent, base, e, name, err);
    default:
      return hull_error (err, 0, "layer entry `%s`: unknown file type 0%o", name,
                         (unsigned) archive_entry_filetype (e));
    }
}

/* One deferred directory: still a directory (a later entry may have replaced it), then mode
   and times, on an fd resolved again inside the root. */
static int
finish_dir (struct hull_unpack *u, struct hull_path_node *n, hull_error_t *err)
{
  cleanup_close int path_fd = -1;
  cleanup_close int fd = -1;
  const char *name = *n->name ? n->name : ".";

  /* O_PATH|O_NOFOLLOW|O_DIRECTORY: a symlink or file put there later fails with ENOTDIR. */
  if (hull_open_in_root (u->root_fd, name, O_NOFOLLOW | O_DIRECTORY, &path_fd, err) < 0)
    {
      int e = (*err)->errno_;
      if (e == ENOENT || e == ENOTDIR || e == ELOOP)
        {
          hull_error_free (err); /* removed or replaced by a later entry */
          return 0;
        }
      return hull_error_wrap (err, "layer entry `%s`", name);
    }
  /* "." beside the O_PATH fd is that very directory, now open for fchmod and futimens. */
  fd = openat (path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hull_error_sys (err, "layer entry `%s`: open the directory", name);
  if (fchmod (fd, n->mode) < 0)
    return hull_error_sys (err, "layer entry `%s`: chmod", name);
  if (futimens (fd, n->times) < 0)
    return hull_error_sys (err, "layer entry `%s`: set times", name);
  return 0;
}

int
hull_unpack_finish_dirs (struct hull_unpack *u, hull_error_t *err)
{
  for (size_t i = 0; i < u->dirs.nbuckets; i++)
    for (struct hull_path_node *n = u->dirs.buckets[i]; n; n = n->next)
      if (finish_dir (u, n, err) < 0)
        return -1;
  return 0;
}
