/* fuzz_manifest.c: libFuzzer target for the image side's untrusted documents. Every input is
   parsed as a manifest, an image index (and a platform picked from it) and an image config
   (lib/image/manifest.c), and, up to a NUL, as an image name (hull_ref_normalize). Each parse
   must succeed or fail cleanly: an error with a message, no crash, no leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "image/images.h"
#include "image/manifest.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
expect_error (int r, hull_error_t *err)
{
  if (r < 0 && (*err == NULL || (*err)->msg == NULL))
    abort ();
  if (r == 0 && *err != NULL)
    abort ();
  hull_error_free (err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *s = (const char *) data;
  hull_error_t err = NULL;
  struct hull_manifest m;
  struct hull_index x;
  struct hull_image_config c;
  char *name = NULL, *str;
  int r;

  r = hull_manifest_parse (s, size, "manifest", &m, &err);
  expect_error (r, &err);
  if (r == 0)
    hull_manifest_clear (&m);
  r = hull_index_parse (s, size, "index", &x, &err);
  expect_error (r, &err);
  if (r == 0)
    {
      int i = hull_index_select (&x, "linux", "amd64", NULL, &err);
      expect_error (i < 0 ? -1 : 0, &err);
      if (i >= (int) x.n_manifests)
        abort ();
      hull_index_clear (&x);
    }
  r = hull_image_config_parse (s, size, "config", &c, &err);
  expect_error (r, &err);
  if (r == 0)
    hull_image_config_clear (&c);
  free (hull_document_media_type (s, size));
  str = strndup (s, size);
  r = hull_ref_normalize (str, &name, &err);
  expect_error (r, &err);
  if (r == 0 && (name == NULL || strlen (name) > 255))
    abort ();
  free (name);
  free (str);
  return 0;
}
