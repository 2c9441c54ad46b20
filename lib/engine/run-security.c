/* run-security.c: the capability set, the SELinux and AppArmor labels, and what --privileged
   turns off.

   Default capabilities: nine, podman's eleven without CAP_SETPCAP and CAP_SETFCAP:
     CHOWN, DAC_OVERRIDE, FOWNER, FSETID (root's ordinary file powers: package managers and
     entrypoints that chown and chmod their own files), KILL (signals to the container's own
     processes), NET_BIND_SERVICE (ports below 1024 in the container's own network namespace),
     SETUID, SETGID (entrypoints that drop from root to a service user), SYS_CHROOT (build
     tools; a chroot inside the container's own mount namespace).
   - SETFCAP is left out because a container run by root without a user namespace could write
     file capabilities (security.capability) onto files of a host directory given with -v,
     which would then grant those capabilities to whoever runs them on the host.
   - SETPCAP only matters to a process that edits its bounding set or passes capabilities on
     through the inheritable set; ordinary programs never need it.
   A process that is not uid 0 gets the set as its bounding set only: it holds no capability
   unless --cap-add names it (then effective, permitted, inheritable and ambient, so it
   survives execve as that user).
   No set is wider than the engine's own bounding set (read with PR_CAPBSET_READ when the
   config is made): the runtime could not give a capability it lacks (this build host's root
   lacks CAP_SYS_RESOURCE), so --privileged and --cap-add all mean "all the engine holds", and
   --cap-add of one it lacks is refused. */
#define _GNU_SOURCE
#include <ctype.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "../core/util.h"
#include "run-internal.h"

static const int default_caps[] = { CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID,     CAP_KILL,
                                    CAP_NET_BIND_SERVICE, CAP_SETGID, CAP_SETUID, CAP_SYS_CHROOT };

char *
run_cap_canonical (const char *name)
{
  cap_value_t v;
  char *up;

  if (strncasecmp (name, "CAP_", 4) == 0)
    name += 4;
  if (*name == '\0')
    return NULL;
  up = xasprintf ("CAP_%s", name);
  for (char *p = up; *p; p++)
    *p = (char) toupper ((unsigned char) *p);
  if (cap_from_name (up, &v) < 0 || v < 0 || v > CAP_LAST_CAP)
    {
      free (up);
      return NULL;
    }
  return up;
}

/* The capabilities the engine's own bounding set holds. */
static uint64_t
all_caps (void)
{
  uint64_t m = 0;
  for (int i = 0; i <= CAP_LAST_CAP && i < 64; i++)
    if (prctl (PR_CAPBSET_READ, i, 0, 0, 0) == 1)
      m |= 1ULL << i;
  return m;
}

/* A --cap-add of a capability the engine lacks. */
static int
check_held (char **names, uint64_t held, hull_error_t *err)
{
  for (size_t i = 0; names && names[i]; i++)
    {
      cleanup_free char *canon = run_cap_canonical (names[i]);
      cap_value_t v;
      if (canon && cap_from_name (canon, &v) == 0 && !(held & (1ULL << v)))
        return hull_error (err, 0, "--cap-add: `%s`: hull itself does not hold %s, so it cannot give it", names[i],
                           canon);
    }
  return 0;
}

/* NAMES (--cap-add or --cap-drop, checked by the parser) as a mask; *ALL when one is "all". */
static uint64_t
names_mask (char **names, bool *all)
{
  uint64_t m = 0;
  *all = false;
  for (size_t i = 0; names && names[i]; i++)
    {
      cleanup_free char *canon = NULL;
      cap_value_t v;
      if (strcasecmp (names[i], "all") == 0)
        *all = true;
      else if ((canon = run_cap_canonical (names[i])) != NULL && cap_from_name (canon, &v) == 0)
        m |= 1ULL << v;
    }
  return m;
}

/* MASK as capability names, in number order. */
static json_t *
mask_json (uint64_t mask)
{
  json_t *a = json_array ();
  for (int i = 0; i <= CAP_LAST_CAP; i++)
    {
      char *name, *up;
      if (!(mask & (1ULL << i)) || (name = cap_to_name (i)) == NULL)
        continue;
      up = xstrdup (name);
      cap_free (name);
      for (char *p = up; *p; p++)
        *p = (char) toupper ((unsigned char) *p);
      if (strncmp (up, "CAP_", 4) == 0) /* libcap prints numbers it has no name for */
        json_array_append_new (a, json_string (up));
      free (up);
    }
  return a;
}

