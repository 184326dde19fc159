/*
 * tcp_table.c — the connection tables (tcp_table.h): the 4-tuple hash and
 * the local ports in use, with each port's listeners.
 *
 * Each costs a few pointers per tcb; every lookup touches one bucket, so
 * the SYN that opens the 4,000th connection finds its listener as quickly
 * as the first one did.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>
#include <stdlib.h>

#include "stack/core/byteorder.h"

uint64_t tcp_tuple_hash(const struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                        uint16_t rport)
{
    uint8_t b[12];

    be32_write(b, lip);
    be32_write(b + 4, rip);
    be16_write(b + 8, lport);
    be16_write(b + 10, rport);
    return siphash(b, sizeof b, &tcp->hash_key);
}

int tcp_table_init(struct tcp_table *tab)
{
    tab->conn = calloc(TCP_CONN_BUCKETS_MIN, sizeof *tab->conn);
    if (!tab->conn)
        return -ENOMEM;
    tab->conn_buckets = TCP_CONN_BUCKETS_MIN;
    tab->conn_count = 0;
    tab->last = NULL;
    return 0;
}

/* After every tcb is gone: only the buckets are left. */
void tcp_table_free(struct tcp_table *tab)
{
    for (unsigned i = 0; i < TCP_PORT_BUCKETS; i++) {
        while (tab->port[i]) {
            struct tcp_port *p = tab->port[i];

            tab->port[i] = p->next;
            free(p);
        }
    }
    free(tab->conn);
    tab->conn = NULL;
}

/* ---- connections by 4-tuple ---- */

static unsigned conn_index(const struct tcp *tcp, unsigned nbuckets, const struct tcb *t)
{
    return (unsigned)(tcp_tuple_hash(tcp, t->local_ip, t->local_port, t->remote_ip,
                                     t->remote_port) & (nbuckets - 1));
}

/* Twice the buckets, so that chains stay about one long. Short of memory,
 * the table keeps its size: lookups still work, on longer chains. */
static void conn_grow(struct tcp *tcp)
{
    struct tcp_table *tab = &tcp->table;
    unsigned n = tab->conn_buckets * 2;
    struct tcb **conn = calloc(n, sizeof *conn);

    if (!conn)
        return;
    for (unsigned i = 0; i < tab->conn_buckets; i++) {
        while (tab->conn[i]) {
            struct tcb *t = tab->conn[i];
            unsigned b = conn_index(tcp, n, t);

            tab->conn[i] = t->hash_next;
            t->hash_next = conn[b];
            conn[b] = t;
        }
    }
    free(tab->conn);
    tab->conn = conn;
    tab->conn_buckets = n;
}

void tcp_hash_insert(struct tcb *tcb)
{
    struct tcp *tcp = tcb->tcp;
    struct tcp_table *tab = &tcp->table;
    unsigned b;

    if (tcb->hashed)
        return;
    if (tab->conn_count >= tab->conn_buckets)
        conn_grow(tcp);
    b = conn_index(tcp, tab->conn_buckets, tcb);
    tcb->hash_next = tab->conn[b];
    tab->conn[b] = tcb;
    tcb->hashed = true;
    tab->conn_count++;
}

void tcp_hash_remove(struct tcb *tcb)
{
    struct tcp_table *tab = &tcb->tcp->table;
    struct tcb **pp;

    if (!tcb->hashed)
        return;
    pp = &tab->conn[conn_index(tcb->tcp, tab->conn_buckets, tcb)];
    while (*pp && *pp != tcb)
        pp = &(*pp)->hash_next;
    if (*pp) {
        *pp = tcb->hash_next;
        tab->conn_count--;
    }
    if (tab->last == tcb)
        tab->last = NULL;
    tcb->hash_next = NULL;
    tcb->hashed = false;
}

