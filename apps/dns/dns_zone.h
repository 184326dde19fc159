/*
 * dns_zone.h — the built-in zone the DNS server is authoritative for: a
 * list of A records under one origin.
 *
 * The default zone is the lab network:
 *     tunlab.test.          A 10.0.0.2
 *     www.tunlab.test.      A 10.0.0.2   (the stack)
 *     kernel.tunlab.test.   A 10.0.0.1   (the kernel side of the TUN device)
 */
#ifndef TUNLAB_APPS_DNS_ZONE_H
#define TUNLAB_APPS_DNS_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "apps/dns/dns_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DNS_ZONE_MAX_RECORDS 32
#define DNS_ZONE_DEFAULT_TTL 300

struct dns_zone_record {
    struct dns_name name;
    uint32_t addr;   /* host order */
};

struct dns_zone {
    struct dns_name origin;
    uint32_t ttl;
    size_t count;
    struct dns_zone_record records[DNS_ZONE_MAX_RECORDS];
};

/* An empty zone for origin ("tunlab.test"). 0 or a negative dns_error. */
int dns_zone_init(struct dns_zone *z, const char *origin, uint32_t ttl);
/* Add "name A addr": name is absolute ("www.tunlab.test") and must be in the
 * zone. Returns 0, -EINVAL (bad name or not in the zone), -ENOSPC. */
int dns_zone_add_a(struct dns_zone *z, const char *name, uint32_t addr);
/* The lab zone above. */
void dns_zone_default(struct dns_zone *z);

enum dns_zone_result {
    DNS_ZONE_FOUND,        /* the name exists; its A records are returned */
    DNS_ZONE_NO_NAME,      /* in the zone, but no such name: NXDOMAIN */
    DNS_ZONE_NOT_IN_ZONE,  /* we are not authoritative: REFUSED */
};

/* Look name up; fill up to max addresses, set *count to how many. */
enum dns_zone_result dns_zone_lookup(const struct dns_zone *z, const struct dns_name *name,
                                     uint32_t *addrs, size_t max, size_t *count);

#ifdef __cplusplus
}
#endif

#endif
