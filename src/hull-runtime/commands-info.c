/* commands-info.c: the commands that report on a container's processes and resource usage:
   ps and events. Their options and output are runc's. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/util.h"
#include "runtime/container.h"

#define DEFAULT_INTERVAL_NS 5000000000ULL /* runc's 5s */

/* ---- ps --------------------------------------------------------------------------------- */

static int
print_pids (struct cli_globals *g, const char *id)
{
  hull_error_t err = NULL;
  cleanup_free pid_t *pids = NULL;
  cleanup_free char *text = NULL;
  json_t *a;
  size_t n;

  if (hull_container_pids (g->root, id, &pids, &n, &err) < 0)
    return cli_fail_err (g, &err);
  a = json_array ();
  for (size_t i = 0; i < n; i++)
    json_array_append_new (a, json_integer (pids[i]));
  text = json_dumps (a, JSON_COMPACT);
  json_decref (a);
  puts (text ? text : "[]");
  return 0;
}

static int
print_table (struct cli_globals *g, const char *id, char *const *ps_args)
{
  hull_error_t err = NULL;
  cleanup_free char *text = NULL;

  if (hull_container_ps (g->root, id, ps_args, &text, &err) < 0)
    return cli_fail_err (g, &err);
  fputs (text, stdout);
  return 0;
}

int
cli_cmd_ps (struct cli_globals *g, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  bool json = false;
  const char *id;
  int c;

  /* '+': options end at the ID; what follows it is ps's. */
  while ((c = getopt_long (argc, argv, "+f:h", opts, NULL)) != -1)
    {
      if (c == 'f' && (strcmp (optarg, "json") == 0 || strcmp (optarg, "table") == 0))
        json = strcmp (optarg, "json") == 0;
      else if (c == 'f')
        return cli_fail (g, "ps: --format `%s`: use table or json", optarg);
      else
        return cli_usage ("ps", c == 'h' ? 0 : 2);
    }
  if (optind >= argc)
    {
      cli_fail (g, "ps: expected a container ID");
      return 2;
    }
  id = argv[optind++];
  if (optind < argc && strcmp (argv[optind], "--") == 0)
    optind++;
  if (json && optind < argc)
    return cli_fail (g, "ps: --format json takes no ps arguments (`%s`)", argv[optind]);
  return json ? print_pids (g, id) : print_table (g, id, argv + optind);
}

/* ---- events ----------------------------------------------------------------------------- */

enum
{
  O_STATS = 256,
  O_INTERVAL,
};

static int
print_event (const char *line, void *arg, hull_error_t *err)
{
  if (puts (line) == EOF || fflush (stdout) == EOF)
    return hull_error_sys (err, "events: write to standard output");
  return 0;
}

int
cli_cmd_events (struct cli_globals *g, int argc, char **argv)
{
  static const struct option opts[] = { { "stats", no_argument, NULL, O_STATS },
                                        { "interval", required_argument, NULL, O_INTERVAL },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  struct hull_events_opts o = { .root = g->root, .interval_ns = DEFAULT_INTERVAL_NS, .emit = print_event };
  hull_error_t err = NULL;
  int c;

  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    {
      if (c == O_STATS)
        o.stats_once = true;
      else if (c == O_INTERVAL && (hull_parse_duration (optarg, &o.interval_ns) < 0 || o.interval_ns == 0))
        return cli_fail (g, "events: --interval `%s`: not a duration above 0 such as 5s, 500ms or 1m", optarg);
      else if (c != O_INTERVAL)
        return cli_usage ("events", c == 'h' ? 0 : 2);
    }
  if (optind != argc - 1)
    {
      cli_fail (g, "events: expected exactly one container ID");
      return 2;
    }
  o.id = argv[optind];
  if (hull_container_events (&o, &err) < 0)
    return cli_fail_err (g, &err);
  return 0;
}
