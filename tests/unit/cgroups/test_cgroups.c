/* test_cgroups.c: the cgroups module on v2, v1 and hybrid layouts. The host layout is re-shaped
   inside private mount namespaces (cgroup2 over /sys/fs/cgroup; "unified" unmounted; a tmpfs
   with duplicate and symlinked mounts), so one hybrid host exercises every mode. Needs root;
   every group made lives under /hull-test and is removed again. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../harness.h"
#include "cgroups/cgroups.h"
#include "core/util.h"

#define BENCH_ITERS 100

static char suffix[32]; /* random per run: groups of concurrent or crashed runs do not clash */

enum layout
{
  L_V2,     /* cgroup2 mounted over /sys/fs/cgroup */
  L_V1,     /* /sys/fs/cgroup/unified unmounted */
  L_HYBRID, /* the host as it is */
  L_SYNTH   /* fresh tmpfs: pids twice, a symlink to it, cpuset, a plain "unified" dir */
};

/* ---- helpers ---------------------------------------------------------------------------- */

static bool
is_dir (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static char *
read_text (const char *path)
{
  char *s = NULL;
  hull_error_t err = NULL;
  if (hull_read_file_at (AT_FDCWD, path, &s, NULL, &err) < 0)
    {
      hull_error_free (&err);
      return NULL;
    }
  return s;
}

static char *
read_knob (const char *dir, const char *knob)
{
  cleanup_free char *file = xasprintf ("%s/%s", dir, knob);
  return read_text (file);
}

static bool
procs_has (const char *dir, pid_t pid)
{
  cleanup_free char *file = xasprintf ("%s/cgroup.procs", dir);
  cleanup_free char *text = read_text (file);
  char want[32];
  snprintf (want, sizeof want, "%d", (int) pid);
  for (char *p = text ? strtok (text, "\n") : NULL; p; p = strtok (NULL, "\n"))
    if (strcmp (p, want) == 0)
      return true;
  return false;
}

static pid_t
spawn_sleeper (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      for (;;)
        pause ();
    }
  return pid;
}

static int
reap (pid_t pid)
{
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFSIGNALED (status) ? WTERMSIG (status) : -1;
}

/* The number of distinct cgroup hierarchies mounted directly under /sys/fs/cgroup, from
   mountinfo: an independent count to compare discovery with. */
static size_t
mountinfo_hier_count (void)
{
  cleanup_free char *text = read_text ("/proc/self/mountinfo");
  char seen[64][32];
  size_t n = 0;

  for (char *line = text ? strtok (text, "\n") : NULL; line; line = strtok (NULL, "\n"))
    {
      char dev[32], mnt[4096];
      const char *sep = strstr (line, " - ");
      bool dup = false;
      if (sep == NULL || sscanf (line, "%*s %*s %31s %*s %4095s", dev, mnt) != 2)
        continue;
      if (strncmp (sep, " - cgroup ", 10) != 0 && strncmp (sep, " - cgroup2 ", 11) != 0)
        continue;
      if (strncmp (mnt, "/sys/fs/cgroup/", 15) != 0 || strchr (mnt + 15, '/') != NULL)
        continue;
      for (size_t i = 0; i < n; i++)
        dup |= strcmp (seen[i], dev) == 0;
      if (!dup && n < 64)
        strcpy (seen[n++], dev);
    }
  return n;
}

/* rmdir /hull-test in every hierarchy unless other groups still live there. */
static void
remove_test_root (void)
{
  struct hull_cgroup *cg = NULL;
  hull_error_t err = NULL;
  if (hull_cgroup_open ("/hull-test", &cg, &err) == 0)
    for (size_t i = 0; i < cg->n_hiers; i++)
      rmdir (cg->hiers[i].dir);
  hull_error_free (&err);
  hull_cgroup_free (cg);
}

/* Whether the group PATH is gone from every hierarchy. */
static bool
gone_everywhere (const char *path)
{
  struct hull_cgroup *cg = NULL;
  hull_error_t err = NULL;
  bool gone = hull_cgroup_open (path, &cg, &err) == 0 && cg->n_hiers == 0;
  hull_error_free (&err);
  hull_cgroup_free (cg);
  return gone;
}

