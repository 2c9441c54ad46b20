/* run-user.c: who the container's process is and which ids its user namespace maps.
   - process.user from -u USER[:GROUP], else the image's User, else root; names resolved in
     the rootfs's own /etc/passwd and /etc/group (read as text: the image's files, never the
     host's NSS), numbers taken as they are; the user's supplementary groups from /etc/group;
     HOME from its passwd line.
   - linux.uidMappings/gidMappings: none for root (--userns host, the default); rootless,
     container root is the engine's user and ids 1.. its subordinate ranges from /etc/subuid
     and /etc/subgid (podman's layout), or with keep-id the user's own id is itself inside. */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "run-internal.h"

#define MAX_ID 0xfffffffeu  /* (uid_t) -1 is "no id" */
#define MAX_MAP_LINES 300   /* the kernel takes 340 lines a map */

/* The next line of a colon-separated file split into at most 7 fields; false at the end. */
static bool
next_fields (FILE *f, char **line, size_t *cap, char *fields[7], unsigned *n)
{
  if (f == NULL || getline (line, cap, f) < 0)
    return false;
  (*line)[strcspn (*line, "\n")] = '\0';
  *n = 0;
  for (char *p = *line, *tok = strsep (&p, ":"); tok && *n < 7; tok = strsep (&p, ":"))
    fields[(*n)++] = tok;
  return true;
}

static int
parse_id (const char *s, uint32_t *out)
{
  unsigned long long n;
  if (hull_parse_u64 (s, &n) < 0 || n > MAX_ID)
    return -1;
  *out = (uint32_t) n;
  return 0;
}

struct pw_entry
{
  char *name, *home;
  uint32_t uid, gid;
  bool found;
};

static void
pw_entry_clear (struct pw_entry *e)
{
  free (e->name);
  free (e->home);
  memset (e, 0, sizeof *e);
}

/* PATH's line for NAME (or, NAME NULL, for UID). */
static void
passwd_find (const char *path, const char *name, uint32_t uid, struct pw_entry *out)
{
  cleanup_fclose FILE *f = path ? fopen (path, "re") : NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  char *fl[7];
  unsigned n;

  memset (out, 0, sizeof *out);
  while (next_fields (f, &line, &cap, fl, &n))
    {
      uint32_t u, g;
      if (n < 4 || parse_id (fl[2], &u) < 0 || parse_id (fl[3], &g) < 0)
        continue;
      if (name ? strcmp (fl[0], name) != 0 : u != uid)
        continue;
      out->name = xstrdup (fl[0]);
      out->home = n > 5 && *fl[5] ? xstrdup (fl[5]) : NULL;
      out->uid = u;
      out->gid = g;
      out->found = true;
      return;
    }
}

static bool
group_find (const char *path, const char *name, uint32_t *gid)
{
  cleanup_fclose FILE *f = path ? fopen (path, "re") : NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  char *fl[7];
  unsigned n;

  while (next_fields (f, &line, &cap, fl, &n))
    if (n >= 3 && strcmp (fl[0], name) == 0 && parse_id (fl[2], gid) == 0)
      return true;
  return false;
}

/* The groups of PATH that list USER as a member, but PRIMARY, as a JSON array (or NULL). */
static json_t *
member_gids (const char *path, const char *user, uint32_t primary)
{
  cleanup_fclose FILE *f = path ? fopen (path, "re") : NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  char *fl[7];
  unsigned n;
  json_t *a = NULL;

  while (next_fields (f, &line, &cap, fl, &n))
    {
      uint32_t g;
      char *p;
      if (n < 4 || parse_id (fl[2], &g) < 0 || g == primary)
        continue;
      p = fl[3];
      for (char *m = strsep (&p, ","); m; m = strsep (&p, ","))
        if (strcmp (m, user) == 0)
          {
            if (a == NULL)
              a = json_array ();
            json_array_append_new (a, json_integer (g));
            break;
          }
    }
  return a;
}

