/* layer-stream.c: a layer unpacked while its blob downloads (layers.h). The feeder (the
   download's write callback) writes the compressed bytes into a pipe; a thread of the
   stream's own reads the pipe's other end, writes what it reads into the blob's writer (its
   hash and temp file: so the download's thread only moves bytes), and decompresses, hashes
   and unpacks it into the layer's temp directory (layers.c's hull_layers_fill, the same code
   as for a stored blob). The thread reads its pipe to EOF whatever happens, into the blob
   writer still, so that the feeder never blocks on a pipe no one drains, nor gets SIGPIPE,
   and the blob's digest is known; after a failure the feeder stops writing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "layers-internal.h"

#define PIPE_SIZE (1 << 20) /* the default pipe-max-size: a megabyte ahead of the unpacker */

struct hull_layer_stream
{
  struct hull_store *s;
  char *what, *diff_id, *tmp;
  struct hull_layer_opts o;
  struct hull_blob_writer *w; /* the blob's, the thread's until it is joined */
  int lfd;          /* ROOT/layers/sha256 */
  int rfd, wfd;     /* the pipe: the thread's end, the feeder's (-1 once ended) */
  pthread_t thread;
  bool running;     /* the thread is there to join */
  atomic_bool failed;
  int result;       /* the thread's, once joined */
  hull_error_t err; /* the thread's error, read only after the join */
  struct hull_layer_times t;
  bool committed;
};

