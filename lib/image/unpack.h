/* unpack.h: applying one image layer (a tar changeset, plain, gzip or zstd) onto a directory,
   as a security boundary. libarchive only reads; every file, directory, link and node is made
   by Hull with *at() calls below the root, whose paths never resolve outside it.

   Contract: on error the layer is partly applied and the directory must be thrown away. The
   caller unpacks each layer into a fresh temporary directory and renames it into place only
   on success (or, for a flat rootfs, applies into a temporary copy the same way).

   What an evil layer gets (every refusal names the entry, e.g.
   "layer entry `../../etc/passwd`: climbs out of the root"):
   - a leading `/` is stripped (the name is relative to the root, as tar does); `.` and empty
     components are dropped; a `..` that would climb above the root is refused;
   - names longer than PATH_MAX and components longer than NAME_MAX are refused; a NUL cannot
     be in a name libarchive hands over: its C string ends there;
   - a decompression bomb is stopped: a layer whose uncompressed stream passes max_bytes (an
     entry's declared size is checked before a byte of it is written) or whose entries pass
     max_entries is refused; so is an xattr whose name or value passes the kernel's limits
     (XATTR_NAME_MAX, XATTR_SIZE_MAX);
   - parents are resolved with openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, so a symlink of
     this or a lower layer used as a parent (`a -> /etc`, then `a/passwd`) resolves inside the
     root (ROOT/etc/passwd), never on the host; the last component is never followed: what is
     there is removed and the entry made anew (O_EXCL, O_NOFOLLOW);
   - an entry of another type than the path it lands on replaces it (a directory, with all of
     its contents: layer.md's changeset semantics); an entry naming the root itself is
     refused unless it is a directory (then only its metadata is applied);
   - a hardlink's target is cleaned like a name (so it cannot climb out) and linked without
     following it: a hardlink to a symlink is another symlink (linkat without
     AT_SYMLINK_FOLLOW); a hardlink to a directory is refused by the kernel, named;
   - a whiteout's directory is resolved without following any symlink: a lower path through a
     symlink is not the path it names, so a whiteout below one hides nothing (the same for
     an opaque marker); `.wh.`, `.wh..` and `.wh...` are refused;
   - a directory the layer changes without an entry for it keeps its mode and times;
   - device nodes are made only with CAP_MKNOD (root); otherwise they are skipped with a
     warning, as rootless podman does; sockets are always skipped;
   - owners come from the tar only when running as root; otherwise files keep the caller's
     ids and setuid/setgid bits are dropped (a setuid file of the unpacking user would give
     away that user); as root they are kept;
   - xattrs: security.capability and user.* are written, trusted.* only as root; any
     *.overlay.* xattr is dropped (it would steer the overlay mount), other namespaces too,
     each with a warning. */
#ifndef HULL_IMAGE_UNPACK_H
#define HULL_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/error.h"

/* Read up to LEN bytes of the (compressed) layer into BUF: the count, 0 at the end, or -1 with
   errno set. The caller can hash what passes through; the unpacker reads to the very end. */
typedef ssize_t (*hull_layer_read_fn) (void *arg, void *buf, size_t len);
/* A warning about one entry (skipped device, dropped xattr); MSG names the entry. */
typedef void (*hull_layer_warn_fn) (void *arg, const char *msg);

enum hull_whiteout_mode
{
  /* `.wh.NAME` deletes NAME below the root, `.wh..wh..opq` empties its directory of what the
     lower layers put there: for applying layers in order onto one directory. */
  HULL_WHITEOUT_DELETE = 0,
  /* Whiteouts are kept as overlayfs wants them in a lower directory: `.wh.NAME` becomes a 0:0
     character device NAME, `.wh..wh..opq` the xattr trusted.overlay.opaque=y (root only).
     A directory the layer has no entry for (only something below it) is made 0755 with the
     time of unpacking, and in the mount it shows over the lower layer's metadata. */
  HULL_WHITEOUT_OVERLAY,
};

/* The default limits of one layer: generous for any real image, a bound for a bomb. */
#define HULL_LAYER_MAX_BYTES (64ull << 30) /* uncompressed tar stream: 64 GiB */
#define HULL_LAYER_MAX_ENTRIES 10000000ull /* tar entries */

struct hull_unpack_opts
{
  enum hull_whiteout_mode whiteouts;
  uint64_t max_bytes;        /* of the uncompressed stream; 0: HULL_LAYER_MAX_BYTES */
  uint64_t max_entries;      /* 0: HULL_LAYER_MAX_ENTRIES */
  bool keep_owner;           /* never chown, even as root (the files stay the caller's) */
  hull_layer_warn_fn warn;   /* NULL: warnings are only counted */
  void *warn_arg;
};

struct hull_unpack_stats
{
  uint64_t entries;       /* tar entries seen */
  uint64_t whiteouts;     /* of which whiteouts (plain and opaque) */
  uint64_t skipped;       /* entries or xattrs not written (each with a warning) */
  uint64_t bytes_in;      /* bytes read from the (compressed) stream */
  uint64_t bytes_written; /* file content written */
  uint64_t ns_read;       /* time spent reading and decompressing */
  uint64_t ns_write;      /* time spent making the tree */
};

/* Apply the layer read through READ(ARG) onto the directory ROOT_FD, in one streaming pass.
   O may be NULL (defaults); STATS may be NULL. */
int hull_layer_apply (int root_fd, hull_layer_read_fn read, void *arg, const struct hull_unpack_opts *o,
                      struct hull_unpack_stats *stats, hull_error_t *err);
/* The same, reading from the open file FD. */
int hull_layer_apply_fd (int root_fd, int fd, const struct hull_unpack_opts *o, struct hull_unpack_stats *stats,
                         hull_error_t *err);

#endif
