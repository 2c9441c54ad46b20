/* log.c: writing one log line, as text to stderr and as text or JSON to the --log file. */
#define _GNU_SOURCE
#include "log.h"
#include "util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *level_names[] = { "error", "warning", "info", "debug" };

static void
log_json_line (int fd, enum hull_log_level level, const char *msg)
{
  char stamp[HULL_UTC_BUF];
  struct timespec ts;
  json_t *o;
  char *line;

  clock_gettime (CLOCK_REALTIME, &ts);
  hull_format_utc (&ts, false, stamp);
  o = json_pack ("{s:s, s:s, s:s}", "level", level_names[level], "msg", msg, "time", stamp);
  if (o == NULL)
    return;
  line = json_dumps (o, JSON_COMPACT);
  json_decref (o);
  if (line == NULL)
    return;
  dprintf (fd, "%s\n", line);
  free (line);
}

void
hull_log_msg (const struct hull_log *log, enum hull_log_level level, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;

  if (level == HULL_LOG_DEBUG && (log == NULL || !log->debug))
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return;
  if (log != NULL && log->fd >= 0)
    {
      if (log->json)
        log_json_line (log->fd, level, msg);
      else
        dprintf (log->fd, "%s: %s\n", level_names[level], msg);
    }
  /* Errors reach stderr from the CLI itself; here only the other levels. With a JSON log the
     caller (podman's conmon) reads the file, so stderr stays quiet except for warnings. */
  if (level != HULL_LOG_ERROR)
    dprintf (STDERR_FILENO, "%s: %s: %s\n", log && log->tag ? log->tag : "hull", level_names[level], msg);
  free (msg);
}

int
hull_log_vfail (const struct hull_log *log, const char *fmt, va_list ap)
{
  char *msg = NULL;

  if (vasprintf (&msg, fmt, ap) < 0)
    return 1;
  fprintf (stderr, "%s: %s\n", log->tag, msg);
  if (log->fd >= 0)
    hull_log_msg (log, HULL_LOG_ERROR, "%s", msg);
  free (msg);
  return 1;
}

int
hull_log_fail (const struct hull_log *log, const char *fmt, ...)
{
  va_list ap;
  int r;
  va_start (ap, fmt);
  r = hull_log_vfail (log, fmt, ap);
  va_end (ap);
  return r;
}
