/* cgroups.c: finding the mounted hierarchies, naming, creating, opening, entering and removing
   the container's group. Processes in a group (listing, signalling) are in cgroups-procs.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "cgroups-internal.h"

/* How long destroy keeps retrying rmdir while the last processes of a group finish exiting. */
#define DESTROY_BUDGET_US 1000000L

int
hull_cgroup_detect (enum hull_cgroup_mode *mode, hull_error_t *err)
{
  struct statfs st;

  if (statfs (HULL_CGROUP_ROOT, &st) < 0)
    return hull_error_sys (err, "statfs `%s`", HULL_CGROUP_ROOT);
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    {
      *mode = HULL_CGROUP_V2;
      return 0;
    }
  if (st.f_type != TMPFS_MAGIC)
    return hull_error (err, 0, "`%s` is neither a cgroup2 mount nor a tmpfs holding cgroup v1 mounts",
                       HULL_CGROUP_ROOT);
  /* A missing or unmounted "unified" (plain tmpfs directory) means a pure v1 host. */
  if (statfs (HULL_CGROUP_ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    *mode = HULL_CGROUP_HYBRID;
  else
    *mode = HULL_CGROUP_V1;
  return 0;
}

const char *
hull_cgroup_mode_name (enum hull_cgroup_mode mode)
{
  switch (mode)
    {
    case HULL_CGROUP_V1:
      return "v1";
    case HULL_CGROUP_V2:
      return "v2";
    case HULL_CGROUP_HYBRID:
      return "hybrid";
    }
  return "unknown";
}

bool
hull_cgroup_hier_has (const struct hull_cgroup_hier *h, const char *controller)
{
  size_t len = strlen (controller);

  for (const char *p = h->name; *p;)
    {
      size_t n = strcspn (p, ",");
      if (n == len && strncmp (p, controller, len) == 0)
        return true;
      p += n;
      if (*p == ',')
        p++;
    }
  return false;
}

bool
hull_cgroup_backoff (long *slept_us, long *delay_us, long budget_us)
{
  long left = budget_us - *slept_us;
  long d = *delay_us < left ? *delay_us : left;
  struct timespec ts;

  if (d <= 0)
    return false;
  ts.tv_sec = d / 1000000;
  ts.tv_nsec = (d % 1000000) * 1000;
  nanosleep (&ts, NULL);
  *slept_us += d;
  *delay_us *= 2;
  return true;
}

/* ---- paths ------------------------------------------------------------------------------ */

/* Canonical form of a cgroup path: absolute, single slashes, no "." or trailing slash. ".."
   is refused (it could climb out of the hierarchy), and so is the hierarchy root itself, which
   is shared by the whole host and must never be entered or removed as a container's group. */
static int
normalise_path (const char *in, char **out, hull_error_t *err)
{
  cleanup_free char *buf = xmalloc0 (strlen (in) + 2);
  size_t len = 0;

  for (const char *p = in; *p;)
    {
      size_t n = strcspn (p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.')
        return hull_error (err, 0, "cgroup path `%s`: `..` components are not allowed", in);
      if (n > 0 && !(n == 1 && p[0] == '.'))
        {
          buf[len++] = '/';
          memcpy (buf + len, p, n);
          len += n;
        }
      p += n;
      while (*p == '/')
        p++;
    }
  if (len == 0)
    return hull_error (err, 0, "cgroup path `%s` names the hierarchy root; give the container its own group",
                       in);
  buf[len] = '\0';
  *out = hull_steal_ptr (buf);
  return 0;
}

/* systemd's "slice:prefix:name" form: relative and exactly two colons. */
static bool
is_systemd_form (const char *path)
{
  size_t colons = 0;

  if (path[0] == '/')
    return false;
  for (const char *p = path; *p; p++)
    colons += *p == ':';
  return colons == 2 && strchr (path, '/') == NULL;
}

int
hull_cgroup_resolve_path (const char *cgroups_path, const char *id, char **out, hull_error_t *err)
{
  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    {
      if (id == NULL || id[0] == '\0' || strchr (id, '/') != NULL || strcmp (id, ".") == 0
          || strcmp (id, "..") == 0)
        return hull_error (err, 0, "container id `%s` cannot name a cgroup", id ? id : "");
      *out = xasprintf ("/hull/%s", id);
      return 0;
    }
  if (is_systemd_form (cgroups_path))
    return hull_error (err, 0,
                       "cgroupsPath `%s`: systemd cgroup paths (slice:prefix:name) are not supported; "
                       "use a path such as `/hull/<id>`",
                       cgroups_path);
  /* Relative paths are taken from the root of each hierarchy, like absolute ones. */
  return normalise_path (cgroups_path, out, err);
}

/* ---- hierarchies ------------------------------------------------------------------------ */

static void
add_hier (struct hull_cgroup *cg, const char *mountpoint, const char *name, bool v2)
{
  struct hull_cgroup_hier *h;

  cg->hiers = xrealloc (cg->hiers, (cg->n_hiers + 1) * sizeof *cg->hiers);
  h = &cg->hiers[cg->n_hiers++];
  memset (h, 0, sizeof *h);
  h->mountpoint = xstrdup (mountpoint);
  h->name = xstrdup (name);
  h->v2 = v2;
}

static int
cmp_hier (const void *a, const void *b)
{
  return strcmp (((const struct hull_cgroup_hier *) a)->name, ((const struct hull_cgroup_hier *) b)->name);
}

/* Identifies a mounted hierarchy: two mounts of one hierarchy share the superblock. */
struct mount_key
{
  bool from_dev; /* st_dev, used when the kernel reports no f_fsid for cgroupfs */
  unsigned long long v;
};

static bool
key_seen (const struct mount_key *keys, size_t n, struct mount_key k)
{
  for (size_t i = 0; i < n; i++)
    if (keys[i].from_dev == k.from_dev && keys[i].v == k.v)
      return true;
  return false;
}

/* Examine one entry of /sys/fs/cgroup: a directory that is a cgroup or cgroup2 mount, not seen
   before, becomes a hierarchy. Symlinks ("cpu" -> "cpu,cpuacct") are skipped, and so are second
   mounts of one hierarchy. Plain tmpfs directories (an unmounted "unified") report tmpfs. One
   statfs per entry is the usual cost: it gives both the type and, on current kernels, the
   superblock's fsid; stat (for st_dev) is the fallback. */
static void
consider_entry (struct hull_cgroup *cg, int rootfd, const struct dirent *de, struct mount_key **keys)
{
  char path[PATH_MAX];
  struct stat st;
  struct statfs sfs;
  struct mount_key k = { false, 0 };

  if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
    return;
  if (de->d_type == DT_UNKNOWN
      && (fstatat (rootfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR (st.st_mode)))
    return;
  if ((size_t) snprintf (path, sizeof path, "%s/%s", HULL_CGROUP_ROOT, de->d_name) >= sizeof path)
    return;
  if (statfs (path, &sfs) < 0 || (sfs.f_type != CGROUP_SUPER_MAGIC && sfs.f_type != CGROUP2_SUPER_MAGIC))
    return;
  memcpy (&k.v, &sfs.f_fsid, sizeof k.v < sizeof sfs.f_fsid ? sizeof k.v : sizeof sfs.f_fsid);
  if (k.v == 0)
    {
      if (fstatat (rootfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
      k.from_dev = true;
      k.v = st.st_dev;
    }
  if (key_seen (*keys, cg->n_hiers, k))
    return;
  *keys = xrealloc (*keys, (cg->n_hiers + 1) * sizeof **keys);
  (*keys)[cg->n_hiers] = k;
  add_hier (cg, path, de->d_name, sfs.f_type == CGROUP2_SUPER_MAGIC);
}

/* The v1 (and, on hybrid hosts, the unified) mounts directly under /sys/fs/cgroup. A readdir
   plus a statfs per mount costs about as much as reading /proc/self/mountinfo on a quiet host
   and, unlike it, does not grow with the number of mounts on busy ones. Hierarchies come out
   sorted by name. */
static int
discover_v1 (struct hull_cgroup *cg, hull_error_t *err)
{
  cleanup_free struct mount_key *keys = NULL;
  struct dirent *de;
  DIR *d = opendir (HULL_CGROUP_ROOT);

  if (d == NULL)
    return hull_error_sys (err, "open `%s`", HULL_CGROUP_ROOT);
  errno = 0;
  while ((de = readdir (d)) != NULL)
    consider_entry (cg, dirfd (d), de, &keys);
  if (errno != 0)
    {
      hull_error_sys (err, "read `%s`", HULL_CGROUP_ROOT);
      closedir (d);
      return -1;
    }
  closedir (d);
  if (cg->n_hiers == 0)
    return hull_error (err, 0, "no cgroup hierarchies are mounted under `%s`", HULL_CGROUP_ROOT);
  qsort (cg->hiers, cg->n_hiers, sizeof *cg->hiers, cmp_hier);
  return 0;
}

/* A group description for PATH in every mounted hierarchy; nothing is created. */
static int
cgroup_new (const char *path, struct hull_cgroup **out, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = xmalloc0 (sizeof *cg);

  if (path == NULL)
    return hull_error (err, 0, "no cgroup path given");
  if (normalise_path (path, &cg->path, err) < 0)
    return -1;
  if (hull_cgroup_detect (&cg->mode, err) < 0)
    return -1;
  if (cg->mode == HULL_CGROUP_V2)
    add_hier (cg, HULL_CGROUP_ROOT, "", true);
  else if (discover_v1 (cg, err) < 0)
    return -1;
  for (size_t i = 0; i < cg->n_hiers; i++)
    cg->hiers[i].dir = xasprintf ("%s%s", cg->hiers[i].mountpoint, cg->path);
  *out = hull_steal_ptr (cg);
  return 0;
}

static void
free_hier (struct hull_cgroup_hier *h)
{
  free (h->mountpoint);
  free (h->name);
  free (h->dir);
}

/* ---- create ----------------------------------------------------------------------------- */

static int
check_dir (const char *dir, hull_error_t *err)
{
  struct stat st;

  if (stat (dir, &st) < 0)
    return hull_error_sys (err, "stat cgroup `%s`", dir);
  if (!S_ISDIR (st.st_mode))
    return hull_error (err, ENOTDIR, "cgroup `%s`", dir);
  return 0;
}

/* mkdir -p of the group in hierarchy H. h->made is set to the length of the first directory
   this call created (its prefix of h->dir), so that everything from there down can be removed
   again; it stays 0 when the group already existed. Usually the parent exists and one mkdir is
   all. */
static int
mkdir_group (struct hull_cgroup_hier *h, hull_error_t *err)
{
  cleanup_free char *buf = NULL;

  h->made = 0;
  if (mkdir (h->dir, 0755) == 0)
    {
      h->made = strlen (h->dir);
      return 0;
    }
  if (errno == EEXIST)
    return check_dir (h->dir, err);
  if (errno != ENOENT)
    return hull_error_sys (err, "mkdir `%s`", h->dir);

  buf = xstrdup (h->dir);
  for (char *p = buf + strlen (h->mountpoint) + 1;; p++)
    {
      char *slash = strchr (p, '/');
      if (slash != NULL)
        *slash = '\0';
      if (mkdir (buf, 0755) == 0)
        {
          if (h->made == 0)
            h->made = strlen (buf);
        }
      else if (errno != EEXIST)
        return hull_error_sys (err, "mkdir `%s`", buf);
      if (slash == NULL)
        break;
      *slash = '/';
      p = slash;
    }
  return h->made != 0 ? 0 : check_dir (h->dir, err);
}

/* Remove the directories mkdir_group created in H: the leaf, then its parents up to MADE. */
static void
unmake_group (const struct hull_cgroup_hier *h, size_t made)
{
  cleanup_free char *buf = NULL;

  if (made == 0)
    return;
  buf = xstrdup (h->dir);
  for (;;)
    {
      char *slash;
      rmdir (buf); /* best effort: a fresh, empty group */
      if (strlen (buf) <= made || (slash = strrchr (buf, '/')) == NULL)
        break;
      *slash = '\0';
    }
}

static void
strip_newline (char *s)
{
  size_t n = strlen (s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
    s[--n] = '\0';
}

/* The value of v1 cpuset knob KNOB ("cpuset.cpus" or "cpuset.mems") in DIR, filling it in
   from the nearest ancestor first when empty: a new cpuset group starts with both empty, and
   moving a process into it would then fail with ENOSPC. Ancestors are filled on the way down
   because a group's set must be a subset of its parent's. ROOT_LEN is the mount point length.
   FRESH: DIR was just made, so it is known to be empty (or, with cgroup.clone_children, to
   hold the parent's value already) and need not be read. */
static int
cpuset_value (char *dir, size_t root_len, const char *knob, bool fresh, char **value, hull_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, knob);
  cleanup_free char *cur = NULL;
  cleanup_free char *parent_value = NULL;
  char *slash;
  int r;

  if (fresh)
    cur = xstrdup ("");
  else if (hull_read_file_at (AT_FDCWD, path, &cur, NULL, err) < 0)
    return -1;
  strip_newline (cur);
  if (cur[0] != '\0' || strlen (dir) <= root_len)
    {
      *value = hull_steal_ptr (cur);
      return 0;
    }
  slash = strrchr (dir, '/');
  *slash = '\0';
  r = cpuset_value (dir, root_len, knob, false, &parent_value, err);
  *slash = '/';
  if (r < 0)
    return -1;
  if (parent_value[0] == '\0')
    return hull_error (err, 0, "cannot set `%s`: no ancestor has a value", path);
  if (hull_write_file_at (AT_FDCWD, path, parent_value, strlen (parent_value), err) < 0)
    return -1;
  *value = hull_steal_ptr (parent_value);
  return 0;
}

/* Whether hierarchy H may be a v1 cpuset one. The mount point is named after the controllers
   by convention; when every part of the name is a well-known other controller, the probe for
   cpuset.cpus (a syscall per hierarchy at every container start) is skipped. */
static bool
maybe_cpuset (const struct hull_cgroup_hier *h)
{
  static const char *const others[] = { "blkio", "cpu", "cpuacct", "devices", "freezer", "hugetlb", "memory",
                                         "misc", "net_cls", "net_prio", "perf_event", "pids", "rdma", "systemd" };
  size_t known = 0, parts = 0;

  if (h->v2)
    return false;
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    known += hull_cgroup_hier_has (h, others[i]);
  for (const char *p = h->name; p != NULL; p = strchr (p, ','))
    {
      p += *p == ',';
      parts++;
    }
  return known < parts;
}

/* Whether the new group of H already has cpus, which it has when its parent has
   cgroup.clone_children set: the kernel then copies both cpus and mems at mkdir. *CPUSET is
   false when H has no cpuset.cpus file (not a cpuset hierarchy). */
static int
fresh_has_cpus (const struct hull_cgroup_hier *h, bool *cpuset, bool *has, hull_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/cpuset.cpus", h->dir);
  cleanup_free char *cur = NULL;

  *cpuset = *has = false;
  if (hull_read_file_at (AT_FDCWD, path, &cur, NULL, err) < 0)
    {
      if ((*err)->errno_ != ENOENT)
        return -1;
      hull_error_free (err);
      return 0;
    }
  strip_newline (cur);
  *cpuset = true;
  *has = cur[0] != '\0';
  return 0;
}

/* Set cgroup.clone_children on the parent of the new group DIR (not on the hierarchy root,
   which would reach every new group of the host), so that the next group made there starts
   with the parent's cpus and mems instead of copying them by hand. Best effort: without it
   the next group is filled by hand as this one was. */
static void
clone_children_on_parent (const char *dir, size_t root_len)
{
  cleanup_free char *parent = xstrdup (dir);
  cleanup_free char *file = NULL;
  hull_error_t ignored = NULL;
  char *slash = strrchr (parent, '/');

  if (slash == NULL || (size_t) (slash - parent) <= root_len)
    return;
  *slash = '\0';
  file = xasprintf ("%s/cgroup.clone_children", parent);
  hull_write_file_at (AT_FDCWD, file, "1", 1, &ignored);
  hull_error_free (&ignored);
}

/* Give a v1 cpuset group (and any empty ancestors) cpus and mems. Other hierarchies, which
   have no cpuset.cpus file, are left alone. A group this call made is first read: with
   cgroup.clone_children on its parent it is complete already (one read instead of reading
   and writing both knobs). */
static int
cpuset_fill (const struct hull_cgroup_hier *h, hull_error_t *err)
{
  static const char *const knobs[] = { "cpuset.cpus", "cpuset.mems" };
  cleanup_free char *probe = NULL;
  cleanup_free char *dir = NULL;
  bool fresh = h->made != 0, cpuset = true, has = false;

  if (!maybe_cpuset (h))
    return 0;
  if (fresh)
    {
      if (fresh_has_cpus (h, &cpuset, &has, err) < 0)
        return -1;
      if (!cpuset || has)
        return 0;
    }
  else
    {
      probe = xasprintf ("%s/cpuset.cpus", h->dir);
      if (access (probe, F_OK) < 0)
        return 0;
    }
  dir = xstrdup (h->dir);
  for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
    {
      cleanup_free char *value = NULL;
      if (cpuset_value (dir, strlen (h->mountpoint), knobs[i], fresh, &value, err) < 0)
        return -1;
    }
  if (fresh)
    clone_children_on_parent (h->dir, strlen (h->mountpoint));
  return 0;
}

/* Whether the caller may put processes into the existing group of H. */
static bool
group_writable (const struct hull_cgroup_hier *h)
{
  cleanup_free char *procs = xasprintf ("%s/cgroup.procs", h->dir);
  return faccessat (AT_FDCWD, procs, W_OK, AT_EACCESS) == 0;
}

static bool
is_denied (hull_error_t err)
{
  return err->errno_ == EACCES || err->errno_ == EPERM || err->errno_ == EROFS;
}

/* Drop hierarchy I from CG (rootless, not delegated there). */
static void
drop_hier (struct hull_cgroup *cg, size_t i)
{
  free_hier (&cg->hiers[i]);
  memmove (&cg->hiers[i], &cg->hiers[i + 1], (cg->n_hiers - i - 1) * sizeof *cg->hiers);
  cg->n_hiers--;
}

/* mkdir the group in hierarchy I of CG. With skip_denied, a hierarchy the caller has no
   right to is dropped (*DROPPED), which is not an error. */
static int
make_group (struct hull_cgroup *cg, size_t i, bool *dropped, hull_error_t *err)
{
  struct hull_cgroup_hier *h = &cg->hiers[i];

  *dropped = false;
  if (mkdir_group (h, err) == 0 && (!cg->skip_denied || group_writable (h)))
    return cpuset_fill (h, err);
  if (!cg->skip_denied || (*err != NULL && !is_denied (*err)))
    return -1;
  hull_error_free (err);
  unmake_group (h, h->made);
  drop_hier (cg, i);
  *dropped = true;
  return 0;
}

/* mkdir the group in the hierarchies of one kind: the cgroup2 one (V2) or the v1 ones. On
   failure what this call made is removed again. */
static int
make_groups (struct hull_cgroup *cg, bool v2, hull_error_t *err)
{
  size_t i;

  for (i = 0; i < cg->n_hiers;)
    {
      bool dropped = false;
      if (cg->hiers[i].v2 == v2 && make_group (cg, i, &dropped, err) < 0)
        break;
      if (!dropped)
        i++;
    }
  if (i == cg->n_hiers)
    return 0;
  for (size_t j = 0; j <= i; j++)
    if (cg->hiers[j].v2 == v2)
      {
        unmake_group (&cg->hiers[j], cg->hiers[j].made);
        cg->hiers[j].made = 0;
      }
  return hull_error_wrap (err, "create cgroup `%s`", cg->path);
}

int
hull_cgroup_create_v2_first (const char *path, bool skip_denied, struct hull_cgroup **out, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;

  if (cgroup_new (path, &cg, err) < 0)
    return -1;
  cg->skip_denied = skip_denied;
  if (make_groups (cg, true, err) < 0)
    return -1;
  *out = hull_steal_ptr (cg);
  return 0;
}

int
hull_cgroup_create_v1 (struct hull_cgroup *cg, hull_error_t *err)
{
  return make_groups (cg, false, err);
}

void
hull_cgroup_unmake (struct hull_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      unmake_group (&cg->hiers[i], cg->hiers[i].made);
      cg->hiers[i].made = 0;
    }
}

int
hull_cgroup_create (const char *path, struct hull_cgroup **out, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;

  if (hull_cgroup_create_v2_first (path, false, &cg, err) < 0)
    return -1;
  if (hull_cgroup_create_v1 (cg, err) < 0)
    {
      hull_cgroup_unmake (cg); /* the v2 group just made, if any */
      return -1;
    }
  *out = hull_steal_ptr (cg);
  return 0;
}

/* ---- open, enter ------------------------------------------------------------------------ */

int
hull_cgroup_open (const char *path, struct hull_cgroup **out, hull_error_t *err)
{
  cleanup_cgroup struct hull_cgroup *cg = NULL;
  size_t kept = 0;
  int ret = 0;

  if (cgroup_new (path, &cg, err) < 0)
    return -1;
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      struct stat st;
      errno = 0;
      if (stat (cg->hiers[i].dir, &st) == 0 && S_ISDIR (st.st_mode))
        {
          if (geteuid () == 0 || group_writable (&cg->hiers[i]))
            cg->hiers[kept++] = cg->hiers[i];
          else
            free_hier (&cg->hiers[i]);
          continue;
        }
      if (errno != 0 && errno != ENOENT && errno != ENOTDIR)
        ret = hull_error_sys (err, "stat cgroup `%s`", cg->hiers[i].dir);
      free_hier (&cg->hiers[i]);
    }
  cg->n_hiers = kept;
  if (ret < 0)
    return -1;
  *out = hull_steal_ptr (cg);
  return 0;
}

int
hull_cgroup_enter (const struct hull_cgroup *cg, pid_t pid, hull_error_t *err)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d", (int) pid);

  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      cleanup_free char *procs = xasprintf ("%s/cgroup.procs", cg->hiers[i].dir);
      if (hull_write_file_at (AT_FDCWD, procs, buf, len, err) < 0)
        return hull_error_wrap (err, "move process %d into cgroup `%s`", (int) pid, cg->path);
    }
  return 0;
}

/* ---- destroy ---------------------------------------------------------------------------- */

/* rmdir DIR, retrying on EBUSY (processes still exiting) within the shared back-off budget. */
static int
rmdir_retry (const char *dir, long *slept_us, long *delay_us, hull_error_t *err)
{
  for (;;)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY || !hull_cgroup_backoff (slept_us, delay_us, DESTROY_BUDGET_US))
        return hull_error_sys (err, "rmdir `%s`", dir);
    }
}

