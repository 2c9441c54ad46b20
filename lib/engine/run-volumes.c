/* run-volumes.c: the three ways `hull run` is given a mount: -v SRC:DST[:OPTIONS],
   --mount type=bind|tmpfs,..., --tmpfs DST[:OPTIONS]; each read into a struct hull_volume
   whose options are OCI mount options, checked one by one (unknown ones and contradictions
   such as ro with rw refused, naming the option). The defaults a mount gets on top of what was
   asked (rbind, nosuid, nodev...) are added by run-config.c, which knows about --privileged. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/util.h"
#include "../runtime/container.h"
#include "run-internal.h"
#include "run-spec.h"

/* Options that contradict each other share a group; at most one of each group is given. */
enum opt_group
{
  G_RW,
  G_SUID,
  G_DEV,
  G_EXEC,
  G_BIND,
  G_PROP,
  G_LABEL,
  G_COPYUP,
  G_N
};

struct opt_word
{
  const char *name;
  enum opt_group group;
  bool tmpfs_ok; /* also a --tmpfs option */
  bool bind_ok;  /* also a bind option */
};

static const struct opt_word opt_words[] = {
  { "ro", G_RW, true, true },           { "rw", G_RW, true, true },
  { "nosuid", G_SUID, true, true },     { "suid", G_SUID, true, true },
  { "nodev", G_DEV, true, true },       { "dev", G_DEV, true, true },
  { "noexec", G_EXEC, true, true },     { "exec", G_EXEC, true, true },
  { "bind", G_BIND, false, true },      { "rbind", G_BIND, false, true },
  { "shared", G_PROP, false, true },    { "rshared", G_PROP, false, true },
  { "slave", G_PROP, false, true },     { "rslave", G_PROP, false, true },
  { "private", G_PROP, false, true },   { "rprivate", G_PROP, false, true },
  { "unbindable", G_PROP, false, true }, { "runbindable", G_PROP, false, true },
  { "z", G_LABEL, false, true },        { "Z", G_LABEL, false, true },
  { "tmpcopyup", G_COPYUP, true, false },
};

/* tmpfs options with a value, and what the value must be */
enum { V_SIZE, V_MODE, V_ID, V_COUNT };
static const struct
{
  const char *key;
  int kind;
} tmpfs_values[] = { { "size", V_SIZE }, { "mode", V_MODE }, { "uid", V_ID }, { "gid", V_ID }, { "nr_inodes", V_COUNT } };

struct opt_acc
{
  const char *flag;   /* "-v", "--mount", "--tmpfs" */
  const char *spec;   /* the whole value, for messages */
  const char *seen[G_N];
  char **opts;
  size_t n;
};

static void
acc_push (struct opt_acc *a, char *opt)
{
  a->opts = xrealloc (a->opts, (a->n + 2) * sizeof *a->opts);
  a->opts[a->n++] = opt;
  a->opts[a->n] = NULL;
}

/* One plain word: kept as an OCI option (z and Z become the volume's relabel flags). */
static int
acc_word (struct opt_acc *a, struct hull_volume *v, const char *word, hull_error_t *err)
{
  for (size_t i = 0; i < sizeof opt_words / sizeof opt_words[0]; i++)
    {
      const struct opt_word *w = &opt_words[i];
      if (strcmp (w->name, word) != 0)
        continue;
      if (!(v->kind == HULL_VOLUME_TMPFS ? w->tmpfs_ok : w->bind_ok))
        break;
      if (a->seen[w->group] != NULL)
        return hull_error (err, 0, "%s: `%s`: `%s` with `%s`", a->flag, a->spec, a->seen[w->group], word);
      a->seen[w->group] = w->name;
      if (w->group == G_LABEL)
        {
          v->relabel_shared = word[0] == 'z';
          v->relabel_private = word[0] == 'Z';
        }
      else
        acc_push (a, xstrdup (word));
      return 0;
    }
  if (strcmp (word, "O") == 0 || strcmp (word, "U") == 0 || strncmp (word, "idmap", 5) == 0)
    return hull_error (err, 0, "%s: `%s`: option `%s` is not supported", a->flag, a->spec, word);
  return hull_error (err, 0, "%s: `%s`: unknown option `%s`", a->flag, a->spec, word);
}

static int
check_octal (const char *s)
{
  if (*s == '\0' || strlen (s) > 4)
    return -1;
  for (; *s; s++)
    if (*s < '0' || *s > '7')
      return -1;
  return 0;
}

