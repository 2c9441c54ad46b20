/* resources.c: finding each controller's hierarchy, and writing a resources plan into the
   container's group (see resources.h). */
#define _GNU_SOURCE
#include "resources.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "cgroups-internal.h"
#include "devices-bpf.h"

static const struct
{
  enum hull_res_ctl ctl;
  const char *v1;    /* v1 controller (hierarchy name), or NULL */
  const char *v2;    /* v2 controller in cgroup.controllers, "" for none needed, NULL: no v2 */
  const char *field; /* for errors */
} controllers[] = {
  { HULL_RES_MEMORY, "memory", "memory", "memory" },
  { HULL_RES_PIDS, "pids", "pids", "pids" },
  { HULL_RES_CPU, "cpu", "cpu", "cpu" },
  { HULL_RES_CPUSET, "cpuset", "cpuset", "cpu.cpus/mems" },
  { HULL_RES_IO, "blkio", "io", "blockIO" },
  { HULL_RES_HUGETLB, "hugetlb", "hugetlb", "hugepageLimits" },
  { HULL_RES_NET_CLS, "net_cls", NULL, "network.classID" },
  { HULL_RES_NET_PRIO, "net_prio", NULL, "network.priorities" },
  { HULL_RES_RDMA, "rdma", "rdma", "rdma" },
  { HULL_RES_DEVICES, "devices", "", "devices" },
  { HULL_RES_UNIFIED, NULL, "", "unified" },
};
#define N_CONTROLLERS (sizeof controllers / sizeof controllers[0])

static const struct hull_cgroup_hier *
v1_hier (const struct hull_cgroup *cg, const char *controller)
{
  for (size_t i = 0; controller && i < cg->n_hiers; i++)
    if (!cg->hiers[i].v2 && hull_cgroup_hier_has (&cg->hiers[i], controller))
      return &cg->hiers[i];
  return NULL;
}

/* Whether the cgroup2 hierarchy offers CONTROLLER (its root's cgroup.controllers lists it).
   *AVAIL caches that file, read on first need only: on v1 and hybrid hosts the usual
   settings never ask. */
static bool
offers (const struct hull_cgroup *cg, char **avail, const char *controller)
{
  const struct hull_cgroup_hier *v2 = hull_cgroup_v2_hier (cg);

  if (v2 == NULL)
    return false;
  if (*avail == NULL)
    {
      cleanup_free char *file = xasprintf ("%s/cgroup.controllers", v2->mountpoint);
      hull_error_t ignored = NULL;
      if (hull_read_file_at (AT_FDCWD, file, avail, NULL, &ignored) < 0)
        {
          hull_error_free (&ignored);
          *avail = xstrdup ("");
        }
    }
  return hull_cgroup_word_in (*avail, controller, strlen (controller));
}

/* Which of the WANTED controllers are on v2 (*V2_MASK); one found nowhere is an error. */
static int
locate (const struct hull_cgroup *cg, unsigned wanted, char **avail, unsigned *v2_mask, hull_error_t *err)
{
  bool has_v2 = hull_cgroup_v2_hier (cg) != NULL;

  *v2_mask = 0;
  for (size_t i = 0; i < N_CONTROLLERS; i++)
    {
      if (!(wanted & controllers[i].ctl) || v1_hier (cg, controllers[i].v1))
        continue;
      if (has_v2 && controllers[i].v2 && (controllers[i].v2[0] == '\0' || offers (cg, avail, controllers[i].v2)))
        {
          *v2_mask |= controllers[i].ctl;
          continue;
        }
      return hull_error (err, 0, "linux.resources.%s: no %s controller in the container's cgroup hierarchies "
                                 "on this host%s",
                         controllers[i].field, controllers[i].v1 ? controllers[i].v1 : "cgroup v2",
                         cg->skip_denied ? " (only delegated ones are used when rootless)" : "");
    }
  return 0;
}