int
run_caps_apply (struct run_ctx *c, json_t *process, uint64_t *bounding, hull_error_t *err)
{
  bool add_all, drop_all;
  uint64_t add = names_mask (c->s->cap_add, &add_all), drop = names_mask (c->s->cap_drop, &drop_all);
  uint64_t set = 0, held, engine = all_caps ();

  if (check_held (c->s->cap_add, engine, err) < 0)
    return -1;
  if (c->s->privileged)
    set = engine;
  else
    for (size_t i = 0; i < sizeof default_caps / sizeof default_caps[0]; i++)
      set |= 1ULL << default_caps[i];
  /* podman's order: drop all, add all, then each named capability added, then dropped */
  if (drop_all)
    set = 0;
  if (add_all)
    set = engine;
  set = (set | add) & ~drop & engine;
  held = c->uid == 0 ? set : (add_all ? engine : add) & set;
  json_object_set_new (process, "capabilities",
                       json_pack ("{s:o, s:o, s:o, s:o, s:o}", "bounding", mask_json (set), "effective",
                                  mask_json (held), "permitted", mask_json (held), "inheritable",
                                  mask_json (c->uid == 0 ? 0 : held), "ambient", mask_json (c->uid == 0 ? 0 : held)));
  *bounding = set;
  return 0;
}

/* Two MCS categories (c0..c1023) from the container's ID, so that :Z files of one container
   are not those of another (podman keeps a registry of used pairs; a clash here needs two IDs
   hashing alike, which --security-opt label=level: avoids). */
static char *
mcs_level (const char *id)
{
  uint32_t h = 2166136261u;
  unsigned a, b;
  for (const char *p = id ? id : ""; *p; p++)
    h = (h ^ (unsigned char) *p) * 16777619u;
  a = h % 1024;
  b = (h / 1024) % 1023;
  if (b >= a)
    b++;
  return a < b ? xasprintf ("s0:c%u,c%u", a, b) : xasprintf ("s0:c%u,c%u", b, a);
}

/* The process label user:role:type:level with --security-opt label=KEY:VALUE over podman's
   default (system_u:system_r:container_t), and linux.mountLabel (container_file_t) with the
   same level. */
static void
selinux_labels (struct run_ctx *c, json_t *process)
{
  const char *parts[4] = { "system_u", "system_r", "container_t", NULL };
  static const char *const keys[] = { "user:", "role:", "type:", "level:" };
  cleanup_free char *level = mcs_level (c->host->id), *label = NULL, *mount = NULL;

  parts[3] = level;
  for (size_t i = 0; c->s->labels && c->s->labels[i]; i++)
    for (size_t k = 0; k < 4; k++)
      if (strncmp (c->s->labels[i], keys[k], strlen (keys[k])) == 0)
        parts[k] = c->s->labels[i] + strlen (keys[k]);
  label = xasprintf ("%s:%s:%s:%s", parts[0], parts[1], parts[2], parts[3]);
  mount = xasprintf ("%s:object_r:container_file_t:%s", parts[0], parts[3]);
  json_object_set_new (process, "selinuxLabel", json_string (label));
  json_object_set_new (json_object_get (c->doc, "linux"), "mountLabel", json_string (mount));
}

static bool
labels_disabled (const struct hull_run_spec *s)
{
  for (size_t i = 0; s->labels && s->labels[i]; i++)
    if (strcmp (s->labels[i], "disable") == 0)
      return true;
  return s->privileged;
}

int
run_lsm_apply (struct run_ctx *c, json_t *process, hull_error_t *err)
{
  const char *aa = c->s->apparmor;

  if (!labels_disabled (c->s))
    {
      if (c->host->selinux)
        selinux_labels (c, process);
      else if (c->s->labels)
        run_warn (c, "--security-opt label=%s: ignored: SELinux is off on this host", c->s->labels[0]);
    }
  if (aa != NULL && strcmp (aa, "unconfined") != 0 && !c->s->privileged)
    {
      if (c->host->apparmor)
        json_object_set_new (process, "apparmorProfile", json_string (aa));
      else
        run_warn (c, "--security-opt apparmor=%s: ignored: AppArmor is off on this host", aa);
    }
  return 0;
}

/* A mount's options without "ro" (and with "rw"), for /sys under --privileged. */
static void
mount_writable (json_t *mounts, const char *destination)
{
  long i = run_json_index (mounts, "destination", destination);
  json_t *opts = i < 0 ? NULL : json_object_get (json_array_get (mounts, (size_t) i), "options");
  long ro = run_json_index (opts, NULL, "ro");

  if (ro >= 0)
    json_array_set_new (opts, (size_t) ro, json_string ("rw"));
}

void
run_privileged_apply (struct run_ctx *c)
{
  json_t *lx = json_object_get (c->doc, "linux"), *res = json_object_get (lx, "resources");

  if (!c->s->privileged)
    return;
  json_object_del (lx, "maskedPaths");
  json_object_del (lx, "readonlyPaths");
  mount_writable (json_object_get (c->doc, "mounts"), "/sys");
  mount_writable (json_object_get (c->doc, "mounts"), "/sys/fs/cgroup");
  if (res != NULL)
    json_object_set_new (res, "devices", json_pack ("[{s:b, s:s}]", "allow", 1, "access", "rwm"));
  run_warn (c, "--privileged: every protection is off: all capabilities, no seccomp filter, /proc and /sys "
               "writable, every device allowed; %s",
            c->userns ? "a process in this container has every power of your user"
                      : "a process in this container can take over the host");
}