/* The names of DIR's sub-directories (its sub-groups); ENOENT gives an empty list. */
static int
list_subdirs (const char *dir, char ***out, hull_error_t *err)
{
  size_t n = 0;
  char **v = xmalloc0 (sizeof *v);
  struct dirent *de;
  DIR *d = opendir (dir);

  if (d == NULL && errno != ENOENT)
    {
      free (v);
      return hull_error_sys (err, "open cgroup `%s`", dir);
    }
  while (d != NULL && (de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      v = xrealloc (v, (n + 2) * sizeof *v);
      v[n++] = xstrdup (de->d_name);
      v[n] = NULL;
    }
  if (d != NULL)
    closedir (d);
  *out = v;
  return 0;
}

/* Remove DIR's sub-groups depth-first, then DIR. Control files are never unlinked: rmdir of a
   cgroup directory takes them with it. rmdir is tried first since a leaf without sub-groups is
   the usual case; EBUSY means sub-groups or processes are still there. */
static int
remove_group (const char *dir, long *slept_us, long *delay_us, hull_error_t *err)
{
  cleanup_strv char **subs = NULL;

  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  if (errno != EBUSY)
    return hull_error_sys (err, "rmdir `%s`", dir);
  if (list_subdirs (dir, &subs, err) < 0)
    return -1;
  for (char **s = subs; *s; s++)
    {
      cleanup_free char *sub = xasprintf ("%s/%s", dir, *s);
      if (remove_group (sub, slept_us, delay_us, err) < 0)
        return -1;
    }
  return rmdir_retry (dir, slept_us, delay_us, err);
}

int
hull_cgroup_destroy (struct hull_cgroup *cg, hull_error_t *err)
{
  long slept_us = 0, delay_us = 1000;
  int ret = 0;

  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      const struct hull_cgroup_hier *h = &cg->hiers[i];
      /* normalise_path refuses "/", so dir is always below the mount point; check anyway. */
      if (strlen (h->dir) <= strlen (h->mountpoint))
        return hull_error (err, 0, "refusing to remove the root of hierarchy `%s`", h->mountpoint);
      if (remove_group (h->dir, &slept_us, &delay_us, err) < 0)
        ret = -1; /* keep going: leave as little behind as possible, report the first error */
    }
  return ret < 0 ? hull_error_wrap (err, "remove cgroup `%s`", cg->path) : 0;
}

