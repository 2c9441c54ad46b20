/* test_resources.c: linux.resources planned into v1 and v2 files (the conversions), and the
   cgroup v2 device program run by the kernel for a process in a real cgroup2 group (needs
   root and a cgroup2 hierarchy; skipped without). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness.h"
#include "cgroups/devices-bpf.h"
#include "cgroups/resources.h"
#include "core/util.h"

/* The plan of RESOURCES_JSON (with V2_MASK), or NULL and the error in *ERR. */
static bool
plan_of (const char *resources_json, unsigned v2_mask, struct hull_res_plan *plan, hull_error_t *err)
{
  struct hull_linux lx = { 0 };
  json_error_t jerr;
  int r;

  lx.resources = json_loads (resources_json, 0, &jerr);
  if (lx.resources == NULL)
    {
      printf ("# bad test JSON: %s\n", jerr.text);
      return false;
    }
  r = hull_res_plan (&lx, ~0u, v2_mask, plan, err);
  json_decref (lx.resources);
  return r == 0;
}

/* The value planned for FILE, or NULL. */
static const char *
planned (const struct hull_res_plan *plan, const char *file)
{
  for (size_t i = 0; i < plan->n; i++)
    if (strcmp (plan->w[i].file, file) == 0)
      return plan->w[i].value;
  return NULL;
}

static bool
is (const char *got, const char *want)
{
  return got && strcmp (got, want) == 0;
}

static void
test_plan_v1 (void)
{
  struct hull_res_plan p;
  hull_error_t err = NULL;

  T_OK (plan_of ("{\"memory\": {\"limit\": 67108864, \"swap\": 134217728, \"reservation\": 1024, \"swappiness\": 10,"
                 " \"disableOOMKiller\": true}, \"pids\": {\"limit\": -1},"
                 " \"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0\"},"
                 " \"blockIO\": {\"weight\": 500, \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 1048576}]},"
                 " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0}], \"network\": {\"classID\": 1048577}}",
                 0, &p, &err),
        "v1: plan");
  T_OK (is (planned (&p, "memory.limit_in_bytes"), "67108864") && is (planned (&p, "memory.memsw.limit_in_bytes"), "134217728"),
        "v1: memory and memory+swap limits");
  T_OK (is (planned (&p, "memory.soft_limit_in_bytes"), "1024") && is (planned (&p, "memory.swappiness"), "10")
            && is (planned (&p, "memory.oom_control"), "1"),
        "v1: reservation, swappiness, OOM killer off");
  T_OK (is (planned (&p, "pids.max"), "max"), "v1: pids -1 lifts the limit (\"max\": v1's pids.max refuses -1)");
  T_OK (is (planned (&p, "cpu.shares"), "512") && is (planned (&p, "cpu.cfs_quota_us"), "50000")
            && is (planned (&p, "cpuset.cpus"), "0"),
        "v1: cpu shares, quota, cpuset");
  {
    size_t period = 0, quota = 0;
    for (size_t i = 0; i < p.n; i++)
      {
        period = strcmp (p.w[i].file, "cpu.cfs_period_us") == 0 ? i + 1 : period;
        quota = strcmp (p.w[i].file, "cpu.cfs_quota_us") == 0 ? i + 1 : quota;
      }
    T_OK (period && quota && period < quota, "v1: the period is written before the quota");
  }
  T_OK (is (planned (&p, "blkio.weight"), "500") && is (planned (&p, "blkio.throttle.read_bps_device"), "8:0 1048576"),
        "v1: blkio weight and throttle");
  T_OK (is (planned (&p, "hugetlb.2MB.limit_in_bytes"), "0") && is (planned (&p, "net_cls.classid"), "1048577"),
        "v1: hugetlb and net_cls");
  hull_res_plan_free (&p);

  T_OK (!plan_of ("{\"memory\": {\"limit\": 200, \"swap\": 100}}", 0, &p, &err) && err
            && strstr (err->msg, "linux.resources.memory.swap"),
        "v1: swap below the limit refused by name");
  hull_error_free (&err);
  T_OK (!plan_of ("{\"memory\": {\"swappiness\": 101}}", 0, &p, &err) && err && strstr (err->msg, "memory.swappiness"),
        "v1: swappiness over 100 refused by name");
  hull_error_free (&err);
}

