/* archive.h: `save` and `load`: an image to an OCI archive (a tar of an OCI image layout) or
   an OCI layout directory, and an OCI archive or layout directory into the store, every blob
   verified as it streams in. */
#ifndef HULL_IMAGE_ARCHIVE_H
#define HULL_IMAGE_ARCHIVE_H

#include "images.h"

/* Write image IM (named NAME in the layout, may be NULL) as an OCI archive to FD. Every blob
   is hashed as it is copied; a corrupt one fails the save. */
int hull_save_archive (struct hull_store *s, const struct hull_image *im, const char *name, int fd,
                       hull_error_t *err);
/* The same as a new layout directory DIR (which must not exist); nothing is left on failure. */
int hull_save_dir (struct hull_store *s, const struct hull_image *im, const char *name, const char *dir,
                   hull_error_t *err);
/* Read an OCI archive (tar, possibly compressed) from FD into the store, which must be locked.
   Each image's names (NULL-terminated, normalised) go to *NAMES, or its ID when unnamed. On
   failure the store is as before: index unchanged, no new blob left. */
int hull_load_archive (struct hull_store *s, int fd, const char *what, char ***names, hull_error_t *err);
/* The same from an OCI layout directory DIR: every file of its blobs/sha256 verified into the
   store (those the store has are skipped), then its index.json's images named. */
int hull_load_dir (struct hull_store *s, const char *dir, char ***names, hull_error_t *err);

#endif
