/*
 * services.h — the built-in services a daemon's stack offers: the ones the
 * kernel side talks to in the demo and in the interop tests.
 *
 * Each service is event-driven: it runs inside the event-loop thread, on
 * the non-blocking socket calls, woken by socket callbacks. No service has a
 * thread of its own (crossing CPUs costs more than the work itself here).
 */
#ifndef TUNLAB_APPS_SERVICES_H
#define TUNLAB_APPS_SERVICES_H

#include <stddef.h>
#include <stdio.h>

#include "stack/core/clock.h"
#include "stack/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

struct services;

/* Start every service on st. On failure returns NULL with the reason in err. */
struct services *services_start(struct stack *st, usec_t now, char *err, size_t errlen);
/* The same, with the HTTP server also serving the files under www_root
 * (services_start: NULL, only its built-in pages). */
struct services *services_start_www(struct stack *st, const char *www_root, usec_t now, char *err,
                                    size_t errlen);
/* Work queued for the loop thread (after loop_wake). NULL-safe. */
void services_on_wakeup(struct services *sv, usec_t now);
/* Stop them and free their state. NULL-safe. */
void services_stop(struct services *sv, usec_t now);
/* One line per service: "udp/7 echo", ... */
void services_print(const struct services *sv, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