static void
test_plan_v2 (void)
{
  const unsigned all = ~0u;
  struct hull_res_plan p;
  hull_error_t err = NULL;

  T_OK (plan_of ("{\"memory\": {\"limit\": 1000, \"swap\": 3000, \"reservation\": -1}, \"pids\": {\"limit\": 77},"
                 " \"cpu\": {\"shares\": 1024, \"quota\": 50000}, \"blockIO\": {\"weight\": 500,"
                 " \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 300}]},"
                 " \"hugepageLimits\": [{\"pageSize\": \"1GB\", \"limit\": 0}], \"unified\": {\"memory.high\": \"5000\"}}",
                 all, &p, &err),
        "v2: plan");
  T_OK (is (planned (&p, "memory.max"), "1000") && is (planned (&p, "memory.swap.max"), "2000")
            && is (planned (&p, "memory.low"), "max"),
        "v2: memory.max, swap.max is swap minus memory, -1 is max");
  T_OK (is (planned (&p, "pids.max"), "77"), "v2: pids.max");
  T_OK (is (planned (&p, "cpu.weight"), "39") && is (planned (&p, "cpu.max"), "50000 100000"),
        "v2: shares 1024 is weight 39, quota with the default period");
  {
    const struct hull_res_write *w = NULL;
    for (size_t i = 0; i < p.n; i++)
      w = strcmp (p.w[i].file, "io.bfq.weight") == 0 ? &p.w[i] : w;
    T_OK (w && is (w->value, "default 500") && is (w->alt_file, "io.weight") && is (w->alt_value, "default 4950"),
          "v2: io.bfq.weight as given, else io.weight converted");
  }
  T_OK (is (planned (&p, "io.max"), "8:16 wiops=300"), "v2: io.max");
  T_OK (is (planned (&p, "hugetlb.1GB.max"), "0") && is (planned (&p, "memory.high"), "5000"),
        "v2: hugetlb.max, unified keys as given");
  hull_res_plan_free (&p);
  T_OK (hull_res_cpu_weight (2) == 1 && hull_res_cpu_weight (262144) == 10000 && hull_res_io_weight (10) == 1
            && hull_res_io_weight (1000) == 10000,
        "v2: weight conversions span 1..10000");

  T_OK (!plan_of ("{\"cpu\": {\"realtimeRuntime\": 1000}}", all, &p, &err) && err && strstr (err->msg, "realtime"),
        "v2: realtime refused by name");
  hull_error_free (&err);
  T_OK (!plan_of ("{\"memory\": {\"swap\": 3000}}", all, &p, &err) && err && strstr (err->msg, "memory.swap"),
        "v2: swap without a memory limit refused by name");
  hull_error_free (&err);
  T_OK (!plan_of ("{\"network\": {\"classID\": 1}}", all, &p, &err) && err && strstr (err->msg, "network.classID"),
        "v2: net_cls refused by name");
  hull_error_free (&err);
  T_OK (!plan_of ("{\"unified\": {\"memory.high\": \"1\"}}", 0, &p, &err) && err && strstr (err->msg, "unified.memory.high"),
        "v1 only: unified refused by name");
  hull_error_free (&err);
}

static void
test_plan_devices (void)
{
  struct hull_res_plan p;
  hull_error_t err = NULL;
  bool deny_first;

  T_OK (plan_of ("{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"c\", \"major\": 10,"
                 " \"minor\": 200, \"access\": \"rw\"}]}",
                 0, &p, &err),
        "devices: plan");
  deny_first = p.n > 2 && strcmp (p.w[0].file, "devices.deny") == 0 && is (p.w[0].value, "a");
  T_OK (deny_first && strcmp (p.w[1].file, "devices.allow") == 0 && is (p.w[1].value, "c 10:200 rw"),
        "devices v1: the rules in order (%s %s)", p.n > 1 ? p.w[1].file : "-", p.n > 1 ? p.w[1].value : "-");
  T_OK (is (planned (&p, "devices.allow"), "c 10:200 rw") && p.n_dev_rules == 10, "devices: default devices allowed after (%zu rules)",
        p.n_dev_rules);
  {
    bool pts = false;
    for (size_t i = 0; i < p.n; i++)
      pts |= is (p.w[i].value, "c 136:* rwm");
    T_OK (pts, "devices v1: /dev/pts allowed, any minor");
  }
  hull_res_plan_free (&p);
}

