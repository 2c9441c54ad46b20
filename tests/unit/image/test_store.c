/* test_store.c: unit tests for lib/image/store.c: blob commits, a digest or size mismatch
   refused with nothing left behind, verified reads, index.json updated by concurrent
   processes under the lock, and collection of unused blobs (shared ones kept). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness.h"
#include "core/util.h"
#include "image/images.h"
#include "image/store.h"

#define ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

/* Entries in ROOT/blobs/sha256, temp files included. */
static int
count_blobs (const char *root)
{
  char *p = xasprintf ("%s/blobs/sha256", root);
  DIR *d = opendir (p);
  struct dirent *de;
  int n = 0;
  free (p);
  while (d && (de = readdir (d)))
    n += strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0;
  if (d)
    closedir (d);
  return n;
}

static void
test_blobs (struct hull_store *s, const char *root)
{
  hull_error_t err = NULL;
  char d[HULL_DIGEST_LEN + 1];
  char *data = NULL;
  size_t len;
  bool created = false;
  struct hull_blob_writer *w = NULL;

  T_OK (hull_store_put_blob (s, "abc", 3, ABC, d, &created, &err) == 0 && created && strcmp (d, ABC) == 0,
        "blob with the expected digest committed");
  T_OK (hull_store_put_blob (s, "abc", 3, NULL, d, &created, &err) == 0 && !created, "the same blob again: kept, not new");
  T_OK (hull_store_has_blob (s, ABC) && count_blobs (root) == 1, "one blob in blobs/sha256");
  T_OK (hull_store_put_blob (s, "abd", 3, ABC, d, NULL, &err) < 0 && strstr (err->msg, ABC) && strstr (err->msg, "sha256:a")
          && count_blobs (root) == 1,
        "digest mismatch refused, both digests named, nothing left: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_blob_writer_new (s, NULL, 2, "sized", &w, &err) == 0 && hull_blob_writer_write (w, "abc", 3, &err) < 0
          && strstr (err->msg, "2 bytes"), "more bytes than the expected size refused");
  hull_error_free (&err);
  hull_blob_writer_free (w);
  T_OK (hull_blob_writer_new (s, NULL, 9, "short", &w, &err) == 0 && hull_blob_writer_write (w, "abc", 3, &err) == 0
          && hull_blob_writer_commit (w, d, NULL, NULL, &err) < 0 && strstr (err->msg, "size mismatch"),
        "fewer bytes than the expected size refused");
  hull_error_free (&err);
  hull_blob_writer_free (w);
  T_OK (count_blobs (root) == 1, "no temp file left by refused writers");
  T_OK (hull_store_put_blob (s, "x", 1, "sha256:../../etc/passwd", d, NULL, &err) < 0, "a path as a digest refused");
  hull_error_free (&err);
  T_OK (hull_store_read_blob (s, ABC, 100, true, &data, &len, &err) == 0 && len == 3 && memcmp (data, "abc", 3) == 0,
        "blob read back, verified");
  free (data);
  T_OK (hull_store_read_blob (s, ABC, 2, false, &data, &len, &err) < 0 && strstr (err->msg, "limit"), "size limit on reads");
  hull_error_free (&err);
  /* corrupt it in place: a verified read must notice */
  {
    char *p = xasprintf ("%s/blobs/sha256/%s", root, ABC + 7);
    chmod (p, 0644);
    int fd = open (p, O_WRONLY | O_TRUNC);
    T_OK (fd >= 0 && write (fd, "abd", 3) == 3, "blob corrupted on disk");
    close (fd);
    T_OK (hull_store_read_blob (s, ABC, 100, true, &data, &len, &err) < 0 && strstr (err->msg, "corrupt"),
          "verified read refuses the corrupt blob: %s", err ? err->msg : "");
    hull_error_free (&err);
    T_OK (hull_store_verify_blob (s, ABC, &err) < 0, "hull_store_verify_blob notices too");
    hull_error_free (&err);
    T_OK (hull_store_remove_blob (s, ABC, &err) == 0 && !hull_store_has_blob (s, ABC), "blob removed");
    free (p);
  }
}

