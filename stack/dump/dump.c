/*
 * dump.c — tcpdump-style decoding of the packets in a trace (see dump.h).
 *
 * Each decoder gets the bytes that were captured and checks every length
 * against them before reading; a field beyond the capture ends the line
 * with tcpdump's "[|proto]" marker.
 */
#include "stack/dump/dump.h"

#include <inttypes.h>
#include <stdbool.h>

#include "stack/core/byteorder.h"
#include "stack/dump/dump_buf.h"

static void add_ip4(struct dump_buf *b, const uint8_t *a)
{
    dump_buf_add(b, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void add_mac(struct dump_buf *b, const uint8_t *m)
{
    dump_buf_add(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* tcpdump's flag letters, in tcpdump's order; ACK prints as '.'. */
static void add_tcp_flags(struct dump_buf *b, uint8_t flags)
{
    static const struct {
        uint8_t bit;
        char letter;
    } names[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'},
                 {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}};
    dump_buf_add(b, "Flags [");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (flags & names[i].bit)
            dump_buf_add(b, "%c", names[i].letter);
    if (flags == 0)
        dump_buf_add(b, "none");
    dump_buf_add(b, "]");
}

/* RFC 9293 §3.2 option kinds, printed as tcpdump does. */
static void add_tcp_options(struct dump_buf *b, const uint8_t *opt, size_t len)
{
    dump_buf_add(b, ", options [");
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (i > 0)
            dump_buf_add(b, ",");
        if (kind == 0) {
            dump_buf_add(b, "eol");
            break;
        }
        if (kind == 1) {
            dump_buf_add(b, "nop");
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len) {
            dump_buf_add(b, "bad opt");
            break;
        }
        uint8_t olen = opt[i + 1];
        const uint8_t *v = opt + i + 2;
        if (kind == 2 && olen == 4)
            dump_buf_add(b, "mss %u", be16_read(v));
        else if (kind == 3 && olen == 3)
            dump_buf_add(b, "wscale %u", v[0]);
        else if (kind == 4 && olen == 2)
            dump_buf_add(b, "sackOK");
        else if (kind == 8 && olen == 10)
            dump_buf_add(b, "TS val %" PRIu32 " ecr %" PRIu32, be32_read(v), be32_read(v + 4));
        else if (kind == 5 && olen >= 10 && (olen - 2) % 8 == 0) {
            dump_buf_add(b, "sack %d", (olen - 2) / 8);
            for (int k = 0; k < (olen - 2) / 8; k++)
                dump_buf_add(b, " {%" PRIu32 ":%" PRIu32 "}", be32_read(v + 8 * k),
                             be32_read(v + 8 * k + 4));
        } else
            dump_buf_add(b, "unknown-%u", kind);
        i += olen;
    }
    dump_buf_add(b, "]");
}

static void dump_tcp(struct dump_buf *b, const uint8_t *h, size_t cap, size_t seg_len)
{
    if (cap < 20) {
        dump_buf_add(b, "[|tcp]");
        return;
    }
    size_t hdr_len = (size_t)(h[12] >> 4) * 4;
    uint32_t seq = be32_read(h + 4);
    uint8_t flags = h[13];
    add_tcp_flags(b, flags);
    size_t payload = seg_len > hdr_len ? seg_len - hdr_len : 0;
    if (payload > 0 || (flags & 0x07))
        dump_buf_add(b, payload ? ", seq %" PRIu32 ":%" PRIu32 : ", seq %" PRIu32, seq,
                     seq + (uint32_t)payload);
    if (flags & 0x10)
        dump_buf_add(b, ", ack %" PRIu32, be32_read(h + 8));
    dump_buf_add(b, ", win %u", be16_read(h + 14));
    if (hdr_len < 20) {
        dump_buf_add(b, ", bad data offset %zu", hdr_len);
        return;
    }
    if (hdr_len > 20) {
        if (cap < hdr_len) {
            dump_buf_add(b, ", options [|tcp]");
            return;
        }
        add_tcp_options(b, h + 20, hdr_len - 20);
    }
    dump_buf_add(b, ", length %zu", payload);
}

static const char *icmp_name(uint8_t type, uint8_t code)
{
    switch (type) {
    case 0: return "echo reply";
    case 8: return "echo request";
    case 11: return code == 1 ? "time exceeded in-reassembly" : "time exceeded in-transit";
    case 3:
        switch (code) {
        case 0: return "net unreachable";
        case 1: return "host unreachable";
        case 2: return "protocol unreachable";
        case 3: return "port unreachable";
        case 4: return "unreachable - need to frag";
        default: return "unreachable";
        }
    default: return NULL;
    }
}

static void dump_icmp(struct dump_buf *b, const uint8_t *h, size_t cap, size_t len)
{
    if (cap < 8) {
        dump_buf_add(b, "ICMP [|icmp]");
        return;
    }
    const char *name = icmp_name(h[0], h[1]);
    if (name != NULL)
        dump_buf_add(b, "ICMP %s", name);
    else
        dump_buf_add(b, "ICMP type %u code %u", h[0], h[1]);
    if (h[0] == 0 || h[0] == 8)
        dump_buf_add(b, ", id %u, seq %u", be16_read(h + 4), be16_read(h + 6));
    dump_buf_add(b, ", length %zu", len);
}

/* `prefix` is tcpdump's "IP " before a bare datagram; `tcpdump -e` leaves it
 * out after an Ethernet header, which already says "ethertype IPv4". */
static void dump_ip4(struct dump_buf *b, const uint8_t *p, size_t cap, size_t wire, bool prefix)
{
    if (cap < 20 || (p[0] >> 4) != 4) {
        dump_buf_add(b, cap < 1 ? "IP [|ip]" : "IP bad version %u", cap ? p[0] >> 4 : 0);
        return;
    }
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    size_t total = be16_read(p + 2);
    uint16_t frag = be16_read(p + 6);
    uint16_t offset = (uint16_t)((frag & 0x1fff) * 8);
    bool more = (frag & 0x2000) != 0;
    uint8_t proto = p[9];
    if (ihl < 20 || total < ihl) {
        dump_buf_add(b, "IP bad header (ihl %zu, length %zu)", ihl, total);
        return;
    }
    if (total > wire)
        total = wire;   /* a lying total length: decode what arrived */
    const uint8_t *l4 = p + ihl;
    size_t l4_cap = cap > ihl ? cap - ihl : 0;
    size_t l4_len = total - ihl;
    bool has_ports = offset == 0 && (proto == 6 || proto == 17) && l4_cap >= 4;

    if (prefix)
        dump_buf_add(b, "IP ");
    add_ip4(b, p + 12);
    if (has_ports)
        dump_buf_add(b, ".%u", be16_read(l4));
    dump_buf_add(b, " > ");
    add_ip4(b, p + 16);
    if (has_ports)
        dump_buf_add(b, ".%u", be16_read(l4 + 2));
    dump_buf_add(b, ": ");
    if (offset != 0)
        dump_buf_add(b, "ip-proto-%u %zu", proto, l4_len);
    else if (proto == 6)
        dump_tcp(b, l4, l4_cap, l4_len);
    else if (proto == 17)
        dump_buf_add(b, "UDP, length %zu", l4_len >= 8 ? l4_len - 8 : 0);
    else if (proto == 1)
        dump_icmp(b, l4, l4_cap, l4_len);
    else
        dump_buf_add(b, "ip-proto-%u %zu", proto, l4_len);
    if (more || offset != 0)
        dump_buf_add(b, " (frag %u:%zu@%u%s)", be16_read(p + 4), l4_len, offset, more ? "+" : "");
}

/* ARP only ever arrives in an Ethernet frame, so like `tcpdump -e` the line
 * carries no "ARP, " prefix (the ethertype said it). */
static void dump_arp(struct dump_buf *b, const uint8_t *a, size_t cap)
{
    /* RFC 826 for Ethernet/IPv4: 28 bytes. */
    if (cap < 28 || be16_read(a) != 1 || be16_read(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) {
        dump_buf_add(b, "[|arp] or not Ethernet/IPv4");
        return;
    }
    uint16_t op = be16_read(a + 6);
    if (op == 1) {
        dump_buf_add(b, "Request who-has ");
        add_ip4(b, a + 24);
        dump_buf_add(b, " tell ");
        add_ip4(b, a + 14);
    } else if (op == 2) {
        dump_buf_add(b, "Reply ");
        add_ip4(b, a + 14);
        dump_buf_add(b, " is-at ");
        add_mac(b, a + 8);
    } else {
        dump_buf_add(b, "op %u", op);
    }
    dump_buf_add(b, ", length 28");
}

static void dump_ethernet(struct dump_buf *b, const uint8_t *f, size_t cap, size_t wire)
{
    if (cap < 14) {
        dump_buf_add(b, "[|ether]");
        return;
    }
    uint16_t type = be16_read(f + 12);
    add_mac(b, f + 6);
    dump_buf_add(b, " > ");
    add_mac(b, f);
    dump_buf_add(b, ", ethertype %s (0x%04x), length %zu: ",
                 type == 0x0800 ? "IPv4" : type == 0x0806 ? "ARP" : "unknown", type, wire);
    if (type == 0x0800)
        dump_ip4(b, f + 14, cap - 14, wire - 14, false);
    else if (type == 0x0806)
        dump_arp(b, f + 14, cap - 14);
}

size_t dump_packet(enum trace_link link, const uint8_t *bytes, size_t cap_len, size_t wire_len,
                   char *out, size_t outlen)
{
    struct dump_buf b;
    dump_buf_init(&b, out, outlen);
    if (cap_len > wire_len)
        cap_len = wire_len;
    if (link == TRACE_LINK_ETHERNET)
        dump_ethernet(&b, bytes, cap_len, wire_len);
    else
        dump_ip4(&b, bytes, cap_len, wire_len, true);
    return b.len;
}

size_t dump_event(const struct trace_event *ev, char *out, size_t outlen)
{
    struct dump_buf b;
    char when[32];
    dump_buf_init(&b, out, outlen);
    trace_format_time(ev->time, when, sizeof(when));
    dump_buf_add(&b, "%s %-7s %-5s ", when, ev->node, trace_kind_name(ev->kind));
    switch (ev->kind) {
    case TRACE_PKT_IN:
    case TRACE_PKT_OUT:
    case TRACE_PKT_LOST: {
        char line[512];
        dump_packet(ev->link, ev->bytes, ev->cap_len, ev->wire_len, line, sizeof(line));
        dump_buf_add(&b, "%s", line);
        break;
    }
    case TRACE_STATE:
        dump_buf_add(&b, "%s %s", ev->subject, ev->text);
        break;
    case TRACE_VAR:
        dump_buf_add(&b, "%s %s=%" PRId64, ev->subject, ev->text, ev->value);
        break;
    case TRACE_NOTE:
        dump_buf_add(&b, "%s%s%s", ev->subject, ev->subject[0] ? ": " : "", ev->text);
        break;
    }
    return b.len;
}

void dump_trace(const struct trace *t, FILE *out)
{
    char line[768];
    for (size_t i = 0; i < t->count; i++) {
        dump_event(&t->events[i], line, sizeof(line));
        fprintf(out, "%s\n", line);
    }
    if (t->dropped > 0)
        fprintf(out, "(%llu more events not recorded: trace full)\n",
                (unsigned long long)t->dropped);
}
