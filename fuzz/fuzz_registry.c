/* fuzz_registry.c: libFuzzer target for the registry client's parsers of what a registry or an
   auth file sends (lib/image/registry-parse.c): every input goes through the WWW-Authenticate
   parser, the token and error-body parsers, the auth.json lookup and Location resolution;
   each must fail cleanly (an error, no crash, no leak) on anything, and what it returns
   must keep its promises (a token fit for a header, a bounded printable error text). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "image/registry-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
fuzz_challenge (const char *s, size_t n)
{
  struct hull_challenge c;
  hull_error_t err = NULL;

  if (hull_challenge_parse (s, n, &c, &err) < 0)
    {
      if (err == NULL || c.realm || c.service || c.scope)
        abort ();
    }
  else if (err != NULL || (c.scheme == HULL_AUTH_BEARER && (c.realm == NULL || c.realm[0] == '\0')))
    abort ();
  hull_challenge_clear (&c);
  hull_error_free (&err);
}

static void
fuzz_token (const char *s, size_t n)
{
  char *t = NULL;
  hull_error_t err = NULL;

  if (hull_token_parse (s, n, &t, &err) < 0)
    {
      if (err == NULL || t != NULL)
        abort ();
    }
  else
    for (const char *p = t; *p; p++)
      if ((unsigned char) *p <= 0x20 || (unsigned char) *p >= 0x7f)
        abort (); /* a token that could split a header */
  free (t);
  hull_error_free (&err);
}

static void
fuzz_error_text (const char *s, size_t n)
{
  char *t = hull_registry_error_text (s, n);

  if (t && strlen (t) > 400)
    abort ();
  for (const char *p = t; p && *p; p++)
    if ((unsigned char) *p < 0x20 || (unsigned char) *p >= 0x7f)
      abort ();
  free (t);
}

static void
fuzz_auth (const char *s, size_t n)
{
  char *user = NULL, *pass = NULL;
  hull_error_t err = NULL;

  if (hull_auth_lookup (s, n, "auth.json", "reg.example", "team/app/x", &user, &pass, &err) < 0)
    {
      if (err == NULL || user || pass)
        abort ();
    }
  else if ((user == NULL) != (pass == NULL))
    abort ();
  free (user);
  free (pass);
  hull_error_free (&err);
}

static void
fuzz_location (const char *s)
{
  char *u = hull_registry_resolve ("https://reg.example:5000", s);
  char *o = u ? hull_url_origin (u) : NULL;

  free (u);
  free (o);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);

  if (s == NULL)
    return 0;
  memcpy (s, data, size);
  s[size] = '\0';
  fuzz_challenge (s, size);
  fuzz_token (s, size);
  fuzz_error_text (s, size);
  fuzz_auth (s, size);
  fuzz_location (s);
  free (s);
  return 0;
}