/* CHILDREN processes each add N names, each under the lock (read, change, write). */
static void
test_concurrent_index (const char *root)
{
  enum { CHILDREN = 8, N = 25 };
  struct hull_store *s = NULL;
  hull_error_t err = NULL;
  json_t *index = NULL;
  int ok = 1;

  for (int c = 0; c < CHILDREN; c++)
    if (fork () == 0)
      {
        struct hull_store *cs = NULL;
        if (hull_store_open (root, true, &cs, &err) < 0)
          _exit (1);
        for (int i = 0; i < N; i++)
          {
            json_t *x = NULL;
            char name[64];
            snprintf (name, sizeof name, "localhost/c%d:t%d", c, i);
            if (hull_store_lock (cs, &err) < 0 || hull_store_read_index (cs, &x, &err) < 0)
              _exit (1);
            hull_index_set_name (x, name, "application/vnd.oci.image.manifest.v1+json", ABC, 3);
            if (hull_store_write_index (cs, x, &err) < 0)
              _exit (1);
            json_decref (x);
            hull_store_unlock (cs);
          }
        hull_store_close (cs);
        _exit (0);
      }
  for (int c = 0; c < CHILDREN; c++)
    {
      int st;
      ok = ok && wait (&st) > 0 && WIFEXITED (st) && WEXITSTATUS (st) == 0;
    }
  T_OK (ok, "%d processes updated index.json %d times each", CHILDREN, N);
  T_OK (hull_store_open (root, false, &s, &err) == 0 && hull_store_read_index (s, &index, &err) == 0
          && json_array_size (json_object_get (index, "manifests")) == CHILDREN * N,
        "no update lost: %zu entries", json_array_size (json_object_get (index, "manifests")));
  json_decref (index);
  hull_store_close (s);
}

static void
put_image (struct hull_store *s, const char *layer, const char *cfgtext, char mdigest[HULL_DIGEST_LEN + 1])
{
  char ld[HULL_DIGEST_LEN + 1], cd[HULL_DIGEST_LEN + 1];
  char *m;
  hull_error_t err = NULL;
  hull_store_put_blob (s, layer, strlen (layer), NULL, ld, NULL, &err);
  hull_store_put_blob (s, cfgtext, strlen (cfgtext), NULL, cd, NULL, &err);
  m = xasprintf ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                 "\"digest\":\"%s\",\"size\":%zu},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                 "\"digest\":\"%s\",\"size\":%zu}]}", cd, strlen (cfgtext), ld, strlen (layer));
  hull_store_put_blob (s, m, strlen (m), NULL, mdigest, NULL, &err);
  free (m);
}

static void
test_gc (const char *root)
{
  struct hull_store *s = NULL;
  hull_error_t err = NULL;
  json_t *index = json_pack ("{s:i, s:[]}", "schemaVersion", 2, "manifests");
  char m1[HULL_DIGEST_LEN + 1], m2[HULL_DIGEST_LEN + 1];
  size_t removed = 0;

  hull_store_open (root, true, &s, &err);
  put_image (s, "shared layer", "{\"c\":1}", m1);
  put_image (s, "shared layer", "{\"c\":2}", m2);
  hull_store_put_blob (s, "stray", 5, NULL, NULL, NULL, &err);
  hull_index_set_name (index, "localhost/a:1", "application/vnd.oci.image.manifest.v1+json", m1, 1);
  hull_index_set_name (index, "localhost/b:1", "application/vnd.oci.image.manifest.v1+json", m2, 1);
  T_OK (count_blobs (root) == 6, "two images sharing a layer, and a stray blob: 6 blobs");
  T_OK (hull_store_lock (s, &err) == 0 && hull_store_gc (s, index, &removed, &err) == 0 && removed == 1
          && count_blobs (root) == 5, "gc removes the stray blob only");
  T_OK (hull_index_drop_name (index, "localhost/a:1") && hull_store_gc (s, index, &removed, &err) == 0 && removed == 2
          && count_blobs (root) == 3, "image a removed: its manifest and config go, the shared layer stays");
  hull_index_drop_name (index, "localhost/b:1");
  T_OK (hull_store_gc (s, index, &removed, &err) == 0 && count_blobs (root) == 0, "last image removed: no blob left");
  json_decref (index);
  hull_store_close (s);
}

int
main (void)
{
  char tmpl[] = "/tmp/hull-test-store-XXXXXX";
  char *root, *root2, *root3;
  struct hull_store *s = NULL;
  hull_error_t err = NULL;
  hull_error_t e2 = NULL;

  if (mkdtemp (tmpl) == NULL)
    return 1;
  root = xasprintf ("%s/store", tmpl);
  root2 = xasprintf ("%s/store2", tmpl);
  root3 = xasprintf ("%s/store3", tmpl);
  T_OK (hull_store_open (root, true, &s, &err) == 0, "store made");
  {
    char *p = xasprintf ("%s/oci-layout", root), *q = xasprintf ("%s/index.json", root);
    T_OK (access (p, F_OK) == 0 && access (q, F_OK) == 0, "oci-layout and index.json written");
    free (p);
    free (q);
  }
  test_blobs (s, root);
  hull_store_close (s);
  test_concurrent_index (root2);
  test_gc (root3);
  hull_rm_rf_at (AT_FDCWD, tmpl, &e2);
  hull_error_free (&e2);
  free (root);
  free (root2);
  free (root3);
  return hull_test_done ();
}
