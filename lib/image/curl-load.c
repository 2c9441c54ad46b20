/* curl-load.c: libcurl, loaded when the registry client first needs it rather than at every
   start of `hull`. libcurl brings some twenty shared libraries with it (GnuTLS, Kerberos,
   LDAP, libssh2, nghttp2, ...) whose loading and constructors cost `hull run` more than
   10 ms on every container, while only pull and push talk HTTP. So hull links no libcurl:
   these definitions of the libcurl functions the registry client calls dlopen
   libcurl.so.4 on the first curl_global_init (which registry.c makes under pthread_once) and
   call through to it. Every other function here is only reached after that succeeded.
   curl_easy_strerror also works before, and tells why the library could not be loaded. */
#define _GNU_SOURCE
#define CURL_DISABLE_TYPECHECK /* the macros of curl/typecheck-gcc.h would rename these */
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>

#define LIBCURL "libcurl.so.4"

/* Written once, by curl_global_init, before any other function here is called. */
static struct
{
  void *lib;
  char why[256];
#define F(ret, name, args) ret(*name) args;
#include "curl-load.def"
#undef F
} L;

static int
load (void)
{
  L.lib = dlopen (LIBCURL, RTLD_NOW | RTLD_LOCAL);
  if (L.lib == NULL)
    {
      snprintf (L.why, sizeof L.why, "cannot load %s: %s", LIBCURL, dlerror ());
      return -1;
    }
#define F(ret, name, args)                                                                    \
  if ((*(void **) &L.name = dlsym (L.lib, #name)) == NULL)                                     \
    {                                                                                          \
      snprintf (L.why, sizeof L.why, "%s has no %s", LIBCURL, #name);                          \
      return -1;                                                                               \
    }
#include "curl-load.def"
#undef F
  return 0;
}

CURLcode
curl_global_init (long flags)
{
  if (L.lib == NULL && L.why[0] == '\0' && load () < 0)
    return CURLE_FAILED_INIT;
  if (L.why[0])
    return CURLE_FAILED_INIT;
  return L.curl_global_init (flags);
}

const char *
curl_easy_strerror (CURLcode code)
{
  if (L.why[0])
    return L.why;
  return L.curl_easy_strerror (code);
}

/* curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo take one argument after the
   option whose type depends on it: a long, a curl_off_t, a data or a function pointer. On
   the LP64 ABIs hull builds for, each of these is passed as one 64-bit integer-class word,
   so it is taken and passed on as one. */
_Static_assert (sizeof (long) == sizeof (void *) && sizeof (curl_off_t) == sizeof (void *),
                "curl-load.c passes option values as one pointer-sized word");

CURLcode
curl_easy_setopt (CURL *curl, CURLoption option, ...)
{
  va_list ap;
  void *v;
  va_start (ap, option);
  v = va_arg (ap, void *);
  va_end (ap);
  return L.curl_easy_setopt (curl, option, v);
}

CURLMcode
curl_multi_setopt (CURLM *multi, CURLMoption option, ...)
{
  va_list ap;
  void *v;
  va_start (ap, option);
  v = va_arg (ap, void *);
  va_end (ap);
  return L.curl_multi_setopt (multi, option, v);
}

CURLcode
curl_easy_getinfo (CURL *curl, CURLINFO info, ...)
{
  va_list ap;
  void *v;
  va_start (ap, info);
  v = va_arg (ap, void *);
  va_end (ap);
  return L.curl_easy_getinfo (curl, info, v);
}

/* The rest pass their arguments as they are. */
CURL *curl_easy_init (void) { return L.curl_easy_init (); }
void curl_easy_cleanup (CURL *c) { L.curl_easy_cleanup (c); }
void curl_easy_reset (CURL *c) { L.curl_easy_reset (c); }
CURLcode curl_easy_perform (CURL *c) { return L.curl_easy_perform (c); }
CURLcode curl_easy_pause (CURL *c, int bitmask) { return L.curl_easy_pause (c, bitmask); }
char *curl_easy_escape (CURL *c, const char *s, int n) { return L.curl_easy_escape (c, s, n); }
void curl_free (void *p) { L.curl_free (p); }
struct curl_slist *curl_slist_append (struct curl_slist *l, const char *s) { return L.curl_slist_append (l, s); }
void curl_slist_free_all (struct curl_slist *l) { L.curl_slist_free_all (l); }
CURLM *curl_multi_init (void) { return L.curl_multi_init (); }
CURLMcode curl_multi_cleanup (CURLM *m) { return L.curl_multi_cleanup (m); }
CURLMcode curl_multi_add_handle (CURLM *m, CURL *c) { return L.curl_multi_add_handle (m, c); }
CURLMcode curl_multi_remove_handle (CURLM *m, CURL *c) { return L.curl_multi_remove_handle (m, c); }
CURLMcode curl_multi_perform (CURLM *m, int *running) { return L.curl_multi_perform (m, running); }
CURLMcode curl_multi_poll (CURLM *m, struct curl_waitfd e[], unsigned n, int ms, int *ret)
{
  return L.curl_multi_poll (m, e, n, ms, ret);
}
CURLMsg *curl_multi_info_read (CURLM *m, int *left) { return L.curl_multi_info_read (m, left); }
