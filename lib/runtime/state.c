/* state.c: state directories, state.json, status from /proc, and the OCI state JSON. */
#define _GNU_SOURCE
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"



static const char *status_names[] = { "creating", "created", "running", "stopped", "paused" };

const char *
hull_status_name (enum hull_status s)
{
  return status_names[s];
}

int
hull_state_check_id (const char *id, hull_error_t *err)
{
  if (id == NULL || *id == '\0')
    return hull_error (err, 0, "container ID must not be empty");
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0 || strlen (id) > 1024)
    return hull_error (err, 0, "invalid container ID `%s`", id);
  for (const char *p = id; *p; p++)
    {
      char c = *p;
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
            || c == '-' || c == '+' || c == '.'))
        return hull_error (err, 0, "invalid container ID `%s`: only letters, digits and _+-. are allowed", id);
    }
  return 0;
}

int
hull_state_root_open (const char *root, int *fd, hull_error_t *err)
{
  /* each level 0700 when we create it */
  if (hull_mkdir_p (root, 0700, "state directory", err) < 0)
    return -1;
  *fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return hull_error_sys (err, "open state directory `%s`", root);
  return 0;
}

static int
lock_dir (int dfd, const char *id, hull_error_t *err)
{
  while (flock (dfd, LOCK_EX) < 0)
    if (errno != EINTR)
      return hull_error_sys (err, "lock state of container `%s`", id);
  return 0;
}

int
hull_state_dir_create (int root_fd, const char *id, int *dir_fd, hull_error_t *err)
{
  cleanup_close int dfd = -1;
  /* A removed container's directory when there is one (state-spare.c), else a new one. */
  if (hull_state_spare_take (root_fd, id) < 0 && (errno == EEXIST || mkdirat (root_fd, id, 0700) < 0))
    {
      if (errno == EEXIST)
        return hull_error (err, 0, "container `%s` already exists", id);
      return hull_error_sys (err, "create state directory for `%s`", id);
    }
  dfd = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return hull_error_sys (err, "open state directory for `%s`", id);
  if (lock_dir (dfd, id, err) < 0)
    return -1;
  *dir_fd = hull_steal_fd (dfd);
  return 0;
}

/* "does not exist", with ENOENT as the error's errno (not in its text) for callers to whom a
   container already gone is no failure. */
static int
missing (const char *id, hull_error_t *err)
{
  bool fresh = *err == NULL;
  hull_error (err, 0, "container `%s` does not exist", id);
  if (fresh)
    (*err)->errno_ = ENOENT;
  return -1;
}

int
hull_state_dir_open (int root_fd, const char *id, bool lock, int *dir_fd, hull_error_t *err)
{
  cleanup_close int dfd = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (dfd < 0)
    {
      if (errno == ENOENT)
        return missing (id, err);
      return hull_error_sys (err, "open state of container `%s`", id);
    }
  if (lock)
    {
      if (lock_dir (dfd, id, err) < 0)
        return -1;
      /* A delete may have removed the directory while we waited for the lock. */
      if (fstat (dfd, &st) < 0)
        return hull_error_sys (err, "stat state of container `%s`", id);
      if (st.st_nlink == 0)
        return missing (id, err);
    }
  *dir_fd = hull_steal_fd (dfd);
  return 0;
}

int
hull_state_dir_remove (int root_fd, const char *id, hull_error_t *err)
{
  if (hull_state_spare_keep (root_fd, id))
    return 0;
  return hull_rm_rf_at (root_fd, id, err);
}

static json_t *
state_to_json (const struct hull_state *st)
{
  json_t *o = json_pack ("{s:s, s:i, s:I, s:s, s:s, s:s, s:i}", "id", st->id, "pid", (int) st->pid, "start_time",
                         (json_int_t) st->start_time, "bundle", st->bundle, "rootfs", st->rootfs, "created",
                         st->created, "owner", (int) st->owner);
  if (o == NULL)
    return NULL;
  if (st->cgroup_path)
    json_object_set_new (o, "cgroup_path", json_string (st->cgroup_path));
  json_object_set_new (o, "annotations", st->annotations ? json_incref (st->annotations) : json_object ());
  if (st->hooks)
    json_object_set (o, "hooks", st->hooks);
  return o;
}

int
hull_state_stage (int dir_fd, const struct hull_state *st, char **staged, hull_error_t *err)
{
  json_t *o = state_to_json (st);
  cleanup_free char *text = NULL;

  if (o == NULL)
    return hull_error (err, 0, "build state of container `%s`", st->id);
  text = json_dumps (o, JSON_COMPACT);
  json_decref (o);
  if (text == NULL)
    return hull_error (err, 0, "serialize state of container `%s`", st->id);
  return hull_state_file_stage (dir_fd, HULL_STATE_FILE, text, strlen (text), staged, err);
}

int
hull_state_commit (int dir_fd, const char *staged, hull_error_t *err)
{
  return hull_state_file_commit (dir_fd, staged, HULL_STATE_FILE, err);
}

