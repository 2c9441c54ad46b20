/* registry-parse.h: the registry client's parsers of untrusted bytes and its URL building,
   kept apart from libcurl so that unit tests and the fuzzer reach them directly:
   WWW-Authenticate challenges, token responses, error bodies, auth.json credentials, names
   and references, and Location headers. Nothing here does I/O except reading auth files. */
#ifndef HULL_IMAGE_REGISTRY_PARSE_H
#define HULL_IMAGE_REGISTRY_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/error.h"

enum hull_auth_scheme
{
  HULL_AUTH_NONE = 0,
  HULL_AUTH_BASIC,
  HULL_AUTH_BEARER,
};

struct hull_challenge
{
  enum hull_auth_scheme scheme;
  char *realm;   /* owned; NULL when absent */
  char *service; /* owned; NULL when absent */
  char *scope;   /* owned; NULL when absent */
};

/* Parse the first challenge of a WWW-Authenticate value (RFC 7235: scheme, then
   key=token or key="quoted" pairs). Unknown schemes give HULL_AUTH_NONE and no error;
   malformed parameters are an error. */
int hull_challenge_parse (const char *value, size_t len, struct hull_challenge *out, hull_error_t *err);
void hull_challenge_clear (struct hull_challenge *c);

/* The bearer token of a token response: `token`, else `access_token` (a non-empty string
   without control characters or spaces, since it goes into a header). */
int hull_token_parse (const char *body, size_t len, char **token, hull_error_t *err);

/* A registry's error body ({"errors":[{"code":..,"message":..}]}) as "CODE: message[; ...]",
   printable characters only and at most a few hundred bytes; NULL when the body has none. */
char *hull_registry_error_text (const char *body, size_t len);

/* Credentials for HOST and REPO (REPO may be NULL) from an auth.json text (containers-auth.json
   5: keys "host[/namespace...]", most specific first; "https://host" and docker's
   "https://index.docker.io/v1/" for docker.io also match). *user and *pass stay NULL when there is
   no entry; an entry that does not decode is an error (naming WHAT, never its content). */
int hull_auth_lookup (const char *json, size_t len, const char *what, const char *host, const char *repo, char **user,
                      char **pass, hull_error_t *err);
/* The same over the files containers-auth.json 5 names, in order, stopping at the first with
   credentials for HOST: AUTH_FILE alone when it is not NULL, else $REGISTRY_AUTH_FILE,
   ${XDG_RUNTIME_DIR}/containers/auth.json, ${XDG_CONFIG_HOME:-$HOME/.config}/containers/auth.json,
   $HOME/.docker/config.json. Missing files are skipped (except an explicit AUTH_FILE). */
int hull_auth_find (const char *auth_file, const char *host, const char *repo, char **user, char **pass,
                    hull_error_t *err);

/* Syntax checks (distribution-spec): host[:port], repository names, tags or digests. */
int hull_registry_check_host (const char *host, hull_error_t *err);
int hull_registry_check_repo (const char *repo, hull_error_t *err);
int hull_registry_check_ref (const char *ref, hull_error_t *err);
bool hull_registry_ref_is_digest (const char *ref);

/* BASE ("https://host:port") + "/v2/" + REPO + "/" + KIND ("manifests", "blobs") + "/" + REF. */
char *hull_registry_url (const char *base, const char *repo, const char *kind, const char *ref);
/* LOCATION (absolute http(s) URL, or a path starting with "/") resolved against BASE;
   NULL when it is neither. */
char *hull_registry_resolve (const char *base, const char *location);
/* URL with "KEY=VALUE" appended (VALUE already escaped) after '?' or '&'. */
char *hull_url_add_query (const char *url, const char *key, const char *value);
/* "scheme://host[:port]" of URL, lower-cased, or NULL: to compare the origins of redirects. */
char *hull_url_origin (const char *url);

/* The four manifest media types the client accepts. */
bool hull_manifest_type_known (const char *media_type);
#define HULL_MANIFEST_ACCEPT                                                                    \
  "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "     \
  "application/vnd.docker.distribution.manifest.v2+json, "                                     \
  "application/vnd.docker.distribution.manifest.list.v2+json"

#endif