static long long
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- tests without root ----------------------------------------------------------------- */

static void
check_resolve (const char *in, const char *id, const char *want, const char *err_has)
{
  char *out = NULL;
  hull_error_t err = NULL;
  int r = hull_cgroup_resolve_path (in, id, &out, &err);

  if (want != NULL)
    T_OK (r == 0 && out && strcmp (out, want) == 0, "resolve `%s` → `%s` (got `%s`)", in ? in : "(null)",
          want, out ? out : err->msg);
  else
    T_OK (r < 0 && err && strstr (err->msg, err_has), "resolve `%s` fails: %s", in ? in : "(null)",
          err ? err->msg : "(no error)");
  free (out);
  hull_error_free (&err);
}

static void
test_resolve (void)
{
  check_resolve (NULL, "c1", "/hull/c1", NULL);
  check_resolve ("", "c1", "/hull/c1", NULL);
  check_resolve ("/machine/c1", "x", "/machine/c1", NULL);
  check_resolve ("machine/c1", "x", "/machine/c1", NULL);
  check_resolve ("//a///b//", "x", "/a/b", NULL);
  check_resolve ("/a/./b", "x", "/a/b", NULL);
  check_resolve ("/a:b:c", "x", "/a:b:c", NULL);
  check_resolve ("/a/../b", "x", NULL, "`..`");
  check_resolve ("..", "x", NULL, "`..`");
  check_resolve ("system.slice:hull:c1", "x", NULL, "systemd cgroup paths");
  check_resolve (":hull:c1", "x", NULL, "systemd cgroup paths");
  check_resolve ("/", "x", NULL, "hierarchy root");
  check_resolve (NULL, "a/b", NULL, "cannot name a cgroup");
  check_resolve (NULL, "..", NULL, "cannot name a cgroup");
  T_OK (strcmp (hull_cgroup_mode_name (HULL_CGROUP_V1), "v1") == 0
          && strcmp (hull_cgroup_mode_name (HULL_CGROUP_V2), "v2") == 0
          && strcmp (hull_cgroup_mode_name (HULL_CGROUP_HYBRID), "hybrid") == 0,
        "mode names");
}

/* ---- one full life cycle on the current layout ------------------------------------------ */

static void
check_hiers (const struct hull_cgroup *cg, enum hull_cgroup_mode mode, size_t want_n, const char *label)
{
  size_t n_v2 = 0;
  bool dirs = true, created = true;

  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      n_v2 += cg->hiers[i].v2;
      dirs &= is_dir (cg->hiers[i].dir);
      created &= cg->hiers[i].made != 0;
      printf ("#   %s: %s%s\n", label, cg->hiers[i].dir, cg->hiers[i].v2 ? " (v2)" : "");
    }
  T_OK (cg->n_hiers == want_n, "%s: %zu hierarchies (want %zu)", label, cg->n_hiers, want_n);
  T_OK (dirs && created, "%s: group made in every hierarchy", label);
  if (mode == HULL_CGROUP_V2)
    T_OK (cg->n_hiers == 1 && cg->hiers[0].v2 && strcmp (cg->hiers[0].name, "") == 0
            && strcmp (cg->hiers[0].mountpoint, "/sys/fs/cgroup") == 0,
          "%s: the single v2 hierarchy", label);
  else
    T_OK (n_v2 == (mode == HULL_CGROUP_HYBRID), "%s: %zu v2 hierarchies", label, n_v2);
}

