/* commands.c: one function per hull-runtime command: parse its options, call libhull, print. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/util.h"
#include "runtime/container.h"
#include "spec/spec.h"

static const struct cli_command *
find (const char *name)
{
  for (const struct cli_command *c = cli_commands; c->name; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

int
cli_usage (const char *name, int code)
{
  const struct cli_command *c = find (name);
  fprintf (code ? stderr : stdout, "Usage: hull-runtime %s %s\n%s\n", name, c->usage, c->summary);
  return code;
}

int
cli_fail_err (struct cli_globals *g, hull_error_t *err)
{
  int r = cli_fail (g, "%s", (*err)->msg);
  hull_error_free (err);
  return r;
}

/* The one positional argument most commands take: the container ID. */
static const char *
need_id (struct cli_globals *g, const char *cmd, int argc, char **argv)
{
  if (optind != argc - 1)
    {
      cli_fail (g, "%s: expected exactly one container ID", cmd);
      return NULL;
    }
  return argv[optind];
}

enum
{
  O_BUNDLE = 256,
  O_PID_FILE,
  O_CONSOLE_SOCKET,
  O_PRESERVE_FDS,
  O_NO_PIVOT,
  O_NO_NEW_KEYRING,
  O_DETACH,
  O_FORCE,
  O_FORMAT,
  O_QUIET,
  O_ALL,
  O_ROOTLESS,
  O_HELP,
};

