/* caps.c: capability sets by name (libcap's name table), applied with prctl and capset. */
#define _GNU_SOURCE
#include "caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"

static int
last_cap (void)
{
  char *text = NULL;
  hull_error_t err = NULL;
  int v = CAP_LAST_CAP;
  if (hull_read_file_at (-100 /* AT_FDCWD */, "/proc/sys/kernel/cap_last_cap", &text, NULL, &err) == 0)
    v = atoi (text);
  hull_error_free (&err);
  free (text);
  return v;
}

static int
set_mask (char **names, const char *set, int last, uint64_t *mask, hull_error_t *err)
{
  *mask = 0;
  for (size_t i = 0; names && names[i]; i++)
    {
      cap_value_t v;
      if (cap_from_name (names[i], &v) < 0)
        return hull_error (err, 0, "process.capabilities.%s[%zu]: unknown capability `%s`", set, i, names[i]);
      if (v > last)
        continue; /* the running kernel does not know it */
      *mask |= 1ULL << v;
    }
  return 0;
}

int
hull_caps_parse (const struct hull_capabilities *c, struct hull_caps *out, hull_error_t *err)
{
  int last;
  memset (out, 0, sizeof *out);
  if (c == NULL)
    return 0;
  out->last_cap = last = last_cap ();
  out->present = true;
  if (set_mask (c->bounding, "bounding", last, &out->bounding, err) < 0
      || set_mask (c->effective, "effective", last, &out->effective, err) < 0
      || set_mask (c->inheritable, "inheritable", last, &out->inheritable, err) < 0
      || set_mask (c->permitted, "permitted", last, &out->permitted, err) < 0
      || set_mask (c->ambient, "ambient", last, &out->ambient, err) < 0)
    return -1;
  /* The kernel lets an ambient capability be raised only when it is permitted and
     inheritable; configs like runc's default list ambient ones with an empty inheritable
     set, which runc drops quietly. So do we. */
  out->ambient &= out->permitted & out->inheritable;
  return 0;
}

int
hull_caps_before_user (const struct hull_caps *c, hull_error_t *err)
{
  if (!c->present)
    return 0;
  for (int cap = 0; cap <= c->last_cap; cap++)
    if (!(c->bounding & (1ULL << cap)) && prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return hull_error_sys (err, "process.capabilities.bounding: drop capability %d", cap);
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return hull_error_sys (err, "keep capabilities across the uid switch");
  return 0;
}

int
hull_caps_after_user (const struct hull_caps *c, hull_error_t *err)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];

  if (!c->present)
    return 0;
  for (int i = 0; i < 2; i++)
    {
      data[i].effective = (uint32_t) (c->effective >> (32 * i));
      data[i].permitted = (uint32_t) (c->permitted >> (32 * i));
      data[i].inheritable = (uint32_t) (c->inheritable >> (32 * i));
    }
  if (syscall (SYS_capset, &hdr, data) < 0)
    return hull_error_sys (err, "process.capabilities: set effective/permitted/inheritable");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return hull_error_sys (err, "process.capabilities.ambient: clear");
  for (int cap = 0; cap < 64; cap++)
    if ((c->ambient & (1ULL << cap)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return hull_error_sys (err, "process.capabilities.ambient: raise capability %d", cap);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return hull_error_sys (err, "reset keep-capabilities");
  return 0;
}