int
hull_state_write (int dir_fd, const struct hull_state *st, hull_error_t *err)
{
  cleanup_free char *staged = NULL;

  if (hull_state_stage (dir_fd, st, &staged, err) < 0)
    return -1;
  return hull_state_commit (dir_fd, staged, err);
}

static char *
json_strdup (json_t *o, const char *key)
{
  const char *s = json_string_value (json_object_get (o, key));
  return s ? xstrdup (s) : NULL;
}

int
hull_state_read (int dir_fd, struct hull_state **out, hull_error_t *err)
{
  cleanup_free char *text = NULL;
  json_error_t jerr;
  json_t *o;
  struct hull_state *st;

  *out = NULL;
  if (hull_read_file_at (dir_fd, HULL_STATE_FILE, &text, NULL, err) < 0)
    {
      if ((*err)->errno_ == ENOENT)
        {
          hull_error_free (err);
          return 0;
        }
      return -1;
    }
  o = json_loads (text, 0, &jerr);
  if (o == NULL || !json_is_object (o))
    {
      json_decref (o);
      return hull_error (err, 0, "corrupt state file: %s", jerr.text);
    }
  st = xmalloc0 (sizeof *st);
  st->id = json_strdup (o, "id");
  st->pid = json_integer_value (json_object_get (o, "pid"));
  st->start_time = json_integer_value (json_object_get (o, "start_time"));
  st->bundle = json_strdup (o, "bundle");
  st->rootfs = json_strdup (o, "rootfs");
  st->created = json_strdup (o, "created");
  st->cgroup_path = json_strdup (o, "cgroup_path");
  st->owner = json_integer_value (json_object_get (o, "owner"));
  st->annotations = json_incref (json_object_get (o, "annotations"));
  st->hooks = json_incref (json_object_get (o, "hooks"));
  json_decref (o);
  if (st->id == NULL || st->bundle == NULL)
    {
      hull_state_free (st);
      return hull_error (err, 0, "corrupt state file: missing id or bundle");
    }
  *out = st;
  return 0;
}

void
hull_state_free (struct hull_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->cgroup_path);
  json_decref (st->annotations);
  json_decref (st->hooks);
  free (st);
}

void
hull_state_freep (struct hull_state **st)
{
  hull_state_free (*st);
}

int
hull_proc_start_time (pid_t pid, unsigned long long *start_time, bool *zombie)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;
  int field;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* The command name (field 2) may hold spaces and parentheses: skip to the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] == '\0')
    return -1;
  p += 2; /* now at field 3, the state letter */
  if (zombie)
    *zombie = (*p == 'Z' || *p == 'X');
  for (field = 3; field < 22 && p; field++)
    {
      p = strchr (p, ' ');
      if (p)
        p++;
    }
  if (p == NULL)
    return -1;
  *start_time = strtoull (p, NULL, 10);
  return 0;
}

enum hull_status
hull_state_status (int dir_fd, const struct hull_state *st)
{
  unsigned long long start;
  bool zombie = false;

  if (st == NULL)
    return HULL_STATUS_CREATING;
  if (st->pid <= 0 || hull_proc_start_time (st->pid, &start, &zombie) < 0 || zombie
      || start != st->start_time)
    return HULL_STATUS_STOPPED;
  if (faccessat (dir_fd, HULL_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return HULL_STATUS_CREATED;
  if (faccessat (dir_fd, HULL_PAUSED_MARK, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return HULL_STATUS_PAUSED;
  return HULL_STATUS_RUNNING;
}

json_t *
hull_state_oci_json (const struct hull_state *st, enum hull_status status)
{
  json_t *o = json_pack ("{s:s, s:s, s:s, s:i, s:s}", "ociVersion", HULL_OCI_VERSION, "id", st->id, "status",
                         hull_status_name (status), "pid", status == HULL_STATUS_STOPPED ? 0 : (int) st->pid,
                         "bundle", st->bundle);
  if (o == NULL)
    return NULL;
  if (st->rootfs)
    json_object_set_new (o, "rootfs", json_string (st->rootfs));
  if (st->created)
    json_object_set_new (o, "created", json_string (st->created));
  json_object_set_new (o, "owner", json_string (""));
  json_object_set_new (o, "annotations", st->annotations ? json_incref (st->annotations) : json_object ());
  return o;
}

json_t *
hull_state_hook_object (const char *id, const char *bundle, pid_t pid, enum hull_status status, json_t *annotations)
{
  json_t *o = json_pack ("{s:s, s:s, s:s, s:i, s:s}", "ociVersion", HULL_OCI_VERSION, "id", id, "status",
                         hull_status_name (status), "pid", (int) pid, "bundle", bundle);
  if (o != NULL)
    json_object_set_new (o, "annotations", annotations ? json_incref (annotations) : json_object ());
  return o;
}

char *
hull_state_hook_json (const char *id, const char *bundle, pid_t pid, enum hull_status status, json_t *annotations)
{
  json_t *o = hull_state_hook_object (id, bundle, pid, status, annotations);
  char *text;
  if (o == NULL)
    return NULL;
  text = json_dumps (o, JSON_COMPACT);
  json_decref (o);
  return text;
}
