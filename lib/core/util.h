/* util.h: small helpers every module uses: cleanup attributes so every exit path frees,
   allocation that aborts on OOM, whole-file reads and atomic writes with *at() calls. */
#ifndef HULL_UTIL_H
#define HULL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

void hull_freep (void *p);          /* free (*(void **) p) */
void hull_closep (int *fd);         /* close (*fd) if >= 0, keeping errno */
void hull_fclosep (FILE **f);
void hull_strvfreep (char ***v);    /* NULL-terminated string vector */
void hull_json_decrefp (void *p);   /* json_decref (*(json_t **) p) */

#define cleanup_free __attribute__ ((cleanup (hull_freep)))
#define cleanup_close __attribute__ ((cleanup (hull_closep)))
#define cleanup_fclose __attribute__ ((cleanup (hull_fclosep)))
#define cleanup_strv __attribute__ ((cleanup (hull_strvfreep)))
#define cleanup_json __attribute__ ((cleanup (hull_json_decrefp)))

/* Move ownership out of a cleanup variable. */
#define hull_steal_ptr(p) ({ __typeof__ (p) _v = (p); (p) = NULL; _v; })
#define hull_steal_fd(fd) ({ int _f = (fd); (fd) = -1; _f; })

void *xmalloc0 (size_t n);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

size_t hull_strv_len (char *const *v);
void hull_strv_free (char **v);

/* Read a whole file (relative to dirfd, or AT_FDCWD) into a NUL-terminated buffer. */
int hull_read_file_at (int dirfd, const char *path, char **out, size_t *len, hull_error_t *err);
/* Read everything from an open fd. */
int hull_read_fd (int fd, const char *what, char **out, size_t *len, hull_error_t *err);
/* Write all of buf to fd, retrying on EINTR and short writes. */
int hull_write_all (int fd, const void *buf, size_t len, const char *what, hull_error_t *err);
/* Write a small string into an existing file such as /proc or cgroup knobs. */
int hull_write_file_at (int dirfd, const char *path, const char *data, size_t len, hull_error_t *err);
/* Write a file atomically: a temp file in the same directory, then rename over NAME. */
int hull_write_file_atomic_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                               hull_error_t *err);
/* Its first step alone: the temp file, written and closed; *TMP_OUT (allocated) names it. */
int hull_write_file_staged_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode, char **tmp_out,
                               hull_error_t *err);

/* mkdir -p PATH: each missing directory made with MODE, existing ones kept. Errors read
   "create WHAT `DIR`: cause". */
int hull_mkdir_p (const char *path, mode_t mode, const char *what, hull_error_t *err);

/* Remove a directory tree below dirfd (no symlink following). */
int hull_rm_rf_at (int dirfd, const char *name, hull_error_t *err);

/* Field FIELD (0 the name, 5 the home directory, ...) of UID's line in the passwd-format file
   PATH, or NULL when there is none. Read as plain text, as runc does: no NSS modules. */
char *hull_passwd_field (const char *path, uid_t uid, unsigned field);

/* TS as RFC 3339 UTC ("2026-11-23T04:05:06Z", with NANOS ".123456789Z"). Done by hand:
   glibc's gmtime_r reads /etc/localtime on first use, even for UTC. */
#define HULL_UTC_BUF 128 /* room for any year the compiler can imagine */
struct timespec;
void hull_format_utc (const struct timespec *ts, bool nanos, char buf[HULL_UTC_BUF]);

/* Parse a base-10 unsigned integer that must fill the whole string. */
int hull_parse_u64 (const char *s, unsigned long long *out);
/* The same for the LEN bytes at S (not NUL-terminated): true when they are all a number. */
bool hull_parse_u64_n (const char *s, size_t len, unsigned long long *out);

#endif
