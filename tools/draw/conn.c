/*
 * conn.c — parse, print and match connections (see conn.h).
 */
#include "tools/draw/conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A decimal number at most `max`, advancing *p; false if none. */
static bool parse_number(const char **p, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return false;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

static bool parse_endpoint(const char **p, uint32_t *ip, uint16_t *port)
{
    unsigned long part, prt;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        if (!parse_number(p, 255, &part))
            return false;
        v = (v << 8) | (uint32_t)part;
        if (i < 3 && *(*p)++ != '.')
            return false;
    }
    if (*(*p)++ != ':' || !parse_number(p, 65535, &prt))
        return false;
    *ip = v;
    *port = (uint16_t)prt;
    return true;
}

int conn_parse(const char *s, struct conn_id *c)
{
    if (s == NULL)
        return -EINVAL;
    if (strncmp(s, "tcp ", 4) == 0)
        s += 4;
    if (!parse_endpoint(&s, &c->a_ip, &c->a_port) || *s++ != '>' ||
        !parse_endpoint(&s, &c->b_ip, &c->b_port) || *s != '\0')
        return -EINVAL;
    return 0;
}

void conn_format(const struct conn_id *c, char *out, size_t outlen)
{
    char a[16], b[16];
    pkt_format_ip(c->a_ip, a, sizeof a);
    pkt_format_ip(c->b_ip, b, sizeof b);
    snprintf(out, outlen, "%s:%u>%s:%u", a, c->a_port, b, c->b_port);
}

void conn_of_packet(const struct pkt_info *info, struct conn_id *c)
{
    c->a_ip = info->src;
    c->a_port = info->sport;
    c->b_ip = info->dst;
    c->b_port = info->dport;
}

enum conn_dir conn_direction(const struct conn_id *c, const struct pkt_info *info)
{
    if (info->proto != PKT_TCP && info->proto != PKT_UDP)
        return CONN_NONE;
    if (info->src == c->a_ip && info->sport == c->a_port && info->dst == c->b_ip &&
        info->dport == c->b_port)
        return CONN_A_TO_B;
    if (info->src == c->b_ip && info->sport == c->b_port && info->dst == c->a_ip &&
        info->dport == c->a_port)
        return CONN_B_TO_A;
    return CONN_NONE;
}

bool conn_matches_subject(const struct conn_id *c, const char *subject)
{
    struct conn_id s;
    if (conn_parse(subject, &s) < 0)
        return false;
    return (s.a_ip == c->a_ip && s.a_port == c->a_port && s.b_ip == c->b_ip &&
            s.b_port == c->b_port) ||
           (s.a_ip == c->b_ip && s.a_port == c->b_port && s.b_ip == c->a_ip &&
            s.b_port == c->a_port);
}