/* Drop the first N hierarchies of CG (their groups are gone). */
static void
drop_first_hiers (struct hull_cgroup *cg, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free_hier (&cg->hiers[i]);
  memmove (cg->hiers, cg->hiers + n, (cg->n_hiers - n) * sizeof *cg->hiers);
  cg->n_hiers -= n;
}

/* rmdir is tried in every hierarchy before anything reads the group's processes: it succeeds
   only on a group with no processes and no sub-groups, and nothing can join a removed group,
   so an empty group (the usual case: the init has exited and its pid namespace took the rest
   along) needs no look inside. The first EBUSY means someone is still there: the hierarchies
   not removed yet are then killed through and destroyed as they always were. */
int
hull_cgroup_remove (struct hull_cgroup *cg, hull_error_t *err)
{
  size_t i;

  for (i = 0; i < cg->n_hiers; i++)
    {
      const struct hull_cgroup_hier *h = &cg->hiers[i];
      if (strlen (h->dir) <= strlen (h->mountpoint))
        return hull_error (err, 0, "refusing to remove the root of hierarchy `%s`", h->mountpoint);
      if (rmdir (h->dir) == 0 || errno == ENOENT)
        continue;
      if (errno != EBUSY)
        {
          hull_error_sys (err, "rmdir `%s`", h->dir);
          return hull_error_wrap (err, "remove cgroup `%s`", cg->path);
        }
      break;
    }
  if (i == cg->n_hiers)
    {
      drop_first_hiers (cg, i);
      return 0;
    }
  drop_first_hiers (cg, i);
  if (hull_cgroup_kill (cg, SIGKILL, err) < 0)
    return -1;
  return hull_cgroup_destroy (cg, err);
}

/* ---- free ------------------------------------------------------------------------------- */

void
hull_cgroup_free (struct hull_cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n_hiers; i++)
    free_hier (&cg->hiers[i]);
  free (cg->hiers);
  free (cg->path);
  free (cg);
}

void
hull_cgroup_freep (struct hull_cgroup **cg)
{
  hull_cgroup_free (*cg);
}
