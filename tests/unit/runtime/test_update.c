/* test_update.c: `update`'s pure parts: sizes read as runc reads them, runc's flags turned into
   linux.resources (and refused by name), the update prepared against what is in force (no-change
   zeros dropped, pairs completed, device rules refused), the record merged, the resources file
   parsed, and a prepared update planned into v1 and v2 files. */
#define _GNU_SOURCE
#include <stdint.h>

#include "../harness.h"
#include "cgroups/resources.h"
#include "core/util.h"
#include "runtime/container.h"
#include "spec/spec.h"

static bool
size_is (const char *s, int64_t want)
{
  int64_t v = -7;
  return hull_parse_size (s, &v) == 0 && v == want;
}

static bool
size_bad (const char *s)
{
  int64_t v;
  return hull_parse_size (s, &v) < 0;
}

static void
test_sizes (void)
{
  T_OK (size_is ("0", 0) && size_is ("100", 100) && size_is ("100b", 100) && size_is ("100B", 100), "sizes: bytes");
  T_OK (size_is ("1k", 1024) && size_is ("1K", 1024) && size_is ("1kb", 1024) && size_is ("1KiB", 1024), "sizes: k");
  T_OK (size_is ("64m", 67108864) && size_is ("64MiB", 67108864) && size_is ("64 m", 67108864) && size_is ("64 ", 64),
        "sizes: m, and a space before the suffix (runc takes one with none)");
  T_OK (size_is ("2g", 2147483648LL) && size_is ("1t", 1LL << 40) && size_is ("1p", 1LL << 50), "sizes: g, t, p");
  T_OK (size_is ("1.5g", 1610612736LL) && size_is ("0.5k", 512) && size_is ("0.001k", 1), "sizes: fractions");
  T_OK (size_is ("1.0000000000000000000000001k", 1024), "sizes: a long fraction is rounded down");
  T_OK (size_is ("8191p", 8191LL << 50) && size_is ("9223372036854775807", INT64_MAX), "sizes: the largest");
  T_OK (size_bad ("8192p") && size_bad ("9223372036854775808") && size_bad ("99999999999999999999999"),
        "sizes: past int64 refused");
  T_OK (size_bad ("") && size_bad ("abc") && size_bad ("-1") && size_bad ("-5") && size_bad ("1.") && size_bad (".5")
            && size_bad ("1x") && size_bad ("1kk") && size_bad (" 1") && size_bad ("1.5.3")
            && size_bad ("1  m") && size_bad ("1e3") && size_bad ("0x10"),
        "sizes: malformed refused");
}

/* The flags' object after --NAME VALUE, as compact JSON (NULL when refused; *msg the error). */
static char *
after_flag (const char *name, const char *value, char **msg)
{
  json_t *r = json_object ();
  hull_error_t err = NULL;
  char *out = NULL;

  *msg = NULL;
  if (hull_update_flag_set (r, name, value, &err) == 0)
    out = json_dumps (r, JSON_COMPACT | JSON_SORT_KEYS);
  else
    *msg = xstrdup (err->msg);
  hull_error_free (&err);
  json_decref (r);
  return out;
}

static bool
flag_gives (const char *name, const char *value, const char *want)
{
  char *msg, *got = after_flag (name, value, &msg);
  bool ok = got && strcmp (got, want) == 0;
  if (!ok)
    printf ("# --%s %s: got %s\n", name, value, got ? got : msg);
  free (got);
  free (msg);
  return ok;
}

/* --NAME VALUE is refused, the message starting with "--NAME: " and holding PART. */
static bool
flag_refused (const char *name, const char *value, const char *part)
{
  char *msg, *got = after_flag (name, value, &msg);
  cleanup_free char *prefix = xasprintf ("--%s: ", name);
  bool ok = got == NULL && strncmp (msg, prefix, strlen (prefix)) == 0 && strstr (msg, part);
  if (!ok)
    printf ("# --%s %s: got %s\n", name, value, got ? got : msg);
  free (got);
  free (msg);
  return ok;
}