static const struct option create_opts[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "pid-file", required_argument, NULL, O_PID_FILE },
  { "console-socket", required_argument, NULL, O_CONSOLE_SOCKET },
  { "preserve-fds", required_argument, NULL, O_PRESERVE_FDS },
  { "no-pivot", no_argument, NULL, O_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, O_NO_NEW_KEYRING },
  { "detach", no_argument, NULL, 'd' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
parse_create (struct cli_globals *g, const char *cmd, int argc, char **argv, struct hull_create_opts *o)
{
  int c;
  unsigned long long n;
  bool is_run = strcmp (cmd, "run") == 0;

  while ((c = getopt_long (argc, argv, is_run ? "b:dh" : "b:h", create_opts, NULL)) != -1)
    {
      switch (c)
        {
        case 'b':
          o->bundle = optarg;
          break;
        case O_PID_FILE:
          o->pid_file = optarg;
          break;
        case O_CONSOLE_SOCKET:
          o->console_socket = optarg;
          break;
        case O_PRESERVE_FDS:
          if (hull_parse_u64 (optarg, &n) < 0 || n > 65536)
            return cli_fail (g, "--preserve-fds: `%s` is not a number of descriptors", optarg);
          o->preserve_fds = (int) n;
          break;
        case O_NO_PIVOT:
          o->no_pivot = true;
          break;
        case O_NO_NEW_KEYRING:
          break; /* hull-runtime never creates a session keyring */
        case 'd':
          if (!is_run)
            return cli_usage (cmd, 2);
          o->detach = true;
          break;
        case 'h':
          exit (cli_usage (cmd, 0));
        default:
          return cli_usage (cmd, 2);
        }
    }
  o->id = need_id (g, cmd, argc, argv);
  return o->id ? 0 : 2;
}

static int
cmd_create (struct cli_globals *g, int argc, char **argv)
{
  struct hull_create_opts o = { .root = g->root, .log = &g->log };
  hull_error_t err = NULL;
  int r = parse_create (g, "create", argc, argv, &o);
  if (r)
    return r;
  if (hull_container_create (&o, &err) < 0)
    return cli_fail_err (g, &err);
  return 0;
}

static int
cmd_run (struct cli_globals *g, int argc, char **argv)
{
  struct hull_create_opts o = { .root = g->root, .log = &g->log };
  hull_error_t err = NULL;
  int status = 0;
  int r = parse_create (g, "run", argc, argv, &o);
  if (r)
    return r;
  if (hull_container_run (&o, &status, &err) < 0)
    return cli_fail_err (g, &err);
  return status;
}

/* Commands whose only option is --help and whose argument is the ID. */
static const char *
simple_id (struct cli_globals *g, const char *cmd, int argc, char **argv, int *code)
{
  static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;
  *code = 0;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    {
      *code = c == 'h' ? cli_usage (cmd, 0) : cli_usage (cmd, 2);
      if (c != 'h')
        return NULL;
      exit (0);
    }
  const char *id = need_id (g, cmd, argc, argv);
  if (id == NULL)
    *code = 2;
  return id;
}

static int
cmd_start (struct cli_globals *g, int argc, char **argv)
{
  hull_error_t err = NULL;
  int code;
  const char *id = simple_id (g, "start", argc, argv, &code);
  if (id == NULL)
    return code;
  if (hull_container_start (g->root, id, &g->log, &err) < 0)
    return cli_fail_err (g, &err);
  return 0;
}

/* A command of ID alone that acts on the container through FN. */
static int
id_command (struct cli_globals *g, const char *name, int argc, char **argv,
            int (*fn) (const char *root, const char *id, hull_error_t *err))
{
  hull_error_t err = NULL;
  int code;
  const char *id = simple_id (g, name, argc, argv, &code);
  if (id == NULL)
    return code;
  if (fn (g->root, id, &err) < 0)
    return cli_fail_err (g, &err);
  return 0;
}

static int
cmd_pause (struct cli_globals *g, int argc, char **argv)
{
  return id_command (g, "pause", argc, argv, hull_container_pause);
}

static int
cmd_resume (struct cli_globals *g, int argc, char **argv)
{
  return id_command (g, "resume", argc, argv, hull_container_resume);
}

static void
print_json (json_t *o)
{
  char *s = json_dumps (o, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  if (s)
    puts (s);
  free (s);
}

static int
cmd_state (struct cli_globals *g, int argc, char **argv)
{
  hull_error_t err = NULL;
  json_t *o = NULL;
  int code;
  const char *id = simple_id (g, "state", argc, argv, &code);
  if (id == NULL)
    return code;
  if (hull_container_state (g->root, id, &o, &err) < 0)
    return cli_fail_err (g, &err);
  print_json (o);
  json_decref (o);
  return 0;
}

static int
cmd_kill (struct cli_globals *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
  };
  hull_error_t err = NULL;
  bool all = false;
  int c, sig = SIGTERM;

  while ((c = getopt_long (argc, argv, "ah", opts, NULL)) != -1)
    {
      if (c == 'a')
        all = true;
      else
        return cli_usage ("kill", c == 'h' ? 0 : 2);
    }
  if (optind >= argc || argc - optind > 2)
    return cli_fail (g, "kill: expected a container ID and an optional signal");
  if (argc - optind == 2 && (sig = hull_signal_parse (argv[optind + 1])) < 0)
    return cli_fail (g, "kill: unknown signal `%s`", argv[optind + 1]);
  if (hull_container_kill (g->root, argv[optind], sig, all, &err) < 0)
    return cli_fail_err (g, &err);
  return 0;
}

static int
cmd_delete (struct cli_globals *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
  };
  hull_error_t err = NULL;
  bool force = false;
  int c;
  const char *id;

  while ((c = getopt_long (argc, argv, "fh", opts, NULL)) != -1)
    {
      if (c == 'f')
        force = true;
      else
        return cli_usage ("delete", c == 'h' ? 0 : 2);
    }
  if ((id = need_id (g, "delete", argc, argv)) == NULL)
    return 2;
  if (hull_container_delete (g->root, id, force, &g->log, &err) < 0)
    {
      /* runc: deleting a container that does not exist is fine with --force */
      if (force && strstr (err->msg, "does not exist"))
        {
          hull_error_free (&err);
          return 0;
        }
      return cli_fail_err (g, &err);
    }
  return 0;
}

/* The owner of ID's state, by name from /etc/passwd (as runc: no NSS), else "#uid". */
static char *
owner_name (const char *root, const char *id)
{
  cleanup_free char *path = xasprintf ("%s/%s", root, id);
  struct stat st;
  char *name;

  if (stat (path, &st) < 0)
    return xstrdup ("");
  name = hull_passwd_field ("/etc/passwd", st.st_uid, 0);
  return name ? name : xasprintf ("#%u", (unsigned) st.st_uid);
}

