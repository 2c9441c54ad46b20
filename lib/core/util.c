/* util.c: cleanup helpers, allocation, whole-file I/O and atomic writes. */
#define _GNU_SOURCE
#include "util.h"

#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
hull_freep (void *p)
{
  free (*(void **) p);
}

void
hull_closep (int *fd)
{
  int saved = errno;
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
  errno = saved;
}

void
hull_fclosep (FILE **f)
{
  if (*f != NULL)
    fclose (*f);
}

void
hull_strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

void
hull_json_decrefp (void *p)
{
  json_t **j = p;
  json_decref (*j);
  *j = NULL;
}

void
hull_strvfreep (char ***v)
{
  hull_strv_free (*v);
}

size_t
hull_strv_len (char *const *v)
{
  size_t n = 0;
  while (v != NULL && v[n] != NULL)
    n++;
  return n;
}

void *
xmalloc0 (size_t n)
{
  void *p = calloc (1, n ? n : 1);
  if (p == NULL)
    abort ();
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  void *r = realloc (p, n ? n : 1);
  if (r == NULL)
    abort ();
  return r;
}

char *
xstrdup (const char *s)
{
  char *r;
  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    abort ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  char *r;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&r, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return r;
}

int
hull_read_fd (int fd, const char *what, char **out, size_t *len, hull_error_t *err)
{
  size_t cap = 4096, used = 0;
  cleanup_free char *buf = xmalloc0 (cap);

  for (;;)
    {
      ssize_t r;
      if (used + 1 >= cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap);
        }
      r = read (fd, buf + used, cap - used - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return hull_error_sys (err, "read `%s`", what);
      if (r == 0)
        break;
      used += r;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = hull_steal_ptr (buf);
  return 0;
}

int
hull_read_file_at (int dirfd, const char *path, char **out, size_t *len, hull_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_error_sys (err, "open `%s`", path);
  return hull_read_fd (fd, path, out, len, err);
}

int
hull_write_all (int fd, const void *buf, size_t len, const char *what, hull_error_t *err)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return hull_error_sys (err, "write `%s`", what);
      p += w;
      len -= w;
    }
  return 0;
}

int
hull_write_file_at (int dirfd, const char *path, const char *data, size_t len, hull_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_error_sys (err, "open `%s`", path);
  return hull_write_all (fd, data, len, path, err);
}

int
hull_write_file_staged_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode, char **tmp_out,
                           hull_error_t *err)
{
  cleanup_free char *tmp = xasprintf (".%s.tmp-%d", name, (int) getpid ());
  cleanup_close int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return hull_error_sys (err, "create `%s`", tmp);
  if (hull_write_all (fd, data, len, tmp, err) < 0)
    goto fail;
  if (close (hull_steal_fd (fd)) < 0)
    {
      hull_error_sys (err, "close `%s`", tmp);
      goto fail;
    }
  *tmp_out = hull_steal_ptr (tmp);
  return 0;
fail:
  unlinkat (dirfd, tmp, 0);
  return -1;
}

int
hull_write_file_atomic_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                           hull_error_t *err)
{
  cleanup_free char *tmp = NULL;

  if (hull_write_file_staged_at (dirfd, name, data, len, mode, &tmp, err) < 0)
    return -1;
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      hull_error_sys (err, "rename `%s` to `%s`", tmp, name);
      unlinkat (dirfd, tmp, 0);
      return -1;
    }
  return 0;
}

static int
rm_rf_children (int dfd, hull_error_t *err)
{
  DIR *d = fdopendir (dfd);
  struct dirent *de;
  int ret = 0;

  if (d == NULL)
    {
      close (dfd);
      return hull_error_sys (err, "opendir");
    }
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dirfd (d), de->d_name, 0) == 0 || errno == ENOENT)
        continue;
      if (errno != EISDIR && errno != EPERM)
        {
          ret = hull_error_sys (err, "remove `%s`", de->d_name);
          continue;
        }
      if (hull_rm_rf_at (dirfd (d), de->d_name, err) < 0)
        ret = -1;
    }
  closedir (d);
  return ret;
}

int
hull_rm_rf_at (int dirfd, const char *name, hull_error_t *err)
{
  int dfd;

  if (unlinkat (dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
    return 0;
  if (errno != ENOTEMPTY && errno != EEXIST)
    return hull_error_sys (err, "remove `%s`", name);
  dfd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return hull_error_sys (err, "open `%s`", name);
  if (rm_rf_children (dfd, err) < 0)
    return hull_error_wrap (err, "remove `%s`", name);
  if (unlinkat (dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return hull_error_sys (err, "remove `%s`", name);
  return 0;
}

bool
hull_parse_u64_n (const char *s, size_t len, unsigned long long *out)
{
  char buf[32];

  if (len == 0 || len >= sizeof buf)
    return false;
  memcpy (buf, s, len);
  buf[len] = '\0';
  return hull_parse_u64 (buf, out) == 0;
}

int
hull_parse_u64 (const char *s, unsigned long long *out)
{
  char *end;
  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  errno = 0;
  *out = strtoull (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  return 0;
}

char *
hull_passwd_field (const char *path, uid_t uid, unsigned field)
{
  cleanup_fclose FILE *f = fopen (path, "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (f == NULL || field > 6)
    return NULL;
  while (getline (&line, &cap, f) >= 0)
    {
      char *fields[7] = { 0 };
      char *p = line;
      unsigned long long id;
      unsigned n = 0;

      line[strcspn (line, "\n")] = '\0';
      for (char *tok = strsep (&p, ":"); tok && n < 7; tok = strsep (&p, ":"))
        fields[n++] = tok;
      if (n > field && n >= 3 && hull_parse_u64 (fields[2], &id) == 0 && id == uid)
        return xstrdup (fields[field]);
    }
  return NULL;
}

void
hull_format_utc (const struct timespec *ts, bool nanos, char buf[HULL_UTC_BUF])
{
  /* Days since 1970-01-01 to a civil date, in 400-year eras of 146097 days that begin on
     1 March, so the leap day falls at the end of each year. */
  long long days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
  long long era, doe, yoe, doy, mp, y, m, d;

  if (secs < 0)
    {
      secs += 86400;
      days--;
    }
  days += 719468; /* from 0000-03-01 */
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
  if (nanos)
    snprintf (buf, HULL_UTC_BUF, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600,
              secs / 60 % 60, secs % 60, (long) ts->tv_nsec);
  else
    snprintf (buf, HULL_UTC_BUF, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600, secs / 60 % 60,
              secs % 60);
}

int
hull_mkdir_p (const char *path, mode_t mode, const char *what, hull_error_t *err)
{
  cleanup_free char *p = xstrdup (path);

  for (char *s = p + 1;; s++)
    {
      bool end = *s == '\0';
      if (*s != '/' && !end)
        continue;
      *s = '\0';
      if (mkdir (p, mode) < 0 && errno != EEXIST)
        return hull_error_sys (err, "create %s `%s`", what, p);
      if (end)
        return 0;
      *s = '/';
    }
}
