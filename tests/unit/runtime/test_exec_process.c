/* test_exec_process.c: unit tests for lib/runtime/exec-process.c, the process an exec runs:
   the config's process with runc's flags applied, or a --process file, with the
   container's labels and rlimits where it sets none. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness.h"
#include "core/error.h"
#include "core/util.h"
#include "runtime/container.h"

static const char *config_text =
  "{\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"env\": [\"PATH=/bin\", \"A=1\"],"
  " \"user\": {\"uid\": 0, \"gid\": 0}, \"apparmorProfile\": \"prof\","
  " \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"]},"
  " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 10, \"soft\": 10}], \"noNewPrivileges\": true}}";

static json_t *
config (void)
{
  return json_loads (config_text, 0, NULL);
}

static const char *
str_at (json_t *arr, size_t i)
{
  return json_string_value (json_array_get (arr, i));
}

static void
test_flags (void)
{
  char *args[] = { "echo", "hi", NULL };
  char *env[] = { "A=2", "B=3", NULL };
  char *caps[] = { "CAP_CHOWN", "CAP_KILL", NULL };
  char *gids[] = { "10", "20", NULL };
  struct hull_exec_opts o = { .args = args, .env = env, .cwd = "/tmp", .user = "1000:100", .caps = caps,
                              .additional_gids = gids, .tty = true };
  cleanup_json json_t *cfg = config ();
  cleanup_json json_t *p = NULL;
  hull_error_t err = NULL;
  json_t *e, *bnd;

  T_OK (hull_exec_process_json (cfg, &o, &p, &err) == 0, "flags applied: %s", err ? err->msg : "ok");
  if (p == NULL)
    return;
  T_OK (strcmp (str_at (json_object_get (p, "args"), 1), "hi") == 0, "args are the command");
  e = json_object_get (p, "env");
  T_OK (json_array_size (e) == 3 && strcmp (str_at (e, 1), "A=2") == 0 && strcmp (str_at (e, 2), "B=3") == 0,
        "--env replaces A in place and appends B");
  T_OK (strcmp (json_string_value (json_object_get (p, "cwd")), "/tmp") == 0, "--cwd");
  T_OK (json_integer_value (json_object_get (json_object_get (p, "user"), "uid")) == 1000
            && json_integer_value (json_object_get (json_object_get (p, "user"), "gid")) == 100,
        "--user UID:GID");
  T_OK (json_array_size (json_object_get (json_object_get (p, "user"), "additionalGids")) == 2, "--additional-gids");
  bnd = json_object_get (json_object_get (p, "capabilities"), "bounding");
  T_OK (json_array_size (bnd) == 2 && strcmp (str_at (bnd, 1), "CAP_CHOWN") == 0, "--cap added once to bounding");
  T_OK (json_array_size (json_object_get (json_object_get (p, "capabilities"), "ambient")) == 2,
        "--cap added to a set the config lacks");
  T_OK (json_is_true (json_object_get (p, "terminal")), "--tty");
  T_OK (json_is_true (json_object_get (p, "noNewPrivileges")), "noNewPrivileges kept from the config");
  T_OK (json_array_size (json_object_get (cfg, "process") ? json_object_get (json_object_get (cfg, "process"), "env")
                                                          : NULL)
            == 2,
        "the config itself is not changed");
}

static void
test_flag_errors (void)
{
  char *args[] = { "true", NULL };
  char *bad_env[] = { "NOEQUALS", NULL };
  char *bad_gid[] = { "ten", NULL };
  struct hull_exec_opts o = { .args = args };
  cleanup_json json_t *cfg = config ();
  json_t *p = NULL;
  hull_error_t err = NULL;

  o.user = "root";
  T_OK (hull_exec_process_json (cfg, &o, &p, &err) < 0 && strstr (err->msg, "--user") != NULL, "--user root: %s",
        err ? err->msg : "accepted");
  hull_error_free (&err);
  o.user = "1:x";
  T_OK (hull_exec_process_json (cfg, &o, &p, &err) < 0 && strstr (err->msg, "--user") != NULL, "--user 1:x refused");
  hull_error_free (&err);
  o.user = NULL;
  o.env = bad_env;
  T_OK (hull_exec_process_json (cfg, &o, &p, &err) < 0 && strstr (err->msg, "NOEQUALS") != NULL, "--env without =");
  hull_error_free (&err);
  o.env = NULL;
  o.additional_gids = bad_gid;
  T_OK (hull_exec_process_json (cfg, &o, &p, &err) < 0 && strstr (err->msg, "--additional-gids") != NULL,
        "--additional-gids ten refused");
  hull_error_free (&err);
  o.additional_gids = NULL;
  o.args = NULL;
  T_OK (hull_exec_process_json (cfg, &o, &p, &err) < 0 && strstr (err->msg, "command") != NULL, "no command refused");
  hull_error_free (&err);
  T_OK (p == NULL, "nothing handed back on failure");
}

static void
test_file (void)
{
  char path[] = "/tmp/hull-exec-process-XXXXXX";
  int fd = mkstemp (path);
  const char *text = "{\"args\": [\"id\"], \"cwd\": \"/\", \"rlimits\": []}";
  struct hull_exec_opts o = { .process_file = path, .cwd = "/ignored" };
  cleanup_json json_t *cfg = config ();
  json_t *p = NULL;
  hull_error_t err = NULL;

  T_OK (fd >= 0 && write (fd, text, strlen (text)) == (ssize_t) strlen (text), "process file written");
  close (fd);
  T_OK (hull_exec_process_json (cfg, &o, &p, &err) == 0, "--process read");
  if (p)
    {
      T_OK (strcmp (json_string_value (json_object_get (p, "cwd")), "/") == 0, "flags are ignored with --process");
      T_OK (strcmp (json_string_value (json_object_get (p, "apparmorProfile")), "prof") == 0,
            "the container's AppArmor profile where the file names none");
      T_OK (json_array_size (json_object_get (p, "rlimits")) == 0, "the file's own (empty) rlimits are kept");
      T_OK (json_object_get (p, "capabilities") == NULL, "capabilities are the file's alone");
      json_decref (p);
      p = NULL;
    }
  T_OK (hull_exec_process_parse ("[1]", 3, "x.json", &p, &err) < 0 && strstr (err->msg, "x.json") != NULL,
        "a non-object is refused naming the file");
  hull_error_free (&err);
  T_OK (hull_exec_process_parse ("{\"a\":1,\"a\":2}", 13, "d.json", &p, &err) < 0, "duplicate keys refused");
  hull_error_free (&err);
  unlink (path);
  o.process_file = path;
  T_OK (hull_exec_process_json (cfg, &o, &p, &err) < 0 && strstr (err->msg, "--process") != NULL,
        "a missing file: %s", err ? err->msg : "accepted");
  hull_error_free (&err);
}

int
main (void)
{
  test_flags ();
  test_flag_errors ();
  test_file ();
  return hull_test_done ();
}
