/*
 * tcp_hdr.c — parse and emit the TCP header and its options (RFC 9293 §3.1),
 * and the pseudo-header checksum.
 */
#include "stack/transport/tcp_hdr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stack/core/checksum.h"
#include "stack/core/log.h"
#include "stack/net/ip4.h"

const char *tcp_hdr_error_name(int err)
{
    switch (err) {
    case TCP_HDR_OK: return "ok";
    case TCP_HDR_ERR_SHORT: return "shorter than a TCP header";
    case TCP_HDR_ERR_OFFSET: return "bad data offset";
    case TCP_HDR_ERR_OPTION: return "bad option length";
    default: return "unknown";
    }
}

void tcp_hdr_init(struct tcp_hdr *h)
{
    memset(h, 0, sizeof *h);
    h->data_offset = TCP_HDR_LEN / 4;
}

/* True for the options tunlab interprets: each describes one thing (one
 * MSS, one shift count, one list of SACK blocks), so it may appear once. */
static bool is_known_kind(uint8_t kind)
{
    return kind == TCP_OPT_MSS || kind == TCP_OPT_WSCALE || kind == TCP_OPT_SACK_PERMITTED ||
           kind == TCP_OPT_SACK || kind == TCP_OPT_TIMESTAMPS;
}

static bool layout_has(const struct tcp_options *o, uint8_t kind)
{
    return memchr(o->layout, kind, o->layout_len) != NULL;
}

/* Store one option whose kind and length have been checked against the
 * header's end. `d` points at its data (len - 2 bytes). */
static void parse_one_option(struct tcp_options *o, uint8_t kind, uint8_t len,
                             const uint8_t *d)
{
    /* A second copy of a known option. RFC 2018 §3 defines one SACK option
     * per segment (up to 4 blocks, 40 bytes of option space); RFC 9293 §3.1
     * and RFC 7323 give MSS, Window Scale and Timestamps one value each. No
     * RFC says which copy counts, so the first one is kept and the repeat is
     * ignored and counted, like a wrong length: merging both SACK lists
     * would describe a segment that cannot be written back in 40 bytes. */
    if (is_known_kind(kind) && layout_has(o, kind))
        goto ignore;
    switch (kind) {
    case TCP_OPT_MSS:
        if (len != TCP_OPTLEN_MSS)
            goto wrong_length;
        o->mss = be16_read(d);
        o->has_mss = o->mss != 0;
        if (o->mss == 0) {
            /* No RFC gives MSS 0 a meaning; it would stop all sending.
             * Linux ignores it, and so do we: the default 536 applies. */
            o->mss_zero = true;
            log_info("tcp", "MSS option 0 received: treated as absent");
        }
        break;
    case TCP_OPT_WSCALE:
        if (len != TCP_OPTLEN_WSCALE)
            goto wrong_length;
        o->has_wscale = true;
        o->wscale_on_wire = d[0];
        o->wscale = d[0];
        if (o->wscale > TCP_WSCALE_MAX) {
            /* RFC 7323 §2.3: "the TCP SHOULD log the error but MUST use 14
             * instead of the specified value." */
            log_info("tcp", "window scale %u received: using %u (RFC 7323 §2.3)",
                     (unsigned)o->wscale, TCP_WSCALE_MAX);
            o->wscale = TCP_WSCALE_MAX;
        }
        break;
    case TCP_OPT_SACK_PERMITTED:
        if (len != TCP_OPTLEN_SACK_PERMITTED)
            goto wrong_length;
        o->sack_permitted = true;
        break;
    case TCP_OPT_SACK:
        if (len < 10 || (len - 2) % 8 != 0 || (len - 2) / 8 > TCP_SACK_MAX_BLOCKS)
            goto wrong_length;
        o->sack_count = (uint8_t)((len - 2) / 8);
        for (uint8_t i = 0; i < o->sack_count; i++) {
            o->sack[i].left = be32_read(d + 8 * i);
            o->sack[i].right = be32_read(d + 8 * i + 4);
        }
        break;
    case TCP_OPT_TIMESTAMPS:
        if (len != TCP_OPTLEN_TIMESTAMPS)
            goto wrong_length;
        o->has_timestamps = true;
        o->tsval = be32_read(d);
        o->tsecr = be32_read(d + 4);
        break;
    default:
        /* RFC 9293 MUST-6: ignore options we do not implement; keep them so
         * that a trace or script can still show them. */
        if (o->raw_count == TCP_OPT_RAW_MAX)
            goto ignore;
        o->raw[o->raw_count].kind = kind;
        o->raw[o->raw_count].len = len;
        memcpy(o->raw[o->raw_count].data, d, (size_t)len - 2);
        o->raw_count++;
        break;
    }
    o->layout[o->layout_len++] = kind;
    return;

wrong_length:
ignore:
    o->ignored++;
}