static bool has_tuple(const struct tcb *t, uint32_t lip, uint16_t lport, uint32_t rip,
                      uint16_t rport)
{
    return t->local_ip == lip && t->local_port == lport && t->remote_ip == rip &&
           t->remote_port == rport;
}

struct tcb *tcp_lookup(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                       uint16_t rport)
{
    struct tcp_table *tab = &tcp->table;
    uint64_t h;

    if (tab->last && has_tuple(tab->last, lip, lport, rip, rport))
        return tab->last;   /* no hash to compute: a SipHash costs ~200 instructions */
    h = tcp_tuple_hash(tcp, lip, lport, rip, rport);
    for (struct tcb *t = tab->conn[h & (tab->conn_buckets - 1)]; t; t = t->hash_next) {
        if (has_tuple(t, lip, lport, rip, rport))
            return tab->last = t;
    }
    return NULL;
}

/* ---- local ports ---- */

/* Where port's entry is, or would be appended, in its bucket's chain. */
static struct tcp_port **port_slot(struct tcp *tcp, uint16_t port)
{
    struct tcp_port **pp = &tcp->table.port[port % TCP_PORT_BUCKETS];

    while (*pp && (*pp)->port != port)
        pp = &(*pp)->next;
    return pp;
}

struct tcp_port *tcp_port_find(struct tcp *tcp, uint16_t port)
{
    return *port_slot(tcp, port);
}

int tcp_port_hold(struct tcb *tcb)
{
    struct tcp_port **pp = port_slot(tcb->tcp, tcb->local_port);
    struct tcp_port *p = *pp;

    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p)
            return -ENOMEM;
        p->port = tcb->local_port;
        *pp = p;
    }
    tcb->port_entry = p;
    tcb->port_prev = NULL;
    tcb->port_next = p->holders;
    if (p->holders)
        p->holders->port_prev = tcb;
    p->holders = tcb;
    return 0;
}

void tcp_port_release(struct tcb *tcb)
{
    struct tcp_port *p = tcb->port_entry;

    if (!p)
        return;
    tcp_listener_remove(tcb);
    if (tcb->port_prev)
        tcb->port_prev->port_next = tcb->port_next;
    else
        p->holders = tcb->port_next;
    if (tcb->port_next)
        tcb->port_next->port_prev = tcb->port_prev;
    tcb->port_entry = NULL;
    tcb->port_prev = tcb->port_next = NULL;
    if (!p->holders) {
        struct tcp_port **pp = port_slot(tcb->tcp, p->port);

        *pp = p->next;
        free(p);
    }
}

/* ---- listeners ---- */

void tcp_listener_add(struct tcb *tcb)
{
    struct tcb **pp;

    if (!tcb->port_entry || tcb->listed)
        return;
    /* Appended: among listeners on one address, the first to listen wins. */
    for (pp = &tcb->port_entry->listeners; *pp; pp = &(*pp)->listen_next)
        ;
    *pp = tcb;
    tcb->listen_next = NULL;
    tcb->listed = true;
}

void tcp_listener_remove(struct tcb *tcb)
{
    struct tcb **pp;

    if (!tcb->listed)
        return;
    for (pp = &tcb->port_entry->listeners; *pp != tcb; pp = &(*pp)->listen_next)
        ;
    *pp = tcb->listen_next;
    tcb->listen_next = NULL;
    tcb->listed = false;
}

struct tcb *tcp_lookup_listener(struct tcp *tcp, uint32_t lip, uint16_t lport)
{
    struct tcp_port *p = tcp_port_find(tcp, lport);
    struct tcb *wildcard = NULL;

    /* RFC 9293 §3.10.7: a listener on the segment's own address before
     * one on the wildcard address (0.0.0.0). */
    for (struct tcb *t = p ? p->listeners : NULL; t; t = t->listen_next) {
        if (t->local_ip == lip)
            return t;
        if (t->local_ip == 0 && !wildcard)
            wildcard = t;
    }
    return wildcard;
}
