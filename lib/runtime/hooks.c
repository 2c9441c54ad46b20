/* hooks.c: fork + exec of one hook, feeding it the state and enforcing its timeout. */
#define _GNU_SOURCE
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"

#define HOOK_OUTPUT_MAX 2048

static char *const empty_env[] = { NULL };

static void __attribute__ ((noreturn))
hook_child (const struct hull_hook *h, int in_fd, int out_fd)
{
  char *argv_default[] = { h->path, NULL };
  sigset_t none;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGPIPE, SIG_DFL);
  if (dup2 (in_fd, 0) < 0 || dup2 (out_fd, 1) < 0 || dup2 (out_fd, 2) < 0)
    _exit (126);
  execve (h->path, h->args && h->args[0] ? h->args : argv_default, h->env ? h->env : empty_env);
  dprintf (2, "exec: %s", strerror (errno));
  _exit (127);
}

/* Feed STATE to the hook's stdin without blocking forever on a hook that never reads it. */
static void
feed_state (int fd, const char *state)
{
  size_t left = strlen (state);
  fcntl (fd, F_SETFL, O_NONBLOCK);
  while (left > 0)
    {
      ssize_t w = write (fd, state, left);
      if (w < 0 && errno == EAGAIN)
        {
          struct pollfd p = { .fd = fd, .events = POLLOUT };
          if (poll (&p, 1, 1000) <= 0)
            break;
          continue;
        }
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        break;
      state += w;
      left -= w;
    }
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for the hook to exit while collecting its output; SIGKILL it at the deadline. */
static int
wait_hook (pid_t pid, int out_fd, int timeout_s, char *out, size_t *out_len, bool *timed_out, int *status)
{
  cleanup_close int pidfd = syscall (SYS_pidfd_open, pid, 0);
  long long deadline = timeout_s > 0 ? now_ms () + timeout_s * 1000LL : -1;
  bool out_open = true;

  *timed_out = false;
  while (pidfd >= 0)
    {
      struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = out_open ? out_fd : -1, .events = POLLIN } };
      int wait_ms = deadline < 0 ? -1 : (int) (deadline - now_ms ());
      int r;
      if (deadline >= 0 && wait_ms <= 0)
        {
          *timed_out = true;
          kill (pid, SIGKILL);
          break;
        }
      r = poll (p, 2, wait_ms);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        break;
      if (p[1].revents)
        {
          char buf[512];
          ssize_t n = read (out_fd, buf, sizeof buf);
          if (n <= 0)
            out_open = false;
          else if (*out_len < HOOK_OUTPUT_MAX)
            {
              size_t take = (size_t) n < HOOK_OUTPUT_MAX - *out_len ? (size_t) n : HOOK_OUTPUT_MAX - *out_len;
              memcpy (out + *out_len, buf, take);
              *out_len += take;
            }
        }
      if (p[0].revents)
        break;
    }
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

static int
run_one (const struct hull_hook *h, enum hull_hook_kind kind, size_t idx, const char *state, hull_error_t *err)
{
  int in[2], outp[2];
  char out[HOOK_OUTPUT_MAX + 1];
  size_t out_len = 0;
  bool timed_out;
  int status = 0;
  pid_t pid;
  const char *name = hull_hook_kind_name (kind);

  if (pipe2 (in, O_CLOEXEC) < 0)
    return hull_error_sys (err, "hook %s[%zu] `%s`: pipe", name, idx, h->path);
  if (pipe2 (outp, O_CLOEXEC) < 0)
    {
      close (in[0]);
      close (in[1]);
      return hull_error_sys (err, "hook %s[%zu] `%s`: pipe", name, idx, h->path);
    }
  pid = fork ();
  if (pid < 0)
    {
      close (in[0]), close (in[1]), close (outp[0]), close (outp[1]);
      return hull_error_sys (err, "hook %s[%zu] `%s`: fork", name, idx, h->path);
    }
  if (pid == 0)
    hook_child (h, in[0], outp[1]);
  close (in[0]);
  close (outp[1]);
  feed_state (in[1], state);
  close (in[1]);
  wait_hook (pid, outp[0], h->timeout, out, &out_len, &timed_out, &status);
  close (outp[0]);
  out[out_len] = '\0';
  while (out_len > 0 && (out[out_len - 1] == '\n' || out[out_len - 1] == ' '))
    out[--out_len] = '\0';
  if (timed_out)
    return hull_error (err, 0, "hook %s[%zu] `%s`: timed out after %d s", name, idx, h->path, h->timeout);
  if (WIFSIGNALED (status))
    return hull_error (err, 0, "hook %s[%zu] `%s`: killed by signal %d%s%s", name, idx, h->path, WTERMSIG (status),
                       out_len ? ": " : "", out);
  if (WEXITSTATUS (status) != 0)
    return hull_error (err, 0, "hook %s[%zu] `%s`: exited with status %d%s%s", name, idx, h->path,
                       WEXITSTATUS (status), out_len ? ": " : "", out);
  return 0;
}

int
hull_hooks_run (const struct hull_hook *hooks, size_t n, enum hull_hook_kind kind, const char *state_json,
                hull_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    if (run_one (&hooks[i], kind, i, state_json ? state_json : "{}", err) < 0)
      return -1;
  return 0;
}

static char **
strv_from_json (json_t *arr)
{
  size_t i, n = json_array_size (arr);
  char **v;
  if (!json_is_array (arr))
    return NULL;
  v = xmalloc0 ((n + 1) * sizeof *v);
  for (i = 0; i < n; i++)
    v[i] = xstrdup (json_string_value (json_array_get (arr, i)) ?: "");
  return v;
}

size_t
hull_hooks_from_json (json_t *hooks_obj, enum hull_hook_kind kind, struct hull_hook **out)
{
  json_t *arr = json_object_get (hooks_obj, hull_hook_kind_name (kind));
  size_t n = json_array_size (arr), i;
  struct hull_hook *h;

  *out = NULL;
  if (n == 0)
    return 0;
  h = xmalloc0 (n * sizeof *h);
  for (i = 0; i < n; i++)
    {
      json_t *e = json_array_get (arr, i);
      h[i].path = xstrdup (json_string_value (json_object_get (e, "path")) ?: "");
      h[i].args = strv_from_json (json_object_get (e, "args"));
      h[i].env = strv_from_json (json_object_get (e, "env"));
      h[i].timeout = json_integer_value (json_object_get (e, "timeout"));
    }
  *out = h;
  return n;
}

void
hull_hooks_free (struct hull_hook *hooks, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (hooks[i].path);
      hull_strv_free (hooks[i].args);
      hull_strv_free (hooks[i].env);
    }
  free (hooks);
}
