/* caps.h: applying process.capabilities: the bounding set is dropped to what is listed, then
   (after the uid switch, kept by PR_SET_KEEPCAPS) effective/permitted/inheritable are set
   with capset and the ambient set raised. */
#ifndef HULL_CAPS_H
#define HULL_CAPS_H

#include "../core/error.h"
#include "../spec/spec.h"

struct hull_caps
{
  uint64_t bounding, effective, inheritable, permitted, ambient;
  int last_cap;    /* the running kernel's highest capability number */
  bool present;
};

/* Names to masks. Unknown names fail naming the set; names the running kernel lacks are
   skipped. */
int hull_caps_parse (const struct hull_capabilities *c, struct hull_caps *out, hull_error_t *err);
/* Before the uid switch: drop the bounding set and keep permitted caps across setuid. */
int hull_caps_before_user (const struct hull_caps *c, hull_error_t *err);
/* After the uid switch: the other four sets. */
int hull_caps_after_user (const struct hull_caps *c, hull_error_t *err);

#endif
