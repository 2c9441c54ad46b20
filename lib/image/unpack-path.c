/* unpack-path.c: the unpacker's names: a tar name made a clean path relative to the root
   (refusing any that would climb out), the parent of an entry opened inside the root, and a
   small set of names (what the layer wrote, the directories whose metadata waits). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"
#include "../linux/fsutil.h"
#include "unpack-internal.h"

int
hull_unpack_clean_name (const char *raw, char **out, hull_error_t *err)
{
  size_t len = strlen (raw);
  cleanup_free char *buf = NULL;
  size_t n = 0;
  const char *p = raw;

  *out = NULL;
  if (len >= PATH_MAX)
    return hull_error (err, 0, "layer entry `%.64s...`: a name of %zu bytes, longer than PATH_MAX (%d)", raw, len,
                       PATH_MAX);
  buf = xmalloc0 (len + 1);
  while (*p)
    {
      const char *end = strchrnul (p, '/');
      size_t clen = end - p;

      if (clen > NAME_MAX)
        return hull_error (err, 0, "layer entry `%.64s...`: a component of %zu bytes, longer than NAME_MAX (%d)", raw,
                           clen, NAME_MAX);
      if (clen == 0 || (clen == 1 && p[0] == '.'))
        ; /* "//", "./": nothing */
      else if (clen == 2 && p[0] == '.' && p[1] == '.')
        {
          if (n == 0)
            return hull_error (err, 0, "layer entry `%s`: climbs out of the root", raw);
          while (n > 0 && buf[n - 1] != '/')
            n--;
          if (n > 0)
            n--; /* the slash before the dropped component */
        }
      else
        {
          if (n > 0)
            buf[n++] = '/';
          memcpy (buf + n, p, clen);
          n += clen;
        }
      p = *end ? end + 1 : end;
    }
  buf[n] = '\0';
  *out = hull_steal_ptr (buf);
  return 0;
}

int
hull_unpack_parent (struct hull_unpack *u, const char *name, int *fd, const char **base, hull_error_t *err)
{
  const char *slash = strrchr (name, '/');
  cleanup_free char *parent = NULL;
  cleanup_close int pfd = -1;
  struct stat st;

  *fd = -1;
  *base = slash ? slash + 1 : name;
  if (slash == NULL)
    {
      pfd = openat (u->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (pfd < 0)
        return hull_error_sys (err, "layer entry `%s`: open the root", name);
      if (hull_unpack_keep_times (u, "", pfd, err) < 0)
        return hull_error_wrap (err, "layer entry `%s`", name);
      *fd = hull_steal_fd (pfd);
      return 0;
    }
  parent = xmalloc0 (slash - name + 1);
  memcpy (parent, name, slash - name);
  /* Each level is resolved (and made) with openat2 RESOLVE_IN_ROOT: a symlink on the way,
     even one this layer just made, stays inside the root. */
  if (hull_mkpath_in_root (u->root_fd, parent, true, &pfd, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`", name);
  if (fstat (pfd, &st) < 0)
    return hull_error_sys (err, "layer entry `%s`: stat its parent", name);
  if (!S_ISDIR (st.st_mode))
    return hull_error (err, 0, "layer entry `%s`: parent `%s` is not a directory", name, parent);
  if (hull_unpack_keep_times (u, parent, pfd, err) < 0)
    return hull_error_wrap (err, "layer entry `%s`", name);
  *fd = hull_steal_fd (pfd);
  return 0;
}

int
hull_unpack_keep_times (struct hull_unpack *u, const char *key, int fd, hull_error_t *err)
{
  struct hull_path_node *n;
  struct stat st;

  if (hull_path_set_find (&u->dirs, key) != NULL)
    return 0; /* the layer's own entry, or remembered already */
  if (fstat (fd, &st) < 0)
    return hull_error_sys (err, "stat `%s`", *key ? key : "/");
  n = hull_path_set_add (&u->dirs, key);
  n->mode = st.st_mode & 07777;
  n->times[0] = st.st_atim;
  n->times[1] = st.st_mtim;
  return 0;
}

int
hull_unpack_open_dir_nofollow (struct hull_unpack *u, const char *dir, int *fd, bool *blocked, hull_error_t *err)
{
  struct open_how how = {
    .flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };

  *blocked = false;
  do
    *fd = syscall (SYS_openat2, u->root_fd, *dir ? dir : ".", &how, sizeof how);
  while (*fd < 0 && (errno == EAGAIN || errno == EINTR));
  if (*fd >= 0 || errno == ENOENT)
    return 0;
  if (errno == ELOOP || errno == ENOTDIR)
    {
      *blocked = true;
      return 0;
    }
  return hull_error_sys (err, "open `%s` in the root", dir);
}

/* --- the name set: chained hashing, FNV-1a, doubled at load 1 ---------------------------- */

static uint64_t
hash_name (const char *s)
{
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ull;
  return h;
}

void
hull_path_set_init (struct hull_path_set *s)
{
  s->nbuckets = 64;
  s->count = 0;
  s->buckets = xmalloc0 (s->nbuckets * sizeof *s->buckets);
}

void
hull_path_set_free (struct hull_path_set *s)
{
  for (size_t i = 0; s->buckets && i < s->nbuckets; i++)
    for (struct hull_path_node *n = s->buckets[i], *next; n; n = next)
      {
        next = n->next;
        free (n);
      }
  free (s->buckets);
  s->buckets = NULL;
}

struct hull_path_node *
hull_path_set_find (const struct hull_path_set *s, const char *name)
{
  for (struct hull_path_node *n = s->buckets[hash_name (name) % s->nbuckets]; n; n = n->next)
    if (strcmp (n->name, name) == 0)
      return n;
  return NULL;
}

static void
grow (struct hull_path_set *s)
{
  size_t nb = s->nbuckets * 2;
  struct hull_path_node **b = xmalloc0 (nb * sizeof *b);

  for (size_t i = 0; i < s->nbuckets; i++)
    for (struct hull_path_node *n = s->buckets[i], *next; n; n = next)
      {
        size_t h = hash_name (n->name) % nb;
        next = n->next;
        n->next = b[h];
        b[h] = n;
      }
  free (s->buckets);
  s->buckets = b;
  s->nbuckets = nb;
}

struct hull_path_node *
hull_path_set_add (struct hull_path_set *s, const char *name)
{
  struct hull_path_node *n = hull_path_set_find (s, name);
  size_t len = strlen (name);
  size_t h;

  if (n != NULL)
    return n;
  if (s->count >= s->nbuckets)
    grow (s);
  n = xmalloc0 (sizeof *n + len + 1);
  memcpy (n->name, name, len + 1);
  h = hash_name (name) % s->nbuckets;
  n->next = s->buckets[h];
  s->buckets[h] = n;
  s->count++;
  return n;
}