/* ---- the device program, in a real cgroup2 group ---------------------------------------- */

static const char *
unified_root (void)
{
  static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup", NULL };
  for (size_t i = 0; roots[i]; i++)
    {
      cleanup_free char *probe = xasprintf ("%s/cgroup.procs", roots[i]);
      cleanup_free char *ctl = xasprintf ("%s/cgroup.controllers", roots[i]);
      if (access (probe, W_OK) == 0 && access (ctl, F_OK) == 0)
        return roots[i];
    }
  return NULL;
}

/* In a child moved into DIR: 0 if PATH opens with FLAGS, else the errno. */
static int
open_in_group (const char *dir, const char *path, int flags)
{
  int pipefd[2], result = -1;
  pid_t pid;

  if (pipe (pipefd) < 0)
    return -1;
  pid = fork ();
  if (pid == 0)
    {
      cleanup_free char *procs = xasprintf ("%s/cgroup.procs", dir);
      int fd = open (procs, O_WRONLY), r;
      r = fd >= 0 && write (fd, "0", 1) == 1 ? 0 : -2;
      if (r == 0)
        {
          int dev = open (path, flags);
          r = dev >= 0 ? 0 : errno;
        }
      if (write (pipefd[1], &r, sizeof r) != sizeof r)
        _exit (1);
      _exit (0);
    }
  close (pipefd[1]);
  if (read (pipefd[0], &result, sizeof result) != sizeof result)
    result = -1;
  close (pipefd[0]);
  waitpid (pid, NULL, 0);
  return result;
}

static void
test_device_program (void)
{
  const char *root = unified_root ();
  cleanup_free char *dir = NULL;
  hull_error_t err = NULL;
  /* deny everything; then /dev/null read-write, /dev/zero read-only; then deny writes to
     /dev/full even though... nothing allowed it: the default for unmatched is allow */
  const struct hull_dev_rule rules[] = {
    { false, 'a', -1, -1, "rwm" },
    { true, 'c', 1, 3, "rw" },
    { true, 'c', 1, 5, "r" },
  };

  if (geteuid () != 0 || root == NULL)
    {
      T_SKIP ("needs root and a writable cgroup2 hierarchy", "device program");
      return;
    }
  dir = xasprintf ("%s/hull-test-devbpf-%d", root, (int) getpid ());
  if (mkdir (dir, 0755) < 0)
    {
      T_SKIP (strerror (errno), "device program: mkdir %s", dir);
      return;
    }
  T_OK (hull_devices_bpf_attach (dir, rules, 3, &err) == 0, "device program: loaded and attached (%s)",
        err ? err->msg : "ok");
  T_OK (open_in_group (dir, "/dev/null", O_RDWR) == 0, "device program: an allowed device opens");
  T_OK (open_in_group (dir, "/dev/zero", O_RDONLY) == 0, "device program: read of a read-only device opens");
  T_OK (open_in_group (dir, "/dev/zero", O_WRONLY) == EPERM, "device program: write of a read-only device: EPERM");
  T_OK (open_in_group (dir, "/dev/full", O_RDONLY) == EPERM, "device program: a device no rule allows: EPERM");
  hull_error_free (&err);
  rmdir (dir);

  /* without a deny-all, what no rule matches is allowed, and a deny rule takes any access it names */
  {
    const struct hull_dev_rule deny_w[] = { { false, 'c', 1, 7, "w" } };
    dir = (free (dir), xasprintf ("%s/hull-test-devbpf2-%d", root, (int) getpid ()));
    if (mkdir (dir, 0755) == 0 && hull_devices_bpf_attach (dir, deny_w, 1, &err) == 0)
      {
        T_OK (open_in_group (dir, "/dev/full", O_RDONLY) == 0, "device program: unmatched requests allowed");
        T_OK (open_in_group (dir, "/dev/full", O_RDWR) == EPERM, "device program: a deny of w refuses rw");
      }
    else
      T_OK (false, "device program 2: %s", err ? err->msg : strerror (errno));
    hull_error_free (&err);
    rmdir (dir);
  }
}

int
main (void)
{
  test_plan_v1 ();
  test_plan_v2 ();
  test_plan_devices ();
  test_device_program ();
  return hull_test_done ();
}
