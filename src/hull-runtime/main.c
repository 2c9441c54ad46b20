/* main.c: hull-runtime's entry point: global options (runc's), then one command. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "linux/exe-guard.h"
#include "hull-config.h"

int
cli_fail (struct cli_globals *g, const char *fmt, ...)
{
  va_list ap;
  int r;
  va_start (ap, fmt);
  r = hull_log_vfail (&g->log, fmt, ap);
  va_end (ap);
  return r;
}

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: hull-runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
           "An OCI runtime with every protection on by default; runc's command line.\n\n"
           "Global options:\n"
           "  --root DIR          state directory (default /run/hull-runtime, or\n"
           "                      $XDG_RUNTIME_DIR/hull-runtime when not root)\n"
           "  --log FILE          also write errors and warnings to FILE\n"
           "  --log-format FMT    text (default) or json\n"
           "  --debug             write debug lines to the log\n"
           "  --systemd-cgroup    accepted for compatibility; systemd cgroup paths are refused\n"
           "  --version, -v       print the version\n"
           "  --help, -h          this text\n\nCommands:\n");
  for (const struct cli_command *c = cli_commands; c->name; c++)
    fprintf (out, "  %-10s %s\n", c->name, c->summary);
  fprintf (out, "\n'hull-runtime COMMAND --help' shows a command's options. See hull-runtime(8).\n");
}

/* /run/hull-runtime for root; $XDG_RUNTIME_DIR/hull-runtime for anyone else, or NULL when
   that is not set (an unprivileged user has no place of its own under /run). */
static const char *
default_root (void)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  static char buf[4096];
  if (geteuid () == 0)
    return "/run/hull-runtime";
  if (xdg == NULL || *xdg == '\0')
    return NULL;
  snprintf (buf, sizeof buf, "%s/hull-runtime", xdg);
  return buf;
}

static int
open_log (struct cli_globals *g, const char *path)
{
  g->log.fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (g->log.fd < 0)
    return cli_fail (g, "--log `%s`: %s", path, strerror (errno));
  return 0;
}

enum
{
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_ROOTLESS,
};

/* jansson seeds its hash tables from /dev/urandom (open, read, close) when the first object
   is made; one getrandom does the same. On failure, or for a zero seed (jansson's "make your
   own"), jansson is left to do it. */
static void
seed_json_hashes (void)
{
  size_t seed = 0;

  if (getrandom (&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t) sizeof seed && seed != 0)
    json_object_seed (seed);
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
    { "rootless", required_argument, NULL, OPT_ROOTLESS },
    { "version", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct cli_globals g = { .root = NULL, .log = { .fd = -1, .tag = "hull-runtime" } };
  const char *log_path = NULL;
  int c;

  /* A hook that exits without reading its state must not kill us mid-create with SIGPIPE:
     writes fail with EPIPE instead. Children reset it before exec. */
  signal (SIGPIPE, SIG_IGN);
  seed_json_hashes ();
  /* '+': stop at the command name; the command parses its own options. */
  while ((c = getopt_long (argc, argv, "+vh", opts, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_ROOT:
          g.root = optarg;
          break;
        case OPT_LOG:
          log_path = optarg;
          break;
        case OPT_LOG_FORMAT:
          if (strcmp (optarg, "json") != 0 && strcmp (optarg, "text") != 0)
            return cli_fail (&g, "--log-format: `%s` is neither text nor json", optarg);
          g.log.json = strcmp (optarg, "json") == 0;
          break;
        case OPT_DEBUG:
          g.log.debug = true;
          break;
        case OPT_SYSTEMD_CGROUP:
        case OPT_ROOTLESS:
          break;
        case 'v':
          printf ("hull-runtime version %s\nspec: 1.2.0\n", HULL_VERSION);
          return 0;
        case 'h':
          usage (stdout);
          return 0;
        default:
          usage (stderr);
          return 2;
        }
    }
  /* Before anything is opened: the re-executed runtime opens it again. */
  for (const struct cli_command *cmd = cli_commands; optind < argc && cmd->name; cmd++)
    if (cmd->enters_container && strcmp (cmd->name, argv[optind]) == 0)
      {
        hull_error_t err = NULL;
        if (hull_exe_guard (argv, &err) < 0)
          {
            cli_fail (&g, "%s", err->msg);
            hull_error_free (&err);
            return 1;
          }
      }
  if (log_path && open_log (&g, log_path) != 0)
    return 1;
  if (g.root == NULL)
    g.root = default_root ();
  if (optind >= argc)
    {
      usage (stderr);
      return 2;
    }
  for (const struct cli_command *cmd = cli_commands; cmd->name; cmd++)
    if (strcmp (cmd->name, argv[optind]) == 0)
      {
        argv += optind;
        argc -= optind;
        optind = 0; /* reset getopt for the command's own options */
        if (g.root == NULL && !cmd->stateless)
          return cli_fail (&g, "no state directory: as uid %u, set XDG_RUNTIME_DIR or pass --root DIR",
                           (unsigned) geteuid ());
        return cmd->run (&g, argc, argv);
      }
  cli_fail (&g, "unknown command `%s`", argv[optind]);
  usage (stderr);
  return 2;
}
