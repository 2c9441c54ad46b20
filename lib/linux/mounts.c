/* mounts.c: the container's mounts, with the new mount API (fsopen/fsmount, open_tree,
   mount_setattr, move_mount). Every mount is built detached, given its final attributes
   (read-only and the rest) while still detached, and only then attached onto an O_PATH fd of
   its target resolved inside the rootfs: there is no window where a mount is writable that
   should not be, and no path is looked up twice (no room for a symlink swap). */
#define _GNU_SOURCE
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"
#include "fsutil.h"
#include "lsm-labels.h"
#include "mount_options.h"

#define cleanup_mopts __attribute__ ((cleanup (hull_mount_opts_free)))

static int
setattr (int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation)
{
  struct mount_attr a = { .attr_set = set, .attr_clr = clr, .propagation = propagation };
  return mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a);
}

/* Give a (detached) mount the attributes the options ask for: first the recursive ones, then
   those of the top mount, so "rro,rw" style combinations end as written. */
static int
apply_attrs (int mfd, const struct hull_mount_opts *o, const char *what, hull_error_t *err)
{
  if ((o->rattr_set || o->rattr_clr) && setattr (mfd, true, o->rattr_set, o->rattr_clr, 0) < 0)
    return hull_error_sys (err, "%s: set recursive mount attributes", what);
  if ((o->attr_set || o->attr_clr) && setattr (mfd, false, o->attr_set, o->attr_clr, 0) < 0)
    return hull_error_sys (err, "%s: set mount attributes", what);
  return 0;
}

static int
apply_propagation (int mfd, const struct hull_mount_opts *o, const char *what, hull_error_t *err)
{
  if (o->propagation && setattr (mfd, o->propagation_recursive, 0, 0, o->propagation) < 0)
    return hull_error_sys (err, "%s: set mount propagation", what);
  return 0;
}

/* linux.mountLabel, or NULL (create refused it unless SELinux is on). */
static const char *
mount_label (const struct hull_init_ctx *ctx)
{
  const char *l = ctx->spec->linux_ ? ctx->spec->linux_->mount_label : NULL;
  return l && *l ? l : NULL;
}