/* Walk the option bytes opt[0..len). Returns TCP_HDR_OK or TCP_HDR_ERR_OPTION. */
static int parse_options(const uint8_t *opt, size_t len, struct tcp_options *o)
{
    size_t i = 0;

    while (i < len) {
        uint8_t kind = opt[i];
        uint8_t olen;

        if (kind == TCP_OPT_EOL) {
            o->layout[o->layout_len++] = kind;
            break;   /* the rest is padding */
        }
        if (kind == TCP_OPT_NOP) {
            o->layout[o->layout_len++] = kind;
            i++;
            continue;
        }
        /* Every other option has a length byte (RFC 9293 §3.1). */
        if (i + 1 >= len)
            return TCP_HDR_ERR_OPTION;
        olen = opt[i + 1];
        if (olen < 2 || olen > len - i)
            return TCP_HDR_ERR_OPTION;
        parse_one_option(o, kind, olen, opt + i + 2);
        i += olen;
    }
    return TCP_HDR_OK;
}

int tcp_hdr_parse(const uint8_t *seg, size_t len, struct tcp_hdr *h)
{
    struct tcp_hdr tmp;
    unsigned hdr_len;
    int err;

    if (len < TCP_HDR_LEN)
        return TCP_HDR_ERR_SHORT;
    hdr_len = tcp_view_hdr_len(seg);
    if (hdr_len < TCP_HDR_LEN || hdr_len > len)
        return TCP_HDR_ERR_OFFSET;

    tcp_hdr_init(&tmp);
    tmp.src_port = tcp_view_src_port(seg);
    tmp.dst_port = tcp_view_dst_port(seg);
    tmp.seq = tcp_view_seq(seg);
    tmp.ack = tcp_view_ack(seg);
    tmp.data_offset = (uint8_t)(hdr_len / 4);
    tmp.flags = tcp_view_flags(seg);
    tmp.window = tcp_view_window(seg);
    tmp.checksum = tcp_view_checksum(seg);
    tmp.urgent = tcp_view_urgent(seg);
    err = parse_options(seg + TCP_HDR_LEN, hdr_len - TCP_HDR_LEN, &tmp.opt);
    if (err != TCP_HDR_OK)
        return err;
    tmp.payload = seg + hdr_len;
    tmp.payload_len = len - hdr_len;
    *h = tmp;
    return TCP_HDR_OK;
}

/* The layout Linux's tcp_options_write() produces for these options. */
static uint8_t standard_layout(const struct tcp_options *o, uint8_t *layout)
{
    uint8_t n = 0;

    if (o->has_mss)
        layout[n++] = TCP_OPT_MSS;
    if (o->has_timestamps) {
        if (o->sack_permitted) {
            layout[n++] = TCP_OPT_SACK_PERMITTED;
        } else {
            layout[n++] = TCP_OPT_NOP;
            layout[n++] = TCP_OPT_NOP;
        }
        layout[n++] = TCP_OPT_TIMESTAMPS;
    } else if (o->sack_permitted) {
        layout[n++] = TCP_OPT_NOP;
        layout[n++] = TCP_OPT_NOP;
        layout[n++] = TCP_OPT_SACK_PERMITTED;
    }
    if (o->has_wscale) {
        layout[n++] = TCP_OPT_NOP;
        layout[n++] = TCP_OPT_WSCALE;
    }
    if (o->sack_count > 0) {
        layout[n++] = TCP_OPT_NOP;
        layout[n++] = TCP_OPT_NOP;
        layout[n++] = TCP_OPT_SACK;
    }
    for (uint8_t i = 0; i < o->raw_count && n < TCP_OPT_MAX_LEN; i++)
        layout[n++] = o->raw[i].kind;
    return n;
}

/* Write the options of the layout into out (NULL: only measure). Returns the
 * unpadded length, or -EMSGSIZE if they do not fit in 40 bytes. */