/* KEY=VALUE of a tmpfs: size read as podman reads sizes (64m) and written in bytes. */
static int
acc_tmpfs_value (struct opt_acc *a, const char *key, size_t keylen, const char *value, hull_error_t *err)
{
  for (size_t i = 0; i < sizeof tmpfs_values / sizeof tmpfs_values[0]; i++)
    {
      unsigned long long n;
      int64_t size;
      if (strlen (tmpfs_values[i].key) != keylen || strncmp (tmpfs_values[i].key, key, keylen) != 0)
        continue;
      switch (tmpfs_values[i].kind)
        {
        case V_SIZE:
          if (hull_parse_size (value, &size) < 0 || size <= 0)
            return hull_error (err, 0, "%s: `%s`: size `%s` is not a size", a->flag, a->spec, value);
          acc_push (a, xasprintf ("size=%lld", (long long) size));
          return 0;
        case V_MODE:
          if (check_octal (value) < 0)
            return hull_error (err, 0, "%s: `%s`: mode `%s` is not an octal mode", a->flag, a->spec, value);
          break;
        default:
          if (hull_parse_u64 (value, &n) < 0 || n > UINT32_MAX - 1)
            return hull_error (err, 0, "%s: `%s`: %s `%s` is not a number", a->flag, a->spec, tmpfs_values[i].key, value);
        }
      acc_push (a, xasprintf ("%.*s=%s", (int) keylen, key, value));
      return 0;
    }
  return hull_error (err, 0, "%s: `%s`: unknown option `%.*s`", a->flag, a->spec, (int) keylen, key);
}

/* OPTS, comma-separated, into V->options. */
static int
parse_options (const char *flag, const char *spec, const char *opts, struct hull_volume *v, hull_error_t *err)
{
  struct opt_acc a = { .flag = flag, .spec = spec };
  cleanup_free char *copy = xstrdup (opts);
  char *p = copy;

  for (char *word = strsep (&p, ","); word; word = strsep (&p, ","))
    {
      char *eq = strchr (word, '=');
      int r;
      if (*word == '\0')
        continue;
      if (eq != NULL && v->kind == HULL_VOLUME_TMPFS)
        r = acc_tmpfs_value (&a, word, (size_t) (eq - word), eq + 1, err);
      else
        r = acc_word (&a, v, word, err);
      if (r < 0)
        {
          hull_strv_free (a.opts);
          return -1;
        }
    }
  v->options = a.opts;
  return 0;
}

/* An absolute container path with "//", "/./" and a trailing "/" taken out; ".." refused (the
   runtime resolves targets inside the rootfs anyway, but a path that climbs is a mistake). */
static int
clean_destination (const char *flag, const char *spec, const char *path, char **out, hull_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  char *buf = xmalloc0 (strlen (path) + 2), *p = copy;
  size_t n = 0;

  if (path[0] != '/')
    {
      free (buf);
      return hull_error (err, 0, "%s: `%s`: the container path `%s` is not absolute", flag, spec, path);
    }
  for (char *c = strsep (&p, "/"); c; c = strsep (&p, "/"))
    {
      if (*c == '\0' || strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          free (buf);
          return hull_error (err, 0, "%s: `%s`: the container path `%s` has a `..`", flag, spec, path);
        }
      buf[n++] = '/';
      memcpy (buf + n, c, strlen (c));
      n += strlen (c);
    }
  if (n == 0)
    {
      free (buf);
      return hull_error (err, 0, "%s: `%s`: cannot mount over the container's root", flag, spec);
    }
  *out = buf;
  return 0;
}

static int
check_source (const char *flag, const char *spec, const char *src, hull_error_t *err)
{
  if (*src == '\0')
    return hull_error (err, 0, "%s: `%s`: no host path", flag, spec);
  if (src[0] != '/')
    return hull_error (err, 0, "%s: `%s`: `%s` is not an absolute host path (named volumes are not supported)", flag,
                       spec, src);
  return 0;
}

void
hull_volume_clear (struct hull_volume *v)
{
  free (v->source);
  free (v->destination);
  hull_strv_free (v->options);
  memset (v, 0, sizeof *v);
}

/* V filled from its parts; on failure V is left cleared. */
static int
finish (const char *flag, const char *spec, enum hull_volume_kind kind, const char *src, const char *dst,
        const char *opts, struct hull_volume *v, hull_error_t *err)
{
  memset (v, 0, sizeof *v);
  v->kind = kind;
  v->flag = flag;
  if ((kind == HULL_VOLUME_BIND && check_source (flag, spec, src, err) < 0)
      || clean_destination (flag, spec, dst, &v->destination, err) < 0
      || (opts != NULL && parse_options (flag, spec, opts, v, err) < 0))
    {
      hull_volume_clear (v);
      return -1;
    }
  if (kind == HULL_VOLUME_BIND)
    v->source = xstrdup (src);
  return 0;
}

int
hull_volume_parse_v (const char *spec, struct hull_volume *out, hull_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  char *src = copy, *dst, *opts;

  dst = strchr (src, ':');
  if (dst == NULL)
    {
      memset (out, 0, sizeof *out);
      return hull_error (err, 0, "-v: `%s`: no container path (give HOST-PATH:CONTAINER-PATH)", spec);
    }
  *dst++ = '\0';
  opts = strchr (dst, ':');
  if (opts != NULL)
    *opts++ = '\0';
  if (opts != NULL && strchr (opts, ':') != NULL)
    {
      memset (out, 0, sizeof *out);
      return hull_error (err, 0, "-v: `%s`: too many `:`", spec);
    }
  return finish ("-v", spec, HULL_VOLUME_BIND, src, dst, opts, out, err);
}

