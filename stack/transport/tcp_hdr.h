/*
 * tcp_hdr.h — the TCP header on the wire (RFC 9293 §3.1): a checked view,
 * a parsed struct, the options, and the pseudo-header checksum.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |       |       |R|E|G|K|H|T|N|N|                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           [Options]                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               :
 *   :                             Data                              :
 *   :                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *             Note that one tick mark represents one bit position.
 *
 * Data Offset counts 32-bit words, so the header is 20..60 bytes and the
 * options 0..40 bytes. An option is either one byte (kind 0 End of Option
 * List, kind 1 No-Operation) or kind, length (counting kind and length
 * bytes), and length-2 bytes of data:
 *
 *   kind 2  MSS              len 4   16-bit maximum segment size (§3.7.1)
 *   kind 3  Window Scale     len 3   shift count (RFC 7323 §2)
 *   kind 4  SACK Permitted   len 2   (RFC 2018)
 *   kind 5  SACK             len 2+8n, n = 1..4 blocks (RFC 2018)
 *   kind 8  Timestamps       len 10  TSval, TSecr (RFC 7323 §3)
 *
 * Three ways in:
 *  - the view: after one length check (len >= TCP_HDR_LEN), the inline
 *    accessors below read fields at named offsets and cannot fail;
 *  - tcp_hdr_parse(): bytes -> struct tcp_hdr, every length checked;
 *  - tcp_hdr_emit(): struct tcp_hdr -> bytes pushed in front of a payload.
 * Parse then emit gives back the same bytes (options keep their wire order),
 * which is what the trace-script engine relies on.
 */
#ifndef TUNLAB_TRANSPORT_TCP_HDR_H
#define TUNLAB_TRANSPORT_TCP_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/core/byteorder.h"
#include "stack/core/pkb.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TCP_HDR_LEN 20        /* without options */
#define TCP_HDR_MAX_LEN 60    /* data offset 15 */
#define TCP_OPT_MAX_LEN 40

/* Byte offsets of the fields (RFC 9293 §3.1). */
#define TCP_OFF_SRC_PORT 0
#define TCP_OFF_DST_PORT 2
#define TCP_OFF_SEQ 4
#define TCP_OFF_ACK 8
#define TCP_OFF_DATA_OFFSET 12   /* high 4 bits */
#define TCP_OFF_FLAGS 13
#define TCP_OFF_WINDOW 14
#define TCP_OFF_CHECKSUM 16
#define TCP_OFF_URGENT 18

/* Control bits, byte 13. */
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TCP_FLAG_URG 0x20
#define TCP_FLAG_ECE 0x40
#define TCP_FLAG_CWR 0x80

/* Option kinds (IANA "TCP Option Kind Numbers"). */
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WSCALE 3
#define TCP_OPT_SACK_PERMITTED 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TIMESTAMPS 8

#define TCP_OPTLEN_MSS 4
#define TCP_OPTLEN_WSCALE 3
#define TCP_OPTLEN_SACK_PERMITTED 2
#define TCP_OPTLEN_TIMESTAMPS 10

/* RFC 7323 §2.3: the largest shift count; a larger one is used as 14. */
#define TCP_WSCALE_MAX 14
#define TCP_SACK_MAX_BLOCKS 4
#define TCP_OPT_RAW_MAX 4

/* ---- the view: call only after checking len >= TCP_HDR_LEN ---- */
static inline uint16_t tcp_view_src_port(const uint8_t *h) { return be16_read(h + TCP_OFF_SRC_PORT); }
static inline uint16_t tcp_view_dst_port(const uint8_t *h) { return be16_read(h + TCP_OFF_DST_PORT); }
static inline uint32_t tcp_view_seq(const uint8_t *h) { return be32_read(h + TCP_OFF_SEQ); }
static inline uint32_t tcp_view_ack(const uint8_t *h) { return be32_read(h + TCP_OFF_ACK); }
/* Header length in bytes (data offset × 4). */
static inline unsigned tcp_view_hdr_len(const uint8_t *h) { return (unsigned)(h[TCP_OFF_DATA_OFFSET] >> 4) * 4u; }
static inline uint8_t tcp_view_flags(const uint8_t *h) { return h[TCP_OFF_FLAGS]; }
static inline uint16_t tcp_view_window(const uint8_t *h) { return be16_read(h + TCP_OFF_WINDOW); }
static inline uint16_t tcp_view_checksum(const uint8_t *h) { return be16_read(h + TCP_OFF_CHECKSUM); }
static inline uint16_t tcp_view_urgent(const uint8_t *h) { return be16_read(h + TCP_OFF_URGENT); }

/* An option tunlab does not interpret, kept byte for byte. */
struct tcp_opt_raw {
    uint8_t kind;
    uint8_t len;                         /* whole option, kind and length bytes included */
    uint8_t data[TCP_OPT_MAX_LEN - 2];   /* len - 2 bytes */
};

struct tcp_sack_block {
    uint32_t left, right;   /* left edge, right edge (one past the last byte) */
};

/*
 * The options of one segment.
 *
 * `layout` lists the option kinds in wire order, NOP (1) and EOL (0)
 * included; `layout_len` == 0 asks tcp_hdr_emit for tunlab's standard layout
 * (the one Linux writes, see tcp_hdr_emit). An unknown kind in the layout
 * takes the next entry of `raw`.
 */
struct tcp_options {
    uint8_t layout_len;
    uint8_t layout[TCP_OPT_MAX_LEN];

