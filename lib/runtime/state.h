/* state.h: the runtime's record of each container, one directory per ID under --root.
   state.json is written atomically (temp file + rename) and every change happens under an
   exclusive flock on the container's directory, so parallel commands never see or leave a
   torn record. Liveness is read from /proc with the process start time, so a recycled pid is
   never mistaken for the container. */
#ifndef HULL_STATE_H
#define HULL_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "../core/error.h"

#define HULL_STATE_FILE "state.json"
/* The runtime spec version of the state documents this runtime writes. */
#define HULL_OCI_VERSION "1.2.0"
#define HULL_EXEC_FIFO "exec.fifo"
#define HULL_START_SOCKET "start.sock" /* `start` hears from the init here */
#define HULL_PAUSED_MARK "paused"      /* present while `pause` holds the cgroup frozen */
/* The cgroup path create is about to make, written before it makes it: a create that dies
   before state.json leaves the way to its cgroup for `delete --force`. */
#define HULL_CGROUP_MARK "cgroup.path"
#define HULL_RESOURCES_FILE "resources.json" /* linux.resources in force, once `update` changed them */
/* In the state root: compiled seccomp programs (lib/linux/seccomp-cache.c). */
#define HULL_SECCOMP_CACHE_DIR "@seccomp-cache"

enum hull_status
{
  HULL_STATUS_CREATING,
  HULL_STATUS_CREATED,
  HULL_STATUS_RUNNING,
  HULL_STATUS_STOPPED,
  HULL_STATUS_PAUSED    /* running, its cgroup frozen by `pause` (runc's status of that name) */
};

struct hull_state
{
  char *id;
  pid_t pid;
  unsigned long long start_time; /* field 22 of /proc/PID/stat */
  char *bundle;
  char *rootfs;
  char *created;                 /* RFC 3339 UTC */
  char *cgroup_path;             /* NULL when no cgroup was made */
  uid_t owner;
  json_t *annotations;           /* object, owned */
  json_t *hooks;                 /* the config's hooks object (for poststop), or NULL */
};

const char *hull_status_name (enum hull_status s);

/* Does ID look like a container ID (letters, digits, _ + - . ; not "." or "..")? */
int hull_state_check_id (const char *id, hull_error_t *err);

/* Open (creating with mode 0700 if needed) the --root directory. */
int hull_state_root_open (const char *root, int *fd, hull_error_t *err);
/* Make and lock a fresh directory for ID; fails clearly if the ID exists. */
int hull_state_dir_create (int root_fd, const char *id, int *dir_fd, hull_error_t *err);
/* Open (and with LOCK, lock) ID's directory; fails with "container `ID` does not exist",
   whose errno_ is then ENOENT, when it is not there or was removed while we waited. */
int hull_state_dir_open (int root_fd, const char *id, bool lock, int *dir_fd, hull_error_t *err);
/* Remove ID's directory (the caller holds its lock). */
int hull_state_dir_remove (int root_fd, const char *id, hull_error_t *err);

/* state-spare.c: removed directories kept for the next container. */
/* Rename the spare to ID: 0, or -1 with errno (ENOENT: none; EEXIST: ID exists). */
int hull_state_spare_take (int root_fd, const char *id);
/* Empty ID's directory (its lock held) and keep it as the spare; false if it was not. */
bool hull_state_spare_keep (int root_fd, const char *id);
/* NAME (state.json, cgroup.path) written atomically, into the inode a spare kept for it if any. */
int hull_state_file_write (int dir_fd, const char *name, const char *data, size_t len, hull_error_t *err);
/* The same in two steps: the data under a name nobody reads (*STAGED, allocated), then the
   rename that makes it NAME. A staged file left behind goes with its directory. */
int hull_state_file_stage (int dir_fd, const char *name, const char *data, size_t len, char **staged,
                           hull_error_t *err);
int hull_state_file_commit (int dir_fd, const char *staged, const char *name, hull_error_t *err);

int hull_state_write (int dir_fd, const struct hull_state *st, hull_error_t *err);
/* hull_state_write in two steps (see hull_state_file_stage): state.json appears at commit. */
int hull_state_stage (int dir_fd, const struct hull_state *st, char **staged, hull_error_t *err);
int hull_state_commit (int dir_fd, const char *staged, hull_error_t *err);
/* Read state.json; *st is NULL (and 0 returned) when it is not written yet (creating). */
int hull_state_read (int dir_fd, struct hull_state **st, hull_error_t *err);
void hull_state_free (struct hull_state *st);
void hull_state_freep (struct hull_state **st);
#define cleanup_state __attribute__ ((cleanup (hull_state_freep)))

enum hull_status hull_state_status (int dir_fd, const struct hull_state *st);

/* The OCI state object (schema/state-schema.json) plus runc's extra fields. */
json_t *hull_state_oci_json (const struct hull_state *st, enum hull_status status);
/* The state given to hooks on stdin, as a JSON string. */
/* The same state as a JSON object (a new reference), for embedding. */
json_t *hull_state_hook_object (const char *id, const char *bundle, pid_t pid, enum hull_status status,
                                json_t *annotations);
char *hull_state_hook_json (const char *id, const char *bundle, pid_t pid, enum hull_status status,
                            json_t *annotations);

/* Read /proc/PID/stat: start time and whether the process is a zombie. -1 if it is gone. */
int hull_proc_start_time (pid_t pid, unsigned long long *start_time, bool *zombie);

#endif