/* The pipe to its end, into the blob writer (whose errors its commit reports again). */
static void
drain (struct hull_layer_stream *ls)
{
  char buf[1 << 16];
  hull_error_t e = NULL;
  ssize_t n;

  while ((n = read (ls->rfd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      if (e == NULL)
        hull_blob_writer_write (ls->w, buf, (size_t) n, &e);
    }
  hull_error_free (&e);
}

static void *
unpacker (void *arg)
{
  struct hull_layer_stream *ls = arg;

  ls->result = hull_layers_fill (ls->s, ls->lfd, ls->tmp, ls->rfd, ls->w, ls->what, ls->diff_id, &ls->o, &ls->t,
                                 &ls->err);
  if (ls->result < 0)
    atomic_store (&ls->failed, true);
  drain (ls); /* a failed one, or bytes after the compressed stream's end */
  return NULL;
}

static int
open_pipe (struct hull_layer_stream *ls, hull_error_t *err)
{
  int p[2];

  if (pipe2 (p, O_CLOEXEC) < 0)
    return hull_error_sys (err, "%s: pipe", ls->what);
  ls->rfd = p[0];
  ls->wfd = p[1];
  /* the feeder's end only (each end has its own file status flags): a full pipe pauses its
     download rather than blocking the others' */
  if (fcntl (ls->wfd, F_SETFL, O_NONBLOCK) < 0)
    return hull_error_sys (err, "%s: fcntl O_NONBLOCK", ls->what);
  /* a bigger pipe lets the download run ahead; refused past the user's pipe-buffer quota,
     and then the default size only costs speed */
  (void) fcntl (ls->wfd, F_SETPIPE_SZ, PIPE_SIZE);
  return 0;
}

int
hull_layer_stream_start (struct hull_store *s, const char *blob, const char *diff_id,
                         const struct hull_layer_opts *o, struct hull_blob_writer *w, struct hull_layer_stream **out,
                         hull_error_t *err)
{
  struct hull_layer_stream *ls = xmalloc0 (sizeof *ls);
  int e;

  ls->s = s;
  ls->w = w;
  ls->lfd = ls->rfd = ls->wfd = -1;
  ls->what = xasprintf ("layer %s", blob);
  ls->diff_id = xstrdup (diff_id);
  if (o)
    ls->o = *o;
  if (hull_digest_check (diff_id, "diff_id", err) < 0 || hull_layers_tmp (s, diff_id, &ls->lfd, &ls->tmp, err) < 0
      || open_pipe (ls, err) < 0)
    goto fail;
  e = pthread_create (&ls->thread, NULL, unpacker, ls);
  if (e != 0)
    {
      errno = e;
      hull_error_sys (err, "%s: start the unpacking thread", ls->what);
      goto fail;
    }
  ls->running = true;
  *out = ls;
  return 0;
fail:
  hull_layer_stream_free (ls);
  return -1;
}

int
hull_layer_stream_fd (struct hull_layer_stream *ls)
{
  return ls->wfd;
}

/* Until the pipe has room again (or the unpacker is gone, when POLLERR comes). */
static int
wait_room (struct hull_layer_stream *ls, hull_error_t *err)
{
  struct pollfd p = { .fd = ls->wfd, .events = POLLOUT };

  while (poll (&p, 1, -1) < 0)
    if (errno != EINTR)
      return hull_error_sys (err, "%s: poll the unpacking thread's pipe", ls->what);
  return 0;
}

int
hull_layer_stream_feed (struct hull_layer_stream *ls, const void *buf, size_t len, bool may_wait,
                        hull_error_t *err)
{
  const char *p = buf;
  bool some = false;

  if (ls->wfd < 0)
    return hull_error (err, 0, "%s: fed after its end", ls->what);
  while (len > 0)
    {
      ssize_t n;
      if (atomic_load (&ls->failed))
        return 0; /* dropped: see layers.h */
      n = write (ls->wfd, p, len); /* the write end is non-blocking */
      if (n < 0 && errno == EAGAIN && may_wait && !some)
        return HULL_LAYER_STREAM_FULL;
      if (n < 0 && errno == EAGAIN)
        {
          if (wait_room (ls, err) < 0)
            return -1;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hull_error_sys (err, "%s: write to the unpacking thread", ls->what);
      some = true;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

void
hull_layer_stream_close (struct hull_layer_stream *ls)
{
  hull_closep (&ls->wfd); /* EOF for the thread: it ends after what the pipe still holds */
}

int
hull_layer_stream_end (struct hull_layer_stream *ls, struct hull_layer_times *t, hull_error_t *err)
{
  if (ls->running)
    {
      hull_layer_stream_close (ls);
      pthread_join (ls->thread, NULL);
      ls->running = false;
      if (t)
        {
          t->wait_ns += ls->t.wait_ns;
          t->gunzip_ns += ls->t.gunzip_ns;
          t->hash_ns += ls->t.hash_ns;
          t->tree_ns += ls->t.tree_ns;
          t->bytes += ls->t.bytes;
        }
    }
  if (ls->result < 0)
    {
      if (ls->err == NULL)
        return hull_error (err, 0, "%s: not unpacked", ls->what);
      if (err && *err == NULL)
        {
          hull_error (err, 0, "%s", ls->err->msg); /* a copy: _end may be asked again */
          (*err)->errno_ = ls->err->errno_;
        }
      return -1;
    }
  return 0;
}

int
hull_layer_stream_commit (struct hull_layer_stream *ls, hull_error_t *err)
{
  if (hull_layer_stream_end (ls, NULL, err) < 0 || hull_layers_place (ls->s, ls->lfd, ls->tmp, ls->diff_id, err) < 0)
    return -1;
  ls->committed = true;
  return 0;
}

void
hull_layer_stream_free (struct hull_layer_stream *ls)
{
  hull_error_t e2 = NULL;

  if (ls == NULL)
    return;
  if (hull_layer_stream_end (ls, NULL, &e2) < 0)
    hull_error_free (&e2);
  if (!ls->committed && ls->tmp && ls->lfd >= 0)
    hull_layers_discard (ls->lfd, ls->tmp);
  hull_closep (&ls->rfd);
  hull_closep (&ls->wfd);
  hull_closep (&ls->lfd);
  hull_error_free (&ls->err);
  free (ls->what);
  free (ls->diff_id);
  free (ls->tmp);
  free (ls);
}