static int write_options(const struct tcp_options *o, uint8_t *out)
{
    uint8_t layout[TCP_OPT_MAX_LEN];
    uint8_t n = o->layout_len;
    const uint8_t *lay = o->layout;
    uint8_t buf[TCP_OPT_MAX_LEN + 64];
    size_t len = 0;
    uint8_t next_raw = 0;

    if (n == 0) {
        n = standard_layout(o, layout);
        lay = layout;
    }
    for (uint8_t i = 0; i < n; i++) {
        uint8_t *p = buf + len;
        size_t olen;

        if (len > TCP_OPT_MAX_LEN)
            return -EMSGSIZE;
        switch (lay[i]) {
        case TCP_OPT_EOL:
        case TCP_OPT_NOP:
            p[0] = lay[i];
            olen = 1;
            break;
        case TCP_OPT_MSS:
            p[0] = TCP_OPT_MSS;
            p[1] = TCP_OPTLEN_MSS;
            be16_write(p + 2, o->mss);
            olen = TCP_OPTLEN_MSS;
            break;
        case TCP_OPT_WSCALE:
            p[0] = TCP_OPT_WSCALE;
            p[1] = TCP_OPTLEN_WSCALE;
            p[2] = o->wscale;
            olen = TCP_OPTLEN_WSCALE;
            break;
        case TCP_OPT_SACK_PERMITTED:
            p[0] = TCP_OPT_SACK_PERMITTED;
            p[1] = TCP_OPTLEN_SACK_PERMITTED;
            olen = TCP_OPTLEN_SACK_PERMITTED;
            break;
        case TCP_OPT_SACK:
            p[0] = TCP_OPT_SACK;
            p[1] = (uint8_t)(2 + 8 * o->sack_count);
            for (uint8_t b = 0; b < o->sack_count && b < TCP_SACK_MAX_BLOCKS; b++) {
                be32_write(p + 2 + 8 * b, o->sack[b].left);
                be32_write(p + 6 + 8 * b, o->sack[b].right);
            }
            olen = p[1];
            break;
        case TCP_OPT_TIMESTAMPS:
            p[0] = TCP_OPT_TIMESTAMPS;
            p[1] = TCP_OPTLEN_TIMESTAMPS;
            be32_write(p + 2, o->tsval);
            be32_write(p + 6, o->tsecr);
            olen = TCP_OPTLEN_TIMESTAMPS;
            break;
        default:
            if (next_raw >= o->raw_count || o->raw[next_raw].len < 2)
                return -EMSGSIZE;   /* the layout names an option we do not have */
            p[0] = o->raw[next_raw].kind;
            p[1] = o->raw[next_raw].len;
            memcpy(p + 2, o->raw[next_raw].data, (size_t)o->raw[next_raw].len - 2);
            olen = o->raw[next_raw].len;
            next_raw++;
            break;
        }
        len += olen;
    }
    if (len > TCP_OPT_MAX_LEN)
        return -EMSGSIZE;
    if (out)
        memcpy(out, buf, len);
    return (int)len;
}

int tcp_options_len(const struct tcp_options *o)
{
    int len = write_options(o, NULL);

    if (len < 0)
        return len;
    return (len + 3) & ~3;
}

int tcp_hdr_emit(struct pkb *p, const struct tcp_hdr *h)
{
    uint8_t opt[TCP_OPT_MAX_LEN];
    int olen = write_options(&h->opt, opt);
    size_t padded, hdr_len;
    uint8_t *b;

    if (olen < 0)
        return olen;
    padded = ((size_t)olen + 3) & ~(size_t)3;
    hdr_len = TCP_HDR_LEN + padded;
    b = pkb_push(p, hdr_len);
    if (!b)
        return -ENOBUFS;
    be16_write(b + TCP_OFF_SRC_PORT, h->src_port);
    be16_write(b + TCP_OFF_DST_PORT, h->dst_port);
    be32_write(b + TCP_OFF_SEQ, h->seq);
    be32_write(b + TCP_OFF_ACK, h->ack);
    b[TCP_OFF_DATA_OFFSET] = (uint8_t)((hdr_len / 4) << 4);
    b[TCP_OFF_FLAGS] = h->flags;
    be16_write(b + TCP_OFF_WINDOW, h->window);
    be16_write(b + TCP_OFF_CHECKSUM, 0);
    be16_write(b + TCP_OFF_URGENT, h->urgent);
    memcpy(b + TCP_HDR_LEN, opt, (size_t)olen);
    /* RFC 9293 §3.1: "The padding is composed of zeros." */
    memset(b + TCP_HDR_LEN + olen, 0, padded - (size_t)olen);
    p->transport_header = b;
    return 0;
}

