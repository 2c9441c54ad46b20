/* registry-parse.c: the registry client's parsers of untrusted input (challenges, token and
   error bodies, auth.json) and its URL building. Everything a registry or an auth file sends
   is treated as hostile: bounded, checked and never echoed unfiltered. */
#define _GNU_SOURCE
#include "registry-parse.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/util.h"
#include "digest.h"

#define ERROR_TEXT_MAX 400

void
hull_challenge_clear (struct hull_challenge *c)
{
  free (c->realm);
  free (c->service);
  free (c->scope);
  memset (c, 0, sizeof *c);
}

static bool
is_tchar (char c)
{
  return isalnum ((unsigned char) c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

static void
skip_ws (const char **p, const char *end)
{
  while (*p < end && (**p == ' ' || **p == '\t'))
    (*p)++;
}

/* One parameter value at *P: a token or a quoted string (with \-escapes); owned copy. */
static char *
param_value (const char **p, const char *end)
{
  const char *s = *p;
  char *out;
  size_t n = 0;

  if (s < end && *s == '"')
    {
      out = xmalloc0 (end - s);
      for (s++; s < end && *s != '"'; s++)
        {
          if (*s == '\\' && s + 1 < end)
            s++;
          if ((unsigned char) *s < 0x20 || *s == 0x7f)
            {
              free (out);
              return NULL;
            }
          out[n++] = *s;
        }
      if (s >= end)
        {
          free (out);
          return NULL; /* unterminated */
        }
      *p = s + 1;
      return out;
    }
  while (s < end && (is_tchar (*s) || *s == '/' || *s == ':' || *s == '='))
    s++;
  if (s == *p)
    return NULL;
  out = strndup (*p, s - *p);
  if (out == NULL)
    abort ();
  *p = s;
  return out;
}

static void
challenge_set (struct hull_challenge *c, const char *key, size_t klen, char *value)
{
  char **slot = NULL;

  if (klen == 5 && strncasecmp (key, "realm", 5) == 0)
    slot = &c->realm;
  else if (klen == 7 && strncasecmp (key, "service", 7) == 0)
    slot = &c->service;
  else if (klen == 5 && strncasecmp (key, "scope", 5) == 0)
    slot = &c->scope;
  if (slot == NULL || *slot != NULL)
    {
      free (value); /* unknown or repeated: the first one counts */
      return;
    }
  *slot = value;
}

int
hull_challenge_parse (const char *value, size_t len, struct hull_challenge *out, hull_error_t *err)
{
  const char *p = value, *end = value + len, *s;

  memset (out, 0, sizeof *out);
  skip_ws (&p, end);
  for (s = p; p < end && is_tchar (*p); p++)
    ;
  if (p - s == 6 && strncasecmp (s, "Bearer", 6) == 0)
    out->scheme = HULL_AUTH_BEARER;
  else if (p - s == 5 && strncasecmp (s, "Basic", 5) == 0)
    out->scheme = HULL_AUTH_BASIC;
  else
    return 0;
  while (p < end)
    {
      const char *key;
      char *v;

      skip_ws (&p, end);
      while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
        p++;
      if (p >= end || *p == '\r' || *p == '\n')
        break;
      for (key = p; p < end && is_tchar (*p); p++)
        ;
      if (p == key || p >= end || *p != '=')
        break; /* the start of a further challenge, or junk: the parameters end here */
      size_t klen = p - key;
      p++;
      v = param_value (&p, end);
      if (v == NULL)
        {
          hull_challenge_clear (out);
          return hull_error (err, 0, "WWW-Authenticate: malformed value of parameter `%.*s`",
                             (int) (klen > 32 ? 32 : klen), key);
        }
      challenge_set (out, key, klen, v);
    }
  if (out->scheme == HULL_AUTH_BEARER && (out->realm == NULL || out->realm[0] == '\0'))
    {
      hull_challenge_clear (out);
      return hull_error (err, 0, "WWW-Authenticate: a Bearer challenge without a realm");
    }
  return 0;
}

static bool
header_safe (const char *s)
{
  for (; *s; s++)
    if ((unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f)
      return false;
  return true;
}

int
hull_token_parse (const char *body, size_t len, char **token, hull_error_t *err)
{
  cleanup_json json_t *root = NULL;
  json_t *t;

  *token = NULL;
  root = json_loadb (body, len, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object (root))
    return hull_error (err, 0, "the token response is not a JSON object");
  t = json_object_get (root, "token");
  if (!json_is_string (t) || json_string_length (t) == 0)
    t = json_object_get (root, "access_token");
  if (!json_is_string (t) || json_string_length (t) == 0)
    return hull_error (err, 0, "the token response has neither `token` nor `access_token`");
  if (strlen (json_string_value (t)) != json_string_length (t) || !header_safe (json_string_value (t))
      || json_string_length (t) > 64 * 1024)
    return hull_error (err, 0, "the token response's token has characters a header cannot carry");
  *token = xstrdup (json_string_value (t));
  return 0;
}

/* Append S to BUF (capacity ERROR_TEXT_MAX + 1), printable ASCII only. */
static void
append_clean (char *buf, size_t *n, const char *s)
{
  for (; s && *s && *n < ERROR_TEXT_MAX; s++)
    buf[(*n)++] = ((unsigned char) *s >= 0x20 && (unsigned char) *s < 0x7f) ? *s : '?';
  buf[*n] = '\0';
}

char *
hull_registry_error_text (const char *body, size_t len)
{
  cleanup_json json_t *root = NULL;
  json_t *errors, *e;
  size_t i, n = 0;
  char buf[ERROR_TEXT_MAX + 1] = "";

  if (body == NULL || len == 0)
    return NULL;
  root = json_loadb (body, len, 0, NULL);
  errors = json_object_get (root, "errors");
  if (!json_is_array (errors))
    return NULL;
  json_array_foreach (errors, i, e)
    {
      const char *code = json_string_value (json_object_get (e, "code"));
      const char *msg = json_string_value (json_object_get (e, "message"));
      if (code == NULL && msg == NULL)
        continue;
      if (n > 0)
        append_clean (buf, &n, "; ");
      append_clean (buf, &n, code ? code : "UNKNOWN");
      if (msg)
        {
          append_clean (buf, &n, ": ");
          append_clean (buf, &n, msg);
        }
    }
  return n > 0 ? xstrdup (buf) : NULL;
}

/* Decode base64 "user:password" into *user and *pass. */
static int
decode_auth (const char *b64, const char *what, const char *key, char **user, char **pass, hull_error_t *err)
{
  size_t len = strlen (b64);
  cleanup_free unsigned char *raw = NULL;
  int n;
  char *colon;

  if (len == 0 || len % 4 != 0 || len > 16 * 1024)
    return hull_error (err, 0, "%s: the `auth` of `%s` is not base64", what, key);
  raw = xmalloc0 (len / 4 * 3 + 1);
  n = EVP_DecodeBlock (raw, (const unsigned char *) b64, (int) len);
  if (n < 0)
    return hull_error (err, 0, "%s: the `auth` of `%s` is not base64", what, key);
  /* EVP_DecodeBlock counts '=' padding as zero bytes */
  for (const char *p = b64 + len - 1; p >= b64 && *p == '=' && n > 0; p--)
    n--;
  raw[n] = '\0';
  if (strlen ((char *) raw) != (size_t) n || (colon = strchr ((char *) raw, ':')) == NULL || colon == (char *) raw)
    return hull_error (err, 0, "%s: the `auth` of `%s` is not `user:password` in base64", what, key);
  *colon = '\0';
  *user = xstrdup ((char *) raw);
  *pass = xstrdup (colon + 1);
  explicit_bzero (raw, len / 4 * 3 + 1);
  return 0;
}

/* The keys to try, most specific first: host/repo, host/repo-prefixes..., host, and the
   URL forms docker's config uses. NULL-terminated, owned. */
static char **
auth_keys (const char *host, const char *repo)
{
  size_t n = 0, cap = 8 + (repo ? strlen (repo) : 0);
  char **keys = xmalloc0 (cap * sizeof *keys);
  cleanup_free char *full = repo ? xasprintf ("%s/%s", host, repo) : xstrdup (host);
  char *slash;

  keys[n++] = xstrdup (full);
  while ((slash = strrchr (full, '/')) != NULL)
    {
      *slash = '\0';
      keys[n++] = xstrdup (full);
    }
  keys[n++] = xasprintf ("https://%s", host);
  keys[n++] = xasprintf ("http://%s", host);
  if (strcmp (host, "docker.io") == 0 || strcmp (host, "registry-1.docker.io") == 0)
    keys[n++] = xstrdup ("https://index.docker.io/v1/");
  keys[n] = NULL;
  return keys;
}

int
hull_auth_lookup (const char *json, size_t len, const char *what, const char *host, const char *repo, char **user,
                  char **pass, hull_error_t *err)
{
  cleanup_json json_t *root = NULL;
  cleanup_strv char **keys = NULL;
  json_t *auths;

  *user = *pass = NULL;
  root = json_loadb (json, len, 0, NULL);
  if (!json_is_object (root))
    return hull_error (err, 0, "%s: not a JSON object", what);
  auths = json_object_get (root, "auths");
  if (auths == NULL)
    return 0;
  if (!json_is_object (auths))
    return hull_error (err, 0, "%s: `auths` is not an object", what);
  keys = auth_keys (host, repo);
  for (char **k = keys; *k; k++)
    {
      json_t *entry = json_object_get (auths, *k);
      const char *b64 = json_string_value (json_object_get (entry, "auth"));
      if (b64 != NULL && b64[0] != '\0')
        return decode_auth (b64, what, *k, user, pass, err);
    }
  return 0;
}

/* The candidate files, NULL-terminated and owned. */
static char **
auth_files (void)
{
  char **v = xmalloc0 (5 * sizeof *v);
  size_t n = 0;
  const char *e;

  if ((e = getenv ("REGISTRY_AUTH_FILE")) && *e)
    v[n++] = xstrdup (e);
  if ((e = getenv ("XDG_RUNTIME_DIR")) && *e)
    v[n++] = xasprintf ("%s/containers/auth.json", e);
  if ((e = getenv ("XDG_CONFIG_HOME")) && *e)
    v[n++] = xasprintf ("%s/containers/auth.json", e);
  else if ((e = getenv ("HOME")) && *e)
    v[n++] = xasprintf ("%s/.config/containers/auth.json", e);
  if ((e = getenv ("HOME")) && *e)
    v[n++] = xasprintf ("%s/.docker/config.json", e);
  return v;
}

static int
auth_from_file (const char *path, bool must_exist, const char *host, const char *repo, char **user, char **pass,
                hull_error_t *err)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  hull_error_t rerr = NULL;

  if (hull_read_file_at (AT_FDCWD, path, &text, &len, &rerr) < 0)
    {
      int e = rerr->errno_;
      hull_error_free (&rerr);
      if (e == ENOENT && !must_exist)
        return 0;
      return hull_error (err, e, "auth file `%s`", path);
    }
  return hull_auth_lookup (text, len, path, host, repo, user, pass, err);
}

int
hull_auth_find (const char *auth_file, const char *host, const char *repo, char **user, char **pass,
                hull_error_t *err)
{
  cleanup_strv char **files = NULL;

  *user = *pass = NULL;
  if (auth_file != NULL)
    return auth_from_file (auth_file, true, host, repo, user, pass, err);
  files = auth_files ();
  for (char **f = files; *f; f++)
    {
      if (auth_from_file (*f, false, host, repo, user, pass, err) < 0)
        return -1;
      if (*user != NULL)
        return 0;
    }
  return 0;
}

int
hull_registry_check_host (const char *host, hull_error_t *err)
{
  size_t len = host ? strlen (host) : 0;

  if (len == 0 || len > 255)
    return hull_error (err, 0, "registry host `%s`: empty or too long", host ? host : "");
  for (const char *p = host; *p; p++)
    if (!isalnum ((unsigned char) *p) && strchr (".-:[]", *p) == NULL)
      return hull_error (err, 0, "registry host `%s`: a host[:port] has no `%c`", host, *p);
  return 0;
}

/* One path component of a repository name: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool
repo_component (const char *s, size_t len)
{
  size_t i = 0;

  if (len == 0)
    return false;
  while (i < len)
    {
      size_t start = i, seps;
      while (i < len && (islower ((unsigned char) s[i]) || isdigit ((unsigned char) s[i])))
        i++;
      if (i == start)
        return false;
      if (i == len)
        return true;
      for (seps = i; i < len && strchr ("._-", s[i]); i++)
        ;
      size_t n = i - seps;
      if (i == len)
        return false;
      if (s[seps] == '.' && n != 1)
        return false;
      if (s[seps] == '_' && (n > 2 || (n == 2 && s[seps + 1] != '_')))
        return false;
      if (s[seps] == '-')
        for (size_t k = seps; k < i; k++)
          if (s[k] != '-')
            return false;
    }
  return true;
}

int
hull_registry_check_repo (const char *repo, hull_error_t *err)
{
  const char *p = repo, *slash;

  if (repo == NULL || *repo == '\0' || strlen (repo) > 255)
    return hull_error (err, 0, "repository name `%s`: empty or too long", repo ? repo : "");
  for (; p; p = slash ? slash + 1 : NULL)
    {
      slash = strchr (p, '/');
      if (!repo_component (p, slash ? (size_t) (slash - p) : strlen (p)))
        return hull_error (err, 0, "repository name `%s`: not a distribution-spec name (lower case, digits, "
                                        "separators ._- between them, `/` between components)", repo);
    }
  return 0;
}

bool
hull_registry_ref_is_digest (const char *ref)
{
  return strchr (ref, ':') != NULL;
}

int
hull_registry_check_ref (const char *ref, hull_error_t *err)
{
  size_t len = ref ? strlen (ref) : 0;

  if (len > 0 && hull_registry_ref_is_digest (ref))
    return hull_digest_check (ref, "reference", err);
  if (len == 0 || len > 128 || !(isalnum ((unsigned char) ref[0]) || ref[0] == '_'))
    return hull_error (err, 0, "reference `%s`: not a tag or a digest", ref ? ref : "");
  for (const char *p = ref; *p; p++)
    if (!isalnum ((unsigned char) *p) && strchr ("._-", *p) == NULL)
      return hull_error (err, 0, "tag `%s`: a tag has no `%c`", ref, *p);
  return 0;
}

char *
hull_registry_url (const char *base, const char *repo, const char *kind, const char *ref)
{
  return xasprintf ("%s/v2/%s/%s/%s", base, repo, kind, ref);
}

char *
hull_registry_resolve (const char *base, const char *location)
{
  if (location == NULL)
    return NULL;
  for (const char *p = location; *p; p++)
    if ((unsigned char) *p <= 0x20 || (unsigned char) *p >= 0x7f)
      return NULL;
  if (strncasecmp (location, "http://", 7) == 0 || strncasecmp (location, "https://", 8) == 0)
    return xstrdup (location);
  if (location[0] == '/' && location[1] != '/')
    return xasprintf ("%s%s", base, location);
  return NULL;
}

char *
hull_url_add_query (const char *url, const char *key, const char *value)
{
  return xasprintf ("%s%c%s=%s", url, strchr (url, '?') ? '&' : '?', key, value);
}

char *
hull_url_origin (const char *url)
{
  const char *sep = strstr (url, "://"), *end;
  char *o;

  if (sep == NULL)
    return NULL;
  end = sep + 3 + strcspn (sep + 3, "/?#");
  o = strndup (url, end - url);
  if (o == NULL)
    abort ();
  for (char *p = o; *p; p++)
    *p = tolower ((unsigned char) *p);
  /* userinfo would make the host look like another: refuse it */
  if (strchr (o + (sep - url) + 3, '@') != NULL)
    {
      free (o);
      return NULL;
    }
  return o;
}

bool
hull_manifest_type_known (const char *media_type)
{
  static const char *const known[] = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
  };
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (media_type && strcmp (media_type, known[i]) == 0)
      return true;
  return false;
}