static int
cmd_list (struct cli_globals *g, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
                                        { "quiet", no_argument, NULL, 'q' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  hull_error_t err = NULL;
  json_t *all = NULL, *o;
  bool quiet = false, json = false;
  size_t i;
  int c;

  while ((c = getopt_long (argc, argv, "f:qh", opts, NULL)) != -1)
    {
      if (c == 'q')
        quiet = true;
      else if (c == 'f' && (strcmp (optarg, "json") == 0 || strcmp (optarg, "table") == 0))
        json = strcmp (optarg, "json") == 0;
      else if (c == 'f')
        return cli_fail (g, "list: --format `%s`: use table or json", optarg);
      else
        return cli_usage ("list", c == 'h' ? 0 : 2);
    }
  if (hull_container_list (g->root, &all, &err) < 0)
    return cli_fail_err (g, &err);
  if (json)
    {
      char *s = json_dumps (all, JSON_COMPACT | JSON_PRESERVE_ORDER);
      puts (s ? s : "[]");
      free (s);
    }
  else
    {
      if (!quiet)
        printf ("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
      json_array_foreach (all, i, o)
        {
          const char *id = json_string_value (json_object_get (o, "id"));
          cleanup_free char *owner = NULL;
          if (quiet)
            {
              puts (id);
              continue;
            }
          owner = owner_name (g->root, id);
          printf ("%-20s %-8d %-10s %-40s %-32s %s\n", id, (int) json_integer_value (json_object_get (o, "pid")),
                  json_string_value (json_object_get (o, "status")), json_string_value (json_object_get (o, "bundle")),
                  json_string_value (json_object_get (o, "created")) ?: "", owner);
        }
    }
  json_decref (all);
  return 0;
}

static int
cmd_spec (struct cli_globals *g, int argc, char **argv)
{
  static const struct option opts[] = { { "bundle", required_argument, NULL, 'b' },
                                        { "rootless", no_argument, NULL, O_ROOTLESS },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  const char *bundle = ".";
  bool rootless = false;
  hull_error_t err = NULL;
  cleanup_close int dfd = -1;
  cleanup_free char *text = NULL;
  int c;

  while ((c = getopt_long (argc, argv, "b:h", opts, NULL)) != -1)
    {
      if (c == 'b')
        bundle = optarg;
      else if (c == O_ROOTLESS)
        rootless = true;
      else
        return cli_usage ("spec", c == 'h' ? 0 : 2);
    }
  if (optind != argc)
    return cli_fail (g, "spec: takes no arguments");
  dfd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return cli_fail (g, "spec: bundle `%s`: %s", bundle, strerror (errno));
  if (faccessat (dfd, "config.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return cli_fail (g, "spec: `%s/config.json` exists; remove it first", bundle);
  text = hull_spec_default_json (rootless, geteuid (), getegid ());
  if (text == NULL)
    return cli_fail (g, "spec: could not build the default configuration");
  if (hull_write_file_atomic_at (dfd, "config.json", text, strlen (text), 0644, &err) < 0)
    return cli_fail_err (g, &err);
  return 0;
}

static int
cmd_features (struct cli_globals *g, int argc, char **argv)
{
  json_t *f;
  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    return cli_usage ("features", 0);
  if (argc > 1)
    return cli_fail (g, "features: takes no arguments");
  f = hull_features_json ();
  print_json (f);
  json_decref (f);
  return 0;
}

const struct cli_command cli_commands[] = {
  { "create", cmd_create,
    "[--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--preserve-fds N] [--no-pivot] ID",
    "create a container: namespaces, mounts and cgroup made, process waiting for start", true },
  { "start", cmd_start, "ID", "start the process of a created container" },
  { "run", cmd_run,
    "[--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--preserve-fds N] [--no-pivot] [--detach] ID",
    "create and start a container; in the foreground, wait and exit with its status", true },
  { "exec", cli_cmd_exec, "[OPTIONS] ID [COMMAND [ARG...]]",
    "run a new process in a running container (see exec --help)", true },
  { "state", cmd_state, "ID", "print the state of a container as OCI state JSON" },
  { "kill", cmd_kill, "[--all] ID [SIGNAL]", "send a signal (default SIGTERM) to a container's process" },
  { "delete", cmd_delete, "[--force] ID", "delete a stopped container (--force: kill it first)" },
  { "pause", cmd_pause, "ID", "freeze every process of a running container (status paused)" },
  { "resume", cmd_resume, "ID", "thaw a paused container" },
  { "update", cli_cmd_update, "[--resources FILE|-] [--memory SIZE] [--pids-limit N] [--cpu-quota N] [...] ID",
    "change the resource limits of a created, running or paused container" },
  { "list", cmd_list, "[--format table|json] [--quiet]", "list containers" },
  { "ps", cli_cmd_ps, "[--format table|json] ID [--] [PS_ARGS...]",
    "list the processes of a container: host pids (json), or their lines of ps(1)" },
  { "events", cli_cmd_events, "[--stats] [--interval DURATION] ID",
    "print a container's resource usage and OOM kills as JSON lines" },
  { "spec", cmd_spec, "[--rootless] [--bundle DIR]", "write a default config.json into the bundle", false, true },
  { "features", cmd_features, "", "print the features this runtime implements, as JSON", false, true },
  { NULL, NULL, NULL, NULL },
};
