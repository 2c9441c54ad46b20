/* commands-run.c: the commands that make and start containers: run, create, start (podman's
   command lines). The work is in libhull-engine (lib/engine/ctr-create.c, ctr-start.c,
   monitor.c); here are the flags, the warnings and the exit codes. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "core/util.h"
#include "engine/engine.h"

/* podman's exit code for a failure of the engine itself (not of the container) */
#define ENGINE_FAILED 125

int
hull_cli_engine (struct hull_cli *g, struct hull_engine *e)
{
  hull_error_t err = NULL;
  if (hull_engine_init (e, g->store, g->run_root, &g->log, &err) < 0)
    return hull_cli_fail_err (g, &err);
  return 0;
}

static void
print_warnings (struct hull_cli *g, char **w)
{
  for (size_t i = 0; w && w[i]; i++)
    hull_warn (&g->log, "%s", w[i]);
}

/* Parse the flags of run/create (ARGV[0] the command's name); *IMAGE the image's index. */
static int
parse_run (struct hull_cli *g, const char *cmd, int argc, char **argv, struct hull_run_spec *s, int *image)
{
  hull_error_t err = NULL;

  if (argc >= 2 && strcmp (argv[1], "--help") == 0)
    return hull_cli_usage (cmd, 0) + 1;
  if (hull_run_spec_parse (argc - 1, argv + 1, s, image, &err) < 0)
    {
      hull_cli_fail_err (g, &err);
      return ENGINE_FAILED;
    }
  *image += 1;
  if (*image >= argc)
    {
      hull_cli_fail (g, "%s: no image given", cmd);
      return ENGINE_FAILED;
    }
  return 0;
}

static int
create_one (struct hull_cli *g, struct hull_engine *e, const struct hull_run_spec *s, const char *image, char id[65])
{
  cleanup_strv char **warnings = NULL;
  hull_error_t err = NULL;

  if (hull_engine_create (e, s, image, id, &warnings, &err) < 0)
    {
      hull_cli_fail_err (g, &err);
      return ENGINE_FAILED;
    }
  print_warnings (g, warnings);
  return 0;
}

int
cmd_run (struct hull_cli *g, int argc, char **argv)
{
  struct hull_run_spec s = { 0 };
  struct hull_engine e;
  hull_error_t err = NULL;
  char id[65];
  int image, code = 0, r;

  if ((r = parse_run (g, "run", argc, argv, &s, &image)) != 0)
    return r == 1 ? 0 : r;
  if (hull_cli_engine (g, &e) != 0)
    r = ENGINE_FAILED;
  else if ((r = create_one (g, &e, &s, argv[image], id)) == 0)
    {
      struct hull_start_opts o = { .attach = !s.detach, .interactive = s.interactive, .tty = s.tty, .remove = s.rm };
      if (hull_engine_start (&e, id, &o, &code, &err) < 0)
        {
          hull_cli_fail_err (g, &err);
          r = code;
        }
      else if (s.detach)
        printf ("%s\n", id);
      else
        r = code;
    }
  hull_engine_clear (&e);
  hull_run_spec_clear (&s);
  return r;
}

int
cmd_create (struct hull_cli *g, int argc, char **argv)
{
  struct hull_run_spec s = { 0 };
  struct hull_engine e;
  char id[65];
  int image, r;

  if ((r = parse_run (g, "create", argc, argv, &s, &image)) != 0)
    return r == 1 ? 0 : r;
  if (hull_cli_engine (g, &e) != 0)
    r = ENGINE_FAILED;
  else if ((r = create_one (g, &e, &s, argv[image], id)) == 0)
    printf ("%s\n", id);
  hull_engine_clear (&e);
  hull_run_spec_clear (&s);
  return r;
}

/* The start options of a created container: the record's (its terminal), the flags'. */
static int
start_opts (const struct hull_ctr *c, bool attach, bool interactive, struct hull_start_opts *o, hull_error_t *err)
{
  json_error_t jerr;
  cleanup_json json_t *data = json_loads (c->spec ?: "{}", 0, &jerr);

  if (data == NULL)
    return hull_error (err, 0, "container %s: its record's data: %s", c->name, jerr.text);
  o->attach = attach;
  o->interactive = interactive;
  o->tty = json_is_true (json_object_get (data, "tty"));
  o->remove = json_is_true (json_object_get (data, "rm"));
  return 0;
}

/* REF's record, the database closed again before the monitor is forked: an SQLite connection
   must not cross fork(2) (the child would share its locks' bookkeeping). */
static int
get_record (struct hull_engine *e, const char *ref, struct hull_ctr *c, hull_error_t *err)
{
  cleanup_db struct hull_db *db = NULL;
  return hull_engine_db (e, &db, err) < 0 ? -1 : hull_engine_get (e, db, ref, c, err);
}

static int
start_one (struct hull_cli *g, struct hull_engine *e, const char *ref, bool attach, bool interactive)
{
  struct hull_start_opts o = { 0 };
  struct hull_ctr c = { 0 };
  hull_error_t err = NULL;
  int code = 0;

  if (get_record (e, ref, &c, &err) < 0)
    {
      hull_cli_fail_err (g, &err);
      return ENGINE_FAILED;
    }
  if (c.state == HULL_CTR_RUNNING || c.state == HULL_CTR_REMOVING)
    {
      /* podman: starting a running container is not an error */
      bool fine = c.state == HULL_CTR_RUNNING && !attach;
      if (fine)
        printf ("%s\n", ref);
      else
        hull_cli_fail (g, "container %s is %s", c.name, hull_ctr_state_name (c.state));
      hull_ctr_clear (&c);
      return fine ? 0 : ENGINE_FAILED;
    }
  if (start_opts (&c, attach, interactive, &o, &err) < 0 || hull_engine_start (e, c.id, &o, &code, &err) < 0)
    {
      hull_ctr_clear (&c);
      hull_cli_fail_err (g, &err);
      return code ? code : ENGINE_FAILED;
    }
  hull_ctr_clear (&c);
  if (!attach)
    printf ("%s\n", ref);
  return attach ? code : 0;
}

int
cmd_start (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "attach", no_argument, NULL, 'a' },
                                        { "interactive", no_argument, NULL, 'i' },
                                        { "help", no_argument, NULL, 'H' },
                                        { NULL, 0, NULL, 0 } };
  struct hull_engine e;
  bool attach = false, interactive = false;
  int c, rc = 0;

  while ((c = getopt_long (argc, argv, "+ai", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        attach = true;
        break;
      case 'i':
        interactive = true;
        break;
      case 'H':
        return hull_cli_usage ("start", 0);
      default:
        return hull_cli_usage ("start", 2);
      }
  if (optind >= argc || (attach && argc - optind > 1))
    return hull_cli_usage ("start", 2);
  if (hull_cli_engine (g, &e) != 0)
    return ENGINE_FAILED;
  for (int i = optind; i < argc; i++)
    rc = start_one (g, &e, argv[i], attach, interactive) ?: rc;
  hull_engine_clear (&e);
  return rc;
}
