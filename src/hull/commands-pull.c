/* commands-pull.c: pull and push (podman's command lines). The work is in libhull-image
   (lib/image/pull.c, image-push.c); here are the flags and the progress display, drawn in
   place on a terminal only. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "core/util.h"
#include "image/pull.h"

/* --- progress -------------------------------------------------------------------------- */

struct line
{
  char digest[HULL_DIGEST_LEN + 1];
  int64_t done, total;
  bool cached;
  double start, end; /* its first bytes, its last (0: not yet): its own rate */
};

struct progress
{
  const char *verb;   /* "Copying", "Pushing" */
  struct line *v;
  size_t n;
  int drawn;          /* lines drawn last time, to move back over */
  double last; /* seconds: the last draw */
};

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
mb (int64_t n, char *buf, size_t len)
{
  snprintf (buf, len, "%.1f MB", (double) n / 1e6);
}

static void
draw (struct progress *p)
{
  double t = now_s ();
  if (p->drawn > 0)
    printf ("\033[%dA", p->drawn);
  for (size_t i = 0; i < p->n; i++)
    {
      const struct line *l = &p->v[i];
      char done[32], total[32], rate[32];
      double dt = (l->end > 0 ? l->end : t) - l->start;
      mb (l->done, done, sizeof done);
      mb (l->total, total, sizeof total);
      mb (dt > 0 ? (int64_t) ((double) l->done / dt) : 0, rate, sizeof rate);
      printf ("\r\033[K%s %-6s %.12s ", p->verb, i == 0 ? "config" : "blob", l->digest[0] ? l->digest + 7 : "");
      if (l->cached)
        printf ("skipped: already there\n");
      else if (l->digest[0] == '\0')
        printf ("waiting\n");
      else
        printf ("%s / %s  %s/s%s\n", done, total, rate, l->done == l->total ? "  done" : "");
    }
  p->drawn = (int) p->n;
  fflush (stdout);
}

static void
on_progress (void *arg, size_t index, size_t n, const char *digest, int64_t done, int64_t total, bool cached)
{
  struct progress *p = arg;
  double t = now_s ();

  if (p->v == NULL)
    {
      p->v = xmalloc0 (n * sizeof *p->v);
      p->n = n;
    }
  if (index >= p->n)
    return;
  if (p->v[index].start == 0)
    p->v[index].start = t;
  if (done == total && p->v[index].end == 0)
    p->v[index].end = t;
  snprintf (p->v[index].digest, sizeof p->v[index].digest, "%s", digest);
  p->v[index].done = done;
  p->v[index].total = total;
  p->v[index].cached = cached;
  if (t - p->last >= 0.1 || done == total)
    {
      p->last = t;
      draw (p);
    }
}

/* --- timings -------------------------------------------------------------------------- */

static double
sec (uint64_t ns)
{
  return (double) ns / 1e9;
}

/* hull pull --timings: where the time went, on stderr. */
static void
print_timings (const struct hull_pull_timings *t)
{
  const struct hull_layer_times *l = &t->layers;

  fprintf (stderr,
           "timings: %.3f s in all: manifest %.3f s, config %.3f s, layers %.3f s, unpacking stored blobs %.3f s, "
           "naming %.3f s\n",
           sec (t->total_ns), sec (t->manifest_ns), sec (t->config_ns), sec (t->layers_ns), sec (t->unpack_ns),
           sec (t->commit_ns));
  fprintf (stderr,
           "download thread: feeding the unpackers %.3f s (%llu pauses: an unpacker behind), the rest (libcurl: "
           "network, waiting) %.3f s\n",
           sec (t->feed_ns), (unsigned long long) t->waits, sec (t->layers_ns > t->feed_ns ? t->layers_ns - t->feed_ns : 0));
  fprintf (stderr, "blobs (%.1f MB; CPU): sha256 %.3f s, write to the store %.3f s\n", (double) t->bytes / 1e6,
           sec (t->blob_hash_ns), sec (t->blob_write_ns));
  fprintf (stderr,
           "layers (%zu unpacked as they downloaded, %zu from stored blobs; %.1f MB uncompressed; CPU): gunzip %.3f s, "
           "sha256 %.3f s, tree (tar, files) %.3f s; waiting for bytes %.3f s\n",
           t->streamed, t->from_store, (double) l->bytes / 1e6, sec (l->gunzip_ns), sec (l->hash_ns),
           sec (l->tree_ns), sec (l->wait_ns));
}

/* --- flags ----------------------------------------------------------------------------- */

enum
{
  OPT_TLS = 256,
  OPT_AUTHFILE,
  OPT_PLATFORM,
  OPT_TIMINGS,
};

struct xfer_flags
{
  struct hull_transfer_opts o;
  char *platform; /* owned */
  bool quiet;
  bool timings;
};

/* A limit from the environment variable NAME (a positive count), into *OUT when set. */
static int
env_limit (struct hull_cli *g, const char *name, uint64_t *out)
{
  const char *v = getenv (name);
  char *end;
  unsigned long long n;

  if (v == NULL || *v == '\0')
    return 0;
  errno = 0;
  n = strtoull (v, &end, 10);
  if (errno != 0 || *end != '\0' || n == 0 || *v == '-')
    return hull_cli_fail (g, "%s `%s`: not a positive number", name, v);
  *out = n;
  return 0;
}

