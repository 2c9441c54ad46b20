/* tar-write.c: ustar headers for `hull save` (see tar-write.h). A header is 512 bytes: the
   name, mode, uid, gid, size and mtime as NUL-terminated octal fields, a checksum of the
   header's bytes (the checksum field counted as spaces), the type flag and "ustar\0" "00". */
#define _GNU_SOURCE
#include "tar-write.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/util.h"

#define BLOCK 512

struct ustar
{
  char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], typeflag, linkname[100];
  char magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert (sizeof (struct ustar) == BLOCK, "a ustar header is one block");

/* VALUE in octal, zero-padded, in the LEN-byte field F (its last byte the NUL). */
static void
octal (char *f, size_t len, unsigned long long value)
{
  snprintf (f, len, "%0*llo", (int) len - 1, value);
}

int
hull_tar_header (int fd, const char *path, mode_t type, int64_t size, hull_error_t *err)
{
  struct ustar h;
  unsigned sum = 0;

  if (strlen (path) >= sizeof h.name)
    return hull_error (err, 0, "write archive: `%s`: a name of more than 99 bytes", path);
  /* the size field holds 11 octal digits: 8 GiB; larger needs a pax header */
  if (size < 0 || (unsigned long long) size >= 1ull << 33)
    return hull_error (err, 0, "write archive: `%s`: %lld bytes is more than a ustar entry holds", path,
                       (long long) size);
  memset (&h, 0, sizeof h);
  memcpy (h.name, path, strlen (path));
  octal (h.mode, sizeof h.mode, S_ISDIR (type) ? 0755 : 0644);
  octal (h.uid, sizeof h.uid, 0);
  octal (h.gid, sizeof h.gid, 0);
  octal (h.size, sizeof h.size, S_ISDIR (type) ? 0 : (unsigned long long) size);
  octal (h.mtime, sizeof h.mtime, 0);
  h.typeflag = S_ISDIR (type) ? '5' : '0';
  memcpy (h.magic, "ustar", 6);
  memcpy (h.version, "00", 2);
  memset (h.chksum, ' ', sizeof h.chksum);
  for (size_t i = 0; i < sizeof h; i++)
    sum += ((unsigned char *) &h)[i];
  snprintf (h.chksum, sizeof h.chksum, "%06o", sum); /* six digits, a NUL, and a space kept */
  h.chksum[7] = ' ';
  return hull_write_all (fd, &h, sizeof h, "archive", err);
}

int
hull_tar_pad (int fd, int64_t size, hull_error_t *err)
{
  static const char zeros[BLOCK];
  size_t rest = (size_t) (size % BLOCK);
  return rest ? hull_write_all (fd, zeros, BLOCK - rest, "archive", err) : 0;
}

int
hull_tar_end (int fd, hull_error_t *err)
{
  static const char zeros[2 * BLOCK];
  return hull_write_all (fd, zeros, sizeof zeros, "archive", err);
}