static void
bench (const char *label)
{
  cleanup_free char *park_path = xasprintf ("/hull-test/%s-park", suffix);
  cleanup_free char *path = xasprintf ("/hull-test/%s-bench", suffix);
  struct hull_cgroup *park = NULL;
  hull_error_t err = NULL;
  long long total = 0, detect = 0;
  pid_t s;
  int i;

  if (hull_cgroup_create (park_path, &park, &err) < 0)
    {
      T_OK (0, "%s: bench park group: %s", label, err->msg);
      hull_error_free (&err);
      return;
    }
  s = spawn_sleeper ();
  for (i = 0; i < BENCH_ITERS; i++)
    {
      struct hull_cgroup *cg = NULL;
      enum hull_cgroup_mode m;
      long long t0 = now_ns (), t1, t2;
      hull_cgroup_detect (&m, &err);
      detect += now_ns () - t0;
      if (hull_cgroup_create (path, &cg, &err) < 0 || hull_cgroup_enter (cg, s, &err) < 0)
        break;
      t1 = now_ns ();
      /* Moving the sleeper back out is not part of a container's life cycle: untimed. */
      if (hull_cgroup_enter (park, s, &err) < 0)
        break;
      t2 = now_ns ();
      if (hull_cgroup_destroy (cg, &err) < 0)
        break;
      total += (t1 - t0) + (now_ns () - t2);
      hull_cgroup_free (cg);
    }
  T_OK (i == BENCH_ITERS, "%s: bench loop (%s)", label, err ? err->msg : "ok");
  printf ("# %s: create+enter+destroy %.1f us/iter, detect %.2f us (%d iters, %zu hierarchies)\n", label,
          i ? total / 1000.0 / i : 0.0, i ? detect / 1000.0 / i : 0.0, i, park->n_hiers);
  kill (s, SIGKILL);
  reap (s);
  hull_cgroup_destroy (park, &err);
  hull_cgroup_free (park);
  hull_error_free (&err);
}

/* The child's side of join_check: join, then say 'y' (joined, every descriptor of the join
   closed), 'o' (a descriptor left open) or 'n' (join failed), and wait to be killed. */
static void __attribute__ ((noreturn))
join_child (const struct hull_cgroup *cg, struct hull_cgroup_join *j, int report)
{
  hull_error_t err = NULL;
  int fds[64], n = 0;
  char res;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (j->clone_fd >= 0)
    fds[n++] = j->clone_fd;
  for (size_t i = 0; i < j->n_tasks && n < 64; i++)
    fds[n++] = j->tasks_fds[i];
  res = hull_cgroup_join_self (cg, j, &err) == 0 ? 'y' : 'n';
  for (int i = 0; i < n && res == 'y'; i++)
    if (fcntl (fds[i], F_GETFD) >= 0)
      res = 'o';
  if (write (report, &res, 1) != 1)
    _exit (1);
  for (;;)
    pause ();
}

/* A child cloned into the v2 group (CLONE_INTO_CGROUP) that joins the v1 ones itself ends up in
   every hierarchy of the group, with none of the join's descriptors left. */
static void
join_check (const struct hull_cgroup *cg, const char *label)
{
  struct hull_cgroup_join j = HULL_CGROUP_JOIN_INIT;
  hull_error_t err = NULL;
  struct clone_args ca = { .exit_signal = SIGCHLD };
  bool everywhere = true;
  int pfd[2];
  char res = '?';
  pid_t pid;

  if (hull_cgroup_join_open_v2 (cg, &j, &err) < 0 || hull_cgroup_join_open_v1 (cg, &j, &err) < 0)
    {
      T_OK (0, "%s: join: open (%s)", label, err->msg);
      hull_cgroup_join_close (&j);
      hull_error_free (&err);
      return;
    }
  if (pipe2 (pfd, O_CLOEXEC) < 0)
    abort ();
  if (j.clone_fd >= 0)
    {
      ca.flags = CLONE_INTO_CGROUP;
      ca.cgroup = (unsigned) j.clone_fd;
    }
  fflush (stdout);
  pid = syscall (SYS_clone3, &ca, sizeof ca);
  if (pid == 0)
    join_child (cg, &j, pfd[1]);
  hull_cgroup_join_close (&j);
  close (pfd[1]);
  if (pid < 0 || read (pfd[0], &res, 1) != 1)
    res = '?';
  close (pfd[0]);
  T_OK (res == 'y', "%s: join: the child joined and kept no descriptor of the join (%c)", label, res);
  for (size_t i = 0; pid > 0 && i < cg->n_hiers; i++)
    everywhere &= procs_has (cg->hiers[i].dir, pid);
  T_OK (pid > 0 && everywhere, "%s: join: the child is in the group in all %zu hierarchies", label, cg->n_hiers);
  if (cg->mode != HULL_CGROUP_V2)
    {
      struct hull_cgroup_join none = HULL_CGROUP_JOIN_INIT;
      T_OK (hull_cgroup_join_self (cg, &none, &err) < 0 && err && strstr (err->msg, "0 tasks files"),
            "%s: join: refused without a tasks file for every v1 hierarchy (%s)", label, err ? err->msg : "joined");
      hull_error_free (&err);
    }
  if (pid > 0)
    {
      kill (pid, SIGKILL);
      reap (pid);
    }
}

