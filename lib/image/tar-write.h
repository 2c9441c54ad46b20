/* tar-write.h: the few tar entries `hull save` writes (an OCI archive: directories and
   regular files, all root's, mtime 0), in the POSIX ustar format, written here rather than by
   libarchive, which hull uses as a reader only. */
#ifndef HULL_IMAGE_TAR_WRITE_H
#define HULL_IMAGE_TAR_WRITE_H

#include <stdint.h>
#include <sys/types.h>

#include "../core/error.h"

/* The 512-byte header of PATH (at most 100 bytes), a directory (S_IFDIR, size 0) or a regular
   file (S_IFREG) of SIZE bytes, written to FD. */
int hull_tar_header (int fd, const char *path, mode_t type, int64_t size, hull_error_t *err);
/* The zeros that pad an entry of SIZE bytes, once its data is written, to a 512-byte block. */
int hull_tar_pad (int fd, int64_t size, hull_error_t *err);
/* The end of the archive: two zero blocks. */
int hull_tar_end (int fd, hull_error_t *err);

#endif
