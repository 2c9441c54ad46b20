/* commands-archive.c: `hull save` and `hull load`, OCI archives and layout directories. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "core/util.h"
#include "image/archive.h"

static bool
strv_has (char **v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

/* Save into FILE through a temp file renamed over it at the end, so a failed save leaves none. */
static int
save_file (struct hull_store *s, const struct hull_image *im, const char *name, const char *file, hull_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp-%d", file, (int) getpid ());
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return hull_error_sys (err, "save: create `%s`", tmp);
  if (hull_save_archive (s, im, name, fd, err) < 0)
    goto fail;
  if (fsync (fd) < 0 || close (hull_steal_fd (fd)) < 0)
    {
      hull_error_sys (err, "save: write `%s`", tmp);
      goto fail;
    }
  if (rename (tmp, file) < 0)
    {
      hull_error_sys (err, "save: rename `%s` to `%s`", tmp, file);
      goto fail;
    }
  return 0;
fail:
  unlink (tmp);
  return -1;
}

int
cmd_save (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
                                        { "format", required_argument, NULL, 'f' },
                                        { "quiet", no_argument, NULL, 'q' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_store struct hull_store *s = NULL;
  cleanup_json json_t *index = NULL;
  cleanup_free char *name = NULL;
  struct hull_image_list l = { 0 };
  const char *output = NULL, *format = "oci-archive";
  hull_error_t err = NULL;
  int c, i, r;

  while ((c = getopt_long (argc, argv, "+o:qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'o':
        output = optarg;
        break;
      case 'f':
        format = optarg;
        break;
      case 'q':
        break;
      case 'h':
        return hull_cli_usage ("save", 0);
      default:
        return hull_cli_usage ("save", 2);
      }
  if (argc - optind != 1)
    return hull_cli_usage ("save", 2);
  if (strcmp (format, "oci-archive") != 0 && strcmp (format, "oci-dir") != 0)
    return hull_cli_fail (g, "save: --format `%s`: oci-archive or oci-dir", format);
  if (output == NULL && (strcmp (format, "oci-dir") == 0 || isatty (1)))
    return hull_cli_fail (g, "save: no --output, and %s", isatty (1) ? "stdout is a terminal" : "oci-dir needs one");
  if (hull_store_open (g->store, true, &s, &err) < 0 || hull_store_read_index (s, &index, &err) < 0
      || hull_images_load (s, index, &l, &err) < 0)
    return hull_cli_fail_err (g, &err);
  /* no lock: blobs are immutable, and a concurrent rmi at worst fails the save */
  i = hull_images_find (&l, argv[optind], &err);
  if (i < 0)
    r = -1;
  else
    {
      if (hull_ref_normalize (argv[optind], &name, &err) < 0 || hull_strv_len (l.v[i].names) == 0
          || !strv_has (l.v[i].names, name))
        {
          hull_error_free (&err);
          free (name);
          name = l.v[i].names[0] ? xstrdup (l.v[i].names[0]) : NULL;
        }
      if (strcmp (format, "oci-dir") == 0)
        r = hull_save_dir (s, &l.v[i], name, output, &err);
      else if (output)
        r = save_file (s, &l.v[i], name, output, &err);
      else
        r = hull_save_archive (s, &l.v[i], name, 1, &err);
    }
  hull_images_clear (&l);
  return r < 0 ? hull_cli_fail_err (g, &err) : 0;
}

int
cmd_load (struct hull_cli *g, int argc, char **argv)
{
  static const struct option opts[] = { { "input", required_argument, NULL, 'i' },
                                        { "quiet", no_argument, NULL, 'q' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_store struct hull_store *s = NULL;
  cleanup_strv char **names = NULL;
  cleanup_close int fd = -1;
  const char *input = NULL;
  hull_error_t err = NULL;
  bool quiet = false;
  struct stat st;
  int c;

  while ((c = getopt_long (argc, argv, "+i:qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'i':
        input = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      case 'h':
        return hull_cli_usage ("load", 0);
      default:
        return hull_cli_usage ("load", 2);
      }
  if (optind != argc)
    return hull_cli_usage ("load", 2);
  if (input == NULL && isatty (0))
    return hull_cli_fail (g, "load: no --input, and stdin is a terminal");
  fd = input ? open (input, O_RDONLY | O_CLOEXEC) : dup (0);
  if (fd < 0)
    return hull_cli_fail (g, "load: open `%s`: %m", input ? input : "stdin");
  if (fstat (fd, &st) < 0)
    return hull_cli_fail (g, "load: stat `%s`: %m", input ? input : "stdin");
  if (hull_store_open (g->store, true, &s, &err) < 0 || hull_store_lock (s, &err) < 0)
    return hull_cli_fail_err (g, &err);
  /* an OCI layout directory, or an OCI archive */
  if (S_ISDIR (st.st_mode) ? hull_load_dir (s, input, &names, &err) < 0
                           : hull_load_archive (s, fd, input ? input : "stdin", &names, &err) < 0)
    return hull_cli_fail_err (g, &err);
  for (char **n = names; !quiet && *n; n++)
    printf ("Loaded image: %s\n", *n);
  return 0;
}