/* Signal, list and remove: SUB holds B, CG holds A (and SUB below it). */
static void
lifecycle_procs (struct hull_cgroup *cg, struct hull_cgroup *sub, pid_t a, pid_t b, const char *label)
{
  hull_error_t err = NULL;
  pid_t *pids = NULL;
  size_t n = 0;
  bool in_all = true;

  for (size_t i = 0; i < cg->n_hiers; i++)
    in_all &= procs_has (cg->hiers[i].dir, a) && procs_has (sub->hiers[i].dir, b);
  T_OK (in_all, "%s: both processes are in their group in every hierarchy", label);
  T_OK (hull_cgroup_pids (cg, &pids, &n, &err) == 0 && n == 2
          && ((pids[0] == a && pids[1] == b) || (pids[0] == b && pids[1] == a)),
        "%s: pids lists the group and its sub-group (%zu)", label, n);
  free (pids);
  T_OK (hull_cgroup_pids (sub, &pids, &n, &err) == 0 && n == 1 && pids[0] == b, "%s: pids of the sub-group",
        label);
  free (pids);
  T_OK (hull_cgroup_kill (sub, SIGTERM, &err) == 0 && reap (b) == SIGTERM, "%s: SIGTERM to the sub-group",
        label);
  T_OK (hull_cgroup_kill (cg, SIGKILL, &err) == 0 && reap (a) == SIGKILL, "%s: SIGKILL to the group", label);
  T_OK (hull_cgroup_pids (cg, &pids, &n, &err) == 0 && n == 0, "%s: no pids left", label);
  free (pids);
  T_OK (hull_cgroup_destroy (cg, &err) == 0, "%s: destroy (%s)", label, err ? err->msg : "ok");
  hull_error_free (&err);
}

/* A process that keeps forking once it is in the group: 32 children that stay, then a churn of
   short-lived ones. It starts when a byte arrives on GO. */
static pid_t
spawn_forker (int go)
{
  pid_t pid = fork ();
  char c;

  if (pid != 0)
    return pid;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (read (go, &c, 1) != 1)
    _exit (1);
  for (int i = 0;; i++)
    {
      pid_t k = fork ();
      if (k == 0)
        {
          if (i < 32)
            for (;;)
              pause ();
          _exit (0);
        }
      if (i >= 32 && k > 0)
        waitpid (k, NULL, 0);
    }
}

/* Reap whatever died (orphans come to us: we are a subreaper) until the group is empty. */
static bool
wait_empty (const struct hull_cgroup *cg)
{
  for (int i = 0; i < 2000; i++)
    {
      hull_error_t err = NULL;
      pid_t *pids = NULL;
      size_t n = 1;
      while (waitpid (-1, NULL, WNOHANG) > 0)
        ;
      hull_cgroup_pids (cg, &pids, &n, &err);
      free (pids);
      hull_error_free (&err);
      if (n == 0)
        return true;
      usleep (1000);
    }
  return false;
}

/* SIGKILL must not be outrun by fork (cgroup.kill on v2, the freezer on v1). */
static void
kill_forker (const char *label)
{
  cleanup_free char *path = xasprintf ("/hull-test/%s-fork", suffix);
  struct hull_cgroup *cg = NULL;
  hull_error_t err = NULL;
  pid_t *pids = NULL;
  size_t n = 0;
  int go[2];
  pid_t f;

  if (pipe (go) < 0 || hull_cgroup_create (path, &cg, &err) < 0)
    {
      T_OK (0, "%s: forker set up: %s", label, err ? err->msg : strerror (errno));
      hull_error_free (&err);
      return;
    }
  f = spawn_forker (go[0]);
  hull_cgroup_enter (cg, f, &err);
  if (write (go[1], "x", 1) != 1)
    abort ();
  for (int i = 0; i < 2000 && err == NULL && n <= 32; i++) /* until the churn has begun */
    {
      usleep (1000);
      hull_cgroup_pids (cg, &pids, &n, &err);
      free (pids);
    }
  T_OK (err == NULL && n > 32, "%s: forker running with %zu processes", label, n);
  T_OK (hull_cgroup_kill (cg, SIGKILL, &err) == 0, "%s: SIGKILL a forking group (%s)", label, err ? err->msg : "ok");
  T_OK (wait_empty (cg), "%s: the forking group is empty", label);
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      cleanup_free char *state = read_knob (cg->hiers[i].dir, "freezer.state");
      if (state != NULL)
        T_OK (strncmp (state, "THAWED", 6) == 0, "%s: the group is thawed again after the kill", label);
    }
  T_OK (hull_cgroup_destroy (cg, &err) == 0 && gone_everywhere (path), "%s: forking group removed", label);
  close (go[0]);
  close (go[1]);
  hull_error_free (&err);
  hull_cgroup_free (cg);
}

