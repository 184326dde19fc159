// fuzz_tcp_hdr.cc — the TCP header and its options (RFC 9293 §3.1, §3.2;
// RFC 7323; RFC 2018): tcp_hdr_parse on the raw bytes; when it accepts,
// the parsed header is emitted again and must parse back to the same
// values; the printers must stay inside their buffers.
#include <cstring>

#include "stack/transport/tcp_hdr.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

void SameOptions(const tcp_options &a, const tcp_options &b)
{
    FUZZ_CHECK(a.has_mss == b.has_mss && (!a.has_mss || a.mss == b.mss), "MSS changed");
    FUZZ_CHECK(a.has_wscale == b.has_wscale && (!a.has_wscale || a.wscale == b.wscale),
               "window scale changed");
    FUZZ_CHECK(a.sack_permitted == b.sack_permitted, "SACK-permitted changed");
    FUZZ_CHECK(a.has_timestamps == b.has_timestamps &&
                   (!a.has_timestamps || (a.tsval == b.tsval && a.tsecr == b.tsecr)),
               "timestamps changed");
    FUZZ_CHECK(a.sack_count == b.sack_count, "SACK blocks %u -> %u", a.sack_count,
               b.sack_count);
    for (int i = 0; i < a.sack_count; i++)
        FUZZ_CHECK(a.sack[i].left == b.sack[i].left && a.sack[i].right == b.sack[i].right,
                   "SACK block %d changed", i);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::QuietLogs();
    fuzz::PkbBalance balance;
    tcp_hdr h;
    int rc = tcp_hdr_parse(data, size, &h);
    if (rc != TCP_HDR_OK) {
        FUZZ_CHECK(rc == TCP_HDR_ERR_SHORT || rc == TCP_HDR_ERR_OFFSET || rc == TCP_HDR_ERR_OPTION,
                   "parse = %d", rc);
        FUZZ_CHECK(tcp_hdr_error_name(rc) != nullptr, "no name for %d", rc);
        return 0;
    }
    size_t hdr_len = (size_t)h.data_offset * 4;
    FUZZ_CHECK(h.data_offset >= 5 && hdr_len <= size, "data offset %u of %zu bytes",
               h.data_offset, size);
    FUZZ_CHECK(h.payload == data + hdr_len && h.payload_len == size - hdr_len,
               "payload at %td+%zu, header %zu of %zu", h.payload - data, h.payload_len,
               hdr_len, size);
    FUZZ_CHECK(!h.opt.has_wscale || h.opt.wscale <= TCP_WSCALE_MAX, "wscale %u",
               h.opt.wscale);
    FUZZ_CHECK(!h.opt.has_mss || h.opt.mss != 0, "MSS 0 taken as an MSS");
    FUZZ_CHECK(h.opt.sack_count <= TCP_SACK_MAX_BLOCKS && h.opt.raw_count <= TCP_OPT_RAW_MAX &&
                   h.opt.layout_len <= TCP_OPT_MAX_LEN,
               "option counts out of range");

    char text[512];
    tcp_options_format(&h.opt, text, sizeof text);
    FUZZ_CHECK(memchr(text, 0, sizeof text) != nullptr, "options text not terminated");
    char small[8];
    tcp_options_format(&h.opt, small, sizeof small);
    FUZZ_CHECK(memchr(small, 0, sizeof small) != nullptr, "short options text not terminated");
    char flags[12];
    tcp_flags_format(h.flags, flags, sizeof flags);

    // Emit what was parsed and parse it again.
    pkb *p = pkb_alloc(TCP_HDR_MAX_LEN, h.payload_len);
    FUZZ_CHECK(p != nullptr, "pkb_alloc");
    if (h.payload_len > 0)
        memcpy(pkb_put(p, h.payload_len), h.payload, h.payload_len);
    int erc = tcp_hdr_emit(p, &h);
    FUZZ_CHECK(erc == 0, "tcp_hdr_emit of a parsed header = %d", erc);
    tcp_hdr again;
    rc = tcp_hdr_parse(p->data, p->len, &again);
    FUZZ_CHECK(rc == TCP_HDR_OK, "emit(parse(x)) does not parse: %d", rc);
    FUZZ_CHECK(again.src_port == h.src_port && again.dst_port == h.dst_port &&
                   again.seq == h.seq && again.ack == h.ack && again.flags == h.flags &&
                   again.window == h.window && again.urgent == h.urgent &&
                   again.payload_len == h.payload_len,
               "emit(parse(x)) changed a field");
    SameOptions(h.opt, again.opt);
    (void)tcp_checksum_ok(p->data, p->len, fuzz::kPeer, fuzz::kStack);
    pkb_free(p);
    balance.Check("tcp_hdr");
    return 0;
}
