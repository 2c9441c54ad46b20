/* sync.c: fixed-header messages over a SOCK_SEQPACKET socketpair, descriptors attached where
   one side opened what the other needs. */
#define _GNU_SOURCE
#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SYNC_TEXT_MAX 4000

struct sync_msg
{
  uint32_t type;
  int32_t value;
  char text[SYNC_TEXT_MAX];
};

int
hull_sync_pair (int fds[2], hull_error_t *err)
{
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return hull_error_sys (err, "socketpair");
  return 0;
}

/* Descriptors a message received, when the receiver asked for them. */
struct sync_fds
{
  int fds[HULL_SYNC_MAX_FDS];
  size_t n;
};

/* The descriptors of an SCM_RIGHTS message into OUT, or closed when OUT is NULL (nobody
   asked for them: none may leak). */
static void
take_fds (struct msghdr *mh, struct sync_fds *out)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (mh); c != NULL; c = CMSG_NXTHDR (mh, c))
    {
      size_t n;
      int *in;
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        continue;
      n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      in = (int *) CMSG_DATA (c);
      for (size_t i = 0; i < n; i++)
        {
          int fd;
          memcpy (&fd, in + i, sizeof fd);
          if (out != NULL && out->n < HULL_SYNC_MAX_FDS)
            out->fds[out->n++] = fd;
          else
            close (fd);
        }
    }
}

/* One message into *M with its text NUL-terminated, and its descriptors into FDS (or closed).
   Returns its length, 0 at EOF, or -1 with errno set; a message shorter than the header is
   returned as is, for the caller to refuse. */