    bool has_mss;
    uint16_t mss;
    bool has_wscale;
    uint8_t wscale;          /* after RFC 7323 §2.3's clamp to 14 */
    bool sack_permitted;
    bool has_timestamps;
    uint32_t tsval, tsecr;
    uint8_t sack_count;
    struct tcp_sack_block sack[TCP_SACK_MAX_BLOCKS];
    uint8_t raw_count;
    struct tcp_opt_raw raw[TCP_OPT_RAW_MAX];

    /* Parse notes (not emitted): what was odd but tolerated. */
    uint8_t ignored;          /* known kind with a wrong length, or raw list full */
    bool mss_zero;            /* an MSS option of 0 arrived: treated as absent */
    uint8_t wscale_on_wire;   /* the shift count as received (may exceed 14) */
};

/* A parsed segment: a plain struct, host order. */
struct tcp_hdr {
    uint16_t src_port, dst_port;
    uint32_t seq, ack;
    uint8_t data_offset;   /* 32-bit words, 5..15 (parse: as received; emit: ignored) */
    uint8_t flags;         /* TCP_FLAG_* */
    uint16_t window;       /* as on the wire, not scaled */
    uint16_t checksum;     /* as received (emit writes it with tcp_checksum_fill) */
    uint16_t urgent;
    struct tcp_options opt;

    /* parse only: the data after the header, inside the parsed buffer */
    const uint8_t *payload;
    size_t payload_len;
};

/* Why tcp_hdr_parse refused a segment (negative return values). */
enum tcp_hdr_error {
    TCP_HDR_OK = 0,
    TCP_HDR_ERR_SHORT = -1,        /* fewer than 20 bytes */
    TCP_HDR_ERR_OFFSET = -2,       /* data offset < 5, or header longer than the segment */
    TCP_HDR_ERR_OPTION = -3,       /* option length 0 or 1, or an option runs past the header */
};

const char *tcp_hdr_error_name(int err);

/* Zero *h and its options (layout_len 0: standard layout). */
void tcp_hdr_init(struct tcp_hdr *h);

/*
 * Parse `len` bytes starting at the TCP header. Returns TCP_HDR_OK or a
 * negative enum tcp_hdr_error; *h is filled only on success.
 *
 * Options (RFC 9293 §3.1, §3.2; MUST-4..MUST-7):
 *  - EOL ends the list; NOP is skipped (both kept in the layout);
 *  - an option whose length byte is missing, is 0 or 1, or runs past the
 *    header is an illegal length: RFC 9293 MUST-7 requires the segment to be
 *    handled without harm; tunlab refuses the whole segment
 *    (TCP_HDR_ERR_OPTION), and tcp_input counts it as a drop;
 *  - a known kind with the wrong length is ignored (counted in opt.ignored),
 *    as Linux does;
 *  - a second copy of a known kind (two SACK options, two MSS...) is
 *    ignored and counted in opt.ignored: the first copy is kept, so the
 *    options still fit in 40 bytes when emitted again (RFC 2018 §3);
 *  - MSS 0 is treated as absent (the peer then gets the default 536,
 *    RFC 9293 §3.7.1), noted in opt.mss_zero, and logged;
 *  - Window Scale > 14 is used as 14 and logged (RFC 7323 §2.3);
 *  - unknown kinds are kept in opt.raw (up to TCP_OPT_RAW_MAX), otherwise
 *    ignored (MUST-6).
 * The checksum is not verified here: see tcp_checksum_ok.
 */
int tcp_hdr_parse(const uint8_t *seg, size_t len, struct tcp_hdr *h);

/* Bytes the options of h take on the wire, padded to a multiple of 4;
 * -EMSGSIZE if more than 40. */
int tcp_options_len(const struct tcp_options *o);

/*
 * Push the header of h, with its options, in front of the payload already in
 * p (p->data is the payload, possibly empty). The data offset is computed
 * from the options; the checksum field is written as 0 (call
 * tcp_checksum_fill afterwards). Options are padded to a 32-bit boundary
 * with zeros (RFC 9293 §3.1 "Padding").
 *
 * Standard layout (opt.layout_len == 0), the order Linux writes
 * (tcp_options_write), so that SYN-ACKs read like Linux's in packetdrill:
 *   mss 4 | sackOK,TS 12 (or nop,nop,TS 12) | nop,nop,sackOK 4 (without TS)
 *   | nop,wscale 4 | nop,nop,sack blocks | raw options
 * Returns 0, -EMSGSIZE (options > 40 bytes) or -ENOBUFS (no headroom).
 */
int tcp_hdr_emit(struct pkb *p, const struct tcp_hdr *h);

/* The checksum over the IPv4 pseudo-header (RFC 9293 §3.1) and `len` bytes
 * of segment (header with its checksum field included, and data). A received
 * segment is valid when this returns 0. src and dst in host order. */
uint16_t tcp_checksum(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst);
bool tcp_checksum_ok(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst);
/* Compute and store the checksum of the segment at p->data (header + data). */
void tcp_checksum_fill(struct pkb *p, uint32_t src, uint32_t dst);

/* "S", "S.", "F.", "R", "P." ... : the flag letters packetdrill and tcpdump
 * print (S F R P then '.' for ACK; U E W for URG ECE CWR). out >= 10 bytes. */
void tcp_flags_format(uint8_t flags, char *out, size_t outlen);
/* "<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>" (empty string when no
 * options), in wire order. Returns the length written (snprintf style). */
int tcp_options_format(const struct tcp_options *o, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif

#endif