static void
lifecycle (enum hull_cgroup_mode want, size_t want_n, const char *label)
{
  cleanup_free char *path = xasprintf ("/hull-test/%s", suffix);
  cleanup_free char *sub_path = xasprintf ("/hull-test/%s/sub", suffix);
  struct hull_cgroup *cg = NULL, *sub = NULL, *again = NULL, *opened = NULL;
  enum hull_cgroup_mode mode = -1;
  hull_error_t err = NULL;
  bool reused = true;
  pid_t a, b;

  T_OK (hull_cgroup_detect (&mode, &err) == 0 && mode == want, "%s: detect says %s", label,
        hull_cgroup_mode_name (mode));
  if (mode != want || hull_cgroup_create (path, &cg, &err) < 0)
    {
      T_OK (0, "%s: create: %s", label, err ? err->msg : "wrong mode");
      hull_error_free (&err);
      return;
    }
  check_hiers (cg, want, want_n, label);
  join_check (cg, label);
  T_OK (hull_cgroup_create (path, &again, &err) == 0, "%s: create an existing group", label);
  for (size_t i = 0; again && i < again->n_hiers; i++)
    reused &= again->hiers[i].made == 0;
  T_OK (again && reused, "%s: existing group is not marked created", label);
  T_OK (hull_cgroup_open (path, &opened, &err) == 0 && opened->n_hiers == cg->n_hiers, "%s: open", label);
  T_OK (hull_cgroup_create (sub_path, &sub, &err) == 0, "%s: create a sub-group", label);
  a = spawn_sleeper ();
  b = spawn_sleeper ();
  T_OK (hull_cgroup_enter (cg, a, &err) == 0 && sub && hull_cgroup_enter (sub, b, &err) == 0, "%s: enter (%s)",
        label, err ? err->msg : "ok");
  if (sub != NULL && err == NULL)
    lifecycle_procs (cg, sub, a, b, label);
  kill (a, SIGKILL), kill (b, SIGKILL), waitpid (a, NULL, WNOHANG), waitpid (b, NULL, WNOHANG);
  T_OK (gone_everywhere (path), "%s: group gone from every hierarchy", label);
  {
    struct hull_cgroup_join j = HULL_CGROUP_JOIN_INIT;
    T_OK ((hull_cgroup_join_open_v2 (cg, &j, &err) < 0 || hull_cgroup_join_open_v1 (cg, &j, &err) < 0) && err
              && strstr (err->msg, "open cgroup `/sys/fs/cgroup"),
          "%s: joining a removed group fails, naming it (%s)", label, err ? err->msg : "no error");
    hull_cgroup_join_close (&j);
    hull_error_free (&err);
  }
  T_OK (hull_cgroup_destroy (cg, &err) == 0, "%s: destroying again is fine", label);
  kill_forker (label);
  bench (label);
  remove_test_root ();
  hull_error_free (&err);
  hull_cgroup_free (cg);
  hull_cgroup_free (sub);
  hull_cgroup_free (again);
  hull_cgroup_free (opened);
}

/* ---- layouts in private mount namespaces ------------------------------------------------ */