static ssize_t
recv_msg (int fd, int flags, struct sync_msg *m, struct sync_fds *fds)
{
  union
  {
    char buf[CMSG_SPACE (HULL_SYNC_MAX_FDS * sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = { .iov_base = m, .iov_len = sizeof *m - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
  bool reset_seen = false;
  ssize_t r;

  /* A peer that exits before reading all we sent it (an init failing before its GO) makes
     the kernel report ECONNRESET, once, ahead of the messages it sent before it went (its
     ERROR among them): those come with the next read, or EOF when there are none. */
  for (;;)
    {
      r = recvmsg (fd, &mh, flags | MSG_CMSG_CLOEXEC);
      if (r >= 0 || !(errno == EINTR || (errno == ECONNRESET && !reset_seen)))
        break;
      reset_seen |= errno == ECONNRESET;
    }
  if (r < 0)
    return r;
  take_fds (&mh, fds);
  if (r >= (ssize_t) offsetof (struct sync_msg, text))
    m->text[r - offsetof (struct sync_msg, text)] = '\0';
  return r;
}

/* If an ERROR is the next queued message, make it *err and return true; never blocks. */
static bool
take_queued_error (int fd, hull_error_t *err)
{
  struct sync_msg m;
  ssize_t r = recv_msg (fd, MSG_DONTWAIT, &m, NULL);

  if (r < (ssize_t) offsetof (struct sync_msg, text) || m.type != HULL_SYNC_ERROR)
    return false;
  hull_error (err, 0, "%s", m.text); /* the text already ends with the cause */
  return true;
}

ssize_t
hull_sendmsg_fds (int sock, const void *buf, size_t len, const int *fds, size_t n)
{
  union
  {
    char buf[CMSG_SPACE (HULL_SYNC_MAX_FDS * sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  ssize_t r;

  if (n > HULL_SYNC_MAX_FDS)
    {
      errno = E2BIG;
      return -1;
    }
  if (n > 0)
    {
      struct cmsghdr *c;
      memset (&ctl, 0, sizeof ctl);
      mh.msg_control = ctl.buf;
      mh.msg_controllen = CMSG_SPACE (n * sizeof (int));
      c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (n * sizeof (int));
      memcpy (CMSG_DATA (c), fds, n * sizeof (int));
    }
  do
    r = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r;
}

/* One message with N descriptors attached (none when N is 0). */
static int
send_msg (int fd, enum hull_sync_type type, int32_t value, const char *text, const int *fds, size_t n,
          hull_error_t *err)
{
  struct sync_msg m = { .type = type, .value = value };
  size_t len = offsetof (struct sync_msg, text);

  if (text != NULL)
    {
      size_t tlen = strnlen (text, SYNC_TEXT_MAX - 1);
      memcpy (m.text, text, tlen);
      len += tlen;
    }
  if (hull_sendmsg_fds (fd, &m, len, fds, n) < 0)
    {
      int e = errno;
      if (e == E2BIG)
        return hull_error (err, E2BIG, "send %zu descriptors to the container (at most %d)", n, HULL_SYNC_MAX_FDS);
      /* A peer that failed sent its error and exited: that error, still queued for us, says
         why, where "Broken pipe" would not. */
      if ((e == EPIPE || e == ECONNRESET) && take_queued_error (fd, err))
        return -1;
      errno = e;
      return hull_error_sys (err, "send to the container's setup channel");
    }
  return 0;
}

int
hull_sync_send (int fd, enum hull_sync_type type, int32_t value, const char *text, hull_error_t *err)
{
  return send_msg (fd, type, value, text, NULL, 0, err);
}

int
hull_sync_send_fds (int fd, enum hull_sync_type type, int32_t value, const int *fds, size_t n, hull_error_t *err)
{
  return send_msg (fd, type, value, NULL, fds, n, err);
}

/* hull_sync_recv, keeping the descriptors that came with the message in FDS (or closing
   them when FDS is NULL). */
static int
recv_checked (int fd, enum hull_sync_type *type, int32_t *value, struct sync_fds *fds, hull_error_t *err)
{
  struct sync_msg m;
  ssize_t r = recv_msg (fd, 0, &m, fds);

  if (r < 0)
    return hull_error_sys (err, "receive from the container's setup channel");
  if (r == 0)
    {
      *type = 0;
      return hull_error (err, 0, "the container process exited during setup");
    }
  if ((size_t) r < offsetof (struct sync_msg, text))
    return hull_error (err, 0, "short message on the container's setup channel");
  *type = m.type;
  if (value)
    *value = m.value;
  if (m.type == HULL_SYNC_ERROR)
    {
      /* the text already ends with the cause; the errno behind it comes along, so that the
         caller can tell a missing command (ENOENT) from others */
      hull_error (err, 0, "%s", m.text);
      if (err && *err && m.value > 0)
        (*err)->errno_ = m.value;
      return -1;
    }
  return 0;
}

int
hull_sync_recv (int fd, enum hull_sync_type *type, int32_t *value, hull_error_t *err)
{
  return recv_checked (fd, type, value, NULL, err);
}

int
hull_sync_expect_fds (int fd, enum hull_sync_type type, int32_t *value, int *fds, size_t max, size_t *n,
                      hull_error_t *err)
{
  struct sync_fds got = { .n = 0 };
  enum hull_sync_type t;
  int ret = recv_checked (fd, &t, value, fds ? &got : NULL, err);

  if (ret == 0 && t != type)
    ret = hull_error (err, 0, "unexpected message %d (wanted %d) on the container's setup channel", (int) t,
                      (int) type);
  if (ret == 0 && got.n > max)
    ret = hull_error (err, 0, "%zu descriptors on the container's setup channel, at most %zu expected", got.n, max);
  if (ret < 0)
    {
      for (size_t i = 0; i < got.n; i++)
        close (got.fds[i]);
      return -1;
    }
  if (fds)
    {
      memcpy (fds, got.fds, got.n * sizeof *fds);
      *n = got.n;
    }
  return 0;
}

int
hull_sync_expect (int fd, enum hull_sync_type type, int32_t *value, hull_error_t *err)
{
  return hull_sync_expect_fds (fd, type, value, NULL, 0, NULL, err);
}

void
hull_sync_send_error (int fd, const hull_error_t *err)
{
  hull_error_t ignored = NULL;
  const char *msg = (err && *err) ? (*err)->msg : "unknown error";
  int e = (err && *err) ? (*err)->errno_ : 0;
  hull_sync_send (fd, HULL_SYNC_ERROR, e, msg, &ignored);
  hull_error_free (&ignored);
}

void
hull_sync_fail_exit (int fd, hull_error_t *err)
{
  hull_sync_send_error (fd, err);
  hull_error_free (err);
  _exit (127);
}

/* One SECCOMP_FD message: hand the fd on, and tell the init how it went. */
static int
take_listener (int fd, struct sync_fds *got, hull_sync_listener_fn on_listener, void *data, hull_error_t *err)
{
  int r;

  if (got->n != 1 || on_listener == NULL)
    {
      for (size_t i = 0; i < got->n; i++)
        close (got->fds[i]);
      r = hull_error (err, 0, "seccomp listener: %s", got->n != 1 ? "expected one descriptor" : "nobody to send it to");
    }
  else
    r = on_listener (data, got->fds[0], err);
  if (r < 0)
    {
      hull_sync_send_error (fd, err);
      return -1;
    }
  return hull_sync_send (fd, HULL_SYNC_GO, 0, NULL, err);
}

int
hull_sync_wait_exec (int fd, hull_sync_listener_fn on_listener, void *data, hull_error_t *err)
{
  for (;;)
    {
      struct sync_fds got = { .n = 0 };
      enum hull_sync_type type = HULL_SYNC_ERROR; /* stays so when recv itself fails */

      if (recv_checked (fd, &type, NULL, &got, err) < 0)
        {
          if (type != 0)
            return -1; /* the peer's error */
          hull_error_free (err); /* EOF: the exec closed the peer's end */
          return 0;
        }
      if (type == HULL_SYNC_SECCOMP_FD)
        {
          if (take_listener (fd, &got, on_listener, data, err) < 0)
            return -1;
          continue;
        }
      for (size_t i = 0; i < got.n; i++)
        close (got.fds[i]);
      return hull_error (err, 0, "unexpected message %d while waiting for the container's program to start",
                         (int) type);
    }
}

/* NAME in DIRFD as a socket address: through /proc/self/fd, so a long directory path does
   not meet sun_path's 108 bytes. */
static int
socket_addr (int dirfd, const char *name, struct sockaddr_un *addr, hull_error_t *err)
{
  memset (addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if ((size_t) snprintf (addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/%s", dirfd, name)
      >= sizeof addr->sun_path)
    return hull_error (err, ENAMETOOLONG, "socket `%s`", name);
  return 0;
}

int
hull_sync_listen_at (int dirfd, const char *name, hull_error_t *err)
{
  struct sockaddr_un addr;
  int fd;

  if (socket_addr (dirfd, name, &addr, err) < 0)
    return -1;
  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return hull_error_sys (err, "socket `%s`", name);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (fd, 1) < 0)
    {
      hull_error_sys (err, "listen on `%s`", name);
      close (fd);
      return -1;
    }
  return fd;
}

int
hull_sync_connect_at (int dirfd, const char *name, hull_error_t *err)
{
  struct sockaddr_un addr;
  int fd, r;

  if (socket_addr (dirfd, name, &addr, err) < 0)
    return -1;
  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return hull_error_sys (err, "socket `%s`", name);
  do
    r = connect (fd, (struct sockaddr *) &addr, sizeof addr);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    {
      hull_error_sys (err, "connect to `%s`", name);
      close (fd);
      return -1;
    }
  return fd;
}
