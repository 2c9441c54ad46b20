/* commands-ctr.c: the commands on existing containers: stop, kill, rm, wait, logs, exec (podman's
   command lines). The work is in libhull-engine (lib/engine/ctr-ops.c, ctr-log.c) and in the
   runtime library (exec). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "core/util.h"
#include "engine/ctr-log.h"
#include "engine/engine.h"
#include "runtime/container.h"

#define ENGINE_FAILED 125

/* The engine and its records, or an exit code. */
static int
open_engine (struct hull_cli *g, struct hull_engine *e, struct hull_db **db)
{
  hull_error_t err = NULL;

  if (hull_cli_engine (g, e) != 0)
    return ENGINE_FAILED;
  if (hull_engine_db (e, db, &err) < 0)
    {
      hull_cli_fail_err (g, &err);
      hull_engine_clear (e);
      return ENGINE_FAILED;
    }
  return 0;
}

/* REF's record as it really is, or an exit code (the error printed). */
static int
get_ctr (struct hull_cli *g, struct hull_engine *e, struct hull_db *db, const char *ref, struct hull_ctr *c)
{
  hull_error_t err = NULL;
  if (hull_engine_get (e, db, ref, c, &err) < 0)
    {
      hull_cli_fail_err (g, &err);
      return ENGINE_FAILED;
    }
  return 0;
}

/* The signal a container's image asked to be stopped with (default SIGTERM). */
static int
stop_signal (const struct hull_ctr *c)
{
  json_error_t jerr;
  cleanup_json json_t *data = json_loads (c->spec ?: "{}", 0, &jerr);
  const char *name = json_string_value (json_object_get (data, "stopSignal"));
  int sig = name ? hull_signal_parse (name) : -1;
  return sig > 0 ? sig : SIGTERM;
}

/* What a command does to one container (its record as it really is); -1 with *ERR. */
typedef int (*ctr_fn) (struct hull_engine *e, struct hull_db *db, const struct hull_ctr *c, void *arg,
                       hull_error_t *err);

/* FN for each of the N containers named by REFS, the name printed after each one it did
   (PRINT); every one is tried, and the exit code is 125 if any failed. */
static int
each_ctr (struct hull_cli *g, char **refs, int n, ctr_fn fn, void *arg, bool print)
{
  cleanup_db struct hull_db *db = NULL;
  struct hull_engine e;
  int rc;

  if ((rc = open_engine (g, &e, &db)) != 0)
    return rc;
  for (int i = 0; i < n; i++)
    {
      struct hull_ctr ct = { 0 };
      hull_error_t err = NULL;
      if (get_ctr (g, &e, db, refs[i], &ct) != 0)
        rc = ENGINE_FAILED;
      else if (fn (&e, db, &ct, arg, &err) < 0)
        rc = hull_cli_fail_err (g, &err) ? ENGINE_FAILED : 0;
      else if (print)
        printf ("%s\n", refs[i]);
      hull_ctr_clear (&ct);
    }
  hull_engine_clear (&e);
  return rc;
}

/* --- stop, kill ---------------------------------------------------------------------- */

static int
stop_one (struct hull_engine *e, struct hull_db *db, const struct hull_ctr *c, void *arg, hull_error_t *err)
{
  hull_engine_stop (e, db, c, stop_signal (c), *(unsigned *) arg);
  return 0;
}

static int
kill_one (struct hull_engine *e, struct hull_db *db, const struct hull_ctr *c, void *arg, hull_error_t *err)
{
  return hull_engine_kill (e, c, *(int *) arg, false, err);
}

int
cmd_stop (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "time", required_argument, NULL, 't' },
                                        { "help", no_argument, NULL, 'H' },
                                        { NULL, 0, NULL, 0 } };
  unsigned long long timeout = 10;
  unsigned secs;
  int c;

  while ((c = getopt_long (argc, argv, "+t:", opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        if (hull_parse_u64 (optarg, &timeout) < 0 || timeout > 1000000)
          return hull_cli_fail (g, "--time `%s`: not a number of seconds", optarg) + 1;
        break;
      case 'H':
        return hull_cli_usage ("stop", 0);
      default:
        return hull_cli_usage ("stop", 2);
      }
  if (optind >= argc)
    return hull_cli_usage ("stop", 2);
  secs = (unsigned) timeout;
  return each_ctr (g, argv + optind, argc - optind, stop_one, &secs, true);
}

int
cmd_kill (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "signal", required_argument, NULL, 's' },
                                        { "help", no_argument, NULL, 'H' },
                                        { NULL, 0, NULL, 0 } };
  int c, sig = SIGKILL;

  while ((c = getopt_long (argc, argv, "+s:", opts, NULL)) != -1)
    switch (c)
      {
      case 's':
        if ((sig = hull_signal_parse (optarg)) <= 0)
          return hull_cli_fail (g, "--signal `%s`: not a signal", optarg) + 1;
        break;
      case 'H':
        return hull_cli_usage ("kill", 0);
      default:
        return hull_cli_usage ("kill", 2);
      }
  if (optind >= argc)
    return hull_cli_usage ("kill", 2);
  return each_ctr (g, argv + optind, argc - optind, kill_one, &sig, true);
}