static int
mount_synth (void)
{
  if (mount ("hull-test", "/sys/fs/cgroup", "tmpfs", 0, "mode=755") < 0)
    return -1;
  if (mkdir ("/sys/fs/cgroup/pids", 0755) < 0 || mkdir ("/sys/fs/cgroup/pids.again", 0755) < 0
      || mkdir ("/sys/fs/cgroup/cpuset", 0755) < 0 || mkdir ("/sys/fs/cgroup/unified", 0755) < 0)
    return -1;
  if (symlink ("pids", "/sys/fs/cgroup/pids-link") < 0 || symlink ("cpuset", "/sys/fs/cgroup/cpuset-link") < 0)
    return -1;
  if (mount ("cgroup", "/sys/fs/cgroup/pids", "cgroup", 0, "pids") < 0
      || mount ("cgroup", "/sys/fs/cgroup/pids.again", "cgroup", 0, "pids") < 0
      || mount ("cgroup", "/sys/fs/cgroup/cpuset", "cgroup", 0, "cpuset") < 0)
    return -1;
  return 0;
}

static int
setup_layout (enum layout l)
{
  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return -1;
  switch (l)
    {
    case L_V2:
      return mount ("none", "/sys/fs/cgroup", "cgroup2", 0, NULL);
    case L_V1:
      return umount2 ("/sys/fs/cgroup/unified", MNT_DETACH) < 0 && errno != EINVAL ? -1 : 0;
    case L_HYBRID:
      return 0;
    case L_SYNTH:
      return mount_synth ();
    }
  return -1;
}

static void
layout_tests (enum layout l, const char *label)
{
  static const enum hull_cgroup_mode modes[] = { HULL_CGROUP_V2, HULL_CGROUP_V1, HULL_CGROUP_HYBRID,
                                                 HULL_CGROUP_V1 };

  prctl (PR_SET_CHILD_SUBREAPER, 1); /* not inherited: orphans of the forker test come here */
  if (setup_layout (l) < 0)
    {
      T_OK (0, "%s: set up the layout: %s", label, strerror (errno));
      return;
    }
  lifecycle (modes[l], l == L_V2 ? 1 : l == L_SYNTH ? 2 : mountinfo_hier_count (), label);
}

/* Run LAYOUT's tests in a child in its own mount namespace; the child's TAP lines go straight
   to stdout and it reports its counts back through a pipe. */
static void
run_layout (enum layout l, const char *label)
{
  int pfd[2], res[2] = { 0, 0 };
  pid_t pid;

  if (pipe (pfd) < 0)
    abort ();
  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      int n0 = hull_test_n, f0 = hull_test_failed;
      close (pfd[0]);
      layout_tests (l, label);
      fflush (stdout);
      res[0] = hull_test_n - n0;
      res[1] = hull_test_failed - f0;
      if (write (pfd[1], res, sizeof res) != sizeof res)
        _exit (1);
      _exit (0);
    }
  close (pfd[1]);
  if (read (pfd[0], res, sizeof res) != sizeof res)
    T_OK (0, "%s: test child died", label);
  close (pfd[0]);
  waitpid (pid, NULL, 0);
  hull_test_n += res[0];
  hull_test_failed += res[1];
}

/* ---- host-layout tests ------------------------------------------------------------------ */

static void
test_create_failure (void)
{
  cleanup_free char *base = xasprintf ("/hull-test/%s-fail", suffix);
  cleanup_free char *bad = xasprintf ("%s/cgroup.procs/x", base);
  struct hull_cgroup *cg = NULL;
  hull_error_t err = NULL;
  int r = hull_cgroup_create (bad, &cg, &err);

  T_OK (r < 0 && cg == NULL && err && strstr (err->msg, "cgroup.procs/x") && strstr (err->msg, strerror (ENOTDIR)),
        "create under a file fails naming it: %s", err ? err->msg : "(no error)");
  T_OK (gone_everywhere (base), "failed create leaves nothing behind");
  hull_error_free (&err);
  remove_test_root ();
}

/* A failure in a late hierarchy undoes the earlier ones, intermediate directories included:
   the v2 group R refuses children (cgroup.max.descendants = 0). */
