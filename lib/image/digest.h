/* digest.h: content addresses. A digest is "sha256:" and 64 lowercase hex digits (the only
   algorithm Hull accepts, image-spec descriptor.md); the hash is computed while bytes stream
   through, so that nothing is trusted before it has been verified. */
#ifndef HULL_IMAGE_DIGEST_H
#define HULL_IMAGE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/error.h"

#define HULL_DIGEST_PREFIX "sha256:"
#define HULL_DIGEST_LEN (7 + 64) /* "sha256:" + hex, without the NUL */

struct hull_sha256; /* a running hash */

/* Is S a well-formed sha256 digest? Errors name WHAT ("manifest.config.digest"). */
int hull_digest_check (const char *s, const char *what, hull_error_t *err);
struct hull_sha256 *hull_sha256_new (void);
void hull_sha256_update (struct hull_sha256 *h, const void *data, size_t len);
/* The digest of everything fed in, as "sha256:HEX" into OUT (HULL_DIGEST_LEN + 1 bytes). */
void hull_sha256_final (struct hull_sha256 *h, char out[HULL_DIGEST_LEN + 1]);
void hull_sha256_free (struct hull_sha256 *h);
/* The digest of LEN bytes at DATA. */
void hull_sha256_of (const void *data, size_t len, char out[HULL_DIGEST_LEN + 1]);

#endif
