/*
 * pkt_label.c — textbook labels for packets (see pkt_label.h).
 */
#include "tools/draw/pkt_label.h"

#include <inttypes.h>
#include <string.h>

#include "stack/core/seq.h"
#include "stack/dump/dump.h"
#include "stack/dump/dump_buf.h"

void label_ctx_init(struct label_ctx *c, bool absolute, enum label_window window)
{
    memset(c, 0, sizeof *c);
    c->absolute = absolute;
    c->window = window;
}

uint32_t pkt_tcp_seg_len(const struct pkt_info *info)
{
    return info->payload + ((info->flags & PKT_TCP_SYN) ? 1u : 0u) +
           ((info->flags & PKT_TCP_FIN) ? 1u : 0u);
}

/* The endpoint's record, created on first sight; NULL when the table is
 * full (the label then shows absolute numbers for it). */
static struct label_endpoint *endpoint(struct label_ctx *c, uint32_t ip, uint16_t port)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->ends[i].ip == ip && c->ends[i].port == port)
            return &c->ends[i];
    if (c->count >= PKT_LABEL_MAX_ENDPOINTS)
        return NULL;
    struct label_endpoint *e = &c->ends[c->count++];
    memset(e, 0, sizeof *e);
    e->ip = ip;
    e->port = port;
    e->wscale = -1;
    return e;
}

/* Learn the sender's ISN from its SYN (a SYN with a new seq starts a new
 * connection on the same ports), or guess it from its first segment. */
static void learn_bases(struct label_endpoint *src, struct label_endpoint *dst,
                        const struct pkt_info *info)
{
    if (src != NULL && (info->flags & PKT_TCP_SYN)) {
        if (!src->isn_known || src->isn != info->seq) {
            src->isn = info->seq;
            src->isn_known = true;
            src->win_known = false;
            src->high_known = false;
        }
        src->wscale = info->wscale;
    } else if (src != NULL && !src->isn_known) {
        src->isn = info->seq - 1;
        src->isn_known = true;
    }
    if (dst != NULL && (info->flags & PKT_TCP_ACK) && !dst->isn_known) {
        dst->isn = info->ack - 1;
        dst->isn_known = true;
    }
}

/* Does the segment cover sequence space already sent? Then it is a
 * retransmission (or a keepalive probe, which re-sends one old byte). */
static bool note_sent(struct label_endpoint *src, const struct pkt_info *info)
{
    uint32_t len = pkt_tcp_seg_len(info);
    bool retx;

    if (src == NULL || len == 0)
        return false;
    retx = src->high_known && seq_lt(info->seq, src->high);
    uint32_t end = info->seq + len;
    src->high = src->high_known ? seq_max(src->high, end) : end;
    src->high_known = true;
    return retx;
}

/* RFC 7323 §2.3: the window of a non-SYN segment is shifted by the sender's
 * scale, if both sides offered the option in their SYNs. */
static uint32_t scaled_window(const struct label_endpoint *src, const struct label_endpoint *dst,
                              const struct pkt_info *info)
{
    if ((info->flags & PKT_TCP_SYN) || src == NULL || dst == NULL || src->wscale < 0 ||
        dst->wscale < 0)
        return info->window;
    int shift = src->wscale > 14 ? 14 : src->wscale;
    return (uint32_t)info->window << shift;
}

static bool show_window(const struct label_ctx *c, const struct label_endpoint *src,
                        const struct pkt_info *info, uint32_t win)
{
    if (info->flags & PKT_TCP_RST)
        return false;   /* a reset's window means nothing */
    switch (c->window) {
    case LABEL_WIN_ALWAYS: return true;
    case LABEL_WIN_NEVER: return false;
    case LABEL_WIN_CHANGES: break;
    }
    return src == NULL || !src->win_known || src->last_win != win;
}

/* A space between the parts of a label, none before the first. */
static void add_sep(struct dump_buf *b)
{
    if (b->len > 0)
        dump_buf_add(b, " ");
}

/* "SYN", "SYN+ACK", "FIN", "RST", "ACK" (a bare acknowledgment); nothing
 * for a data segment, whose "seq=1:101 (100)" says what it is. */
static void add_tcp_name(struct dump_buf *b, const struct pkt_info *info)
{
    uint8_t f = info->flags;
    const char *plus = "";
    if (f & PKT_TCP_SYN) {
        dump_buf_add(b, "SYN%s", (f & PKT_TCP_ACK) ? "+ACK" : "");
        plus = "+";
    }
    if (f & PKT_TCP_FIN) {
        dump_buf_add(b, "%sFIN", plus);
        plus = "+";
    }
    if (f & PKT_TCP_RST) {
        dump_buf_add(b, "%sRST", plus);
        plus = "+";
    }
    if (*plus == '\0' && info->payload == 0)
        dump_buf_add(b, (f & PKT_TCP_ACK) ? "ACK" : "TCP no flags");
}