static void
test_create_rollback (void)
{
  cleanup_free char *r_path = xasprintf ("/hull-test/%s-rb", suffix);
  cleanup_free char *leaf = xasprintf ("%s/x", r_path);
  struct hull_cgroup *cg = NULL, *probe = NULL;
  hull_error_t err = NULL;
  const struct hull_cgroup_hier *v2 = NULL;
  bool clean = true;

  if (hull_cgroup_create (r_path, &probe, &err) < 0)
    {
      T_OK (0, "rollback: set up: %s", err->msg);
      hull_error_free (&err);
      return;
    }
  for (size_t i = 0; i < probe->n_hiers; i++)
    if (probe->hiers[i].v2)
      v2 = &probe->hiers[i];
  if (v2 == NULL)
    T_SKIP ("no v2 hierarchy", "rollback after a failure in a later hierarchy");
  else
    {
      cleanup_free char *knob = xasprintf ("%s/cgroup.max.descendants", v2->dir);
      /* R stays only in the v2 hierarchy: remove it from the others so create makes it anew. */
      for (size_t i = 0; i < probe->n_hiers; i++)
        if (!probe->hiers[i].v2)
          rmdir (probe->hiers[i].dir);
      hull_write_file_at (AT_FDCWD, knob, "0", 1, &err);
      T_OK (hull_cgroup_create (leaf, &cg, &err) < 0 && err && strstr (err->msg, "/x"), "create fails in v2: %s",
            err ? err->msg : "(no error)");
      for (size_t i = 0; i < probe->n_hiers; i++)
        clean &= probe->hiers[i].v2 ? is_dir (probe->hiers[i].dir) : !is_dir (probe->hiers[i].dir);
      T_OK (clean, "rollback removed the new groups (and R) from every other hierarchy");
    }
  hull_error_free (&err);
  hull_cgroup_destroy (probe, &err);
  hull_error_free (&err);
  hull_cgroup_free (probe);
  remove_test_root ();
}

static void
test_cpuset (void)
{
  cleanup_free char *top = xasprintf ("/hull-test/%s-cs", suffix);
  cleanup_free char *path = xasprintf ("%s/a/b", top);
  struct hull_cgroup *cg = NULL, *topcg = NULL;
  hull_error_t err = NULL;
  const struct hull_cgroup_hier *cs = NULL;

  if (hull_cgroup_create (path, &cg, &err) < 0)
    {
      T_OK (0, "cpuset: create: %s", err->msg);
      hull_error_free (&err);
      return;
    }
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      cleanup_free char *probe = xasprintf ("%s/cpuset.cpus", cg->hiers[i].mountpoint);
      if (!cg->hiers[i].v2 && access (probe, F_OK) == 0)
        cs = &cg->hiers[i];
    }
  if (cs == NULL)
    T_SKIP ("no v1 cpuset hierarchy", "cpuset inheritance");
  else
    {
      cleanup_free char *root_cpus = read_knob (cs->mountpoint, "cpuset.cpus");
      cleanup_free char *cpus = read_knob (cs->dir, "cpuset.cpus");
      cleanup_free char *mems = read_knob (cs->dir, "cpuset.mems");
      pid_t s = spawn_sleeper ();
      T_OK (cpus && cpus[0] != '\n' && root_cpus && strcmp (cpus, root_cpus) == 0,
            "cpuset: leaf two levels down has cpus `%.*s`", cpus ? (int) strcspn (cpus, "\n") : 0, cpus ? cpus : "");
      T_OK (mems && mems[0] != '\n', "cpuset: leaf has mems");
      T_OK (hull_cgroup_enter (cg, s, &err) == 0, "cpuset: a process can enter (%s)", err ? err->msg : "ok");
      kill (s, SIGKILL);
      reap (s);
    }
  hull_error_free (&err);
  if (hull_cgroup_open (top, &topcg, &err) == 0)
    hull_cgroup_destroy (topcg, &err);
  T_OK (err == NULL && gone_everywhere (top), "cpuset: removed the whole tree");
  hull_error_free (&err);
  hull_cgroup_free (topcg);
  hull_cgroup_free (cg);
  remove_test_root ();
}

/* Enabling every controller the v2 root offers makes them show up in the group; the root's
   subtree_control is put back as it was afterwards. */
