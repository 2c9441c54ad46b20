/* events.h: the JSON lines `events` prints, in runc's shape (runc's events/types.go): a stats
   event from a reading of the container's group, and an oom event. Used by events.c. */
#ifndef HULL_EVENTS_H
#define HULL_EVENTS_H

#include "../cgroups/stats.h"

/* {"type":"stats","id":ID,"data":{...}}, one line without a newline; the caller frees it.
   A controller S lacks is left out of data, as is each field that was not read. */
char *hull_event_stats_json (const char *id, const struct hull_cgroup_stats *s);
/* {"type":"oom","id":ID} */
char *hull_event_oom_json (const char *id);

#endif