/* USER[:GROUP] (WHAT names where it came from) into *UID, *GID, with the passwd line in PW. */
static int
resolve (struct run_ctx *c, const char *spec, const char *what, uint32_t *uid, uint32_t *gid, struct pw_entry *pw,
         hull_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  char *group = strchr (copy, ':');

  if (group)
    *group++ = '\0';
  if (parse_id (copy, uid) == 0)
    passwd_find (c->host->passwd, NULL, *uid, pw);
  else
    {
      passwd_find (c->host->passwd, copy, 0, pw);
      if (!pw->found)
        return hull_error (err, 0, "%s: user `%s` is not in the image's /etc/passwd", what, copy);
      *uid = pw->uid;
    }
  *gid = pw->found ? pw->gid : 0;
  if (group == NULL || *group == '\0')
    return 0;
  if (parse_id (group, gid) < 0 && !group_find (c->host->group, group, gid))
    return hull_error (err, 0, "%s: group `%s` is not in the image's /etc/group", what, group);
  return 0;
}

/* The user the process runs as when nothing names one: the image's User, or keep-id's. */
static int
default_user (struct run_ctx *c, const char **spec, const char **what, hull_error_t *err)
{
  json_t *u = c->image ? json_object_get (c->image, "User") : NULL;

  *spec = NULL;
  *what = "the image's User";
  if (u != NULL && !json_is_null (u))
    {
      if (!json_is_string (u) || strlen (json_string_value (u)) != json_string_length (u))
        return hull_error (err, 0, "the image's config: User: expected a string");
      if (*json_string_value (u) != '\0')
        *spec = json_string_value (u);
    }
  return 0;
}

int
run_user_apply (struct run_ctx *c, json_t *process, hull_error_t *err)
{
  const char *spec = c->s->user, *what = "-u";
  struct pw_entry pw = { 0 };
  uint32_t uid = 0, gid = 0;
  json_t *user = json_object (), *groups;
  cleanup_free char *keep = NULL;

  json_object_set_new (process, "user", user);
  if (spec == NULL && default_user (c, &spec, &what, err) < 0)
    return -1;
  /* keep-id: the user is who they are outside, unless -u says otherwise */
  if (c->s->user == NULL && c->s->userns == HULL_USERNS_KEEP_ID && c->host->rootless)
    spec = keep = xasprintf ("%u:%u", (unsigned) c->host->uid, (unsigned) c->host->gid);
  if (spec != NULL && resolve (c, spec, what, &uid, &gid, &pw, err) < 0)
    {
      pw_entry_clear (&pw);
      return -1;
    }
  if (spec == NULL)
    passwd_find (c->host->passwd, NULL, 0, &pw);
  json_object_set_new (user, "uid", json_integer (uid));
  json_object_set_new (user, "gid", json_integer (gid));
  groups = pw.found ? member_gids (c->host->group, pw.name, gid) : NULL;
  if (groups)
    json_object_set_new (user, "additionalGids", groups);
  c->uid = uid;
  free (c->home);
  c->home = xstrdup (pw.found && pw.home ? pw.home : "/");
  pw_entry_clear (&pw);
  return 0;
}

struct id_range
{
  uint32_t start, count;
};

/* The ranges /etc/subuid (PATH) gives the user NAME (or its uid UID, as the file may say). */
static size_t
sub_ranges (const char *path, const char *name, uid_t uid, struct id_range *out, size_t max)
{
  cleanup_fclose FILE *f = path ? fopen (path, "re") : NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0, n_out = 0;
  char *fl[7];
  unsigned n;
  char uid_text[16];

  snprintf (uid_text, sizeof uid_text, "%u", (unsigned) uid);
  while (n_out < max && next_fields (f, &line, &cap, fl, &n))
    {
      struct id_range r;
      if (n != 3 || (strcmp (fl[0], uid_text) != 0 && (name == NULL || strcmp (fl[0], name) != 0)))
        continue;
      if (parse_id (fl[1], &r.start) < 0 || parse_id (fl[2], &r.count) < 0 || r.count == 0
          || r.count > MAX_ID - r.start)
        continue;
      out[n_out++] = r;
    }
  return n_out;
}

