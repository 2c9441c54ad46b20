/* commands-exec.c: `hull-runtime exec`, runc's options. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/util.h"
#include "runtime/container.h"

enum
{
  X_CONSOLE_SOCKET = 256,
  X_PID_FILE,
  X_CWD,
  X_NO_NEW_PRIVS,
  X_PRESERVE_FDS,
  X_APPARMOR,
  X_PROCESS_LABEL,
};

static const struct option exec_opts[] = {
  { "process", required_argument, NULL, 'p' },
  { "tty", no_argument, NULL, 't' },
  { "console-socket", required_argument, NULL, X_CONSOLE_SOCKET },
  { "detach", no_argument, NULL, 'd' },
  { "pid-file", required_argument, NULL, X_PID_FILE },
  { "cwd", required_argument, NULL, X_CWD },
  { "env", required_argument, NULL, 'e' },
  { "user", required_argument, NULL, 'u' },
  { "additional-gids", required_argument, NULL, 'g' },
  { "cap", required_argument, NULL, 'c' },
  { "no-new-privs", no_argument, NULL, X_NO_NEW_PRIVS },
  { "preserve-fds", required_argument, NULL, X_PRESERVE_FDS },
  { "apparmor", required_argument, NULL, X_APPARMOR },
  { "process-label", required_argument, NULL, X_PROCESS_LABEL },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
push (char ***v, const char *s)
{
  size_t n = hull_strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof **v);
  (*v)[n] = xstrdup (s);
  (*v)[n + 1] = NULL;
}

static int
exec_usage (int code)
{
  fprintf (code ? stderr : stdout,
           "Usage: hull-runtime exec [OPTIONS] ID [COMMAND [ARG...]]\n"
           "Run a new process in a running container: it joins the container's namespaces and\n"
           "cgroup, and gets the container's seccomp filter and Landlock rules.\n\n"
           "  -p, --process FILE        the process as JSON (runtime-spec); the flags below\n"
           "                            that describe the process are then ignored\n"
           "  -t, --tty                 give the process a terminal (needs --console-socket)\n"
           "      --console-socket SOCK send the terminal's master end to this unix socket\n"
           "  -d, --detach              return once the process runs; do not wait for it\n"
           "      --pid-file FILE       write the process's pid here\n"
           "      --cwd DIR             working directory in the container\n"
           "  -e, --env NAME=VALUE      set an environment variable (repeatable)\n"
           "  -u, --user UID[:GID]      user and group ids in the container\n"
           "  -g, --additional-gids GID a supplementary group (repeatable)\n"
           "  -c, --cap CAP             add a capability to every set (repeatable)\n"
           "      --no-new-privs        set no_new_privs for the process\n"
           "      --preserve-fds N      pass N descriptors from 3 on to the process\n"
           "      --apparmor PROFILE    AppArmor profile (default: the container's)\n"
           "      --process-label LABEL SELinux label (default: the container's)\n"
           "  -h, --help                this text\n");
  return code;
}

struct exec_cli
{
  struct hull_exec_opts o;
  char **env, **caps, **gids, **args;
};

static void
exec_cli_free (struct exec_cli *c)
{
  hull_strv_free (c->env);
  hull_strv_free (c->caps);
  hull_strv_free (c->gids);
  hull_strv_free (c->args);
}

static int
parse_exec (struct cli_globals *g, int argc, char **argv, struct exec_cli *c)
{
  unsigned long long n;
  int opt;

  /* '+': options end at the ID; what follows is the command's own */
  while ((opt = getopt_long (argc, argv, "+p:tde:u:g:c:h", exec_opts, NULL)) != -1)
    switch (opt)
      {
      case 'p': c->o.process_file = optarg; break;
      case 't': c->o.tty = true; break;
      case X_CONSOLE_SOCKET: c->o.console_socket = optarg; break;
      case 'd': c->o.detach = true; break;
      case X_PID_FILE: c->o.pid_file = optarg; break;
      case X_CWD: c->o.cwd = optarg; break;
      case 'e': push (&c->env, optarg); break;
      case 'u': c->o.user = optarg; break;
      case 'g': push (&c->gids, optarg); break;
      case 'c': push (&c->caps, optarg); break;
      case X_NO_NEW_PRIVS: c->o.no_new_privs = true; break;
      case X_APPARMOR: c->o.apparmor = optarg; break;
      case X_PROCESS_LABEL: c->o.process_label = optarg; break;
      case X_PRESERVE_FDS:
        if (hull_parse_u64 (optarg, &n) < 0 || n > 65536)
          return cli_fail (g, "exec: --preserve-fds: `%s` is not a number of descriptors", optarg);
        c->o.preserve_fds = (int) n;
        break;
      case 'h': exit (exec_usage (0));
      default: return exec_usage (2);
      }
  if (optind >= argc)
    return cli_fail (g, "exec: expected a container ID");
  c->o.id = argv[optind++];
  for (; optind < argc; optind++)
    push (&c->args, argv[optind]);
  if (c->o.process_file && c->args)
    return cli_fail (g, "exec: give either --process FILE or a command, not both");
  c->o.env = c->env;
  c->o.caps = c->caps;
  c->o.additional_gids = c->gids;
  c->o.args = c->args;
  return 0;
}

int
cli_cmd_exec (struct cli_globals *g, int argc, char **argv)
{
  struct exec_cli c = { .o = { .root = g->root, .log = &g->log } };
  hull_error_t err = NULL;
  int status = 0;
  int r = parse_exec (g, argc, argv, &c);

  if (r == 0 && hull_container_exec (&c.o, &status, &err) < 0)
    r = cli_fail_err (g, &err);
  exec_cli_free (&c);
  return r ? r : status;
}
