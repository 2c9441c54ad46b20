/* seccomp-cache.c: compiled seccomp programs kept between runs. libseccomp takes about 15 ms
   to compile a profile like podman's default (some 430 syscalls, three architectures), on
   every container; the program only depends on the config, libseccomp and the machine. An
   entry holds its whole key (those three, the config serialised with sorted keys) next to the
   program, and is used only when the key matches byte for byte: a file name collision, or a
   config crafted to collide, can never hand a container another config's filter. The cache
   lives in the state root (--root, 0700): whoever can write there owns every container
   anyway. Any cache failure just means compiling. */
#define _GNU_SOURCE
#include "seccomp-filter.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../core/util.h"

#define CACHE_MAGIC "hull-seccomp-cache 1\n"
#define CACHE_MAX_ENTRIES 64

struct entry_header
{
  char magic[sizeof CACHE_MAGIC - 1];
  uint32_t key_len;
  uint32_t flags;
  uint32_t notify;
  uint32_t prog_len;
};

/* Everything the program depends on, as one string. */
static char *
cache_key (json_t *config)
{
  const struct scmp_version *v = seccomp_version ();
  cleanup_free char *text = json_dumps (config, JSON_COMPACT | JSON_SORT_KEYS);
  struct utsname u;

  if (text == NULL || uname (&u) < 0)
    return NULL;
  return xasprintf ("%slibseccomp %u.%u.%u\nmachine %s\n%s", CACHE_MAGIC, v->major, v->minor, v->micro, u.machine,
                    text);
}

/* FNV-1a: only picks the file; the key inside decides. */
static void
entry_name (const char *key, char name[32])
{
  uint64_t h = 1469598103934665603ULL;
  for (const unsigned char *p = (const unsigned char *) key; *p; p++)
    h = (h ^ *p) * 1099511628211ULL;
  snprintf (name, 32, "%016llx.bpf", (unsigned long long) h);
}

/* The program stored for KEY in DIR, or NULL. */
static struct hull_seccomp *
lookup (int dir, const char *name, const char *key)
{
  cleanup_free char *data = NULL;
  hull_error_t ignored = NULL;
  struct entry_header h;
  struct hull_seccomp *s;
  size_t len = 0, key_len = strlen (key), prog_bytes;

  if (hull_read_file_at (dir, name, &data, &len, &ignored) < 0)
    {
      hull_error_free (&ignored);
      return NULL;
    }
  if (len < sizeof h)
    return NULL;
  memcpy (&h, data, sizeof h);
  prog_bytes = (size_t) h.prog_len * sizeof (struct sock_filter);
  if (memcmp (h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || h.key_len != key_len || h.prog_len == 0
      || h.prog_len > BPF_MAXINSNS || len != sizeof h + key_len + prog_bytes
      || memcmp (data + sizeof h, key, key_len) != 0)
    return NULL;
  s = xmalloc0 (sizeof *s);
  s->flags = h.flags;
  s->notify = h.notify != 0;
  s->prog.len = (unsigned short) h.prog_len;
  s->prog.filter = xmalloc0 (prog_bytes);
  memcpy (s->prog.filter, data + sizeof h + key_len, prog_bytes);
  return s;
}

/* Keep the cache bounded: past CACHE_MAX_ENTRIES, the least recently written entry goes. */
static void
trim (int dir)
{
  cleanup_close int fd = openat (dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char oldest[NAME_MAX + 1] = "";
  struct timespec oldest_t = { 0 };
  size_t n = 0;
  struct dirent *de;
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;

  if (d == NULL)
    return;
  fd = -1; /* the DIR owns it now */
  while ((de = readdir (d)) != NULL)
    {
      struct stat st;
      if (de->d_name[0] == '.' || fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      n++;
      if (oldest[0] == '\0' || st.st_mtim.tv_sec < oldest_t.tv_sec
          || (st.st_mtim.tv_sec == oldest_t.tv_sec && st.st_mtim.tv_nsec < oldest_t.tv_nsec))
        {
          snprintf (oldest, sizeof oldest, "%s", de->d_name);
          oldest_t = st.st_mtim;
        }
    }
  if (n > CACHE_MAX_ENTRIES && oldest[0])
    unlinkat (dirfd (d), oldest, 0);
  closedir (d);
}

static void
store (int dir, const char *name, const char *key, const struct hull_seccomp *s)
{
  size_t key_len = strlen (key), prog_bytes = (size_t) s->prog.len * sizeof (struct sock_filter);
  struct entry_header h = { .key_len = key_len, .flags = s->flags, .notify = s->notify, .prog_len = s->prog.len };
  cleanup_free char *data = xmalloc0 (sizeof h + key_len + prog_bytes);
  hull_error_t ignored = NULL;

  memcpy (h.magic, CACHE_MAGIC, sizeof h.magic);
  memcpy (data, &h, sizeof h);
  memcpy (data + sizeof h, key, key_len);
  memcpy (data + sizeof h + key_len, s->prog.filter, prog_bytes);
  if (hull_write_file_atomic_at (dir, name, data, sizeof h + key_len + prog_bytes, 0600, &ignored) == 0)
    trim (dir);
  hull_error_free (&ignored);
}

int
hull_seccomp_prepare (json_t *config, int cache_dir, struct hull_seccomp **out, hull_error_t *err)
{
  cleanup_free char *key = cache_key (config);
  char name[32];

  if (key == NULL || cache_dir < 0)
    return hull_seccomp_compile (config, out, err);
  entry_name (key, name);
  *out = lookup (cache_dir, name, key);
  if (*out != NULL)
    return 0;
  if (hull_seccomp_compile (config, out, err) < 0)
    return -1;
  store (cache_dir, name, key, *out);
  return 0;
}
