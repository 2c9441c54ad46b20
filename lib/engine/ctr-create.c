/* ctr-create.c: `hull create` (and the first half of `hull run`): the image found in the
   store and its layers unpacked, the container's directory with config.json made from the
   image and the flags, and its record. Done with the store's lock held, so that `rmi` (which
   takes it too and asks the records) never removes a layer a new container is about to use. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "../image/images.h"
#include "../image/layers.h"
#include "../image/rootfs.h"
#include "engine.h"
#include "hull-config.h"

#define CONFIG_MAX (8u << 20)

/* Everything a creation holds, freed by creation_free whatever happened. */
struct creation
{
  const struct hull_engine *e;
  const struct hull_run_spec *s;
  struct hull_store *store;
  json_t *index;
  struct hull_image_list images;
  const struct hull_image *image;
  char *image_name;             /* the name it was found by, or its first name, or its ID */
  json_t *config_blob;          /* the image's config, as JSON */
  struct hull_image_config cfg; /* the same, parsed (diff_ids) */
  bool overlay;                 /* the rootfs is an overlay of the store's layers (else a copy) */
  char id[65];
  int ctrs_fd;                  /* ROOT/containers */
  int dir_fd;                   /* ROOT/containers/ID, once made */
  json_t *oci;                  /* config.json */
  char **warnings;
};

static void
creation_free (struct creation *c)
{
  hull_images_clear (&c->images);
  json_decref (c->index);
  json_decref (c->config_blob);
  json_decref (c->oci);
  hull_image_config_clear (&c->cfg);
  free (c->image_name);
  hull_strv_free (c->warnings);
  hull_closep (&c->ctrs_fd);
  hull_closep (&c->dir_fd);
  if (c->store)
    hull_store_close (c->store);
}

static int
new_id (char id[65], hull_error_t *err)
{
  unsigned char rnd[32];
  if (getrandom (rnd, sizeof rnd, 0) != sizeof rnd)
    return hull_error_sys (err, "container ID: getrandom");
  for (size_t i = 0; i < sizeof rnd; i++)
    sprintf (id + 2 * i, "%02x", rnd[i]);
  return 0;
}

