/* unpack-tool.c: a test driver for lib/image/unpack.c and rootfs.c (not installed).
     hull-unpack-tool [--overlay] [--keep-owner] DEST LAYER...   apply the layers in order
     hull-unpack-tool --copy DEST LAYER...                       the same with hull_rootfs_copy
     hull-unpack-tool --mount TARGET UPPER WORK LOWER_TOP... LOWER_BOTTOM
     hull-unpack-tool --umount TARGET
   Warnings go to stderr, one line of statistics per layer to stdout. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "image/rootfs.h"
#include "image/unpack.h"

static void
warn (void *arg, const char *msg)
{
  fprintf (stderr, "warning: %s\n", msg);
}

static int
fail (hull_error_t *err)
{
  fprintf (stderr, "hull-unpack-tool: %s\n", (*err)->msg);
  hull_error_free (err);
  return 1;
}

static int
apply (int argc, char **argv, struct hull_unpack_opts *o)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_close int root = -1;

  if (mkdir (argv[0], 0755) < 0 && errno != EEXIST)
    return perror (argv[0]), 1;
  root = open (argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return perror (argv[0]), 1;
  for (int i = 1; i < argc; i++)
    {
      struct hull_unpack_stats st;
      cleanup_close int fd = open (argv[i], O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return perror (argv[i]), 1;
      if (hull_layer_apply_fd (root, fd, o, &st, &err) < 0)
        return fail (&err);
      printf ("%s: entries=%llu whiteouts=%llu skipped=%llu bytes_in=%llu bytes_written=%llu read_ms=%.1f "
              "write_ms=%.1f\n",
              argv[i], (unsigned long long) st.entries, (unsigned long long) st.whiteouts,
              (unsigned long long) st.skipped, (unsigned long long) st.bytes_in,
              (unsigned long long) st.bytes_written, st.ns_read / 1e6, st.ns_write / 1e6);
    }
  return 0;
}

static int
copy (int argc, char **argv, struct hull_unpack_opts *o)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_close int root = -1;

  if (mkdir (argv[0], 0755) < 0 && errno != EEXIST)
    return perror (argv[0]), 1;
  root = open (argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return perror (argv[0]), 1;
  if (hull_rootfs_copy (root, (const char *const *) argv + 1, argc - 1, o, &err) < 0)
    return fail (&err);
  return 0;
}

int
main (int argc, char **argv)
{
  cleanup_error hull_error_t err = NULL;
  struct hull_unpack_opts o = { .warn = warn };
  int i = 1;

  if (argc >= 3 && strcmp (argv[1], "--copy") == 0)
    return copy (argc - 2, argv + 2, &o);
  if (argc >= 3 && strcmp (argv[1], "--umount") == 0)
    return hull_rootfs_unmount (argv[2], &err) < 0 ? fail (&err) : 0;
  if (argc >= 6 && strcmp (argv[1], "--mount") == 0)
    return hull_rootfs_overlay ((const char *const *) argv + 5, argc - 5, argv[3], argv[4], argv[2], &err) < 0
               ? fail (&err)
               : 0;
  for (; i < argc && strncmp (argv[i], "--", 2) == 0; i++)
    if (strcmp (argv[i], "--overlay") == 0)
      o.whiteouts = HULL_WHITEOUT_OVERLAY;
    else if (strcmp (argv[i], "--keep-owner") == 0)
      o.keep_owner = true;
    else
      break;
  if (argc - i < 1)
    {
      fprintf (stderr, "usage: hull-unpack-tool [--overlay] [--keep-owner] DEST LAYER...\n"
                       "       hull-unpack-tool --copy DEST LAYER...\n"
                       "       hull-unpack-tool --mount TARGET UPPER WORK LOWER_TOP... LOWER_BOTTOM\n"
                       "       hull-unpack-tool --umount TARGET\n");
      return 2;
    }
  return apply (argc - i, argv + i, &o);
}