uint16_t tcp_checksum(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst)
{
    uint32_t sum = checksum_pseudo_ipv4(src, dst, IP4_PROTO_TCP, (uint16_t)len);

    return checksum_finish(checksum_add(sum, seg, len));
}

bool tcp_checksum_ok(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst)
{
    return len <= 0xffff && tcp_checksum(seg, len, src, dst) == 0;
}

void tcp_checksum_fill(struct pkb *p, uint32_t src, uint32_t dst)
{
    be16_write(p->data + TCP_OFF_CHECKSUM, 0);
    be16_write(p->data + TCP_OFF_CHECKSUM, tcp_checksum(p->data, p->len, src, dst));
}

void tcp_flags_format(uint8_t flags, char *out, size_t outlen)
{
    char buf[12];
    size_t n = 0;

    if (flags & TCP_FLAG_SYN) buf[n++] = 'S';
    if (flags & TCP_FLAG_FIN) buf[n++] = 'F';
    if (flags & TCP_FLAG_RST) buf[n++] = 'R';
    if (flags & TCP_FLAG_PSH) buf[n++] = 'P';
    if (flags & TCP_FLAG_URG) buf[n++] = 'U';
    if (flags & TCP_FLAG_ECE) buf[n++] = 'E';
    if (flags & TCP_FLAG_CWR) buf[n++] = 'W';
    if (flags & TCP_FLAG_ACK) buf[n++] = '.';
    buf[n] = '\0';
    snprintf(out, outlen, "%s", buf);
}

/* snprintf at out+*len, never past outlen; *len counts what would have been
 * written, like snprintf's return value. */
static void appendf(char *out, size_t outlen, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void appendf(char *out, size_t outlen, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    if (*len < outlen)
        n = vsnprintf(out + *len, outlen - *len, fmt, ap);
    else
        n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n;
}

int tcp_options_format(const struct tcp_options *o, char *out, size_t outlen)
{
    uint8_t layout[TCP_OPT_MAX_LEN];
    const uint8_t *lay = o->layout;
    uint8_t n = o->layout_len, next_raw = 0;
    size_t len = 0;

    if (outlen > 0)
        out[0] = '\0';
    if (n == 0) {
        n = standard_layout(o, layout);
        lay = layout;
    }
    if (n == 0)
        return 0;
    appendf(out, outlen, &len, "<");
    for (uint8_t i = 0; i < n; i++) {
        const char *sep = i > 0 ? "," : "";

        switch (lay[i]) {
        case TCP_OPT_EOL: appendf(out, outlen, &len, "%seol", sep); break;
        case TCP_OPT_NOP: appendf(out, outlen, &len, "%snop", sep); break;
        case TCP_OPT_MSS: appendf(out, outlen, &len, "%smss %u", sep, (unsigned)o->mss); break;
        case TCP_OPT_WSCALE:
            appendf(out, outlen, &len, "%swscale %u", sep, (unsigned)o->wscale);
            break;
        case TCP_OPT_SACK_PERMITTED: appendf(out, outlen, &len, "%ssackOK", sep); break;
        case TCP_OPT_TIMESTAMPS:
            appendf(out, outlen, &len, "%sTS val %u ecr %u", sep, (unsigned)o->tsval,
                    (unsigned)o->tsecr);
            break;
        case TCP_OPT_SACK:
            appendf(out, outlen, &len, "%ssack", sep);
            for (uint8_t b = 0; b < o->sack_count && b < TCP_SACK_MAX_BLOCKS; b++)
                appendf(out, outlen, &len, " %u:%u", (unsigned)o->sack[b].left,
                        (unsigned)o->sack[b].right);
            break;
        default:
            if (next_raw < o->raw_count)
                appendf(out, outlen, &len, "%sopt%u len %u", sep,
                        (unsigned)o->raw[next_raw].kind, (unsigned)o->raw[next_raw].len);
            next_raw++;
            break;
        }
    }
    appendf(out, outlen, &len, ">");
    return (int)len;
}