/* podman's rule for names: a letter or digit, then letters, digits, `_`, `.` or `-`. */
static int
check_name (const char *name, hull_error_t *err)
{
  static const char more[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";

  if (*name == '\0' || strchr ("_.-", *name) || strspn (name, more) != strlen (name) || strlen (name) > 128)
    return hull_error (err, 0, "--name `%s`: a name is 1 to 128 letters, digits, `_`, `.` or `-`, "
                               "beginning with a letter or digit", name);
  return 0;
}

/* Each bind volume's host path is there: a missing one is the user's mistake, told naming
   its flag before anything is made, not later by the runtime's mount. */
static int
check_sources (const struct hull_run_spec *s, hull_error_t *err)
{
  struct stat st;

  for (size_t i = 0; i < s->n_volumes; i++)
    if (s->volumes[i].kind == HULL_VOLUME_BIND && stat (s->volumes[i].source, &st) < 0)
      return hull_error_sys (err, "%s: host path `%s`", s->volumes[i].flag ? s->volumes[i].flag : "-v",
                             s->volumes[i].source);
  return 0;
}

/* The image REF in the locked store, and its config. */
static int
find_image (struct creation *c, const char *ref, hull_error_t *err)
{
  cleanup_free char *data = NULL;
  cleanup_free char *normal = NULL;
  json_error_t jerr;
  size_t len;
  int i;

  if (hull_store_open (c->e->root, true, &c->store, err) < 0 || hull_store_lock (c->store, err) < 0
      || hull_store_read_index (c->store, &c->index, err) < 0
      || hull_images_load (c->store, c->index, &c->images, err) < 0)
    return -1;
  i = hull_images_find (&c->images, ref, err);
  if (i < 0)
    return hull_error_wrap (err, "image `%s`", ref);
  c->image = &c->images.v[i];
  if (hull_ref_normalize (ref, &normal, err) == 0)
    for (char **n = c->image->names; *n; n++)
      if (strcmp (*n, normal) == 0)
        c->image_name = xstrdup (*n);
  hull_error_free (err);
  if (c->image_name == NULL)
    c->image_name = xstrdup (c->image->names[0] ? c->image->names[0] : c->image->id);
  if (hull_store_read_blob (c->store, c->image->id, CONFIG_MAX, true, &data, &len, err) < 0)
    return hull_error_wrap (err, "image `%s`: config", ref);
  c->config_blob = json_loadb (data, len, 0, &jerr);
  if (c->config_blob == NULL)
    return hull_error (err, 0, "image `%s`: config %s: %s", ref, c->image->id, jerr.text);
  if (hull_image_config_parse (data, len, c->image->id, &c->cfg, err) < 0)
    return -1;
  if (c->cfg.n_diff_ids != c->image->manifest.n_layers)
    return hull_error (err, 0, "image `%s`: %zu rootfs.diff_ids for the manifest's %zu layers", ref,
                       c->cfg.n_diff_ids, c->image->manifest.n_layers);
  return 0;
}

/* Each layer unpacked in the store (an imported image's are not yet). */
static int
unpack_layers (struct creation *c, hull_error_t *err)
{
  for (size_t i = 0; i < c->cfg.n_diff_ids; i++)
    if (!hull_layers_has (c->store, c->cfg.diff_ids[i])
        && hull_layers_unpack (c->store, c->image->manifest.layers[i].digest, c->cfg.diff_ids[i], NULL, NULL, err) < 0)
      return -1;
  return 0;
}

/* ROOT/containers/ID with rootfs/ (the overlay's mount point, or the copy), diff/ and work/. */
static int
make_dir (struct creation *c, hull_error_t *err)
{
  cleanup_free char *ctrs = xasprintf ("%s/containers", c->e->root);

  c->ctrs_fd = open (ctrs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (c->ctrs_fd < 0)
    return hull_error_sys (err, "`%s`", ctrs);
  if (mkdirat (c->ctrs_fd, c->id, 0700) < 0)
    return hull_error_sys (err, "container directory `%s/%s`", ctrs, c->id);
  c->dir_fd = openat (c->ctrs_fd, c->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (c->dir_fd < 0)
    return hull_error_sys (err, "container directory `%s/%s`", ctrs, c->id);
  if (mkdirat (c->dir_fd, "rootfs", 0755) < 0)
    return hull_error_sys (err, "`%s/%s/rootfs`", ctrs, c->id);
  if (c->overlay && (mkdirat (c->dir_fd, "diff", 0755) < 0 || mkdirat (c->dir_fd, "work", 0700) < 0))
    return hull_error_sys (err, "`%s/%s`: overlay directories", ctrs, c->id);
  return 0;
}

/* The copy fallback: every layer applied in order onto rootfs/. */
static int
copy_rootfs (struct creation *c, hull_error_t *err)
{
  struct hull_unpack_opts uo = { .keep_owner = c->e->rootless };
  cleanup_close int rootfs = openat (c->dir_fd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const char **paths = xmalloc0 ((c->cfg.n_diff_ids + 1) * sizeof (char *));
  int r;

  if (rootfs < 0)
    {
      free (paths);
      return hull_error_sys (err, "container %.12s: rootfs", c->id);
    }
  for (size_t i = 0; i < c->image->manifest.n_layers; i++)
    paths[i] = xasprintf ("%s/blobs/sha256/%s", c->e->root, c->image->manifest.layers[i].digest + 7);
  r = hull_rootfs_copy (rootfs, paths, c->image->manifest.n_layers, &uo, err);
  for (size_t i = 0; paths[i]; i++)
    free ((char *) paths[i]);
  free (paths);
  return r;
}

/* A file of the image's tree (etc/passwd) as a host path: in the copy, or in the topmost
   layer that has it. NULL when none has it. */
static char *
image_file (const struct creation *c, const char *name)
{
  if (!c->overlay)
    return xasprintf ("%s/containers/%s/rootfs/%s", c->e->root, c->id, name);
  for (size_t i = c->cfg.n_diff_ids; i-- > 0;)
    {
      char *p = xasprintf ("%s/layers/sha256/%s/%s", c->e->root, c->cfg.diff_ids[i] + 7, name);
      struct stat st;
      if (lstat (p, &st) == 0 && S_ISREG (st.st_mode))
        return p;
      free (p);
    }
  return NULL;
}

/* Does a cgroup hierarchy of the host have the pids controller: a v1 one of its own, or the
   cgroup2 one (at /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host) listing it? */
static bool
host_has_pids (void)
{
  static const char *const v2[] = { "/sys/fs/cgroup/cgroup.controllers", "/sys/fs/cgroup/unified/cgroup.controllers" };
  struct stat st;

  if (stat ("/sys/fs/cgroup/pids/cgroup.procs", &st) == 0)
    return true;
  for (size_t i = 0; i < sizeof v2 / sizeof *v2; i++)
    {
      cleanup_free char *list = NULL;
      hull_error_t err = NULL;
      size_t len;
      if (hull_read_file_at (AT_FDCWD, v2[i], &list, &len, &err) < 0)
        {
          hull_error_free (&err);
          continue;
        }
      for (char *save = NULL, *w = strtok_r (list, " \n", &save); w; w = strtok_r (NULL, " \n", &save))
        if (strcmp (w, "pids") == 0)
          return true;
    }
  return false;
}

/* /etc/hosts: the host's for --network host, else localhost; the container's host name on
   the loopback addresses in both. */
static char *
hosts_text (const char *hostname, bool host_network)
{
  cleanup_free char *base = NULL;
  hull_error_t err = NULL;

  if (host_network && hull_read_file_at (AT_FDCWD, "/etc/hosts", &base, NULL, &err) < 0)
    hull_error_free (&err); /* none: ours alone */
  if (base == NULL)
    base = xstrdup ("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
  return xasprintf ("%s%s127.0.0.1\t%s\n::1\t%s\n", base, *base && base[strlen (base) - 1] != '\n' ? "\n" : "",
                    hostname, hostname);
}

/* The files run-config.c binds at /etc/hostname, /etc/hosts and (--network host)
   /etc/resolv.conf, in the container's directory. */
static int
write_etc_files (struct creation *c, hull_error_t *err)
{
  const char *hostname = json_string_value (json_object_get (c->oci, "hostname"));
  bool host_network = c->s->network == HULL_NETWORK_HOST;
  cleanup_free char *name = xasprintf ("%s\n", hostname ? hostname : "");
  cleanup_free char *hosts = hosts_text (hostname ? hostname : "localhost", host_network);
  cleanup_free char *resolv = NULL;

  if (hull_write_file_atomic_at (c->dir_fd, "hostname", name, strlen (name), 0644, err) < 0
      || hull_write_file_atomic_at (c->dir_fd, "hosts", hosts, strlen (hosts), 0644, err) < 0)
    return -1;
  if (!host_network)
    return 0;
  if (hull_read_file_at (AT_FDCWD, "/etc/resolv.conf", &resolv, NULL, err) < 0)
    {
      if ((*err)->errno_ != ENOENT)
        return -1;
      hull_error_free (err); /* the host has none: an empty one */
      resolv = xstrdup ("");
    }
  return hull_write_file_atomic_at (c->dir_fd, "resolv.conf", resolv, strlen (resolv), 0644, err);
}

static int
make_config (struct creation *c, hull_error_t *err)
{
  cleanup_free char *dir = hull_engine_ctr_path (c->e, c->id, NULL);
  cleanup_free char *passwd = image_file (c, "etc/passwd");
  cleanup_free char *group = image_file (c, "etc/group");
  cleanup_free char *text = NULL;
  struct hull_run_host host = {
    .id = c->id,
    .rootfs = "rootfs",
    .rootless = c->e->rootless,
    .uid = c->e->uid,
    .gid = c->e->gid,
    .subuid_file = "/etc/subuid",
    .subgid_file = "/etc/subgid",
    .init_path = c->e->init_path,
    .selinux = access ("/sys/fs/selinux/enforce", F_OK) == 0,
    .apparmor = access ("/sys/kernel/security/apparmor", F_OK) == 0,
    .no_pids_controller = !host_has_pids (),
    .passwd = passwd,
    .group = group,
    .ctr_dir = dir,
  };

  if (c->s->init && c->e->init_path == NULL)
    return hull_error (err, 0, "--init: hull-init is not installed (looked for it at %s and %s; or set HULL_INIT)",
                       HULL_INIT_INSTALLED, HULL_INIT_BUILT);
  if (hull_run_config (c->s, json_object_get (c->config_blob, "config"), &host, &c->oci, &c->warnings, err) < 0)
    return -1;
  /* :z and :Z, before the container exists (a no-op where SELinux is off) */
  if (hull_run_relabel_volumes (c->s, c->oci, &host, err) < 0 || write_etc_files (c, err) < 0)
    return -1;
  text = json_dumps (c->oci, JSON_INDENT (2));
  return hull_write_file_atomic_at (c->dir_fd, "config.json", text, strlen (text), 0600, err);
}

/* The engine's own data about the container: how its rootfs is made, what start needs. */
static json_t *
engine_data (const struct creation *c)
{
  json_t *layers = json_array ();
  const char *stop = c->cfg.stop_signal;

  for (size_t i = c->cfg.n_diff_ids; c->overlay && i-- > 0;)
    json_array_append_new (layers, json_string (c->cfg.diff_ids[i] + 7));
  return json_pack ("{s:s, s:o, s:b, s:b, s:b, s:s}", "rootfs", c->overlay ? "overlay" : "copy", "layers", layers,
                    "tty", c->s->tty, "interactive", c->s->interactive, "rm", c->s->rm, "stopSignal",
                    stop && *stop ? stop : "SIGTERM");
}

static int
insert_record (struct creation *c, struct hull_db *db, hull_error_t *err)
{
  cleanup_json json_t *data = engine_data (c);
  cleanup_free char *spec = json_dumps (data, JSON_COMPACT);
  cleanup_free char *command = json_dumps (json_object_get (json_object_get (c->oci, "process"), "args") ?: json_array (),
                                          JSON_COMPACT);
  cleanup_free char *name = c->s->name ? xstrdup (c->s->name) : xasprintf ("hull-%.12s", c->id);
  struct hull_ctr r = {
    .name = name,
    .image = c->image_name,
    .image_id = (char *) c->image->id,
    .command = command,
    .spec = spec,
    .state = HULL_CTR_CREATED,
    .created_ns = hull_engine_now_ns (),
  };

  memcpy (r.id, c->id, sizeof r.id);
  return hull_db_insert (db, &r, err);
}

static int
create (struct creation *c, const char *image, hull_error_t *err)
{
  cleanup_db struct hull_db *db = NULL;

  if ((c->s->name && check_name (c->s->name, err) < 0) || check_sources (c->s, err) < 0)
    return -1;
  if (new_id (c->id, err) < 0 || hull_engine_db (c->e, &db, err) < 0 || find_image (c, image, err) < 0)
    return -1;
  c->overlay = !c->e->rootless && hull_rootfs_overlay_available ();
  if (c->overlay && unpack_layers (c, err) < 0)
    return -1;
  if (make_dir (c, err) < 0)
    return -1;
  if (!c->overlay && copy_rootfs (c, err) < 0)
    return -1;
  if (make_config (c, err) < 0 || insert_record (c, db, err) < 0)
    return -1;
  return 0;
}

int
hull_engine_create (const struct hull_engine *e, const struct hull_run_spec *s, const char *image, char id[65],
                    char ***warnings, hull_error_t *err)
{
  struct creation c = { .e = e, .s = s, .ctrs_fd = -1, .dir_fd = -1 };
  int r = create (&c, image, err);

  if (r < 0 && c.dir_fd >= 0)
    {
      hull_error_t e2 = NULL;
      hull_closep (&c.dir_fd);
      if (hull_rm_rf_at (c.ctrs_fd, c.id, &e2) < 0)
        hull_warn (e->log, "container %.12s: removing what was made: %s", c.id, e2->msg);
      hull_error_free (&e2);
    }
  if (r == 0)
    {
      memcpy (id, c.id, 65);
      if (warnings)
        *warnings = hull_steal_ptr (c.warnings);
    }
  creation_free (&c);
  return r;
}
