/*
 * dns_zone.c — the server's built-in zone.
 */
#include "apps/dns/dns_zone.h"

#include <errno.h>
#include <string.h>

int dns_zone_init(struct dns_zone *z, const char *origin, uint32_t ttl)
{
    memset(z, 0, sizeof *z);
    z->ttl = ttl;
    return dns_name_from_text(&z->origin, origin);
}

int dns_zone_add_a(struct dns_zone *z, const char *name, uint32_t addr)
{
    struct dns_zone_record *r;

    if (z->count == DNS_ZONE_MAX_RECORDS)
        return -ENOSPC;
    r = &z->records[z->count];
    if (dns_name_from_text(&r->name, name) < 0 || !dns_name_in_zone(&r->name, &z->origin))
        return -EINVAL;
    r->addr = addr;
    z->count++;
    return 0;
}

void dns_zone_default(struct dns_zone *z)
{
    dns_zone_init(z, "tunlab.test", DNS_ZONE_DEFAULT_TTL);
    dns_zone_add_a(z, "tunlab.test", 0x0A000002);
    dns_zone_add_a(z, "www.tunlab.test", 0x0A000002);
    dns_zone_add_a(z, "kernel.tunlab.test", 0x0A000001);
}

enum dns_zone_result dns_zone_lookup(const struct dns_zone *z, const struct dns_name *name,
                                     uint32_t *addrs, size_t max, size_t *count)
{
    *count = 0;
    if (!dns_name_in_zone(name, &z->origin))
        return DNS_ZONE_NOT_IN_ZONE;
    for (size_t i = 0; i < z->count; i++) {
        if (!dns_name_equal(&z->records[i].name, name))
            continue;
        if (*count < max)
            addrs[*count] = z->records[i].addr;
        (*count)++;
    }
    if (*count > max)
        *count = max;
    /* The apex always exists (it owns the SOA record), even without an A
     * record: a query for it gets NOERROR with no answers, not NXDOMAIN. */
    if (*count == 0 && !dns_name_equal(name, &z->origin))
        return DNS_ZONE_NO_NAME;
    return DNS_ZONE_FOUND;
}