/* --- rm, wait ------------------------------------------------------------------------ */

int
cmd_rm (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
                                        { "all", no_argument, NULL, 'a' },
                                        { "help", no_argument, NULL, 'H' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_db struct hull_db *db = NULL;
  struct hull_ctr *list = NULL;
  size_t n = 0;
  bool force = false, all = false;
  struct hull_engine e;
  hull_error_t err = NULL;
  int c, rc = 0;

  while ((c = getopt_long (argc, argv, "+fa", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        force = true;
        break;
      case 'a':
        all = true;
        break;
      case 'H':
        return hull_cli_usage ("rm", 0);
      default:
        return hull_cli_usage ("rm", 2);
      }
  if (optind >= argc && !all)
    return hull_cli_usage ("rm", 2);
  if ((rc = open_engine (g, &e, &db)) != 0)
    return rc;
  if (all && hull_db_list (db, &list, &n, &err) < 0)
    rc = hull_cli_fail_err (g, &err) ? ENGINE_FAILED : 0;
  for (size_t i = 0; i < n; i++)
    if (hull_engine_remove (&e, list[i].id, force, &err) < 0)
      rc = hull_cli_fail_err (g, &err) ? ENGINE_FAILED : 0;
    else
      printf ("%s\n", list[i].id);
  for (int i = optind; i < argc; i++)
    if (hull_engine_remove (&e, argv[i], force, &err) < 0)
      rc = hull_cli_fail_err (g, &err) ? ENGINE_FAILED : 0;
    else
      printf ("%s\n", argv[i]);
  hull_ctr_list_free (list, n);
  hull_engine_clear (&e);
  return rc;
}

static int
wait_one (struct hull_engine *e, struct hull_db *db, const struct hull_ctr *c, void *arg, hull_error_t *err)
{
  int code;
  hull_engine_wait (e, db, c->id, &code);
  printf ("%d\n", code);
  return 0;
}

int
cmd_wait (struct hull_cli *g, int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "--help") == 0)
    return hull_cli_usage ("wait", 0);
  if (argc < 2)
    return hull_cli_usage ("wait", 2);
  return each_ctr (g, argv + 1, argc - 1, wait_one, NULL, false);
}

/* --- logs ---------------------------------------------------------------------------- */

struct follow
{
  struct hull_engine *e;
  struct hull_db *db;
  const char *id;
};

/* For logs -f: has the container ended (or gone)? */
static bool
ended (void *arg)
{
  struct follow *f = arg;
  return hull_engine_ended (f->e, f->db, f->id, NULL);
}

/* --since/--until: an RFC 3339 time is not read; a duration back from now, or seconds since
   the epoch (with a fraction). */
static int
parse_when (const char *s, int64_t *ns)
{
  unsigned long long d;
  char *end;
  double secs = strtod (s, &end);

  if (end != s && *end == '\0' && secs >= 0)
    {
      *ns = (int64_t) (secs * 1e9);
      return 0;
    }
  if (hull_parse_duration (s, &d) < 0)
    return -1;
  *ns = hull_engine_now_ns () - (int64_t) d;
  return 0;
}

int
cmd_logs (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "follow", no_argument, NULL, 'f' },
                                        { "timestamps", no_argument, NULL, 't' },
                                        { "tail", required_argument, NULL, 'n' },
                                        { "since", required_argument, NULL, 'S' },
                                        { "until", required_argument, NULL, 'U' },
                                        { "help", no_argument, NULL, 'H' },
                                        { NULL, 0, NULL, 0 } };
  struct hull_logs_opts o = { .tail = -1, .out_fd = STDOUT_FILENO, .err_fd = STDERR_FILENO };
  cleanup_db struct hull_db *db = NULL;
  struct hull_ctr ct = { 0 };
  cleanup_close int dir = -1;
  struct hull_engine e;
  struct follow f;
  hull_error_t err = NULL;
  unsigned long long tail;
  int c, rc;

  while ((c = getopt_long (argc, argv, "+ftn:", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        o.follow = true;
        break;
      case 't':
        o.timestamps = true;
        break;
      case 'n':
        if (hull_parse_u64 (optarg, &tail) < 0 || tail > (1ull << 40))
          return hull_cli_fail (g, "--tail `%s`: not a number of lines", optarg) + 1;
        o.tail = (long) tail;
        break;
      case 'S':
      case 'U':
        if (parse_when (optarg, c == 'S' ? &o.since_ns : &o.until_ns) < 0)
          return hull_cli_fail (g, "--%s `%s`: not a duration (10m, 1h30m) or seconds since the epoch",
                                c == 'S' ? "since" : "until", optarg) + 1;
        break;
      case 'H':
        return hull_cli_usage ("logs", 0);
      default:
        return hull_cli_usage ("logs", 2);
      }
  if (optind + 1 != argc)
    return hull_cli_usage ("logs", 2);
  if ((rc = open_engine (g, &e, &db)) != 0)
    return rc;
  if (get_ctr (g, &e, db, argv[optind], &ct) != 0)
    rc = ENGINE_FAILED;
  else if (hull_engine_ctr_dir (&e, ct.id, &dir, &err) < 0)
    rc = hull_cli_fail_err (g, &err) ? ENGINE_FAILED : 0;
  else
    {
      f = (struct follow) { .e = &e, .db = db, .id = ct.id };
      o.done = ended;
      o.done_arg = &f;
      if (hull_logs_print (dir, HULL_CTR_LOG, &o, &err) < 0)
        rc = hull_cli_fail_err (g, &err) ? ENGINE_FAILED : 0;
    }
  hull_ctr_clear (&ct);
  hull_engine_clear (&e);
  return rc;
}

/* --- exec ---------------------------------------------------------------------------- */

static void
strv_push (char ***v, size_t *n, const char *s)
{
  *v = xrealloc (*v, (*n + 2) * sizeof (char *));
  (*v)[(*n)++] = xstrdup (s);
  (*v)[*n] = NULL;
}

int
cmd_exec (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "interactive", no_argument, NULL, 'i' },
                                        { "tty", no_argument, NULL, 't' },
                                        { "detach", no_argument, NULL, 'd' },
                                        { "env", required_argument, NULL, 'e' },
                                        { "user", required_argument, NULL, 'u' },
                                        { "workdir", required_argument, NULL, 'w' },
                                        { "help", no_argument, NULL, 'H' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_strv char **env = NULL;
  cleanup_db struct hull_db *db = NULL;
  struct hull_exec_opts o = { 0 };
  struct hull_ctr ct = { 0 };
  struct hull_engine e;
  hull_error_t err = NULL;
  bool interactive = false;
  size_t n_env = 0;
  int c, rc, code = 0;

  while ((c = getopt_long (argc, argv, "+itde:u:w:", opts, NULL)) != -1)
    switch (c)
      {
      case 'i':
        interactive = true;
        break;
      case 't':
        o.tty = true;
        break;
      case 'd':
        o.detach = true;
        break;
      case 'e':
        strv_push (&env, &n_env, optarg);
        break;
      case 'u':
        o.user = optarg;
        break;
      case 'w':
        o.cwd = optarg;
        break;
      case 'H':
        return hull_cli_usage ("exec", 0);
      default:
        return hull_cli_usage ("exec", 2);
      }
  if (argc - optind < 2)
    return hull_cli_usage ("exec", 2);
  if (o.tty && o.detach)
    return hull_cli_fail (g, "exec: --tty and --detach together need a console, which hull exec does not keep") + 1;
  if ((rc = open_engine (g, &e, &db)) != 0)
    return rc;
  if (get_ctr (g, &e, db, argv[optind], &ct) != 0)
    rc = ENGINE_FAILED;
  else if (ct.state != HULL_CTR_RUNNING)
    rc = hull_cli_fail (g, "container %s is not running: it is %s", ct.name, hull_ctr_state_name (ct.state))
             ? ENGINE_FAILED : 0;
  else
    {
      int devnull = interactive ? -1 : open ("/dev/null", O_RDONLY | O_CLOEXEC);
      /* without -i the process reads nothing of ours */
      if (devnull >= 0)
        {
          dup2 (devnull, STDIN_FILENO);
          close (devnull);
        }
      o.root = e.runtime_root;
      o.id = ct.id;
      o.args = argv + optind + 1;
      o.env = env;
      o.log = &g->log;
      if (hull_container_exec (&o, &code, &err) < 0)
        {
          /* podman's codes: 127 no such command, 126 not runnable, 125 anything else */
          rc = hull_engine_start_failure_code (err->errno_);
          hull_cli_fail_err (g, &err);
        }
      else
        rc = code;
    }
  hull_ctr_clear (&ct);
  hull_engine_clear (&e);
  return rc;
}