static void
test_flags (void)
{
  T_OK (flag_gives ("memory", "100m", "{\"memory\":{\"limit\":104857600}}"), "flags: --memory 100m");
  T_OK (flag_gives ("memory", "-1", "{\"memory\":{\"limit\":-1}}"), "flags: --memory -1 is no limit");
  T_OK (flag_gives ("memory-swap", "1g", "{\"memory\":{\"swap\":1073741824}}")
            && flag_gives ("memory-reservation", "-1", "{\"memory\":{\"reservation\":-1}}")
            && flag_gives ("kernel-memory", "1m", "{\"memory\":{\"kernel\":1048576}}"),
        "flags: --memory-swap, --memory-reservation, --kernel-memory");
  T_OK (flag_gives ("cpu-quota", "50000", "{\"cpu\":{\"quota\":50000}}")
            && flag_gives ("cpu-quota", "-1", "{\"cpu\":{\"quota\":-1}}")
            && flag_gives ("cpu-period", "100000", "{\"cpu\":{\"period\":100000}}")
            && flag_gives ("cpu-share", "512", "{\"cpu\":{\"shares\":512}}")
            && flag_gives ("cpu-rt-period", "1000000", "{\"cpu\":{\"realtimePeriod\":1000000}}")
            && flag_gives ("cpu-rt-runtime", "-1", "{\"cpu\":{\"realtimeRuntime\":-1}}"),
        "flags: the cpu ones");
  T_OK (flag_gives ("cpuset-cpus", "0-1,3", "{\"cpu\":{\"cpus\":\"0-1,3\"}}")
            && flag_gives ("cpuset-mems", "0", "{\"cpu\":{\"mems\":\"0\"}}"),
        "flags: cpuset lists");
  T_OK (flag_gives ("pids-limit", "10", "{\"pids\":{\"limit\":10}}") && flag_gives ("pids-limit", "-1", "{\"pids\":{\"limit\":-1}}"),
        "flags: --pids-limit");
  T_OK (flag_gives ("blkio-weight", "500", "{\"blockIO\":{\"weight\":500}}"), "flags: --blkio-weight");
  T_OK (flag_refused ("memory", "abc", "not a size") && flag_refused ("memory", "-2", "not a size")
            && flag_refused ("memory", "", "empty"),
        "flags: bad sizes refused by name");
  T_OK (flag_refused ("cpu-period", "-5", "unsigned") && flag_refused ("cpu-quota", "1.5", "not a number")
            && flag_refused ("cpu-share", "99999999999999999999", "unsigned"),
        "flags: bad numbers refused by name");
  T_OK (flag_refused ("pids-limit", "-2", "processes") && flag_refused ("blkio-weight", "5", "10 to 1000")
            && flag_refused ("blkio-weight", "1001", "10 to 1000"),
        "flags: out of range refused by name");
  T_OK (flag_refused ("cpuset-cpus", "a-b", "must be a list") && flag_refused ("cpuset-cpus", "\xb9", "must be a list"),
        "flags: a cpu list checked by the spec's rule (and not UTF-8: refused, found by fuzz-update)");
  T_OK (flag_refused ("l3-cache-schema", "L3:0=f", "Intel RDT") && flag_refused ("mem-bw-schema", "MB:0=50", "Intel RDT"),
        "flags: Intel RDT refused");
  T_OK (flag_refused ("no-such", "1", "not an update flag"), "flags: an unknown one refused");
  {
    json_t *r = json_object ();
    hull_error_t err = NULL;
    hull_update_flag_set (r, "memory", "1m", &err);
    hull_update_flag_set (r, "memory-swap", "2m", &err);
    hull_update_flag_set (r, "memory", "3m", &err);
    T_OK (err == NULL && json_integer_value (json_object_get (json_object_get (r, "memory"), "limit")) == 3145728
              && json_integer_value (json_object_get (json_object_get (r, "memory"), "swap")) == 2097152,
          "flags: several in one object, the last of a flag wins");
    json_decref (r);
  }
  T_OK (strcmp (hull_update_flag_for_field ("memory.limit")->name, "memory") == 0
            && strcmp (hull_update_flag_for_field ("cpu.cpus")->name, "cpuset-cpus") == 0
            && hull_update_flag_for_field ("memory") == NULL && hull_update_flag_for_field ("memory.limitx") == NULL,
        "flags: field -> flag");
}

static json_t *
js (const char *text)
{
  json_error_t jerr;
  json_t *j = json_loads (text, 0, &jerr);
  if (j == NULL)
    printf ("# bad test JSON %s: %s\n", text, jerr.text);
  return j;
}

