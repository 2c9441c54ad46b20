/* features.c: the `features` document (features.md, features-linux.md). It lists only what
   this build implements; confinement layers appear here as they land. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>

#include "../linux/landlock-rules.h"
#include "../linux/mount_options.h"
#include "../linux/seccomp-filter.h"
#include "../spec/spec.h"
#include "container.h"

static json_t *
strings (const char *const *v)
{
  json_t *a = json_array ();
  for (size_t i = 0; v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

json_t *
hull_features_json (void)
{
  static const char *const hooks[] = { "prestart", "createRuntime", "createContainer", "startContainer",
                                       "poststart", "poststop", NULL };
  static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL };
  json_t *f = json_object ();
  json_t *lx = json_object ();
  int landlock;

  json_object_set_new (f, "ociVersionMin", json_string ("1.0.0"));
  json_object_set_new (f, "ociVersionMax", json_string ("1.2.0"));
  json_object_set_new (f, "hooks", strings (hooks));
  json_object_set_new (f, "mountOptions", strings (hull_mount_option_names));
  json_object_set_new (lx, "namespaces", strings (namespaces));
  json_object_set_new (lx, "cgroup", json_pack ("{s:b, s:b, s:b}", "v1", 1, "v2", 1, "systemd", 0));
  json_object_set_new (lx, "seccomp", hull_seccomp_features ());
  /* Exec labels are applied where the host has the LSM, refused where it has not
     (lsm-labels.h); "enabled" is the runtime's support, not the host's (features-linux.md). */
  json_object_set_new (lx, "apparmor", json_pack ("{s:b}", "enabled", 1));
  json_object_set_new (lx, "selinux", json_pack ("{s:b}", "enabled", 1));
  /* Not applied yet: Intel RDT, idmapped mounts. */
  json_object_set_new (lx, "intelRdt", json_pack ("{s:b}", "enabled", 0));
  json_object_set_new (lx, "mountExtensions", json_pack ("{s:{s:b}}", "idmap", "enabled", 0));
  json_object_set_new (f, "linux", lx);
  json_object_set_new (f, "annotations", json_pack ("{s:s}", "org.hull.runtime.version", "0.1.0"));
  if ((landlock = hull_landlock_abi ()) > 0)
    {
      char abi[48];
      snprintf (abi, sizeof abi, "supported (Landlock ABI %d)", landlock);
      json_object_set_new (json_object_get (f, "annotations"), HULL_LANDLOCK_ANNOTATION, json_string (abi));
    }
  return f;
}
