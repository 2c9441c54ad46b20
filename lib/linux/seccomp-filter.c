/* seccomp-filter.c: linux.seccomp compiled with libseccomp and exported as a BPF program, installed
   later with seccomp(2). Installing the program ourselves, rather than with seccomp_load, keeps
   the flags the config's (libseccomp would also set no_new_privs behind its back). */
#define _GNU_SOURCE
#include "seccomp-filter.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"
#include "../spec/spec.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct
{
  const char *name;
  unsigned int flag;
} flag_table[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const struct
{
  const char *name;
  enum scmp_compare op;
} op_table[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

#define N_OF(a) (sizeof (a) / sizeof ((a)[0]))

/* SCMP_ARCH_X86_64 -> libseccomp's token for "x86_64", 0 when this libseccomp lacks it. */
static uint32_t
arch_token (const char *name)
{
  char lower[32];
  const char *p = name + strlen ("SCMP_ARCH_");
  size_t i;

  if (strncmp (name, "SCMP_ARCH_", 10) != 0 || strlen (p) >= sizeof lower)
    return 0;
  for (i = 0; p[i]; i++)
    lower[i] = (char) tolower ((unsigned char) p[i]);
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower);
}

/* NAME and its errno (ERRNO_RET, EPERM when NULL) as a libseccomp action. PATH.ERRNO_FIELD
   names the errno in messages. */
static int
action_of (const char *name, json_t *errno_ret, const char *path, const char *errno_field, uint32_t *out,
           hull_error_t *err)
{
  json_int_t e = errno_ret ? json_integer_value (errno_ret) : EPERM;

  if (e < 0 || e > 0xffff)
    return hull_error (err, 0, "%s.%s: %lld does not fit in 16 bits", path, errno_field, (long long) e);
  if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO ((uint16_t) e);
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE ((uint16_t) e);
  else if (errno_ret != NULL)
    return hull_error (err, 0, "%s.%s: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", path, errno_field);
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *out = SCMP_ACT_NOTIFY;
  else
    return hull_error (err, 0, "%s: unknown action `%s`", path, name);
  return 0;
}

static int
op_of (const char *name, enum scmp_compare *out)
{
  for (size_t i = 0; i < N_OF (op_table); i++)
    if (strcmp (op_table[i].name, name) == 0)
      {
        *out = op_table[i].op;
        return 0;
      }
  return -1;
}

static int
add_arches (scmp_filter_ctx ctx, json_t *arches, hull_error_t *err)
{
  size_t i;
  json_t *a;

  json_array_foreach (arches, i, a)
    {
      uint32_t token = arch_token (json_string_value (a));
      int r;
      if (token == 0)
        return hull_error (err, 0, "linux.seccomp.architectures[%zu]: `%s` is not known to libseccomp %u.%u", i,
                           json_string_value (a), seccomp_version ()->major, seccomp_version ()->minor);
      r = seccomp_arch_add (ctx, token);
      if (r == -EDOM)
        return hull_error (err, 0, "linux.seccomp.architectures[%zu]: `%s` cannot share a filter with this machine's "
                           "architecture (libseccomp: different byte order)", i, json_string_value (a));
      if (r < 0 && r != -EEXIST)
        return hull_error (err, -r, "linux.seccomp.architectures[%zu]: `%s`", i, json_string_value (a));
    }
  return 0;
}

/* The conditions of ARGS into CMP (at most 6, as validated); *same_index when two name the same
   argument, which libseccomp cannot AND: those become one rule each, as runc does. */
static int
build_conditions (json_t *args, const char *path, struct scmp_arg_cmp *cmp, unsigned *n, bool *same_index,
                  hull_error_t *err)
{
  unsigned seen = 0;
  size_t i;
  json_t *a;

  *n = 0;
  *same_index = false;
  json_array_foreach (args, i, a)
    {
      unsigned idx = (unsigned) json_integer_value (json_object_get (a, "index"));
      json_t *two = json_object_get (a, "valueTwo");
      enum scmp_compare op;

      if (i >= 6 || idx >= 6 || op_of (json_string_value (json_object_get (a, "op")), &op) < 0)
        return hull_error (err, 0, "%s.args[%zu]: invalid condition", path, i);
      *same_index |= (seen & (1u << idx)) != 0;
      seen |= 1u << idx;
      cmp[i] = (struct scmp_arg_cmp){
        .arg = idx,
        .op = op,
        .datum_a = (scmp_datum_t) json_integer_value (json_object_get (a, "value")),
        .datum_b = two ? (scmp_datum_t) json_integer_value (two) : 0,
      };
      (*n)++;
    }
  return 0;
}

/* One syscalls[] entry. Names this libseccomp does not know are skipped; so is an entry whose
   action is the default one (libseccomp refuses such rules: they would change nothing). */
static int
add_entry (scmp_filter_ctx ctx, json_t *entry, size_t idx, uint32_t default_action, bool *notify,
           hull_error_t *err)
{
  cleanup_free char *path = xasprintf ("linux.seccomp.syscalls[%zu]", idx);
  struct scmp_arg_cmp cmp[6];
  uint32_t action;
  unsigned n;
  bool split;
  size_t i;
  json_t *name;

  if (action_of (json_string_value (json_object_get (entry, "action")), json_object_get (entry, "errnoRet"), path,
                 "errnoRet", &action, err)
          < 0
      || build_conditions (json_object_get (entry, "args"), path, cmp, &n, &split, err) < 0)
    return -1;
  if (action == default_action)
    return 0;
  json_array_foreach (json_object_get (entry, "names"), i, name)
    {
      int nr = seccomp_syscall_resolve_name (json_string_value (name));
      int r = 0;

      if (nr == __NR_SCMP_ERROR)
        continue;
      if (!split)
        r = seccomp_rule_add_array (ctx, action, nr, n, cmp);
      for (unsigned k = 0; split && k < n && r == 0; k++)
        r = seccomp_rule_add_array (ctx, action, nr, 1, &cmp[k]);
      if (r < 0)
        return hull_error (err, -r, "%s: rule for `%s`", path, json_string_value (name));
      *notify |= action == SCMP_ACT_NOTIFY;
    }
  return 0;
}

static void
flags_of (json_t *names, unsigned int *flags)
{
  size_t i;
  json_t *v;

  *flags = 0;
  json_array_foreach (names, i, v)
    for (size_t k = 0; k < N_OF (flag_table); k++)
      if (strcmp (flag_table[k].name, json_string_value (v)) == 0)
        *flags |= flag_table[k].flag;
}

/* The compiled program of CTX, read back from a memfd (libseccomp 2.5 exports only to fds). */
static int
export_program (scmp_filter_ctx ctx, struct sock_fprog *prog, hull_error_t *err)
{
  cleanup_close int fd = memfd_create ("hull-seccomp", MFD_CLOEXEC);
  off_t size;
  int r;

  if (fd < 0)
    return hull_error_sys (err, "linux.seccomp: memfd for the filter program");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return hull_error (err, -r, "linux.seccomp: generate the filter program");
  size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % sizeof (struct sock_filter) != 0 || size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return hull_error (err, 0, "linux.seccomp: the filter program is %lld bytes, more than the kernel takes",
                       (long long) size);
  prog->filter = xmalloc0 (size);
  if (pread (fd, prog->filter, size, 0) != size)
    return hull_error_sys (err, "linux.seccomp: read the filter program");
  prog->len = (unsigned short) (size / sizeof (struct sock_filter));
  return 0;
}

static int
compile (scmp_filter_ctx ctx, json_t *config, uint32_t default_action, struct hull_seccomp *s, hull_error_t *err)
{
  size_t i;
  json_t *entry;

  /* raw kernel error codes from libseccomp, not -ECANCELED for everything */
  if (seccomp_attr_set (ctx, SCMP_FLTATR_API_SYSRAWRC, 1) < 0 || seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
    return hull_error (err, 0, "linux.seccomp: configure libseccomp");
  if (add_arches (ctx, json_object_get (config, "architectures"), err) < 0)
    return -1;
  json_array_foreach (json_object_get (config, "syscalls"), i, entry)
    if (add_entry (ctx, entry, i, default_action, &s->notify, err) < 0)
      return -1;
  if (s->notify && json_object_get (config, "listenerPath") == NULL)
    return hull_error (err, 0, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
  flags_of (json_object_get (config, "flags"), &s->flags);
  if (s->notify)
    {
      s->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC with a listener: the kernel insists on being told how to report a failed sync */
      if (s->flags & SECCOMP_FILTER_FLAG_TSYNC)
        s->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  else
    s->flags &= ~(unsigned int) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* refused without a listener */
  return export_program (ctx, &s->prog, err);
}

int
hull_seccomp_compile (json_t *config, struct hull_seccomp **out, hull_error_t *err)
{
  struct hull_seccomp *s = xmalloc0 (sizeof *s);
  uint32_t default_action;
  scmp_filter_ctx ctx;
  int r;

  if (action_of (json_string_value (json_object_get (config, "defaultAction")),
                 json_object_get (config, "defaultErrnoRet"), "linux.seccomp", "defaultErrnoRet", &default_action,
                 err)
      < 0)
    {
      free (s);
      return -1;
    }
  ctx = seccomp_init (default_action);
  if (ctx == NULL)
    {
      free (s);
      return hull_error (err, 0, "linux.seccomp.defaultAction: `%s` refused by libseccomp",
                         json_string_value (json_object_get (config, "defaultAction")));
    }
  r = compile (ctx, config, default_action, s, err);
  seccomp_release (ctx);
  if (r < 0)
    {
      hull_seccomp_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

int
hull_seccomp_install (const struct hull_seccomp *s, int *listener, hull_error_t *err)
{
  int r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &s->prog);

  *listener = -1;
  if (r < 0)
    return hull_error_sys (err, "linux.seccomp: install the filter");
  if (s->notify)
    *listener = r;
  return 0;
}

void
hull_seccomp_free (struct hull_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->prog.filter);
  free (s);
}

/* Whether the running kernel takes FLAG: with a NULL program, EFAULT means it got past the
   flag check (runc probes the same way). */
static bool
flag_supported (unsigned int flag)
{
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

/* Whether NAME can go into a filter on this machine: libseccomp knows it, and takes it beside
   the native architecture (it refuses one of the other byte order). */
static bool
arch_usable (const char *name)
{
  uint32_t token = arch_token (name);
  scmp_filter_ctx ctx;
  int r;

  if (token == 0 || (ctx = seccomp_init (SCMP_ACT_ALLOW)) == NULL)
    return false;
  r = seccomp_arch_add (ctx, token);
  seccomp_release (ctx);
  return r == 0 || r == -EEXIST;
}

json_t *
hull_seccomp_features (void)
{
  json_t *actions = json_array (), *ops = json_array (), *arches = json_array ();
  json_t *known = json_array (), *supported = json_array ();

  for (const char *const *a = hull_spec_seccomp_actions; *a; a++)
    json_array_append_new (actions, json_string (*a));
  for (size_t i = 0; i < N_OF (op_table); i++)
    json_array_append_new (ops, json_string (op_table[i].name));
  for (const char *const *a = hull_spec_seccomp_arches; *a; a++)
    if (arch_usable (*a))
      json_array_append_new (arches, json_string (*a));
  for (size_t i = 0; i < N_OF (flag_table); i++)
    {
      json_array_append_new (known, json_string (flag_table[i].name));
      if (flag_supported (flag_table[i].flag))
        json_array_append_new (supported, json_string (flag_table[i].name));
    }
  return json_pack ("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", 1, "actions", actions, "operators", ops, "archs",
                    arches, "knownFlags", known, "supportedFlags", supported);
}
