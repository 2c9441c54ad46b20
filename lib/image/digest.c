/* digest.c: sha256 content addresses, with OpenSSL's EVP interface. */
#define _GNU_SOURCE
#include "digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

struct hull_sha256
{
  EVP_MD_CTX *ctx;
};

int
hull_digest_check (const char *s, const char *what, hull_error_t *err)
{
  size_t n = strlen (HULL_DIGEST_PREFIX);

  if (s == NULL || strncmp (s, HULL_DIGEST_PREFIX, n) != 0)
    return hull_error (err, 0, "%s: `%s` is not a sha256 digest (sha256:HEX)", what, s ? s : "");
  if (strlen (s) != HULL_DIGEST_LEN)
    return hull_error (err, 0, "%s: `%s`: a sha256 digest has 64 hex digits", what, s);
  for (const char *p = s + n; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return hull_error (err, 0, "%s: `%s`: not lowercase hex", what, s);
  return 0;
}

struct hull_sha256 *
hull_sha256_new (void)
{
  struct hull_sha256 *h = xmalloc0 (sizeof *h);
  h->ctx = EVP_MD_CTX_new ();
  if (h->ctx == NULL || EVP_DigestInit_ex (h->ctx, EVP_sha256 (), NULL) != 1)
    abort ();
  return h;
}

void
hull_sha256_update (struct hull_sha256 *h, const void *data, size_t len)
{
  if (len > 0 && EVP_DigestUpdate (h->ctx, data, len) != 1)
    abort ();
}

void
hull_sha256_final (struct hull_sha256 *h, char out[HULL_DIGEST_LEN + 1])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  char *p = out + strlen (HULL_DIGEST_PREFIX);

  if (EVP_DigestFinal_ex (h->ctx, md, &n) != 1 || n != 32)
    abort ();
  memcpy (out, HULL_DIGEST_PREFIX, strlen (HULL_DIGEST_PREFIX));
  for (unsigned int i = 0; i < n; i++, p += 2)
    snprintf (p, 3, "%02x", md[i]);
}

void
hull_sha256_free (struct hull_sha256 *h)
{
  if (h == NULL)
    return;
  EVP_MD_CTX_free (h->ctx);
  free (h);
}

void
hull_sha256_of (const void *data, size_t len, char out[HULL_DIGEST_LEN + 1])
{
  struct hull_sha256 *h = hull_sha256_new ();
  hull_sha256_update (h, data, len);
  hull_sha256_final (h, out);
  hull_sha256_free (h);
}
