/* log.h: where warnings and debug lines go. The CLI owns one struct hull_log and hands it to
   the library; libhull keeps no logging state of its own. */
#ifndef HULL_LOG_H
#define HULL_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum hull_log_level
{
  HULL_LOG_ERROR,
  HULL_LOG_WARNING,
  HULL_LOG_INFO,
  HULL_LOG_DEBUG
};

struct hull_log
{
  int fd;          /* log file (--log), or -1 for stderr only */
  bool json;       /* --log-format json: one {"level","msg","time"} object per line */
  bool debug;      /* --debug: emit HULL_LOG_DEBUG lines */
  const char *tag; /* program name used on stderr lines */
};

void hull_log_msg (const struct hull_log *log, enum hull_log_level level, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* A command's failure: "TAG: MESSAGE" on stderr, and the message in the log file when there
   is one. Returns 1, the exit code. */
int hull_log_fail (const struct hull_log *log, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
int hull_log_vfail (const struct hull_log *log, const char *fmt, va_list ap) __attribute__ ((format (printf, 2, 0)));

#define hull_warn(log, ...) hull_log_msg ((log), HULL_LOG_WARNING, __VA_ARGS__)
#define hull_debug(log, ...)                                                   \
  do                                                                           \
    {                                                                          \
      if ((log) != NULL && (log)->debug)                                       \
        hull_log_msg ((log), HULL_LOG_DEBUG, __VA_ARGS__);                     \
    }                                                                          \
  while (0)

#endif
