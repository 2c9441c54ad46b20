/* checks.c: host-independent policy checks run by create before any side effect. */
#define _GNU_SOURCE
#include "checks.h"

#include <sched.h>
#include <string.h>

static bool
has_new_or_joined (const struct hull_spec *spec, int type)
{
  return hull_spec_namespace (spec, type) != NULL;
}

/* Only sysctls that the kernel keeps per namespace may be set, and only when the container
   has that namespace: anything else would change the host. */
static int
check_sysctl_key (const struct hull_spec *spec, const char *key, hull_error_t *err)
{
  static const char *const ipc_keys[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                          "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                                          "kernel.shm_rmid_forced", NULL };
  if (*key == '\0' || strstr (key, "..") || strchr (key, '/') || key[0] == '.')
    return hull_error (err, 0, "linux.sysctl: invalid key `%s`", key);
  for (size_t i = 0; ipc_keys[i]; i++)
    if (strcmp (key, ipc_keys[i]) == 0)
      goto ipc;
  if (strncmp (key, "fs.mqueue.", 10) == 0)
    goto ipc;
  if (strncmp (key, "net.", 4) == 0)
    {
      if (!has_new_or_joined (spec, CLONE_NEWNET))
        return hull_error (err, 0, "linux.sysctl `%s`: needs a network namespace", key);
      return 0;
    }
  if (strcmp (key, "kernel.hostname") == 0 || strcmp (key, "kernel.domainname") == 0)
    {
      if (!has_new_or_joined (spec, CLONE_NEWUTS))
        return hull_error (err, 0, "linux.sysctl `%s`: needs a UTS namespace", key);
      return 0;
    }
  return hull_error (err, 0, "linux.sysctl `%s`: not a namespaced sysctl; refusing to change the host", key);
ipc:
  if (!has_new_or_joined (spec, CLONE_NEWIPC))
    return hull_error (err, 0, "linux.sysctl `%s`: needs an IPC namespace", key);
  return 0;
}

int
hull_check_spec (const struct hull_spec *spec, const char *console_socket, bool need_process, hull_error_t *err)
{
  const struct hull_linux *lx = spec->linux_;

  if (hull_spec_validate_linux (spec, err) < 0)
    return -1;
  if (spec->process == NULL && need_process)
    return hull_error (err, 0, "config.json: process: required to run a container");
  if (spec->process && spec->process->terminal)
    return hull_error (err, 0, "process.terminal: terminals are not supported yet; set it to false");
  if (console_socket)
    return hull_error (err, 0, "--console-socket: terminals are not supported yet");
  if ((spec->hostname || spec->domainname) && !has_new_or_joined (spec, CLONE_NEWUTS))
    return hull_error (err, 0, "%s: needs a UTS namespace in linux.namespaces",
                       spec->hostname ? "hostname" : "domainname");
  for (size_t i = 0; lx && i < lx->n_sysctl; i++)
    if (check_sysctl_key (spec, lx->sysctl[i].key, err) < 0)
      return -1;
  return 0;
}
