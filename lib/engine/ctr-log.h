/* ctr-log.h: a container's log (ROOT/containers/ID/ctr.log) in the k8s-file format podman
   and CRI use: one line per chunk, `TIMESTAMP STREAM F|P TEXT` (RFC 3339 nanoseconds, stdout
   or stderr, F for a line ended by a newline, P for a partial one). The writer caps the file:
   past max_size the file is renamed to ctr.log.1 (replacing an older one) and a new one begun,
   so at most two files of about max_size each are kept. */
#ifndef HULL_ENGINE_CTR_LOG_H
#define HULL_ENGINE_CTR_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"

enum hull_log_stream
{
  HULL_LOG_STDOUT,
  HULL_LOG_STDERR,
};

struct hull_log_writer;

/* Open (appending; created 0600, a symlink refused) the log at DIRFD/NAME; MAX_SIZE 0: no
   cap. The writer keeps its own duplicate of DIRFD (a directory fd, not AT_FDCWD). */
int hull_log_writer_open (int dirfd, const char *name, uint64_t max_size, struct hull_log_writer **out,
                          hull_error_t *err);
/* The LEN bytes just read from STREAM: whole lines as F entries, the rest kept until its
   newline comes (or flushed as a P entry once it passes 16 KiB, or at close). */
int hull_log_write (struct hull_log_writer *w, enum hull_log_stream stream, const char *buf, size_t len,
                    hull_error_t *err);
/* Flush partial lines as P entries and close. */
int hull_log_writer_close (struct hull_log_writer *w, hull_error_t *err);

struct hull_logs_opts
{
  bool timestamps;      /* print each entry's timestamp before it (podman logs -t) */
  int64_t since_ns;     /* only entries at or after (0: all) */
  int64_t until_ns;     /* only entries before (0: all) */
  long tail;            /* only the last N entries (-1: all) */
  bool follow;          /* after the end, wait for more until DONE says the container ended */
  bool (*done) (void *arg); /* for follow: polled when no new bytes come (at least every 250 ms);
                               true only once the writer is closed: what is in the files then
                               is printed and the call returns. NULL: follow until an error */
  void *done_arg;
  int out_fd, err_fd;   /* where stdout and stderr entries go */
};

/* Print the log at DIRFD/NAME (ctr.log.1 first, when there is one) as O says: each entry's
   text to its stream's fd, P entries joined with what follows them. A missing log is empty.
   A logical line (a stream's P entries and the F that ends them) is one for --tail, and is
   in the --since/--until window by its first entry's time, printed with that time by -t.
   Lines that are not entries are skipped. Following, a rotation is noticed by NAME's inode
   changing: the old file is read to its end (and NAME.1 too if a second rotation came
   before), then the new one from its start. */
int hull_logs_print (int dirfd, const char *name, const struct hull_logs_opts *o, hull_error_t *err);

/* Parse one entry line (without its newline); false when it is not one. */
struct hull_log_entry
{
  int64_t ts_ns;
  enum hull_log_stream stream;
  bool partial;
  const char *text;
  size_t text_len;
};
bool hull_log_parse_line (const char *line, size_t len, struct hull_log_entry *out);

#endif
