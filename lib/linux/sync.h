/* sync.h: the message channel between the runtime and the container's init while it is being
   set up (a SOCK_SEQPACKET socketpair, so each message keeps its boundaries). Errors found in
   the container travel back as text, so the runtime can report them as its own. */
#ifndef HULL_SYNC_H
#define HULL_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/error.h"

enum hull_sync_type
{
  HULL_SYNC_GO = 1,        /* runtime -> init: continue (value: init's host pid on the first GO) */
  HULL_SYNC_USERNS,        /* stage1 -> runtime: write my uid/gid maps now */
  HULL_SYNC_CHILD_PID,     /* stage1 -> runtime: value is init's pid */
  HULL_SYNC_MOUNTS_DONE,   /* init -> runtime: mounts done; run createRuntime hooks */
  HULL_SYNC_READY,         /* init -> runtime: created, waiting for start */
  HULL_SYNC_START,         /* runtime -> init (run only): start now */
  HULL_SYNC_ERROR,         /* either way: text is the error, value its errno */
  HULL_SYNC_SECCOMP_FD,    /* init -> runtime: its seccomp listener fd attached; answer GO */
  HULL_SYNC_PTY,           /* init -> runtime: the terminal's master end attached */
  HULL_SYNC_EXITED,        /* the engine's monitor -> its starter: the container ended, value
                              its exit code (lib/engine/monitor.c) */
};

/* At most this many descriptors travel with one message. */
#define HULL_SYNC_MAX_FDS 64

int hull_sync_pair (int fds[2], hull_error_t *err);
/* sendmsg of LEN bytes of BUF on SOCK with N descriptors attached (SCM_RIGHTS; at most
   HULL_SYNC_MAX_FDS, else E2BIG), retrying on EINTR. Returns what sendmsg returns. */
ssize_t hull_sendmsg_fds (int sock, const void *buf, size_t len, const int *fds, size_t n);
int hull_sync_send (int fd, enum hull_sync_type type, int32_t value, const char *text, hull_error_t *err);
/* Receive one message; on HULL_SYNC_ERROR it becomes *err (returns -1). EOF is an error that
   says the container process exited during setup. *text may be NULL. */
int hull_sync_recv (int fd, enum hull_sync_type *type, int32_t *value, hull_error_t *err);
/* Receive and insist on TYPE. Descriptors that come with it are closed. */
int hull_sync_expect (int fd, enum hull_sync_type type, int32_t *value, hull_error_t *err);
/* Send TYPE and VALUE with N descriptors attached (SCM_RIGHTS; the sender keeps its copies). */
int hull_sync_send_fds (int fd, enum hull_sync_type type, int32_t value, const int *fds, size_t n,
                        hull_error_t *err);
/* Receive and insist on TYPE, keeping up to MAX attached descriptors (close-on-exec) in FDS
   and their number in *N; more than MAX is refused, and then every one is closed. */
int hull_sync_expect_fds (int fd, enum hull_sync_type type, int32_t *value, int *fds, size_t max, size_t *n,
                          hull_error_t *err);
/* Send *err as an ERROR message (best effort) — used by the init side before it exits. */
void hull_sync_send_error (int fd, const hull_error_t *err);
/* In a child the runtime made: send *ERR on FD, then _exit(127). */
void hull_sync_fail_exit (int fd, hull_error_t *err) __attribute__ ((noreturn));
/* Called with a seccomp listener fd the init sent (the handler owns the fd); its failure is sent
   back as the init's error. */
typedef int (*hull_sync_listener_fn) (void *data, int listener, hull_error_t *err);
/* Wait until the peer execs (its end, close-on-exec, gives EOF) or sends why it could not. A
   seccomp listener fd it sends on the way goes to ON_LISTENER (refused when NULL), and the
   peer is answered GO or the handler's error. */
int hull_sync_wait_exec (int fd, hull_sync_listener_fn on_listener, void *data, hull_error_t *err);

/* The same messages between processes that do not share a socketpair: a listening socket
   bound at NAME in directory DIRFD (non-blocking, so accept never waits for a peer that is
   not there), and a connection to it. The directory's permissions guard who may connect. */
int hull_sync_listen_at (int dirfd, const char *name, hull_error_t *err);
int hull_sync_connect_at (int dirfd, const char *name, hull_error_t *err);

#endif