/* The v2 controllers to enable down to the group: those of V2_MASK's settings, and those
   whose files linux.resources.unified names (the part of a key before its first dot). */
static int
enable_v2 (const struct hull_cgroup *cg, unsigned v2_mask, char **avail, const struct hull_res_plan *plan,
           hull_error_t *err)
{
  const char **names = xmalloc0 ((N_CONTROLLERS + plan->n + 1) * sizeof *names);
  char **owned = xmalloc0 ((plan->n + 1) * sizeof *owned);
  size_t n = 0, n_owned = 0;
  int ret = 0;

  for (size_t i = 0; i < N_CONTROLLERS; i++)
    if ((v2_mask & controllers[i].ctl) && controllers[i].v2 && controllers[i].v2[0])
      names[n++] = controllers[i].v2;
  for (size_t i = 0; i < plan->n; i++)
    if (plan->w[i].ctl == HULL_RES_UNIFIED)
      {
        char *c = xasprintf ("%.*s", (int) strcspn (plan->w[i].file, "."), plan->w[i].file);
        if (strcmp (c, "cgroup") != 0 && offers (cg, avail, c))
          names[n++] = owned[n_owned++] = c;
        else
          free (c);
      }
  if (n > 0)
    ret = hull_cgroup_enable_controllers (cg, names, err);
  for (size_t i = 0; i < n_owned; i++)
    free (owned[i]);
  free (owned);
  free (names);
  return ret;
}

/* The last file write_value opened, kept open for the next write to the same file: cgroup
   files take one value (one v1 device rule) per write(), and the device rules of a default
   config are ten writes in a row to one devices.allow. DIR is borrowed (the group's). */
struct open_file
{
  const char *dir;
  char *file;
  int fd;
};
#define OPEN_FILE_INIT { .dir = NULL, .file = NULL, .fd = -1 }

static void
open_file_close (struct open_file *of)
{
  if (of->fd >= 0)
    close (of->fd);
  free (of->file);
  *of = (struct open_file) OPEN_FILE_INIT;
}

/* A descriptor of DIR/FILE for writing, OF's when it is that file; -1 with errno. */
static int
open_for_write (struct open_file *of, const char *dir, const char *file)
{
  cleanup_free char *path = NULL;

  if (of->fd >= 0 && of->dir == dir && strcmp (of->file, file) == 0)
    return of->fd;
  open_file_close (of);
  path = xasprintf ("%s/%s", dir, file);
  of->fd = open (path, O_WRONLY | O_CLOEXEC);
  if (of->fd < 0)
    return -1;
  of->dir = dir;
  of->file = xstrdup (file);
  return of->fd;
}

/* Write VALUE to DIR/FILE through OF; -1 with errno on failure. */
static int
write_value (struct open_file *of, const char *dir, const char *file, const char *value)
{
  int fd = open_for_write (of, dir, file);
  size_t len = strlen (value);
  ssize_t w;

  if (fd < 0)
    return -1;
  w = write (fd, value, len);
  if (w < 0)
    return -1;
  if ((size_t) w != len)
    {
      errno = EIO;
      return -1;
    }
  return 0;
}

static int
write_one (struct open_file *of, const char *dir, const struct hull_res_write *w, hull_error_t *err)
{
  if (write_value (of, dir, w->file, w->value) == 0)
    return 0;
  if (errno == ENOENT && w->alt_file && write_value (of, dir, w->alt_file, w->alt_value ? w->alt_value : w->value) == 0)
    return 0;
  /* no memory+swap limit, on a kernel that does not account swap: there is none to lift */
  if (errno == ENOENT && strcmp (w->field, "linux.resources.memory.swap") == 0
      && (strcmp (w->value, "-1") == 0 || strcmp (w->value, "max") == 0))
    return 0;
  if (errno == ENOENT)
    return hull_error (err, ENOENT, "%s: this kernel has no %s in `%s`", w->field, w->file, dir);
  return hull_error_sys (err, "%s: write `%s` to %s in `%s`", w->field, w->value, w->file, dir);
}