/* hull_update_prepare of FILE and FLAGS against CURRENT (JSON texts or NULL) equals WANT. */
static bool
prepared (const char *file, const char *flags, const char *current, const char *want)
{
  json_t *f = file ? js (file) : NULL, *g = flags ? js (flags) : NULL, *c = current ? js (current) : json_object ();
  json_t *w = js (want), *out = NULL;
  hull_error_t err = NULL;
  bool ok = hull_update_prepare (f, g, c, &out, &err) == 0 && json_equal (out, w);

  if (!ok)
    {
      char *s = out ? json_dumps (out, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
      printf ("# prepared: got %s\n", s ? s : err->msg);
      free (s);
    }
  hull_error_free (&err);
  json_decref (f);
  json_decref (g);
  json_decref (c);
  json_decref (w);
  json_decref (out);
  return ok;
}

static void
test_prepare (void)
{
  json_t *out = NULL, *file = js ("{\"devices\": [{\"allow\": true, \"access\": \"rwm\"}]}");
  hull_error_t err = NULL;

  T_OK (prepared ("{\"memory\":{\"limit\":104857600,\"swap\":209715200},\"cpu\":{\"quota\":50000,\"period\":100000}}", NULL,
                  NULL, "{\"memory\":{\"limit\":104857600,\"swap\":209715200},\"cpu\":{\"quota\":50000,\"period\":100000}}"),
        "prepare: podman's file as it is");
  T_OK (prepared ("{\"memory\":{\"limit\":0,\"reservation\":0,\"swap\":0},\"cpu\":{\"shares\":0,\"quota\":0,\"cpus\":\"\"},"
                  "\"blockIO\":{\"weight\":0},\"pids\":{\"limit\":0},\"hugepageLimits\":[]}",
                  NULL, NULL, "{}"),
        "prepare: zeros and empty values ask for no change, and go");
  T_OK (prepared ("{\"memory\":{\"limit\":1048576},\"cpu\":{\"quota\":1000}}", "{\"memory\":{\"limit\":2097152}}", NULL,
                  "{\"memory\":{\"limit\":2097152},\"cpu\":{\"quota\":1000}}"),
        "prepare: flags override the file, the rest of it stays");
  T_OK (prepared (NULL, "{\"memory\":{\"limit\":-1}}", NULL, "{\"memory\":{\"limit\":-1,\"swap\":-1}}")
            && prepared (NULL, "{\"memory\":{\"limit\":-1,\"swap\":4096}}", NULL, "{\"memory\":{\"limit\":-1,\"swap\":4096}}"),
        "prepare: no memory limit lifts the memory+swap one, unless swap is given");
  T_OK (prepared (NULL, "{\"memory\":{\"swap\":8192}}", "{\"memory\":{\"limit\":4096,\"swap\":4096}}",
                  "{\"memory\":{\"limit\":4096,\"swap\":8192}}"),
        "prepare: swap alone takes the limit in force");
  T_OK (prepared (NULL, "{\"cpu\":{\"quota\":20000}}", "{\"cpu\":{\"quota\":10000,\"period\":50000}}",
                  "{\"cpu\":{\"quota\":20000,\"period\":50000}}")
            && prepared (NULL, "{\"cpu\":{\"period\":20000}}", "{\"cpu\":{\"quota\":10000,\"period\":50000}}",
                         "{\"cpu\":{\"quota\":10000,\"period\":20000}}")
            && prepared (NULL, "{\"cpu\":{\"period\":20000}}", "{\"cpu\":{\"shares\":2}}", "{\"cpu\":{\"period\":20000}}"),
        "prepare: quota alone takes the period in force, and period the quota");
  T_OK (hull_update_prepare (file, NULL, NULL, &out, &err) < 0 && out == NULL
            && strstr (err->msg, "linux.resources.devices: device rules cannot be changed") == err->msg,
        "prepare: device rules refused, naming the field (%s)", err ? err->msg : "accepted");
  hull_error_free (&err);
  json_decref (file);
  T_OK (prepared ("{\"devices\":[],\"pids\":{\"limit\":5}}", NULL, NULL, "{\"pids\":{\"limit\":5}}"),
        "prepare: an empty device list is no rule");
}

static bool
merged (const char *dst, const char *src, const char *want)
{
  json_t *d = js (dst), *s = js (src), *w = js (want);
  bool ok;

  hull_update_merge (d, s);
  ok = json_equal (d, w);
  if (!ok)
    {
      char *t = json_dumps (d, JSON_COMPACT | JSON_SORT_KEYS);
      printf ("# merged: got %s\n", t);
      free (t);
    }
  json_decref (d);
  json_decref (s);
  json_decref (w);
  return ok;
}

static void
test_merge (void)
{
  T_OK (merged ("{\"memory\":{\"limit\":1,\"swap\":2},\"pids\":{\"limit\":3}}", "{\"memory\":{\"limit\":5}}",
                "{\"memory\":{\"limit\":5,\"swap\":2},\"pids\":{\"limit\":3}}"),
        "merge: objects member by member");
  T_OK (merged ("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1},{\"pageSize\":\"1GB\",\"limit\":2}]}",
                "{\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":0},{\"pageSize\":\"64KB\",\"limit\":4}]}",
                "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1},{\"pageSize\":\"1GB\",\"limit\":0},"
                "{\"pageSize\":\"64KB\",\"limit\":4}]}"),
        "merge: hugepage limits by page size");
  T_OK (merged ("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1},{\"major\":8,\"minor\":16,\"rate\":2}]}}",
                "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":16,\"rate\":9}]}}",
                "{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1},{\"major\":8,\"minor\":16,\"rate\":9}]}}"),
        "merge: device lists by major:minor");
  T_OK (merged ("{\"unified\":{\"memory.high\":\"1\",\"pids.max\":\"2\"}}", "{\"unified\":{\"pids.max\":\"3\"}}",
                "{\"unified\":{\"memory.high\":\"1\",\"pids.max\":\"3\"}}"),
        "merge: unified file by file");
}

static bool
parse_fails (const char *text, const char *want)
{
  json_t *out = NULL;
  hull_error_t err = NULL;
  bool ok = hull_spec_parse_resources (text, strlen (text), &out, &err) < 0 && out == NULL && strstr (err->msg, want) == err->msg;
  if (!ok)
    printf ("# %s: got %s\n", text, err ? err->msg : "accepted");
  hull_error_free (&err);
  json_decref (out);
  return ok;
}

static void
test_parse (void)
{
  const char *good = "{\"memory\":{\"limit\":104857600,\"swap\":209715200,\"checkBeforeUpdate\":true},"
                     "\"cpu\":{\"quota\":50000,\"period\":18446744073709551615,\"cpus\":\"0\"},"
                     "\"blockIO\":{\"weight\":10,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1}]},"
                     "\"unified\":{\"memory.high\":\"max\"},\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3}}}";
  json_t *out = NULL;
  hull_error_t err = NULL;

  T_OK (hull_spec_parse_resources (good, strlen (good), &out, &err) == 0 && json_is_object (out)
            && json_integer_value (json_object_get (json_object_get (out, "cpu"), "period")) == -1,
        "parse: every kind of field, a big uint64 kept as its bits (%s)", err ? err->msg : "ok");
  hull_error_free (&err);
  json_decref (out);
  T_OK (parse_fails ("{\"memory\":{\"limitx\":1}}", "memory.limitx: unknown field")
            && parse_fails ("{\"memry\":{}}", "memry: unknown field")
            && parse_fails ("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1,\"x\":1}]}}",
                            "blockIO.throttleReadBpsDevice[0].x: unknown field")
            && parse_fails ("{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3,\"y\":1}}}", "rdma.mlx5_0.y: unknown field"),
        "parse: unknown fields refused by path");
  T_OK (parse_fails ("{\"memory\":{\"limit\":\"1\"}}", "memory.limit: expected a 64-bit integer, got string")
            && parse_fails ("{\"pids\":{}}", "pids.limit: required field is missing")
            && parse_fails ("{\"cpu\":{\"cpus\":\"x\"}}", "cpu.cpus: must be a list"),
        "parse: the spec's rules, named relative to linux.resources");
  T_OK (parse_fails ("[]", "expected an object, got array") && parse_fails ("{", "invalid JSON at line 1")
            && parse_fails ("", "invalid JSON") && parse_fails ("{\"pids\":{\"limit\":1},\"pids\":{\"limit\":2}}", "invalid JSON"),
        "parse: not an object, not JSON, duplicate keys");
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

static void
test_plan (void)
{
  json_t *flags = js ("{\"cpu\":{\"quota\":20000},\"memory\":{\"swap\":134217728}}");
  json_t *current = js ("{\"cpu\":{\"quota\":10000,\"period\":50000},\"memory\":{\"limit\":67108864}}");
  struct hull_linux lx = { 0 };
  struct hull_res_plan p;
  hull_error_t err = NULL;

  T_OK (hull_update_prepare (NULL, flags, current, &lx.resources, &err) == 0, "plan: prepared");
  T_OK (hull_res_plan (&lx, ~0u, ~0u, &p, &err) == 0 && planned (&p, "cpu.max") && strcmp (planned (&p, "cpu.max"), "20000 50000") == 0
            && strcmp (planned (&p, "memory.swap.max"), "67108864") == 0,
        "plan: v2 gets the quota with the period in force, swap with the limit in force");
  hull_res_plan_free (&p);
  T_OK (hull_res_plan (&lx, ~0u, 0, &p, &err) == 0 && strcmp (planned (&p, "cpu.cfs_quota_us"), "20000") == 0
            && strcmp (planned (&p, "memory.memsw.limit_in_bytes"), "134217728") == 0,
        "plan: v1 the same settings in its own files");
  hull_res_plan_free (&p);
  hull_error_free (&err);
  json_decref (lx.resources);
  json_decref (flags);
  json_decref (current);
}

int
main (void)
{
  test_sizes ();
  test_flags ();
  test_prepare ();
  test_merge ();
  test_parse ();
  test_plan ();
  return hull_test_done ();
}
