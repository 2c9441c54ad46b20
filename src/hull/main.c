/* main.c: hull, the daemonless engine: global options, then one command (commands.c). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/util.h"
#include "linux/exe-guard.h"
#include "hull-config.h"

int
hull_cli_fail (struct hull_cli *g, const char *fmt, ...)
{
  va_list ap;
  int r;
  va_start (ap, fmt);
  r = hull_log_vfail (&g->log, fmt, ap);
  va_end (ap);
  return r;
}

int
hull_cli_fail_err (struct hull_cli *g, hull_error_t *err)
{
  int r = hull_cli_fail (g, "%s", (*err)->msg);
  hull_error_free (err);
  return r;
}

int
hull_cli_usage (const char *name, int code)
{
  for (const struct hull_command *c = hull_commands; c->name; c++)
    if (strcmp (c->name, name) == 0)
      fprintf (code ? stderr : stdout, "Usage: hull %s %s\n%s\n", name, c->usage, c->summary);
  return code;
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: hull [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
                "Hull's daemonless engine: images and containers, every protection on by default.\n\n"
                "Global options:\n"
                "  --root DIR       image store (default /var/lib/hull, or $XDG_DATA_HOME/hull\n"
                "                   (~/.local/share/hull) when not root)\n"
                "  --runroot DIR    containers' run-time state (default /run/hull, or\n"
                "                   $XDG_RUNTIME_DIR/hull when not root)\n"
                "  --log FILE       also write errors and warnings to FILE\n"
                "  --debug          write debug lines to the log\n"
                "  --version, -v    print the version\n"
                "  --help, -h       this text\n\nCommands:\n");
  for (const struct hull_command *c = hull_commands; c->name; c++)
    fprintf (out, "  %-10s %s\n", c->name, c->summary);
  fprintf (out, "\n'hull COMMAND --help' shows a command's options. See hull(1).\n");
}

/* The store's default root; NULL when none can be found (no HOME, no XDG_DATA_HOME). */
static char *
default_store (void)
{
  const char *xdg = getenv ("XDG_DATA_HOME"), *home = getenv ("HOME");

  if (geteuid () == 0)
    return strdup ("/var/lib/hull");
  if (xdg && *xdg)
    return xasprintf ("%s/hull", xdg);
  if (home && *home)
    return xasprintf ("%s/.local/share/hull", home);
  return NULL;
}

enum
{
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_DEBUG,
  OPT_RUNROOT,
};

/* The commands that start processes which go into containers (the monitor, the init, an
   exec'd process are all this binary until they exec): they run from a read-only view of it,
   as hull-runtime's do (CVE-2019-5736, lib/linux/exe-guard.h). */
static bool
puts_self_in_containers (const char *cmd)
{
  return strcmp (cmd, "run") == 0 || strcmp (cmd, "start") == 0 || strcmp (cmd, "exec") == 0;
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT }, { "log", required_argument, NULL, OPT_LOG },
    { "debug", no_argument, NULL, OPT_DEBUG },     { "version", no_argument, NULL, 'v' },
    { "runroot", required_argument, NULL, OPT_RUNROOT },
    { "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
  };
  struct hull_cli g = { .log = { .fd = -1, .tag = "hull" } };
  char *store = NULL;
  int c, r;

  while ((c = getopt_long (argc, argv, "+vh", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT:
        free (store);
        store = strdup (optarg);
        break;
      case OPT_LOG:
        g.log.fd = open (optarg, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (g.log.fd < 0)
          return hull_cli_fail (&g, "--log `%s`: %m", optarg);
        break;
      case OPT_DEBUG:
        g.log.debug = true;
        break;
      case OPT_RUNROOT:
        g.run_root = optarg;
        break;
      case 'v':
        printf ("hull version %s\n", HULL_VERSION);
        return 0;
      case 'h':
        usage (stdout);
        return 0;
      default:
        usage (stderr);
        return 2;
      }
  if (optind >= argc)
    {
      usage (stderr);
      return 2;
    }
  if (store == NULL)
    store = default_store ();
  if (store == NULL)
    return hull_cli_fail (&g, "no image store: set XDG_DATA_HOME or HOME, or pass --root DIR");
  g.store = store;
  if (puts_self_in_containers (argv[optind]))
    {
      hull_error_t err = NULL;
      if (hull_exe_guard (argv, &err) < 0)
        return hull_cli_fail_err (&g, &err);
    }
  for (const struct hull_command *cmd = hull_commands; cmd->name; cmd++)
    if (strcmp (cmd->name, argv[optind]) == 0)
      {
        argv += optind;
        argc -= optind;
        optind = 0;
        r = cmd->run (&g, argc, argv);
        free (store);
        return r;
      }
  hull_cli_fail (&g, "unknown command `%s`", argv[optind]);
  usage (stderr);
  free (store);
  return 2;
}