static const char *
dir_for (const struct hull_cgroup *cg, const struct hull_res_write *w)
{
  const struct hull_cgroup_hier *h = NULL;
  if (w->v2)
    h = hull_cgroup_v2_hier (cg);
  else
    for (size_t i = 0; i < N_CONTROLLERS && h == NULL; i++)
      if (controllers[i].ctl == w->ctl)
        h = v1_hier (cg, controllers[i].v1);
  return h ? h->dir : NULL;
}

/* ---- update: what the files held before, to put back when a later write fails -------- */

struct undo_entry
{
  const char *dir; /* the hierarchy's directory of the group (the group's, borrowed) */
  char *file;
  char *old;       /* its one line, without the newline */
};

struct undo_log
{
  struct undo_entry *e;
  size_t n;
};

/* Note DIR/FILE's value, once. Nothing is noted for a file that cannot be read or holds no
   single value (empty, or a per-device list of lines): there is nothing to write back. */
static bool
undo_note_file (struct undo_log *log, const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_free char *text = NULL;
  hull_error_t ignored = NULL;
  size_t len = 0;

  for (size_t i = 0; i < log->n; i++)
    if (log->e[i].dir == dir && strcmp (log->e[i].file, file) == 0)
      return true;
  if (hull_read_file_at (AT_FDCWD, path, &text, &len, &ignored) < 0)
    {
      hull_error_free (&ignored);
      return false;
    }
  if (len > 0 && text[len - 1] == '\n')
    text[--len] = '\0';
  if (len == 0 || memchr (text, '\n', len) != NULL)
    return true;
  log->e = xrealloc (log->e, (log->n + 1) * sizeof *log->e);
  log->e[log->n++] = (struct undo_entry) { .dir = dir, .file = xstrdup (file), .old = hull_steal_ptr (text) };
  return true;
}

static void
undo_note (struct undo_log *log, const char *dir, const struct hull_res_write *w)
{
  if (log && !undo_note_file (log, dir, w->file) && w->alt_file)
    undo_note_file (log, dir, w->alt_file);
}

/* Write back what LOG noted, the latest first. One the kernel refuses in that order (a v1
   memory limit above the memsw one still in force, say) is tried again once the others are
   back. Returns the first file that could not be set back, or NULL. */
static const char *
undo_apply (const struct undo_log *log)
{
  cleanup_free bool *done = xmalloc0 (log->n + 1);
  struct open_file of = OPEN_FILE_INIT;
  const char *left = NULL;

  for (int pass = 0; pass < 2; pass++)
    {
      left = NULL;
      for (size_t i = log->n; i-- > 0;)
        {
          if (done[i])
            continue;
          done[i] = write_value (&of, log->e[i].dir, log->e[i].file, log->e[i].old) == 0;
          if (!done[i])
            left = log->e[i].file;
        }
      if (left == NULL)
        break;
    }
  open_file_close (&of);
  return left;
}

static void
undo_free (struct undo_log *log)
{
  for (size_t i = 0; i < log->n; i++)
    {
      free (log->e[i].file);
      free (log->e[i].old);
    }
  free (log->e);
}

/* ---- writing the plan -------------------------------------------------------------------- */

/* W failed with EINVAL: v1's rule memory.limit_in_bytes <= memory.memsw.limit_in_bytes. */
static void
explain_memsw (const struct hull_res_write *w, hull_error_t *err)
{
  if (!w->v2 && (*err)->errno_ == EINVAL
      && (strcmp (w->file, "memory.limit_in_bytes") == 0 || strcmp (w->file, "memory.memsw.limit_in_bytes") == 0))
    {
      char *msg = (*err)->msg;
      (*err)->msg = xasprintf ("%s (cgroup v1 keeps the memory limit at or below the memory+swap limit: "
                               "set memory.swap, or --memory-swap, as well)", msg);
      free (msg);
    }
}

