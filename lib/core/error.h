/* error.h: errors as values. Every fallible libhull function returns an int (negative on
   failure) and fills a hull_error_t with a message that names the thing and the cause. */
#ifndef HULL_ERROR_H
#define HULL_ERROR_H

#include <stdarg.h>

struct hull_error_s
{
  int errno_;   /* the errno behind the failure, or 0 when there is none */
  char *msg;    /* full human-readable message, owned */
};
typedef struct hull_error_s *hull_error_t;

/* Fill *err (if it is empty) and return -1. The message is the formatted text; when errno_ is
   non-zero ": strerror(errno_)" is appended. */
int hull_error (hull_error_t *err, int errno_, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
int hull_verror (hull_error_t *err, int errno_, const char *fmt, va_list ap) __attribute__ ((format (printf, 3, 0)));

/* Prefix the message in *err with more context ("create `c1`: " + old message); returns -1. */
int hull_error_wrap (hull_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

void hull_error_free (hull_error_t *err);

/* Shorthand: report errno of the syscall that just failed. */
#define hull_error_sys(err, ...) hull_error ((err), errno, __VA_ARGS__)

#define cleanup_error __attribute__ ((cleanup (hull_error_free)))

#endif
