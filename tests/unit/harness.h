/* harness.h: a minimal TAP producer for libhull's unit tests. Each test binary calls
   hull_test_plan_done() at the end; meson runs them with protocol 'tap'. */
#ifndef HULL_TEST_HARNESS_H
#define HULL_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hull_test_n, hull_test_failed;

#define T_OK(cond, ...)                                                        \
  do                                                                           \
    {                                                                          \
      int _ok = (cond) ? 1 : 0;                                                \
      hull_test_n++;                                                           \
      printf ("%sok %d - ", _ok ? "" : "not ", hull_test_n);                   \
      printf (__VA_ARGS__);                                                    \
      printf ("\n");                                                           \
      if (!_ok)                                                                \
        {                                                                      \
          hull_test_failed++;                                                  \
          printf ("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
        }                                                                      \
    }                                                                          \
  while (0)

#define T_SKIP(reason, ...)                                                    \
  do                                                                           \
    {                                                                          \
      hull_test_n++;                                                           \
      printf ("ok %d - ", hull_test_n);                                        \
      printf (__VA_ARGS__);                                                    \
      printf (" # SKIP %s\n", reason);                                         \
    }                                                                          \
  while (0)

static inline int
hull_test_done (void)
{
  printf ("1..%d\n", hull_test_n);
  return hull_test_failed ? 1 : 0;
}

#endif