static int
write_plan_through (const struct hull_cgroup *cg, const struct hull_res_plan *plan, struct undo_log *undo,
                    struct open_file *of, hull_error_t *err)
{
  for (size_t i = 0; i < plan->n; i++)
    {
      const struct hull_res_write *w = &plan->w[i];
      const char *dir = dir_for (cg, w);

      if (dir == NULL)
        return hull_error (err, 0, "%s: no hierarchy for it", w->field);
      undo_note (undo, dir, w);
      if (write_one (of, dir, w, err) == 0)
        continue;
      /* v1 keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes at every step (EINVAL
         otherwise): raising both, memsw must go first. (EBUSY is usage above the new limit,
         which no order mends.) */
      if (w->memsw_pair && i + 1 < plan->n && (*err)->errno_ == EINVAL)
        {
          hull_error_free (err);
          undo_note (undo, dir, &plan->w[i + 1]);
          if (write_one (of, dir, &plan->w[i + 1], err) < 0 || write_one (of, dir, w, err) < 0)
            {
              explain_memsw (w, err);
              return -1;
            }
          i++;
          continue;
        }
      explain_memsw (w, err);
      return -1;
    }
  return 0;
}

static int
write_plan (const struct hull_cgroup *cg, const struct hull_res_plan *plan, struct undo_log *undo, hull_error_t *err)
{
  struct open_file of = OPEN_FILE_INIT;
  int ret = write_plan_through (cg, plan, undo, &of, err);

  open_file_close (&of);
  return ret;
}

/* Plan LX's resources for the controllers in WANTED and write them into CG. */
static int
apply (const struct hull_cgroup *cg, const struct hull_linux *lx, unsigned wanted, struct undo_log *undo,
       hull_error_t *err)
{
  cleanup_free char *avail = NULL;
  struct hull_res_plan plan;
  unsigned v2_mask;
  int ret;

  if (wanted == 0)
    return 0;
  if (locate (cg, wanted, &avail, &v2_mask, err) < 0 || hull_res_plan (lx, wanted, v2_mask, &plan, err) < 0)
    return -1;
  ret = enable_v2 (cg, v2_mask & ~(unsigned) HULL_RES_DEVICES, &avail, &plan, err);
  if (ret == 0)
    ret = write_plan (cg, &plan, undo, err);
  if (ret == 0 && (v2_mask & HULL_RES_DEVICES) && plan.n_dev_rules > 0)
    ret = hull_devices_bpf_attach (hull_cgroup_v2_hier (cg)->dir, plan.dev_rules, plan.n_dev_rules, err);
  hull_res_plan_free (&plan);
  return ret;
}

int
hull_cgroup_apply_resources (const struct hull_cgroup *cg, const struct hull_linux *lx, hull_error_t *err)
{
  unsigned wanted = hull_res_wanted (lx ? lx->resources : NULL);

  /* Rootless: device nodes cannot be made in a user namespace, and the rules need a
     privilege the caller has not got; they are left out, as runc does. */
  if (cg->skip_denied)
    wanted &= ~(unsigned) HULL_RES_DEVICES;
  return apply (cg, lx, wanted, NULL, err);
}

int
hull_cgroup_update_resources (const struct hull_cgroup *cg, json_t *resources, hull_error_t *err)
{
  struct hull_linux lx = { .resources = resources };
  struct undo_log undo = { 0 };
  const char *left;
  int ret = apply (cg, &lx, hull_res_wanted (resources) & ~(unsigned) HULL_RES_DEVICES, &undo, err);

  if (ret < 0 && undo.n > 0 && (left = undo_apply (&undo)) != NULL)
    {
      char *msg = (*err)->msg;
      (*err)->msg = xasprintf ("%s; and %s, written before, could not be set back", msg, left);
      free (msg);
    }
  undo_free (&undo);
  return ret;
}