static void label_tcp(struct label_ctx *c, const struct pkt_info *info, struct dump_buf *b,
                      struct label_facts *facts)
{
    struct label_endpoint *src = endpoint(c, info->src, info->sport);
    struct label_endpoint *dst = endpoint(c, info->dst, info->dport);
    bool control = (info->flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST)) != 0;

    learn_bases(src, dst, info);
    bool retx = note_sent(src, info);
    uint32_t seq = info->seq, ack = info->ack;
    if (!c->absolute && src != NULL)
        seq -= src->isn;
    if (!c->absolute && dst != NULL && dst->isn_known)
        ack -= dst->isn;
    uint32_t win = scaled_window(src, dst, info);

    add_tcp_name(b, info);
    if (info->payload > 0) {
        add_sep(b);
        dump_buf_add(b, "seq=%" PRIu32 ":%" PRIu32 " (%" PRIu32 ")", seq, seq + info->payload,
                     info->payload);
    } else if (control) {
        add_sep(b);
        dump_buf_add(b, "seq=%" PRIu32, seq);
    }
    if (info->flags & PKT_TCP_ACK) {
        add_sep(b);
        dump_buf_add(b, "ack=%" PRIu32, ack);
    }
    if (show_window(c, src, info, win)) {
        add_sep(b);
        dump_buf_add(b, "win=%" PRIu32, win);
    }
    if (src != NULL) {
        src->win_known = true;
        src->last_win = win;
    }
    if ((info->flags & PKT_TCP_SYN) && info->mss != 0)
        dump_buf_add(b, " mss=%u", info->mss);
    if (retx)
        dump_buf_add(b, " (retx)");
    if (facts != NULL) {
        facts->retransmission = retx;
        facts->rel_seq = seq;
        facts->rel_ack = ack;
        facts->scaled_window = win;
    }
}

static const char *icmp_name(uint8_t type, uint8_t code)
{
    switch (type) {
    case 0: return "echo reply";
    case 8: return "echo request";
    case 11: return code == 1 ? "time exceeded (reassembly)" : "time exceeded";
    case 3:
        switch (code) {
        case 0: return "net unreachable";
        case 1: return "host unreachable";
        case 2: return "protocol unreachable";
        case 3: return "port unreachable";
        case 4: return "need to frag";
        default: return "unreachable";
        }
    default: return NULL;
    }
}

static void label_icmp(const struct pkt_info *info, struct dump_buf *b)
{
    const char *name = icmp_name(info->icmp_type, info->icmp_code);
    if (name == NULL)
        dump_buf_add(b, "ICMP type %u code %u", info->icmp_type, info->icmp_code);
    else if (info->icmp_type == 0 || info->icmp_type == 8)
        dump_buf_add(b, "ICMP %s seq=%u", name, info->icmp_seq);
    else
        dump_buf_add(b, "ICMP %s", name);
}

static void label_arp(const struct pkt_info *info, struct dump_buf *b)
{
    char spa[16], tpa[16];
    const uint8_t *m = info->arp_sha;
    pkt_format_ip(info->src, spa, sizeof spa);
    pkt_format_ip(info->dst, tpa, sizeof tpa);
    if (info->arp_op == 1 && info->src == info->dst)
        dump_buf_add(b, "ARP announce %s", spa);   /* gratuitous (RFC 5227 §2.3) */
    else if (info->arp_op == 1)
        dump_buf_add(b, "ARP who-has %s tell %s", tpa, spa);
    else if (info->arp_op == 2)
        dump_buf_add(b, "ARP %s is-at %02x:%02x:%02x:%02x:%02x:%02x", spa, m[0], m[1], m[2], m[3],
                     m[4], m[5]);
    else
        dump_buf_add(b, "ARP op %u", info->arp_op);
}

void pkt_label(struct label_ctx *c, const struct pkt_info *info, const struct trace_event *ev,
               char *out, size_t outlen, struct label_facts *facts)
{
    struct dump_buf b;
    bool fragment = info->has_ip && info->proto != PKT_ARP &&
                    (info->more_frags || info->frag_offset != 0);

    dump_buf_init(&b, out, outlen);
    if (facts != NULL)
        memset(facts, 0, sizeof *facts);
    switch (info->proto) {
    case PKT_TCP:
        label_tcp(c, info, &b, facts);
        break;
    case PKT_UDP:
        dump_buf_add(&b, "UDP %u>%u (%" PRIu32 ")", info->sport, info->dport, info->payload);
        break;
    case PKT_ICMP:
        label_icmp(info, &b);
        break;
    case PKT_ARP:
        label_arp(info, &b);
        break;
    case PKT_IP:
        if (info->frag_offset != 0)
            dump_buf_add(&b, "IP");
        else
            dump_buf_add(&b, "IP proto %u (%" PRIu32 ")", info->ip_proto, info->ip_payload);
        break;
    case PKT_OTHER: {
        char line[256];
        size_t cap = ev->cap_len < TRACE_PKT_BYTES ? ev->cap_len : TRACE_PKT_BYTES;
        dump_packet(ev->link, ev->bytes, cap, ev->wire_len, line, sizeof line);
        dump_buf_add(&b, "%s", line);
        break;
    }
    }
    /* RFC 791 §3.2: a fragment is named by its datagram id and offset. */
    if (fragment)
        dump_buf_add(&b, " frag id=%u off=%u len=%" PRIu32 "%s", info->ip_id, info->frag_offset,
                     info->ip_payload, info->more_frags ? " MF" : "");
}
