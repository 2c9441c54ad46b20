/* unpack-internal.h: what the unpacker's files (unpack.c: the stream and the dispatch,
   unpack-path.c: names and parents, unpack-write.c: entry writers, unpack-whiteout.c:
   whiteouts) share. Not installed, not for other modules. */
#ifndef HULL_IMAGE_UNPACK_INTERNAL_H
#define HULL_IMAGE_UNPACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "unpack.h"

struct archive;
struct archive_entry;

/* A set of cleaned entry names: what this layer has written so far (an opaque whiteout keeps
   those) and the directories whose mode and times are set at the end. */
struct hull_path_set
{
  struct hull_path_node **buckets;
  size_t nbuckets, count;
};
struct hull_path_node
{
  struct hull_path_node *next;
  mode_t mode;                /* for deferred directories */
  struct timespec times[2];   /* atime, mtime */
  char name[];
};

struct hull_unpack
{
  int root_fd;
  struct hull_unpack_opts o;
  struct hull_unpack_stats *st;
  bool chown;       /* owners from the tar (root, not keep_owner) */
  bool mknod;       /* device nodes allowed (CAP_MKNOD) */
  bool trusted;     /* trusted.* xattrs allowed (root) */
  struct hull_path_set written;
  struct hull_path_set dirs;
  struct archive *a;
};

/* unpack-path.c */
/* The tar name RAW as a clean relative path into *OUT ("" for the root itself); refuses
   climbing out and over-long names (messages name RAW). */
int hull_unpack_clean_name (const char *raw, char **out, hull_error_t *err);
/* O_PATH fd of the parent directory of the clean NAME (made, 0755, when missing), resolved
   inside the root; *BASE points at NAME's last component. NAME must not be "". */
int hull_unpack_parent (struct hull_unpack *u, const char *name, int *fd, const char **base, hull_error_t *err);
/* The directory DIR ("" or "." for the root) opened O_PATH beneath the root without following
   any symlink: *FD is -1 when it is missing (ENOENT) or a symlink or non-directory is on the
   way (*BLOCKED then true). Whiteouts name lower paths this way. */
int hull_unpack_open_dir_nofollow (struct hull_unpack *u, const char *dir, int *fd, bool *blocked,
                                   hull_error_t *err);
/* Before the layer changes something in the directory KEY (open as FD), remember its times,
   put back at the end unless the layer has an entry of its own for it (umoci does the same:
   a layer that only adds a file to /etc leaves /etc's mtime as the lower layer had it). */
int hull_unpack_keep_times (struct hull_unpack *u, const char *key, int fd, hull_error_t *err);
void hull_path_set_init (struct hull_path_set *s);
void hull_path_set_free (struct hull_path_set *s);
struct hull_path_node *hull_path_set_add (struct hull_path_set *s, const char *name);
struct hull_path_node *hull_path_set_find (const struct hull_path_set *s, const char *name);

/* unpack-write.c: write ENTRY (already cleaned as NAME) below the root. */
int hull_unpack_entry (struct hull_unpack *u, struct archive_entry *e, const char *name, hull_error_t *err);
/* Apply the deferred directory modes and times (after every entry). */
int hull_unpack_finish_dirs (struct hull_unpack *u, hull_error_t *err);
/* Remove whatever is at BASE in PARENT unless it is a directory and KEEP_DIR (NAME for errors). */
int hull_unpack_clear (int parent, const char *base, bool keep_dir, const char *name, hull_error_t *err);
void hull_unpack_warn (struct hull_unpack *u, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* unpack-whiteout.c: true when NAME's last component is a whiteout; then applies it. */
bool hull_unpack_is_whiteout (const char *name);
int hull_unpack_whiteout (struct hull_unpack *u, const char *name, hull_error_t *err);

#endif
