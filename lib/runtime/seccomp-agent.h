/* seccomp-agent.h: linux.seccomp.listenerPath. When a filter uses SCMP_ACT_NOTIFY, the
   kernel hands the init a listener fd; the init passes it to the runtime on the host side, and
   this sends it on to the agent listening at listenerPath, with the container process state
   (config-linux.md), over one connection that is then closed. */
#ifndef HULL_SECCOMP_AGENT_H
#define HULL_SECCOMP_AGENT_H

#include <jansson.h>
#include <sys/types.h>

#include "../core/error.h"

struct hull_seccomp_agent
{
  json_t *seccomp; /* linux.seccomp: listenerPath, listenerMetadata */
  const char *id;
  const char *bundle;
  pid_t pid;       /* the container's init, as the runtime sees it */
  json_t *annotations;
};

/* A hull_sync_listener_fn: AGENT is a struct hull_seccomp_agent; LISTENER is closed here. */
int hull_seccomp_agent_send (void *agent, int listener, hull_error_t *err);

#endif