int
hull_volume_parse_tmpfs (const char *spec, struct hull_volume *out, hull_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  char *opts = strchr (copy, ':');

  if (opts != NULL)
    *opts++ = '\0';
  return finish ("--tmpfs", spec, HULL_VOLUME_TMPFS, NULL, copy, opts, out, err);
}

/* --mount's fields, gathered before the volume is made. */
struct mount_fields
{
  const char *type, *source, *destination;
  char *opts; /* the option words, comma-joined, in -v/--tmpfs syntax */
};

/* PREFIX VALUE appended to M's option words */
static void
add_opt (struct mount_fields *m, const char *prefix, const char *value)
{
  char *joined = m->opts ? xasprintf ("%s,%s%s", m->opts, prefix, value) : xasprintf ("%s%s", prefix, value);
  free (m->opts);
  m->opts = joined;
}

/* "true", "false" or nothing (true), for --mount's boolean keys */
static int
mount_bool (const char *spec, const char *key, const char *value, bool *out, hull_error_t *err)
{
  if (run_parse_bool (value, out) < 0)
    return hull_error (err, 0, "--mount: `%s`: %s=`%s` is not true or false", spec, key, value);
  return 0;
}

static int
mount_field (struct mount_fields *m, const char *spec, char *key, char *value, hull_error_t *err)
{
  bool b;

  if (strcmp (key, "type") == 0 && value)
    m->type = value;
  else if ((strcmp (key, "source") == 0 || strcmp (key, "src") == 0) && value)
    m->source = value;
  else if ((strcmp (key, "destination") == 0 || strcmp (key, "dst") == 0 || strcmp (key, "target") == 0) && value)
    m->destination = value;
  else if (strcmp (key, "ro") == 0 || strcmp (key, "readonly") == 0)
    {
      if (mount_bool (spec, key, value, &b, err) < 0)
        return -1;
      add_opt (m, "", b ? "ro" : "rw");
    }
  else if (strcmp (key, "bind-nonrecursive") == 0)
    {
      if (mount_bool (spec, key, value, &b, err) < 0)
        return -1;
      add_opt (m, "", b ? "bind" : "rbind");
    }
  else if (strcmp (key, "relabel") == 0 && value && (strcmp (value, "shared") == 0 || strcmp (value, "private") == 0))
    add_opt (m, "", value[0] == 's' ? "z" : "Z");
  else if (strcmp (key, "bind-propagation") == 0 && value)
    add_opt (m, "", value);
  else if (strcmp (key, "tmpfs-size") == 0 && value)
    add_opt (m, "size=", value);
  else if (strcmp (key, "tmpfs-mode") == 0 && value)
    add_opt (m, "mode=", value);
  else if (value == NULL)
    add_opt (m, "", key); /* a bare option word: nosuid, z, ... (checked by the volume's parser) */
  else
    return hull_error (err, 0, "--mount: `%s`: unknown field `%s`", spec, key);
  return 0;
}

int
hull_volume_parse_mount (const char *spec, struct hull_volume *out, hull_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  struct mount_fields m = { 0 };
  char *p = copy;
  int r = -1;

  memset (out, 0, sizeof *out);
  for (char *f = strsep (&p, ","); f; f = strsep (&p, ","))
    {
      char *eq = strchr (f, '=');
      if (*f == '\0')
        continue;
      if (eq)
        *eq++ = '\0';
      if (mount_field (&m, spec, f, eq, err) < 0)
        goto out;
    }
  if (m.type == NULL)
    hull_error (err, 0, "--mount: `%s`: no type (type=bind or type=tmpfs)", spec);
  else if (m.destination == NULL)
    hull_error (err, 0, "--mount: `%s`: no destination", spec);
  else if (strcmp (m.type, "bind") == 0)
    {
      if (m.source == NULL)
        hull_error (err, 0, "--mount: `%s`: no source", spec);
      else
        r = finish ("--mount", spec, HULL_VOLUME_BIND, m.source, m.destination, m.opts, out, err);
    }
  else if (strcmp (m.type, "tmpfs") == 0)
    {
      if (m.source != NULL)
        hull_error (err, 0, "--mount: `%s`: a tmpfs has no source", spec);
      else
        r = finish ("--mount", spec, HULL_VOLUME_TMPFS, NULL, m.destination, m.opts, out, err);
    }
  else
    hull_error (err, 0, "--mount: `%s`: type `%s` is not supported (bind, tmpfs)", spec, m.type);
out:
  free (m.opts);
  return r;
}
