/* error.c: building, wrapping and freeing hull_error_t values. */
#define _GNU_SOURCE
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
hull_verror (hull_error_t *err, int errno_, const char *fmt, va_list ap)
{
  char *text = NULL;
  char *full = NULL;

  if (err == NULL || *err != NULL)
    return -1; /* keep the first, most specific error */
  if (vasprintf (&text, fmt, ap) < 0)
    text = NULL;
  if (text != NULL && errno_ != 0)
    {
      if (asprintf (&full, "%s: %s", text, strerror (errno_)) < 0)
        full = NULL;
      free (text);
      text = full;
    }
  *err = calloc (1, sizeof **err);
  if (*err == NULL)
    {
      free (text);
      abort (); /* out of memory while reporting an error: nothing sane left to do */
    }
  (*err)->errno_ = errno_;
  (*err)->msg = text != NULL ? text : strdup ("out of memory formatting an error");
  return -1;
}

int
hull_error (hull_error_t *err, int errno_, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  hull_verror (err, errno_, fmt, ap);
  va_end (ap);
  return -1;
}

int
hull_error_wrap (hull_error_t *err, const char *fmt, ...)
{
  va_list ap;
  char *prefix = NULL;
  char *full = NULL;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    prefix = NULL;
  va_end (ap);
  if (prefix == NULL)
    return -1;
  if (asprintf (&full, "%s: %s", prefix, (*err)->msg) >= 0)
    {
      free ((*err)->msg);
      (*err)->msg = full;
    }
  free (prefix);
  return -1;
}

void
hull_error_free (hull_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}
