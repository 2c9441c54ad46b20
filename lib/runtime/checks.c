/* checks.c: policy checks run by create before any side effect, on top of the spec module's
   validation. */
#define _GNU_SOURCE
#include "checks.h"

#include "../linux/lsm-labels.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/* An unprivileged caller can make namespaces only under a user namespace of its own, or in
   one it joins. */
static int
check_rootless (const struct hull_spec *spec, hull_error_t *err)
{
  if (geteuid () == 0 || hull_spec_namespace (spec, CLONE_NEWUSER) != NULL)
    return 0;
  return hull_error (err, 0, "linux.namespaces: running as uid %u needs a user namespace (a `user` entry "
                                 "with uidMappings and gidMappings; see `hull-runtime spec --rootless`)",
                     (unsigned) geteuid ());
}

int
hull_check_terminal (const struct hull_process *p, const char *console_socket, bool foreground, hull_error_t *err)
{
  bool terminal = p && p->terminal;

  if (terminal && console_socket == NULL && !foreground)
    return hull_error (err, 0, "process.terminal: a terminal needs --console-socket, where its master end is sent "
                               "(or a foreground run or exec, which is the terminal itself)");
  if (!terminal && console_socket)
    return hull_error (err, 0, "--console-socket `%s`: process.terminal is false, so there is no terminal to send",
                       console_socket);
  return 0;
}

int
hull_check_spec (const struct hull_spec *spec, const char *console_socket, bool need_process, bool foreground,
                 hull_error_t *err)
{
  const struct hull_linux *lx = spec->linux_;

  if (hull_spec_validate_linux (spec, err) < 0 || hull_lsm_check (spec, err) < 0 || check_rootless (spec, err) < 0)
    return -1;
  if (spec->process == NULL && need_process)
    return hull_error (err, 0, "config.json: process: required to run a container");
  if (hull_check_terminal (spec->process, console_socket, foreground, err) < 0)
    return -1;
  /* hull_spec_validate_linux has checked that every sysctl is namespaced and has its
     namespace, and that hostname/domainname have a UTS namespace. Only the dotted form of a
     key is taken here: the init turns dots into the /proc/sys path itself. */
  if (spec->process && spec->process->scheduler
      && strcmp (json_string_value (json_object_get (spec->process->scheduler, "policy")), "SCHED_ISO") == 0)
    return hull_error (err, 0, "process.scheduler.policy: SCHED_ISO is not a Linux scheduling policy");
  if (lx && lx->personality && json_array_size (json_object_get (lx->personality, "flags")) > 0)
    return hull_error (err, 0, "linux.personality.flags: no flags are supported (the spec defines none)");
  for (size_t i = 0; lx && i < lx->n_sysctl; i++)
    if (strchr (lx->sysctl[i].key, '/'))
      return hull_error (err, 0, "linux.sysctl: invalid key `%s`", lx->sysctl[i].key);
  return 0;
}
