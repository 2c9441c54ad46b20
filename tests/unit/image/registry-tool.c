/* registry-tool.c: hull-registry-tool, a test driver for lib/image/registry.c (built, not
   installed), so that the integration tests (tests/integration/registry.bats) reach the
   registry client without the engine's commands:
     hull-registry-tool [OPTIONS] ping HOST
     hull-registry-tool [OPTIONS] pull-manifest HOST REPO REF OUT   prints "DIGEST MEDIA-TYPE"
     hull-registry-tool [OPTIONS] pull-blob HOST REPO DIGEST OUT [SIZE]   OUT only on success
     hull-registry-tool [OPTIONS] pull-blobs HOST REPO OUTDIR DIGEST...   in parallel, into
                                  OUTDIR/HEX; prints "ok DIGEST" or "failed DIGEST: why" each
     hull-registry-tool [OPTIONS] blob-exists HOST REPO DIGEST         prints "yes SIZE" or "no"
     hull-registry-tool [OPTIONS] push-blob HOST REPO FILE             prints "RESULT DIGEST"
     hull-registry-tool [OPTIONS] push-manifest HOST REPO REF FILE TYPE   prints the digest
   OPTIONS: --plain-http --auth-file F --ca-file F --chunk N --mount-from REPO
            --connect-timeout S --low-speed-time S */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "image/digest.h"
#include "image/registry.h"

struct tool
{
  struct hull_registry_opts opts;
  const char *mount_from;
};

static void
registry_closep (struct hull_registry **r)
{
  hull_registry_close (*r);
}

static int
file_sink (void *data, const void *buf, size_t len, hull_error_t *err)
{
  return hull_write_all (*(int *) data, buf, len, "the output file", err);
}

