/* commands-ps.c: what the engine tells of its containers: `ps` (a table, or podman's JSON)
   and the container side of `inspect`. Each record is shown as it really is
   (hull_engine_reconcile: a container whose monitor was killed). */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "core/util.h"
#include "engine/engine.h"

static char *
ago (int64_t then_ns)
{
  int64_t s = (hull_engine_now_ns () - then_ns) / 1000000000;
  if (s < 0)
    s = 0;
  if (s < 120)
    return xasprintf ("%lld second%s", (long long) s, s == 1 ? "" : "s");
  if (s < 7200)
    return xasprintf ("%lld minutes", (long long) s / 60);
  if (s < 172800)
    return xasprintf ("%lld hours", (long long) s / 3600);
  return xasprintf ("%lld days", (long long) s / 86400);
}

/* podman's STATUS column: "Up 5 seconds", "Exited (0) 3 seconds ago", "Created". */
static char *
status_text (const struct hull_ctr *c)
{
  cleanup_free char *a = NULL;
  switch (c->state)
    {
    case HULL_CTR_RUNNING:
      a = ago (c->started_ns);
      return xasprintf ("Up %s", a);
    case HULL_CTR_EXITED:
      a = ago (c->finished_ns ?: c->created_ns);
      return xasprintf ("Exited (%d) %s ago", c->exit_code, a);
    case HULL_CTR_REMOVING:
      return xstrdup ("Removing");
    default:
      return xstrdup ("Created");
    }
}

static char *
utc (int64_t ns)
{
  struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
  char buf[HULL_UTC_BUF];
  if (ns == 0)
    return xstrdup ("");
  hull_format_utc (&ts, true, buf);
  return xstrdup (buf);
}

static json_t *
command_json (const struct hull_ctr *c)
{
  json_t *j = json_loads (c->command ?: "[]", 0, NULL);
  return j ?: json_array ();
}

static json_t *
ps_json (const struct hull_ctr *c)
{
  cleanup_free char *status = status_text (c);
  cleanup_free char *created = utc (c->created_ns), *started = utc (c->started_ns), *finished = utc (c->finished_ns);

  return json_pack ("{s:s, s:[s], s:s, s:s, s:o, s:I, s:s, s:s, s:s, s:i, s:b, s:i, s:s, s:s}", "Id", c->id, "Names",
                    c->name, "Image", c->image ?: "", "ImageID", c->image_id ?: "", "Command", command_json (c),
                    "Created", (json_int_t) (c->created_ns / 1000000000), "CreatedAt", created, "State",
                    hull_ctr_state_name (c->state), "Status", status, "ExitCode", c->exit_code, "Exited",
                    c->state == HULL_CTR_EXITED, "Pid", (int) c->pid, "StartedAt", started, "ExitedAt", finished);
}

/* The command as one line, cut at WIDTH characters (0: whole). */
static char *
command_line (const struct hull_ctr *c, size_t width)
{
  cleanup_json json_t *args = command_json (c);
  size_t i, len = 0;
  json_t *a;
  char *out = xmalloc0 (1);

  json_array_foreach (args, i, a)
  {
    const char *w = json_string_value (a) ?: "";
    out = xrealloc (out, len + strlen (w) + 2);
    len += (size_t) sprintf (out + len, "%s%s", i ? " " : "", w);
  }
  if (width && len > width)
    strcpy (out + width - 3, "...");
  return out;
}

static void
print_table (struct hull_ctr *v, size_t n, bool all, bool no_trunc)
{
  printf ("%-12s  %-28s  %-20s  %-16s  %-26s  %s\n", "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS",
          "NAMES");
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *cmd = NULL, *created = NULL, *status = NULL;
      if (!all && v[i].state != HULL_CTR_RUNNING)
        continue;
      cmd = command_line (&v[i], no_trunc ? 0 : 20);
      created = ago (v[i].created_ns);
      status = status_text (&v[i]);
      printf ("%-12.*s  %-28s  %-20s  %-12s ago  %-26s  %s\n", no_trunc ? 64 : 12, v[i].id, v[i].image ?: "", cmd,
              created, status, v[i].name);
    }
}

int
cmd_ps (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' },       { "quiet", no_argument, NULL, 'q' },
                                        { "format", required_argument, NULL, 'F' }, { "no-trunc", no_argument, NULL, 'T' },
                                        { "help", no_argument, NULL, 'H' },      { NULL, 0, NULL, 0 } };
  cleanup_db struct hull_db *db = NULL;
  struct hull_ctr *v = NULL;
  bool all = false, quiet = false, json = false, no_trunc = false;
  struct hull_engine e;
  hull_error_t err = NULL;
  size_t n = 0;
  int c, rc = 0;

  while ((c = getopt_long (argc, argv, "+aq", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case 'q':
        quiet = true;
        break;
      case 'F':
        if (strcmp (optarg, "json") != 0)
          return hull_cli_fail (g, "--format `%s`: only json is known", optarg) + 1;
        json = true;
        break;
      case 'T':
        no_trunc = true;
        break;
      case 'H':
        return hull_cli_usage ("ps", 0);
      default:
        return hull_cli_usage ("ps", 2);
      }
  if (optind != argc)
    return hull_cli_usage ("ps", 2);
  if (hull_cli_engine (g, &e) != 0)
    return 125;
  if (hull_engine_db (&e, &db, &err) < 0 || hull_db_list (db, &v, &n, &err) < 0)
    rc = hull_cli_fail_err (g, &err);
  for (size_t i = 0; i < n; i++)
    hull_engine_reconcile (&e, &v[i]);
  if (rc == 0 && json)
    {
      cleanup_json json_t *out = json_array ();
      for (size_t i = 0; i < n; i++)
        if (all || v[i].state == HULL_CTR_RUNNING)
          json_array_append_new (out, ps_json (&v[i]));
      json_dumpf (out, stdout, JSON_INDENT (4));
      printf ("\n");
    }
  else if (rc == 0 && quiet)
    {
      for (size_t i = 0; i < n; i++)
        if (all || v[i].state == HULL_CTR_RUNNING)
          printf ("%.*s\n", no_trunc ? 64 : 12, v[i].id);
    }
  else if (rc == 0)
    print_table (v, n, all, no_trunc);
  hull_ctr_list_free (v, n);
  hull_engine_clear (&e);
  return rc;
}

json_t *
hull_cli_ctr_inspect (struct hull_engine *e, const struct hull_ctr *c)
{
  cleanup_free char *config_path = hull_engine_ctr_path (e, c->id, "config.json");
  cleanup_free char *log_path = hull_engine_ctr_path (e, c->id, HULL_CTR_LOG);
  cleanup_free char *created = utc (c->created_ns), *started = utc (c->started_ns), *finished = utc (c->finished_ns);
  json_t *spec = json_load_file (config_path, 0, NULL);
  json_t *data = json_loads (c->spec ?: "{}", 0, NULL);

  return json_pack ("{s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s, s:b, s:i, s:i, s:s, s:s, s:b}, s:s, s:o, s:o}", "Id",
                    c->id, "Name", c->name, "Created", created, "Image", c->image_id ?: "", "ImageName",
                    c->image ?: "", "Args", command_json (c), "State", "Status", hull_ctr_state_name (c->state),
                    "Running", c->state == HULL_CTR_RUNNING, "Pid", (int) c->pid, "ExitCode", c->exit_code,
                    "StartedAt", started, "FinishedAt", finished, "MonitorAlive", hull_engine_monitor_alive (c),
                    "LogPath", log_path, "HullData", data ?: json_object (), "Spec", spec ?: json_null ());
}