static void
push_map (json_t *a, uint32_t container, uint32_t host, uint32_t size)
{
  json_array_append_new (a, json_pack ("{s:I, s:I, s:I}", "containerID", (json_int_t) container, "hostID",
                                       (json_int_t) host, "size", (json_int_t) size));
}

/* OWN (the engine's id) and the subordinate RANGES as a mapping: OWN is container id 0, or
   with KEEP_ID container id OWN; the subordinate ids fill the other container ids in order. */
static json_t *
build_map (uint32_t own, const struct id_range *ranges, size_t n, bool keep_id)
{
  json_t *a = json_array ();
  uint32_t next = keep_id ? 0 : 1, self = keep_id ? own : 0;

  push_map (a, self, own, 1);
  for (size_t i = 0; i < n; i++)
    {
      uint32_t host = ranges[i].start, left = ranges[i].count;
      while (left > 0 && next <= MAX_ID && json_array_size (a) < MAX_MAP_LINES)
        {
          uint32_t size = left;
          if (next == self)
            next++;
          if (next < self && size > self - next)
            size = self - next;       /* up to the container id kept for the user */
          if (size > MAX_ID - next + 1)
            size = MAX_ID - next + 1; /* the last container id */
          if (size == 0)
            break;
          push_map (a, next, host, size);
          next += size;
          host += size;
          left -= size;
        }
    }
  return a;
}

static char *
engine_user_name (const struct hull_run_host *h)
{
  struct passwd pwd, *res = NULL;
  char buf[4096];
  if (h->user_name)
    return xstrdup (h->user_name);
  if (getpwuid_r (h->uid, &pwd, buf, sizeof buf, &res) != 0 || res == NULL)
    return NULL;
  return xstrdup (res->pw_name);
}

/* One of linux.uidMappings/gidMappings for a rootless engine. */
static json_t *
rootless_map (struct run_ctx *c, const char *file, const char *name, uint32_t own, const char *what)
{
  struct id_range ranges[MAX_MAP_LINES];
  size_t n = sub_ranges (file, name, c->host->uid, ranges, MAX_MAP_LINES);

  if (n == 0)
    run_warn (c, "%s has no %s range for `%s`: only its own id is mapped (as root) in the container", file, what,
              name ? name : "?");
  return build_map (own, ranges, n, c->s->userns == HULL_USERNS_KEEP_ID);
}

int
run_userns_apply (struct run_ctx *c, hull_error_t *err)
{
  json_t *lx = json_object_get (c->doc, "linux");
  cleanup_free char *name = NULL;

  if (c->s->userns == HULL_USERNS_AUTO)
    return hull_error (err, 0, "--userns auto: not supported yet (the engine does not track the subordinate ranges "
                               "containers use); use --userns host, or run hull as a user with /etc/subuid ranges");
  if (!c->host->rootless)
    {
      if (c->s->userns == HULL_USERNS_KEEP_ID)
        return hull_error (err, 0, "--userns keep-id: only for rootless containers (hull run by a user)");
      c->userns = false;
      return 0;
    }
  /* rootless: the default config already has the user namespace; --userns host means the
     namespace hull runs in as that user, the same ranges */
  name = engine_user_name (c->host);
  json_object_set_new (lx, "uidMappings",
                       rootless_map (c, c->host->subuid_file ? c->host->subuid_file : "/etc/subuid", name,
                                     c->host->uid, "subordinate uid"));
  json_object_set_new (lx, "gidMappings",
                       rootless_map (c, c->host->subgid_file ? c->host->subgid_file : "/etc/subgid", name,
                                     c->host->gid, "subordinate gid"));
  c->userns = true;
  return 0;
}
