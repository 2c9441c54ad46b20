/* seccomp-agent.c: the container process state and the seccomp listener fd, sent to the agent
   at linux.seccomp.listenerPath (see seccomp-agent.h). */
#define _GNU_SOURCE
#include "seccomp-agent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/sync.h"
#include "state.h"

static char *
process_state (const struct hull_seccomp_agent *a)
{
  const char *metadata = json_string_value (json_object_get (a->seccomp, "listenerMetadata"));
  json_t *state = hull_state_hook_object (a->id, a->bundle, a->pid, HULL_STATUS_CREATED, a->annotations);
  json_t *msg = json_pack ("{s:s, s:[s], s:i, s:o}", "ociVersion", HULL_OCI_VERSION, "fds", "seccompFd", "pid",
                           (int) a->pid, "state", state);
  char *text;

  if (msg == NULL)
    return NULL;
  if (metadata != NULL)
    json_object_set_new (msg, "metadata", json_string (metadata));
  text = json_dumps (msg, JSON_COMPACT);
  json_decref (msg);
  return text;
}

/* TEXT with FD attached to the first part (the spec allows several sendmsg calls; the fd goes
   with the first). */
static int
send_state (int sock, const char *text, int fd, const char *path, hull_error_t *err)
{
  size_t len = strlen (text);
  ssize_t w = hull_sendmsg_fds (sock, text, len, &fd, 1);

  for (size_t off = w < 0 ? 0 : (size_t) w; w >= 0 && off < len; off += (size_t) w)
    {
      w = send (sock, text + off, len - off, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        w = 0;
    }
  if (w < 0)
    return hull_error_sys (err, "linux.seccomp.listenerPath `%s`: send the container process state", path);
  return 0;
}

int
hull_seccomp_agent_send (void *agent, int listener, hull_error_t *err)
{
  const struct hull_seccomp_agent *a = agent;
  const char *path = a->seccomp ? json_string_value (json_object_get (a->seccomp, "listenerPath")) : NULL;
  cleanup_close int fd = listener;
  cleanup_close int sock = -1;
  cleanup_free char *text = NULL;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int r;

  if (path == NULL)
    return hull_error (err, 0, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
  if (strlen (path) >= sizeof addr.sun_path)
    return hull_error (err, ENAMETOOLONG, "linux.seccomp.listenerPath `%s`", path);
  memcpy (addr.sun_path, path, strlen (path));
  text = process_state (a);
  if (text == NULL)
    return hull_error (err, 0, "linux.seccomp.listenerPath: build the container process state");
  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return hull_error_sys (err, "linux.seccomp.listenerPath: socket");
  do
    r = connect (sock, (struct sockaddr *) &addr, sizeof addr);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hull_error_sys (err, "linux.seccomp.listenerPath `%s`: connect", path);
  return send_state (sock, text, fd, path, err);
}
