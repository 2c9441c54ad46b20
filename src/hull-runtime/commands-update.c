/* commands-update.c: `hull-runtime update`: runc's options (--resources FILE or -, and one flag
   per limit, from hull_update_flags) read into a hull_update_opts, and the update made. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/util.h"
#include "runtime/container.h"

#define FIRST_FLAG 256 /* getopt's value for hull_update_flags[0]; the others follow */

static size_t
n_flags (void)
{
  size_t n = 0;
  while (hull_update_flags[n].name)
    n++;
  return n;
}

static void
print_help (void)
{
  cli_usage ("update", 0);
  printf ("\nOptions (flags override the file's values; what is not given stays as it is):\n"
          "  %-28s %s\n", "--resources, -r FILE|-",
          "linux.resources JSON to apply, from FILE or stdin (`-`)");
  for (const struct hull_update_flag *f = hull_update_flags; f->name; f++)
    {
      cleanup_free char *opt = xasprintf ("--%s VALUE", f->name);
      printf ("  %-28s %s\n", opt, f->help);
    }
  printf ("\nSee hull-runtime(8), COMMANDS, update.\n");
}

/* getopt's table: --resources, --help, then every limit flag. */
static struct option *
options (void)
{
  size_t n = n_flags ();
  struct option *o = xmalloc0 ((n + 3) * sizeof *o);

  o[0] = (struct option) { "resources", required_argument, NULL, 'r' };
  o[1] = (struct option) { "help", no_argument, NULL, 'h' };
  for (size_t i = 0; i < n; i++)
    o[i + 2] = (struct option) { hull_update_flags[i].name, required_argument, NULL, FIRST_FLAG + (int) i };
  return o;
}

/* Read argv into O (O->flags a new object the caller frees); 0, or the exit code. */
static int
parse (struct cli_globals *g, int argc, char **argv, struct hull_update_opts *o)
{
  cleanup_free struct option *opts = options ();
  size_t n = n_flags ();
  int c;

  while ((c = getopt_long (argc, argv, "r:h", opts, NULL)) != -1)
    {
      hull_error_t err = NULL;
      if (c == 'r')
        o->resources = optarg;
      else if (c == 'h')
        {
          print_help ();
          exit (0);
        }
      else if (c >= FIRST_FLAG && (size_t) (c - FIRST_FLAG) < n)
        {
          if (hull_update_flag_set (o->flags, hull_update_flags[c - FIRST_FLAG].name, optarg, &err) < 0)
            {
              int r = cli_fail (g, "update: %s", err->msg);
              hull_error_free (&err);
              return r;
            }
        }
      else
        {
          cli_usage ("update", 2);
          return 2;
        }
    }
  if (optind != argc - 1)
    return cli_fail (g, "update: expected exactly one container ID");
  o->id = argv[optind];
  return 0;
}

int
cli_cmd_update (struct cli_globals *g, int argc, char **argv)
{
  json_auto_t *flags = json_object ();
  struct hull_update_opts o = { .root = g->root, .flags = flags, .log = &g->log };
  hull_error_t err = NULL;
  int r = parse (g, argc, argv, &o);

  if (r)
    return r;
  if (hull_container_update (&o, &err) < 0)
    {
      r = cli_fail (g, "%s", err->msg);
      hull_error_free (&err);
    }
  return r;
}
