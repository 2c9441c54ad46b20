/* store.h: the local image store, a directory in the OCI image-layout format (image-spec
   image-layout.md): ROOT/oci-layout, ROOT/blobs/sha256/HEX, ROOT/index.json whose manifests
   carry the annotation org.opencontainers.image.ref.name for names. ROOT/lock is the store's
   lock: every change to index.json, and every collection of unused blobs, holds an exclusive
   flock on it, and index.json is replaced atomically (a temp file, then rename).

   A blob is streamed into an unnamed file in blobs/sha256 (O_TMPFILE, or a unique temp name
   where the filesystem has none), hashed as it streams, synced, and linked into place only
   when its digest and size are the expected ones; anything else is removed, so a crash or a
   bad byte never leaves a blob under a name that is not its digest. */
#ifndef HULL_IMAGE_STORE_H
#define HULL_IMAGE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/error.h"
#include "digest.h"

struct hull_store
{
  int dirfd;        /* ROOT */
  int blobsfd;      /* ROOT/blobs/sha256 */
  int lockfd;       /* ROOT/lock, while locked; else -1 */
  char *root;
};

/* Open the store at ROOT; with CREATE make it (and its oci-layout, index.json) if missing. */
int hull_store_open (const char *root, bool create, struct hull_store **out, hull_error_t *err);
void hull_store_close (struct hull_store *s);
void hull_store_closep (struct hull_store **s);
#define cleanup_store __attribute__ ((cleanup (hull_store_closep)))

/* Take (and drop) the store's exclusive lock; lock is not recursive. */
int hull_store_lock (struct hull_store *s, hull_error_t *err);
void hull_store_unlock (struct hull_store *s);

/* --- blobs --- */
struct hull_blob_writer;
/* A writer for one blob. EXPECT is the digest it must have (NULL: whatever it hashes to);
   EXPECT_SIZE its size, or -1 when not known. WHAT names it in errors. */
int hull_blob_writer_new (struct hull_store *s, const char *expect, int64_t expect_size, const char *what,
                          struct hull_blob_writer **out, hull_error_t *err);
int hull_blob_writer_write (struct hull_blob_writer *w, const void *data, size_t len, hull_error_t *err);
/* Check digest and size (nothing more may be written then); 0 when both are right. */
int hull_blob_writer_verify (struct hull_blob_writer *w, hull_error_t *err);
/* Check digest and size, sync, link into place (a blob already there is kept). The digest
   goes to OUT (may be NULL); *CREATED (may be NULL) tells whether the blob is new. */
int hull_blob_writer_commit (struct hull_blob_writer *w, char out[HULL_DIGEST_LEN + 1], int64_t *size,
                             bool *created, hull_error_t *err);
/* The temp file, to read back what was written before committing (offset left moved). */
int hull_blob_writer_fd (struct hull_blob_writer *w);
/* Add the CPU time its writes spent hashing and writing to *HASH_NS and *WRITE_NS. */
void hull_blob_writer_times (const struct hull_blob_writer *w, uint64_t *hash_ns, uint64_t *write_ns);
/* Discard a writer: whatever was written is removed. */
void hull_blob_writer_free (struct hull_blob_writer *w);
void hull_blob_writer_freep (struct hull_blob_writer **w);
#define cleanup_blob_writer __attribute__ ((cleanup (hull_blob_writer_freep)))

/* A whole blob from memory. */
int hull_store_put_blob (struct hull_store *s, const void *data, size_t len, const char *expect,
                         char out[HULL_DIGEST_LEN + 1], bool *created, hull_error_t *err);
/* A whole blob from FD, read to its end. */
int hull_store_put_blob_fd (struct hull_store *s, int fd, const char *expect, int64_t expect_size, const char *what,
                            char out[HULL_DIGEST_LEN + 1], bool *created, hull_error_t *err);

bool hull_store_has_blob (struct hull_store *s, const char *digest);
/* Open a blob for reading; its size to *SIZE (may be NULL). */
int hull_store_open_blob (struct hull_store *s, const char *digest, int *fd, int64_t *size, hull_error_t *err);
/* Read a whole blob of at most MAX bytes, verifying its digest when VERIFY. */
int hull_store_read_blob (struct hull_store *s, const char *digest, size_t max, bool verify, char **out, size_t *len,
                          hull_error_t *err);
/* Hash the blob as stored and compare with its name. */
int hull_store_verify_blob (struct hull_store *s, const char *digest, hull_error_t *err);
int hull_store_remove_blob (struct hull_store *s, const char *digest, hull_error_t *err);

/* --- index.json --- */
/* The store's index (an OCI image index). The caller holds the lock when it means to write
   it back. */
int hull_store_read_index (struct hull_store *s, json_t **out, hull_error_t *err);
int hull_store_write_index (struct hull_store *s, json_t *index, hull_error_t *err);

/* Remove every blob that no manifest in INDEX reaches (manifests, their configs and layers,
   and through nested indexes), and temp files a crash left. Lock held, and so by every blob
   writer of the store (a writer's temp file is otherwise removed under it). The number
   removed goes to *REMOVED (may be NULL). A manifest that cannot be read stops it before
   anything is removed. */
int hull_store_gc (struct hull_store *s, json_t *index, size_t *removed, hull_error_t *err);

#endif