static void
test_enable_controllers (void)
{
  cleanup_free char *top = xasprintf ("/hull-test/%s-ec", suffix);
  cleanup_free char *path = xasprintf ("%s/leaf", top);
  static const char *const bogus[] = { "no-such-controller", NULL };
  struct hull_cgroup *cg = NULL, *topcg = NULL;
  hull_error_t err = NULL;
  const struct hull_cgroup_hier *v2 = NULL;
  cleanup_free char *avail = NULL, *before = NULL, *got = NULL, *after = NULL;

  if (hull_cgroup_create (path, &cg, &err) < 0)
    {
      T_OK (0, "enable: create: %s", err->msg);
      hull_error_free (&err);
      return;
    }
  for (size_t i = 0; i < cg->n_hiers; i++)
    if (cg->hiers[i].v2)
      v2 = &cg->hiers[i];
  avail = v2 ? read_knob (v2->mountpoint, "cgroup.controllers") : NULL;
  before = v2 ? read_knob (v2->mountpoint, "cgroup.subtree_control") : NULL;
  if (avail == NULL || avail[0] == '\n' || before == NULL)
    T_SKIP ("no v2 hierarchy offering controllers", "enable controllers");
  else
    {
      T_OK (hull_cgroup_enable_controllers (cg, NULL, &err) == 0, "enable: every offered controller (%s)",
            err ? err->msg : "ok");
      got = read_knob (v2->dir, "cgroup.controllers");
      T_OK (got && strcmp (got, avail) == 0, "enable: the group has `%.*s`", (int) strcspn (avail, "\n"), avail);
      T_OK (hull_cgroup_enable_controllers (cg, bogus, &err) < 0 && strstr (err->msg, "no-such-controller"),
            "enable: an unknown controller is an error: %s", err ? err->msg : "(none)");
    }
  hull_error_free (&err);
  if (hull_cgroup_open (top, &topcg, &err) == 0)
    hull_cgroup_destroy (topcg, &err);
  hull_error_free (&err);
  remove_test_root ();
  if (v2 != NULL && before != NULL && avail != NULL)
    {
      cleanup_free char *rootfile = xasprintf ("%s/cgroup.subtree_control", v2->mountpoint);
      for (char *w = strtok (avail, " \n"); w; w = strtok (NULL, " \n"))
        if (strstr (before, w) == NULL)
          {
            cleanup_free char *cmd = xasprintf ("-%s", w);
            hull_write_file_at (AT_FDCWD, rootfile, cmd, strlen (cmd), &err);
            hull_error_free (&err);
          }
      after = read_knob (v2->mountpoint, "cgroup.subtree_control");
      T_OK (after && strcmp (after, before) == 0, "enable: root subtree_control restored");
    }
  hull_cgroup_free (topcg);
  hull_cgroup_free (cg);
}

int
main (void)
{
  enum hull_cgroup_mode host;
  hull_error_t err = NULL;
  unsigned int r = 0;
  int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

  if (fd < 0 || read (fd, &r, sizeof r) != sizeof r)
    r = (unsigned int) now_ns ();
  if (fd >= 0)
    close (fd);
  snprintf (suffix, sizeof suffix, "t%d-%08x", (int) getpid (), r);

  test_resolve ();
  if (geteuid () != 0)
    {
      T_SKIP ("needs root", "cgroup life cycle on v2, v1, hybrid and synthetic layouts");
      return hull_test_done ();
    }
  if (hull_cgroup_detect (&host, &err) < 0)
    {
      T_SKIP (err->msg, "no cgroup file system to test on");
      hull_error_free (&err);
      return hull_test_done ();
    }
  printf ("# host layout: %s\n", hull_cgroup_mode_name (host));
  run_layout (L_V2, "v2");
  if (host == HULL_CGROUP_V2)
    T_SKIP ("v1 controllers are bound to cgroup2 on this host", "v1, hybrid and synthetic layouts");
  else
    {
      run_layout (L_V1, "v1");
      if (host == HULL_CGROUP_HYBRID)
        run_layout (L_HYBRID, "hybrid");
      else
        T_SKIP ("host has no unified hierarchy", "hybrid layout");
      run_layout (L_SYNTH, "synthetic");
    }
  test_create_failure ();
  test_create_rollback ();
  test_cpuset ();
  test_enable_controllers ();
  return hull_test_done ();
}