static int
parse_platform (struct hull_cli *g, struct xfer_flags *f, const char *arg)
{
  char *a, *v;
  free (f->platform);
  f->platform = xstrdup (arg);
  a = strchr (f->platform, '/');
  if (a == NULL || a == f->platform || a[1] == '\0' || a[1] == '/')
    return hull_cli_fail (g, "--platform `%s`: not OS/ARCH[/VARIANT]", arg);
  *a++ = '\0';
  v = strchr (a, '/');
  if (v)
    *v++ = '\0';
  if (v && (*v == '\0' || strchr (v, '/')))
    return hull_cli_fail (g, "--platform `%s`: not OS/ARCH[/VARIANT]", arg);
  f->o.os = f->platform;
  f->o.arch = a;
  f->o.variant = v;
  return 0;
}

/* Parse the flags of pull (PULL) or push; 0, or the exit code (-1: usage). */
static int
parse_flags (struct hull_cli *g, const char *cmd, int argc, char **argv, struct xfer_flags *f)
{
  static const struct option opts[] = { { "tls-verify", optional_argument, NULL, OPT_TLS },
                                        { "authfile", required_argument, NULL, OPT_AUTHFILE },
                                        { "platform", required_argument, NULL, OPT_PLATFORM },
                                        { "quiet", no_argument, NULL, 'q' },
                                        { "timings", no_argument, NULL, OPT_TIMINGS },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  int c;

  while ((c = getopt_long (argc, argv, "+qh", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_TLS:
        if (optarg && strcmp (optarg, "true") != 0 && strcmp (optarg, "false") != 0)
          return hull_cli_fail (g, "%s: --tls-verify `%s`: true or false", cmd, optarg);
        f->o.plain_http = optarg && strcmp (optarg, "false") == 0;
        break;
      case OPT_AUTHFILE:
        f->o.auth_file = optarg;
        break;
      case OPT_PLATFORM:
        if (strcmp (cmd, "pull") != 0)
          return hull_cli_usage (cmd, 2);
        if (parse_platform (g, f, optarg) != 0)
          return 1;
        break;
      case 'q':
        f->quiet = true;
        break;
      case OPT_TIMINGS:
        if (strcmp (cmd, "pull") != 0)
          return hull_cli_usage (cmd, 2);
        f->timings = true;
        break;
      case 'h':
        return hull_cli_usage (cmd, 0) - 1;
      default:
        return hull_cli_usage (cmd, 2);
      }
  if (env_limit (g, "HULL_LAYER_MAX_BYTES", &f->o.limits.max_bytes) != 0
      || env_limit (g, "HULL_LAYER_MAX_ENTRIES", &f->o.limits.max_entries) != 0)
    return 1;
  return 0;
}

/* --- pull, push ------------------------------------------------------------------------ */

int
cmd_pull (struct hull_cli *g, int argc, char **argv)
{
  struct xfer_flags f = { 0 };
  struct progress p = { .verb = "Copying" };
  struct hull_remote_ref ref = { 0 };
  struct hull_pull_timings tm = { 0 };
  cleanup_store struct hull_store *s = NULL;
  hull_error_t err = NULL;
  char id[HULL_DIGEST_LEN + 1];
  int rc = parse_flags (g, "pull", argc, argv, &f);

  if (rc != 0)
    {
      free (f.platform);
      return rc < 0 ? 0 : rc;
    }
  if (argc - optind != 1)
    return hull_cli_usage ("pull", 2);
  if (!f.quiet && isatty (STDOUT_FILENO))
    f.o.progress = on_progress, f.o.progress_arg = &p;
  if (f.timings)
    f.o.timings = &tm;
  if (hull_remote_ref_parse (argv[optind], &ref, &err) < 0 || hull_store_open (g->store, true, &s, &err) < 0
      || hull_image_pull (s, &ref, &f.o, id, &err) < 0)
    rc = hull_cli_fail_err (g, &err);
  else
    printf ("%s\n", id + 7);
  if (f.timings && tm.total_ns)
    print_timings (&tm);
  hull_remote_ref_clear (&ref);
  free (f.platform);
  free (p.v);
  return rc;
}

int
cmd_push (struct hull_cli *g, int argc, char **argv)
{
  struct xfer_flags f = { 0 };
  struct progress p = { .verb = "Pushing" };
  struct hull_remote_ref ref = { 0 };
  cleanup_store struct hull_store *s = NULL;
  hull_error_t err = NULL;
  char digest[HULL_DIGEST_LEN + 1];
  int rc = parse_flags (g, "push", argc, argv, &f);

  if (rc != 0)
    {
      free (f.platform);
      return rc < 0 ? 0 : rc;
    }
  if (argc - optind < 1 || argc - optind > 2)
    return hull_cli_usage ("push", 2);
  if (!f.quiet && isatty (STDOUT_FILENO))
    f.o.progress = on_progress, f.o.progress_arg = &p;
  if ((argc - optind == 2 && hull_remote_ref_parse (argv[optind + 1], &ref, &err) < 0)
      || hull_store_open (g->store, false, &s, &err) < 0
      || hull_image_push (s, argv[optind], ref.host ? &ref : NULL, &f.o, digest, &err) < 0)
    rc = hull_cli_fail_err (g, &err);
  else if (!f.quiet)
    printf ("%s\n", digest);
  hull_remote_ref_clear (&ref);
  free (f.platform);
  free (p.v);
  return rc;
}
