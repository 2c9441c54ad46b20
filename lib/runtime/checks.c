/* checks.c: policy checks run by create before any side effect, on top of the spec module's
   validation. */
#define _GNU_SOURCE
#include "checks.h"

#include <sched.h>
#include <string.h>

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
  /* hull_spec_validate_linux has checked that every sysctl is namespaced and has its
     namespace, and that hostname/domainname have a UTS namespace. Only the dotted form of a
     key is taken here: the init turns dots into the /proc/sys path itself. */
  for (size_t i = 0; lx && i < lx->n_sysctl; i++)
    if (strchr (lx->sysctl[i].key, '/'))
      return hull_error (err, 0, "linux.sysctl: invalid key `%s`", lx->sysctl[i].key);
  return 0;
}
