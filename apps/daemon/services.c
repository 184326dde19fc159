/*
 * services.c — start and stop the built-in services (see services.h).
 *
 * ICMP echo needs no service: the IPv4 layer answers it. Each service
 * below is added as its layer lands.
 */
#include "apps/daemon/services.h"

#include <stdlib.h>

struct services {
    struct stack *st;
};

struct services *services_start(struct stack *st, usec_t now, char *err, size_t errlen)
{
    (void)now;
    struct services *sv = calloc(1, sizeof(*sv));
    if (sv == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sv->st = st;
    return sv;
}

void services_on_wakeup(struct services *sv, usec_t now)
{
    (void)sv;
    (void)now;
}

void services_stop(struct services *sv)
{
    free(sv);
}

void services_print(const struct services *sv, FILE *out)
{
    (void)sv;
    fprintf(out, "icmp echo (answered by the IPv4 layer)\n");
}