static int
pull_manifest (struct hull_registry *r, char **a, hull_error_t *err)
{
  struct hull_registry_manifest m;
  cleanup_close int fd = -1;

  if (hull_registry_get_manifest (r, a[0], a[1], &m, err) < 0)
    return -1;
  fd = open (a[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || hull_write_all (fd, m.body, m.len, a[2], err) < 0)
    {
      if (fd < 0)
        hull_error_sys (err, "open `%s`", a[2]);
      hull_registry_manifest_clear (&m);
      return -1;
    }
  printf ("%s %s\n", m.digest, m.media_type);
  hull_registry_manifest_clear (&m);
  return 0;
}

/* The blob goes to OUT.part, renamed to OUT only once verified; removed on any error. */
static int
pull_blob (struct hull_registry *r, char **a, int n, hull_error_t *err)
{
  cleanup_free char *part = xasprintf ("%s.part", a[2]);
  cleanup_close int fd = open (part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  long long size = n > 3 ? strtoll (a[3], NULL, 10) : -1;

  if (fd < 0)
    return hull_error_sys (err, "open `%s`", part);
  if (hull_registry_get_blob (r, a[0], a[1], size, file_sink, &fd, err) < 0)
    {
      unlink (part);
      return -1;
    }
  if (rename (part, a[2]) < 0)
    return hull_error_sys (err, "rename `%s`", part);
  printf ("%s\n", a[1]);
  return 0;
}

struct part
{
  char *part, *final;
  int fd;
};

/* Every blob into OUTDIR/HEX.part, renamed when verified, removed when not. */
static int
pull_blobs (struct hull_registry *r, char **a, int n, hull_error_t *err)
{
  size_t count = n - 2;
  cleanup_free struct hull_blob_fetch *blobs = xmalloc0 (count * sizeof *blobs);
  cleanup_free struct part *parts = xmalloc0 (count * sizeof *parts);
  int ret;

  for (size_t i = 0; i < count; i++)
    {
      const char *d = a[2 + i], *hex = strchr (d, ':');
      parts[i].final = xasprintf ("%s/%s", a[1], hex ? hex + 1 : d);
      parts[i].part = xasprintf ("%s.part", parts[i].final);
      parts[i].fd = open (parts[i].part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (parts[i].fd < 0)
        return hull_error_sys (err, "open `%s`", parts[i].part);
      blobs[i] = (struct hull_blob_fetch) { .digest = d, .expected_size = -1, .sink = file_sink,
                                            .sink_data = &parts[i].fd };
    }
  ret = hull_registry_get_blobs (r, a[0], blobs, count, 2, err);
  for (size_t i = 0; i < count; i++)
    {
      close (parts[i].fd);
      if (blobs[i].err)
        {
          unlink (parts[i].part);
          printf ("failed %s: %s\n", blobs[i].digest, blobs[i].err->msg);
          hull_error_free (&blobs[i].err);
        }
      else if (rename (parts[i].part, parts[i].final) == 0)
        printf ("ok %s\n", blobs[i].digest);
      free (parts[i].part);
      free (parts[i].final);
    }
  return ret;
}

static int
blob_exists (struct hull_registry *r, char **a, hull_error_t *err)
{
  bool exists;
  long long size;

  if (hull_registry_blob_exists (r, a[0], a[1], &exists, &size, err) < 0)
    return -1;
  if (exists)
    printf ("yes %lld\n", size);
  else
    printf ("no\n");
  return 0;
}

static int
file_digest (int fd, char out[HULL_DIGEST_LEN + 1], hull_error_t *err)
{
  struct hull_sha256 *h = hull_sha256_new ();
  char buf[65536];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    hull_sha256_update (h, buf, n);
  hull_sha256_final (h, out);
  hull_sha256_free (h);
  return n < 0 ? hull_error_sys (err, "read") : 0;
}

static int
push_blob (struct tool *t, struct hull_registry *r, char **a, hull_error_t *err)
{
  cleanup_close int fd = open (a[1], O_RDONLY | O_CLOEXEC);
  char digest[HULL_DIGEST_LEN + 1];
  enum hull_push_result res;
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return hull_error_sys (err, "open `%s`", a[1]);
  if (file_digest (fd, digest, err) < 0)
    return -1;
  if (hull_registry_push_blob (r, a[0], digest, fd, st.st_size, t->mount_from, &res, err) < 0)
    return -1;
  printf ("%s %s\n", hull_push_result_name (res), digest);
  return 0;
}

static int
push_manifest (struct hull_registry *r, char **a, hull_error_t *err)
{
  cleanup_free char *body = NULL;
  char digest[HULL_DIGEST_LEN + 1];
  size_t len;

  if (hull_read_file_at (AT_FDCWD, a[2], &body, &len, err) < 0)
    return -1;
  if (hull_registry_put_manifest (r, a[0], a[1], body, len, a[3], digest, err) < 0)
    return -1;
  printf ("%s\n", digest);
  return 0;
}

static int
run (struct tool *t, const char *cmd, char **a, int n, hull_error_t *err)
{
  static const struct
  {
    const char *name;
    int args;
  } cmds[] = { { "ping", 0 },      { "pull-manifest", 3 }, { "pull-blob", 3 },
               { "blob-exists", 2 }, { "push-blob", 2 },   { "push-manifest", 4 },
               { "pull-blobs", 3 } };
  __attribute__ ((cleanup (registry_closep))) struct hull_registry *r = NULL;
  size_t i;

  for (i = 0; i < sizeof cmds / sizeof *cmds && strcmp (cmd, cmds[i].name) != 0; i++)
    ;
  if (i == sizeof cmds / sizeof *cmds || n < cmds[i].args)
    return hull_error (err, EINVAL, "usage: see the top of tests/unit/image/registry-tool.c");
  if (hull_registry_open (&t->opts, &r, err) < 0)
    return -1;
  switch (i)
    {
    case 0:
      return hull_registry_ping (r, err);
    case 1:
      return pull_manifest (r, a, err);
    case 2:
      return pull_blob (r, a, n, err);
    case 3:
      return blob_exists (r, a, err);
    case 4:
      return push_blob (t, r, a, err);
    case 5:
      return push_manifest (r, a, err);
    default:
      return pull_blobs (r, a, n, err);
    }
}

int
main (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "plain-http", no_argument, NULL, 'p' },        { "auth-file", required_argument, NULL, 'a' },
    { "ca-file", required_argument, NULL, 'c' },     { "chunk", required_argument, NULL, 'k' },
    { "mount-from", required_argument, NULL, 'm' },  { "connect-timeout", required_argument, NULL, 't' },
    { "low-speed-time", required_argument, NULL, 'l' }, { NULL, 0, NULL, 0 },
  };
  struct tool t = { 0 };
  cleanup_error hull_error_t err = NULL;
  int c;

  while ((c = getopt_long (argc, argv, "", longopts, NULL)) != -1)
    switch (c)
      {
      case 'p': t.opts.plain_http = true; break;
      case 'a': t.opts.auth_file = optarg; break;
      case 'c': t.opts.ca_file = optarg; break;
      case 'k': t.opts.chunk_size = strtoull (optarg, NULL, 10); break;
      case 'm': t.mount_from = optarg; break;
      case 't': t.opts.connect_timeout = strtol (optarg, NULL, 10); break;
      case 'l': t.opts.low_speed_time = strtol (optarg, NULL, 10); break;
      default: return 2;
      }
  if (argc - optind < 2)
    {
      fprintf (stderr, "usage: hull-registry-tool [OPTIONS] COMMAND HOST ARGS...\n");
      return 2;
    }
  t.opts.host = argv[optind + 1];
  if (run (&t, argv[optind], argv + optind + 2, argc - optind - 2, &err) < 0)
    {
      fprintf (stderr, "hull-registry-tool: %s\n", err->msg);
      return 1;
    }
  return 0;
}
