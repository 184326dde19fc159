/*
 * ip4_addr.c — dotted-quad text for IPv4 addresses.
 */
#include <stdio.h>

#include "stack/net/ip4.h"

void ip4_format_addr(uint32_t addr, char *out, size_t outlen)
{
    snprintf(out, outlen, "%u.%u.%u.%u", (unsigned)(addr >> 24) & 0xFF,
             (unsigned)(addr >> 16) & 0xFF, (unsigned)(addr >> 8) & 0xFF,
             (unsigned)addr & 0xFF);
}

/* Strict dotted decimal: exactly four parts, each 0..255, digits only (no
 * inet_aton shorthand like "10.1" or octal "010"). */
int ip4_parse_addr(const char *text, uint32_t *addr)
{
    uint32_t result = 0;
    const char *s = text;
    for (int part = 0; part < 4; part++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned value = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            value = value * 10 + (unsigned)(*s - '0');
            s++;
            if (++digits > 3 || value > 255)
                return -1;
        }
        if (digits > 1 && s[-digits] == '0')
            return -1;   /* leading zero: octal in inet_aton, refused here */
        result = result << 8 | value;
        if (part < 3) {
            if (*s != '.')
                return -1;
            s++;
        }
    }
    if (*s != '\0')
        return -1;
    *addr = result;
    return 0;
}
