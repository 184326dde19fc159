/*
 * clock.h — how tunlab talks about time.
 *
 * The stack never reads a clock. Every entry point that may start, fire or
 * check a timer takes `now`, the current time in microseconds, from its
 * caller. The event loop on a real device passes the wall clock; the tests
 * pass a virtual clock, so a 60-second TIME-WAIT takes no real time and every
 * run is reproducible.
 */
#ifndef TUNLAB_CORE_CLOCK_H
#define TUNLAB_CORE_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Microseconds since an arbitrary origin chosen by the caller. */
typedef uint64_t usec_t;

#define USEC_PER_MSEC ((usec_t)1000)
#define USEC_PER_SEC ((usec_t)1000000)
/* "No deadline": later than any real time. */
#define USEC_NEVER UINT64_MAX

static inline usec_t usec_from_msec(uint64_t ms) { return ms * USEC_PER_MSEC; }
static inline usec_t usec_from_sec(uint64_t s) { return s * USEC_PER_SEC; }

#ifdef __cplusplus
}
#endif

#endif