static int
attach (int mfd, int target_fd, const char *what, hull_error_t *err)
{
  if (move_mount (mfd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_error_sys (err, "%s: attach mount", what);
  return 0;
}

/* The kernel explains fsconfig failures in the fs context's log: fetch that line. */
static void
fs_log (int fsfd, char *buf, size_t len)
{
  ssize_t n = read (fsfd, buf, len - 1);
  buf[0] = '\0';
  if (n > 2)
    {
      buf[n] = '\0';
      if (buf[n - 1] == '\n')
        buf[n - 1] = '\0';
    }
}

static int
fs_fail (int fsfd, const char *what, const char *step, hull_error_t *err)
{
  int e = errno;
  char log[256];
  fs_log (fsfd, log, sizeof log);
  if (log[0])
    return hull_error (err, e, "%s: %s (%s)", what, step, log + 2);
  return hull_error (err, e, "%s: %s", what, step);
}

/* A new detached filesystem mount: fsopen, fsconfig each parameter (and CONTEXT, the SELinux
   label of every file in it, unless NULL), fsmount. */
static int
new_fs (const char *type, const char *source, char *const *params, const char *context, uint64_t attrs,
        const char *what, int *out, hull_error_t *err)
{
  cleanup_close int fsfd = fsopen (type, FSOPEN_CLOEXEC);
  int mfd;

  if (fsfd < 0)
    return hull_error_sys (err, "%s: filesystem type `%s`", what, type);
  if (source && *source && fsconfig (fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return fs_fail (fsfd, what, "set source", err);
  for (size_t i = 0; params && params[i]; i++)
    {
      cleanup_free char *key = xstrdup (params[i]);
      char *eq = strchr (key, '=');
      int r;
      if (eq)
        {
          *eq = '\0';
          r = fsconfig (fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
        }
      else
        r = fsconfig (fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
      if (r < 0)
        {
          cleanup_free char *step = xasprintf ("option `%s`", params[i]);
          return fs_fail (fsfd, what, step, err);
        }
    }
  if (context && fsconfig (fsfd, FSCONFIG_SET_STRING, "context", context, 0) < 0)
    return fs_fail (fsfd, what, "linux.mountLabel as option `context`", err);
  if (fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_fail (fsfd, what, "create filesystem", err);
  mfd = fsmount (fsfd, FSMOUNT_CLOEXEC, attrs);
  if (mfd < 0)
    return hull_error_sys (err, "%s: fsmount", what);
  *out = mfd;
  return 0;
}

/* A detached copy of an existing tree (bind mount). */
static int
clone_tree (int dirfd, const char *path, bool recursive, const char *what, int *out, hull_error_t *err)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
  if (*path == '\0')
    flags |= AT_EMPTY_PATH;
  *out = open_tree (dirfd, path, flags);
  if (*out < 0)
    return hull_error_sys (err, "%s: bind source `%s`", what, path);
  return 0;
}

static int
do_bind (const struct hull_init_ctx *ctx, int root_fd, const struct hull_mount *m, const struct hull_mount_opts *o,
         const char *what, hull_error_t *err)
{
  cleanup_free char *src = NULL;
  cleanup_close int mfd = -1;
  cleanup_close int target = -1;
  struct stat st;

  if (m->source == NULL)
    return hull_error (err, 0, "%s.source: a bind mount needs a source", what);
  src = m->source[0] == '/' ? xstrdup (m->source) : xasprintf ("%s/%s", ctx->bundle, m->source);
  if (clone_tree (AT_FDCWD, src, o->recursive_bind, what, &mfd, err) < 0)
    return -1;
  if (fstat (mfd, &st) < 0)
    return hull_error_sys (err, "%s: stat bind source `%s`", what, src);
  if (apply_attrs (mfd, o, what, err) < 0)
    return -1;
  if (hull_mkpath_in_root (root_fd, m->destination, S_ISDIR (st.st_mode), &target, err) < 0)
    return hull_error_wrap (err, "%s", what);
  if (attach (mfd, target, what, err) < 0)
    return -1;
  return apply_propagation (mfd, o, what, err);
}

static int
do_remount (int root_fd, const struct hull_mount *m, const struct hull_mount_opts *o, const char *what,
            hull_error_t *err)
{
  cleanup_close int target = -1;
  if (hull_open_in_root (root_fd, m->destination, 0, &target, err) < 0)
    return hull_error_wrap (err, "%s", what);
  if (apply_attrs (target, o, what, err) < 0)
    return -1;
  return apply_propagation (target, o, what, err);
}

/* tmpcopyup: copy what the mount point held into the fresh tmpfs that now covers it. */
static int copy_tree (int from_dir, int to_dir, const char *what, hull_error_t *err);

static int
copy_entry (int from_dir, int to_dir, const char *name, const char *what, hull_error_t *err)
{
  struct stat st;
  if (fstatat (from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_error_sys (err, "%s: tmpcopyup: stat `%s`", what, name);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_close int f = -1;
      cleanup_close int t = -1;
      if (mkdirat (to_dir, name, st.st_mode & 07777) < 0 && errno != EEXIST)
        return hull_error_sys (err, "%s: tmpcopyup: mkdir `%s`", what, name);
      f = openat (from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      t = openat (to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (f < 0 || t < 0)
        return hull_error_sys (err, "%s: tmpcopyup: open `%s`", what, name);
      if (copy_tree (f, t, what, err) < 0)
        return -1;
    }
  else if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX];
      ssize_t n = readlinkat (from_dir, name, target, sizeof target - 1);
      if (n < 0)
        return hull_error_sys (err, "%s: tmpcopyup: readlink `%s`", what, name);
      target[n] = '\0';
      if (symlinkat (target, to_dir, name) < 0)
        return hull_error_sys (err, "%s: tmpcopyup: symlink `%s`", what, name);
    }
  else if (S_ISREG (st.st_mode))
    {
      cleanup_close int f = openat (from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      cleanup_close int t = openat (to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
      char buf[65536];
      ssize_t n;
      if (f < 0 || t < 0)
        return hull_error_sys (err, "%s: tmpcopyup: open `%s`", what, name);
      while ((n = read (f, buf, sizeof buf)) > 0)
        if (hull_write_all (t, buf, n, name, err) < 0)
          return -1;
      if (n < 0)
        return hull_error_sys (err, "%s: tmpcopyup: read `%s`", what, name);
    }
  else
    return 0; /* devices, sockets and fifos are not copied */
  if (fchownat (to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_error_sys (err, "%s: tmpcopyup: chown `%s`", what, name);
  return 0;
}

static int
copy_tree (int from_dir, int to_dir, const char *what, hull_error_t *err)
{
  int dup_fd = dup (from_dir);
  DIR *d;
  struct dirent *de;
  int ret = 0;

  if (dup_fd < 0 || (d = fdopendir (dup_fd)) == NULL)
    {
      if (dup_fd >= 0)
        close (dup_fd);
      return hull_error_sys (err, "%s: tmpcopyup: read directory", what);
    }
  while (ret == 0 && (de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      ret = copy_entry (from_dir, to_dir, de->d_name, what, err);
  closedir (d);
  return ret;
}

static int
tmpcopyup (int under_fd, int mfd, const char *what, hull_error_t *err)
{
  /* under_fd was opened before the mount, so "." below it is the covered directory. */
  cleanup_close int from = openat (under_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int to = openat (mfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (from < 0 || to < 0)
    return hull_error_sys (err, "%s: tmpcopyup: open", what);
  return copy_tree (from, to, what, err);
}

static int
do_new_fs (const struct hull_init_ctx *ctx, int root_fd, const struct hull_mount *m, const struct hull_mount_opts *o,
           const char *what, hull_error_t *err)
{
  cleanup_close int target = -1;
  cleanup_close int mfd = -1;
  const char *type = m->type;

  if (type == NULL || *type == '\0')
    return hull_error (err, 0, "%s.type: needed for a mount that is not a bind mount", what);
  if (hull_mkpath_in_root (root_fd, m->destination, true, &target, err) < 0)
    return hull_error_wrap (err, "%s", what);
  const char *label = mount_label (ctx);

  if (new_fs (type, m->source, o->fs_params, hull_lsm_mount_context (label, type, o->fs_params), o->attr_set | o->rattr_set,
              what, &mfd, err) < 0)
    {
      /* Without its own network namespace (and so without the right to a new sysfs), a
         container gets the host's /sys bound read-only-as-asked instead, as runc does. */
      if (strcmp (type, "sysfs") != 0 || (*err)->errno_ != EPERM)
        return -1;
      hull_error_free (err);
      if (clone_tree (AT_FDCWD, "/sys", true, what, &mfd, err) < 0)
        return -1;
      if (setattr (mfd, true, o->attr_set | o->rattr_set, 0, 0) < 0)
        return hull_error_sys (err, "%s: set mount attributes", what);
    }
  if (label && strcmp (type, "mqueue") == 0 && hull_lsm_label_mount_root (mfd, label, what, err) < 0)
    return -1;
  if (attach (mfd, target, what, err) < 0)
    return -1;
  if (o->tmpcopyup && tmpcopyup (target, mfd, what, err) < 0)
    return -1;
  return apply_propagation (mfd, o, what, err);
}

/* /sys/fs/cgroup: the container's own group, bound from each hierarchy (v1/hybrid under a
   tmpfs with one directory per hierarchy; v2 directly), read-only when asked. On v1 the tree
   is the one exception to building mounts detached: the binds go onto the attached tmpfs
   (still out of the container's reach: nothing runs in it before the mounts are done), and
   read-only, nosuid, nodev and noexec are then set on the whole tree at once, one syscall
   instead of one per hierarchy. The tmpfs has nosuid, nodev and noexec from the start, so
   it ends as before: those plus read-only when asked. */
#define CGROUP_TREE_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)
static int
do_cgroup_tree (const struct hull_init_ctx *ctx, int root_fd, const struct hull_mount *m,
                const struct hull_mount_opts *o, const char *what, hull_error_t *err)
{
  const struct hull_cgroup *cg = ctx->cgroup;
  cleanup_close int target = -1;
  cleanup_close int top = -1;
  uint64_t attrs = o->attr_set | o->rattr_set;
  static char *const tmpfs_params[] = { "mode=755", NULL };

  if (hull_mkpath_in_root (root_fd, m->destination, true, &target, err) < 0)
    return hull_error_wrap (err, "%s", what);
  if (cg == NULL || cg->n_hiers == 0)
    {
      /* No group (rootless without delegation): an empty read-only directory, nothing of the host. */
      if (new_fs ("tmpfs", "cgroup", tmpfs_params, NULL, attrs | MOUNT_ATTR_RDONLY, what, &top, err) < 0)
        return -1;
      return attach (top, target, what, err);
    }
  if (cg->mode == HULL_CGROUP_V2)
    {
      if (clone_tree (AT_FDCWD, cg->hiers[0].dir, false, what, &top, err) < 0 || apply_attrs (top, o, what, err) < 0)
        return -1;
      return attach (top, target, what, err);
    }
  if (new_fs ("tmpfs", "cgroup", tmpfs_params, NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, what, &top,
              err) < 0
      || attach (top, target, what, err) < 0)
    return -1;
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      const struct hull_cgroup_hier *h = &cg->hiers[i];
      cleanup_close int sub = -1;
      cleanup_close int bind = -1;
      if (mkdirat (top, h->name, 0755) < 0 && errno != EEXIST)
        return hull_error_sys (err, "%s: mkdir `%s`", what, h->name);
      sub = openat (top, h->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        return hull_error_sys (err, "%s: open `%s`", what, h->name);
      if (clone_tree (AT_FDCWD, h->dir, false, what, &bind, err) < 0
          || ((attrs & ~CGROUP_TREE_ATTRS) && setattr (bind, false, attrs & ~CGROUP_TREE_ATTRS, 0, 0) < 0)
          || attach (bind, sub, what, err) < 0)
        return hull_error (err, errno, "%s: bind cgroup `%s`", what, h->dir);
      /* co-mounted controllers ("cpu,cpuacct") are also reachable by each name, as on the host */
      if (strchr (h->name, ','))
        {
          cleanup_free char *names = xstrdup (h->name);
          char *save = NULL;
          for (char *n = strtok_r (names, ",", &save); n; n = strtok_r (NULL, ",", &save))
            if (symlinkat (h->name, top, n) < 0 && errno != EEXIST)
              return hull_error_sys (err, "%s: symlink `%s`", what, n);
        }
    }
  if ((attrs & CGROUP_TREE_ATTRS) && setattr (top, true, attrs & CGROUP_TREE_ATTRS, 0, 0) < 0)
    return hull_error_sys (err, "%s: set mount attributes", what);
  return 0;
}

static int
mount_entry (const struct hull_init_ctx *ctx, int root_fd, size_t idx, hull_error_t *err)
{
  const struct hull_mount *m = &ctx->spec->mounts[idx];
  cleanup_mopts struct hull_mount_opts o = { 0 };
  char what[64];

  snprintf (what, sizeof what, "mounts[%zu] (%.32s)", idx, m->destination);
  if (hull_mount_opts_parse (m->options, what, &o, err) < 0)
    return -1;
  if (o.remount)
    return do_remount (root_fd, m, &o, what, err);
  if (o.bind || (m->type && strcmp (m->type, "bind") == 0))
    {
      o.bind = true;
      return do_bind (ctx, root_fd, m, &o, what, err);
    }
  if (m->type && strcmp (m->type, "cgroup") == 0)
    return do_cgroup_tree (ctx, root_fd, m, &o, what, err);
  return do_new_fs (ctx, root_fd, m, &o, what, err);
}

int
hull_mounts_prepare (const struct hull_init_ctx *ctx, int *root_fd, hull_error_t *err)
{
  cleanup_close int rfd = -1;

  /* Our copy of the host's mount tree must not send anything back: rslave lets host mounts
     still appear below, while nothing done here propagates out. */
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return hull_error_sys (err, "make the mount tree a slave of the host");
  /* pivot_root needs the new root to be a mount point of its own. */
  if (mount (ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return hull_error_sys (err, "bind the rootfs `%s`", ctx->rootfs);
  rfd = open (ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rfd < 0)
    return hull_error_sys (err, "open the rootfs `%s`", ctx->rootfs);
  for (size_t i = 0; i < ctx->spec->n_mounts; i++)
    if (mount_entry (ctx, rfd, i, err) < 0)
      return -1;
  if (hull_devices_create (ctx, rfd, err) < 0)
    return -1;
  *root_fd = hull_steal_fd (rfd);
  return 0;
}

int
hull_mounts_pivot (const struct hull_init_ctx *ctx, int root_fd, hull_error_t *err)
{
  if (fchdir (root_fd) < 0)
    return hull_error_sys (err, "chdir to the rootfs");
  if (ctx->no_pivot)
    {
      /* --no-pivot: move the rootfs over / and chroot into it. Weaker: the old root stays
         reachable to a process that can escape a chroot. */
      if (mount (ctx->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return hull_error_sys (err, "move the rootfs to /");
      if (chroot (".") < 0)
        return hull_error_sys (err, "chroot into the rootfs");
    }
  else
    {
      /* pivot_root(".", ".") stacks the old root on top of the new one at "/"; detaching "."
         then drops the old root (it is a slave, so the host does not see the unmount). */
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return hull_error_sys (err, "pivot_root into `%s`", ctx->rootfs);
      if (umount2 (".", MNT_DETACH) < 0)
        return hull_error_sys (err, "detach the old root");
    }
  if (chdir ("/") < 0)
    return hull_error_sys (err, "chdir to /");
  return 0;
}

static unsigned long
propagation_flag (const char *name)
{
  if (strcmp (name, "shared") == 0 || strcmp (name, "rshared") == 0)
    return MS_SHARED;
  if (strcmp (name, "slave") == 0 || strcmp (name, "rslave") == 0)
    return MS_SLAVE;
  if (strcmp (name, "private") == 0 || strcmp (name, "rprivate") == 0)
    return MS_PRIVATE;
  if (strcmp (name, "unbindable") == 0 || strcmp (name, "runbindable") == 0)
    return MS_UNBINDABLE;
  return 0;
}

/* A bind of the container's /dev/null, which must be the null device itself: a symlink put
   there (CVE-2025-31133 sent runc's masks through one to /proc/sys/kernel/core_pattern) or
   any other file is refused rather than mounted over a masked path. */
static int
clone_null (int *mfd, hull_error_t *err)
{
  struct stat st;

  *mfd = open_tree (AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
  if (*mfd < 0)
    return hull_error_sys (err, "linux.maskedPaths: bind source `/dev/null`");
  if (fstat (*mfd, &st) < 0)
    return hull_error_sys (err, "linux.maskedPaths: stat /dev/null");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return hull_error (err, EINVAL, "linux.maskedPaths: the container's /dev/null is not the null device");
  return 0;
}

/* Hide PATH: a read-only empty tmpfs over a directory, /dev/null over anything else. The fd is
   taken with O_NOFOLLOW after a scoped lookup, so a symlink cannot redirect the mask. */
static int
mask_path (const char *path, const char *label, int *empty_dir_fs, hull_error_t *err)
{
  cleanup_close int target = -1;
  cleanup_close int mfd = -1;
  struct stat st;

  if (hull_open_in_root (AT_FDCWD, path, O_NOFOLLOW, &target, err) < 0)
    {
      if ((*err)->errno_ == ENOENT || (*err)->errno_ == ELOOP)
        {
          hull_error_free (err);
          return 0;
        }
      return hull_error_wrap (err, "linux.maskedPaths `%s`", path);
    }
  if (fstat (target, &st) < 0)
    return hull_error_sys (err, "linux.maskedPaths `%s`: stat", path);
  if (S_ISDIR (st.st_mode))
    {
      static char *const params[] = { "size=0", "mode=0555", NULL };
      /* The first directory gets the new mount itself, the others clones of it: a mount
         left detached costs an RCU grace period when its descriptor is closed, and an
         attached one does not. */
      if (*empty_dir_fs < 0)
        {
          if (new_fs ("tmpfs", "tmpfs", params, label, MOUNT_ATTR_RDONLY, "linux.maskedPaths", empty_dir_fs, err) < 0)
            return -1;
          return attach (*empty_dir_fs, target, path, err);
        }
      if (clone_tree (*empty_dir_fs, "", false, "linux.maskedPaths", &mfd, err) < 0)
        return -1;
    }
  else if (clone_null (&mfd, err) < 0)
    return -1;
  return attach (mfd, target, path, err);
}

static int
readonly_path (const char *path, hull_error_t *err)
{
  cleanup_close int target = -1;
  cleanup_close int mfd = -1;

  if (hull_open_in_root (AT_FDCWD, path, O_NOFOLLOW, &target, err) < 0)
    {
      if ((*err)->errno_ == ENOENT || (*err)->errno_ == ELOOP)
        {
          hull_error_free (err);
          return 0;
        }
      return hull_error_wrap (err, "linux.readonlyPaths `%s`", path);
    }
  if (clone_tree (target, "", true, "linux.readonlyPaths", &mfd, err) < 0)
    return -1;
  if (setattr (mfd, true, MOUNT_ATTR_RDONLY, 0, 0) < 0)
    return hull_error_sys (err, "linux.readonlyPaths `%s`: make read-only", path);
  return attach (mfd, target, path, err);
}

int
hull_mounts_finish (const struct hull_init_ctx *ctx, hull_error_t *err)
{
  const struct hull_linux *lx = ctx->spec->linux_;
  cleanup_close int empty_dir_fs = -1;

  for (size_t i = 0; lx && lx->masked_paths && lx->masked_paths[i]; i++)
    if (mask_path (lx->masked_paths[i], mount_label (ctx), &empty_dir_fs, err) < 0)
      return -1;
  for (size_t i = 0; lx && lx->readonly_paths && lx->readonly_paths[i]; i++)
    if (readonly_path (lx->readonly_paths[i], err) < 0)
      return -1;
  if (ctx->spec->root_readonly && setattr (AT_FDCWD, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
    {
      /* AT_FDCWD with an empty path is the cwd, which is "/" here. */
      return hull_error_sys (err, "root.readonly: make / read-only");
    }
  /* Last: an unbindable tree could not be cloned for the masks above. */
  if (lx && lx->rootfs_propagation)
    {
      unsigned long f = propagation_flag (lx->rootfs_propagation);
      if (f && mount (NULL, "/", NULL, MS_REC | f, NULL) < 0)
        return hull_error_sys (err, "linux.rootfsPropagation `%s`", lx->rootfs_propagation);
    }
  return 0;
}
