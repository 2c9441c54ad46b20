/* test_digest.c: unit tests for lib/image/digest.c (sha256 content addresses). */
#include <string.h>

#include "../harness.h"
#include "image/digest.h"

int
main (void)
{
  char d[HULL_DIGEST_LEN + 1];
  hull_error_t err = NULL;
  struct hull_sha256 *h;

  hull_sha256_of ("", 0, d);
  T_OK (strcmp (d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0, "empty: %s", d);
  h = hull_sha256_new ();
  hull_sha256_update (h, "a", 1);
  hull_sha256_update (h, "bc", 2);
  hull_sha256_final (h, d);
  hull_sha256_free (h);
  T_OK (strcmp (d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0, "streamed abc");
  T_OK (hull_digest_check (d, "x", &err) == 0, "well-formed");
  T_OK (hull_digest_check ("sha512:00", "layer", &err) < 0 && strstr (err->msg, "layer") != NULL, "sha512 refused: %s",
        err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_digest_check ("sha256:ABC", "x", &err) < 0, "short and upper case refused");
  hull_error_free (&err);
  d[10] = 'G';
  T_OK (hull_digest_check (d, "x", &err) < 0, "non-hex refused");
  hull_error_free (&err);
  return hull_test_done ();
}
