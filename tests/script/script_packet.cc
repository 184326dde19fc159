// script_packet.cc — building, decoding, comparing and printing segments
// (see script_packet.h). The TCP header itself is built and parsed by the
// stack's own tcp_hdr.c, so the engine and the stack agree on the wire format
// and a bug there shows up in its own unit tests, not here.
#include "tests/script/script_packet.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/pkb.h"

namespace tscript {
namespace {

constexpr size_t kIpHdrLen = 20;
constexpr uint8_t kIpProtoTcp = 6;
constexpr uint8_t kTtl = 64;

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

void append_ip_header(uint8_t* ip, size_t total_len, uint16_t id, uint32_t src, uint32_t dst)
{
    std::memset(ip, 0, kIpHdrLen);
    ip[0] = 0x45;                       // version 4, 5 words
    be16_write(ip + 2, uint16_t(total_len));
    be16_write(ip + 4, id);
    be16_write(ip + 6, 0x4000);          // DF, as Linux sends TCP
    ip[8] = kTtl;
    ip[9] = kIpProtoTcp;
    be32_write(ip + 12, src);
    be32_write(ip + 16, dst);
    be16_write(ip + 10, checksum_inet(ip, kIpHdrLen));
}

// The script's option list in struct tcp_options form, wire order kept.
void fill_options(const std::vector<TcpOptionSpec>& specs, struct tcp_options* o)
{
    for (const TcpOptionSpec& s : specs) {
        switch (s.kind) {
        case TcpOptionSpec::kNop: o->layout[o->layout_len++] = TCP_OPT_NOP; break;
        case TcpOptionSpec::kEol: o->layout[o->layout_len++] = TCP_OPT_EOL; break;
        case TcpOptionSpec::kMss:
            o->layout[o->layout_len++] = TCP_OPT_MSS;
            o->has_mss = true;
            o->mss = uint16_t(s.a);
            break;
        case TcpOptionSpec::kWscale:
            // On the wire as written, even above 14: a script may test the clamp.
            o->layout[o->layout_len++] = TCP_OPT_WSCALE;
            o->has_wscale = true;
            o->wscale = uint8_t(s.a);
            break;
        case TcpOptionSpec::kSackOk:
            o->layout[o->layout_len++] = TCP_OPT_SACK_PERMITTED;
            o->sack_permitted = true;
            break;
        case TcpOptionSpec::kSack:
            o->layout[o->layout_len++] = TCP_OPT_SACK;
            o->sack_count = 0;
            for (const auto& b : s.sack) {
                o->sack[o->sack_count].left = b.first;
                o->sack[o->sack_count].right = b.second;
                o->sack_count++;
            }
            break;
        case TcpOptionSpec::kTimestamp:
            o->layout[o->layout_len++] = TCP_OPT_TIMESTAMPS;
            o->has_timestamps = true;
            o->tsval = s.a;
            o->tsecr = s.b;
            break;
        }
    }
}

bool is_syn(uint8_t flags) { return (flags & TCP_FLAG_SYN) != 0; }

// Live -> script numbers of a segment, by direction.
uint32_t script_seq(const Segment& s, bool inbound, const Flow* f)
{
    if (!f)
        return s.tcp.seq;
    if (inbound)
        return is_syn(s.tcp.flags) ? s.tcp.seq : s.tcp.seq - f->peer_base();
    return s.tcp.seq - f->stack_base();
}

uint32_t script_ack(const Segment& s, bool inbound, const Flow* f)
{
    if (!f)
        return s.tcp.ack;
    if (inbound)
        return s.tcp.ack - f->stack_base();
    // packetdrill: the ACK on the stack's SYN,ACK is written as the real
    // number (the peer's SYN number + 1), like the peer's SYN number itself.
    return is_syn(s.tcp.flags) ? s.tcp.ack : s.tcp.ack - f->peer_base();
}

// Options in script notation; SACK blocks of the stack count the peer's bytes.
std::string format_options(const struct tcp_options& o, bool inbound, const Flow* f)
{
    if (o.layout_len == 0)
        return "";
    std::string out = "<";
    uint32_t sack_base = !f ? 0 : inbound ? f->stack_base() : f->peer_base();
    for (uint8_t i = 0; i < o.layout_len; i++) {
        if (i > 0)
            out += ",";
        switch (o.layout[i]) {
        case TCP_OPT_EOL: out += "eol"; break;
        case TCP_OPT_NOP: out += "nop"; break;
        case TCP_OPT_MSS: out += fmt("mss %u", unsigned(o.mss)); break;
        case TCP_OPT_WSCALE: out += fmt("wscale %u", unsigned(o.wscale_on_wire)); break;
        case TCP_OPT_SACK_PERMITTED: out += "sackOK"; break;
        case TCP_OPT_TIMESTAMPS:
            out += fmt("TS val %u ecr %u", unsigned(o.tsval), unsigned(o.tsecr));
            break;
        case TCP_OPT_SACK:
            out += "sack";
            for (uint8_t b = 0; b < o.sack_count; b++)
                out += fmt(" %u:%u", unsigned(o.sack[b].left - sack_base),
                           unsigned(o.sack[b].right - sack_base));
            break;
        default: out += fmt("opt%u", unsigned(o.layout[i])); break;
        }
    }
    return out + ">";
}

std::string format_spec_options(const PacketSpec& p)
{
    if (p.any_options)
        return "<...>";
    if (p.options.empty())
        return "";
    std::string out = "<";
    for (size_t i = 0; i < p.options.size(); i++) {
        const TcpOptionSpec& o = p.options[i];
        if (i > 0)
            out += ",";
        switch (o.kind) {
        case TcpOptionSpec::kNop: out += "nop"; break;
        case TcpOptionSpec::kEol: out += "eol"; break;
        case TcpOptionSpec::kMss: out += fmt("mss %u", o.a); break;
        case TcpOptionSpec::kWscale: out += fmt("wscale %u", o.a); break;
        case TcpOptionSpec::kSackOk: out += "sackOK"; break;
        case TcpOptionSpec::kTimestamp: out += fmt("TS val %u ecr %u", o.a, o.b); break;
        case TcpOptionSpec::kSack:
            out += "sack";
            for (const auto& b : o.sack)
                out += fmt(" %u:%u", b.first, b.second);
            break;
        }
    }
    return out + ">";
}

// Do the stack's options match the script's list (kinds in order, values)?
// The stack's TS val is its own clock and is not checked (packetdrill does
// the same unless told the clock's tick).
std::string compare_options(const std::vector<TcpOptionSpec>& want, const struct tcp_options& o,
                            const Flow& f)
{
    if (want.size() != o.layout_len)
        return "options";
    size_t sack_index = 0;
    for (size_t i = 0; i < want.size(); i++) {
        const TcpOptionSpec& w = want[i];
        uint8_t kind = o.layout[i];
        switch (w.kind) {
        case TcpOptionSpec::kNop:
            if (kind != TCP_OPT_NOP) return "options";
            break;
        case TcpOptionSpec::kEol:
            if (kind != TCP_OPT_EOL) return "options";
            break;
        case TcpOptionSpec::kMss:
            if (kind != TCP_OPT_MSS || o.mss != w.a) return fmt("mss %u != %u", w.a, unsigned(o.mss));
            break;
        case TcpOptionSpec::kWscale:
            if (kind != TCP_OPT_WSCALE || o.wscale_on_wire != w.a)
                return fmt("wscale %u != %u", w.a, unsigned(o.wscale_on_wire));
            break;
        case TcpOptionSpec::kSackOk:
            if (kind != TCP_OPT_SACK_PERMITTED) return "options";
            break;
        case TcpOptionSpec::kTimestamp:
            if (kind != TCP_OPT_TIMESTAMPS) return "options";
            if (o.tsecr != w.b) return fmt("TS ecr %u != %u", w.b, unsigned(o.tsecr));
            break;
        case TcpOptionSpec::kSack:
            if (kind != TCP_OPT_SACK || sack_index++ > 0 || o.sack_count != w.sack.size())
                return "sack blocks";
            for (size_t b = 0; b < w.sack.size(); b++) {
                if (o.sack[b].left - f.peer_base() != w.sack[b].first ||
                    o.sack[b].right - f.peer_base() != w.sack[b].second)
                    return "sack blocks";
            }
            break;
        }
    }
    return "";
}

}  // namespace

std::string format_time(int64_t usec)
{
    char buf[32];
    bool neg = usec < 0;
    uint64_t u = neg ? uint64_t(-(usec + 1)) + 1 : uint64_t(usec);
    snprintf(buf, sizeof buf, "%s%" PRIu64 ".%06" PRIu64, neg ? "-" : "", u / 1000000,
             u % 1000000);
    return buf;
}

std::string format_flags(uint8_t flags)
{
    char buf[16];
    tcp_flags_format(flags, buf, sizeof buf);
    return buf[0] ? buf : "-";
}

uint8_t stream_byte(bool from_peer, uint32_t rel_seq)
{
    // A multiplicative hash: neighbouring positions differ, and no small
    // shift of the stream maps it onto itself.
    uint32_t x = rel_seq * 2654435761u + (from_peer ? 0x9e3779b9u : 0x7f4a7c15u);
    x ^= x >> 15;
    return uint8_t(x ^ (x >> 8));
}

std::string decode_segment(const uint8_t* b, size_t len, Segment* out)
{
    *out = Segment();
    if (len < kIpHdrLen)
        return fmt("%zu bytes: too short for an IPv4 header", len);
    if ((b[0] >> 4) != 4)
        return fmt("IP version %u, not IPv4", unsigned(b[0] >> 4));
    size_t ihl = size_t(b[0] & 0x0f) * 4;
    size_t total = be16_read(b + 2);
    if (ihl < kIpHdrLen || ihl > len || total < ihl)
        return "malformed IPv4 header";
    if (b[9] != kIpProtoTcp)
        return fmt("IPv4 protocol %u (not TCP)", unsigned(b[9]));
    if ((be16_read(b + 6) & 0x3fff) != 0)
        return "an IPv4 fragment";
    bool complete = len >= total;
    size_t have = complete ? total : len;
    out->bytes.assign(b, b + have);
    const uint8_t* ip = out->bytes.data();
    out->src = be32_read(ip + 12);
    out->dst = be32_read(ip + 16);
    out->ip_checksum_ok = checksum_inet(ip, ihl) == 0;
    size_t seg_len = total - ihl;
    // Parse the header from what we have; the payload may have been cut.
    int rc = tcp_hdr_parse(ip + ihl, have - ihl, &out->tcp);
    if (rc != TCP_HDR_OK)
        return std::string("bad TCP header: ") + tcp_hdr_error_name(rc);
    size_t hdr_len = size_t(out->tcp.data_offset) * 4;
    if (hdr_len > seg_len)
        return "TCP header longer than the IP payload";
    out->payload_offset = ihl + hdr_len;
    out->payload_len = seg_len - hdr_len;
    out->tcp_checksum_ok =
        complete && tcp_checksum_ok(ip + ihl, seg_len, out->src, out->dst);
    out->tcp.payload = nullptr;   // use bytes + payload_offset (copies stay valid)
    return "";
}

std::vector<uint8_t> build_inbound(const PacketSpec& spec, const Flow& flow, uint16_t ip_id)
{
    struct tcp_hdr h;
    tcp_hdr_init(&h);
    h.src_port = flow.peer_port;
    h.dst_port = flow.stack_port;
    bool syn = is_syn(spec.flags);
    h.seq = syn ? spec.seq : spec.seq + flow.peer_base();
    h.ack = spec.ack + flow.stack_base();
    h.flags = spec.flags;
    h.window = spec.win;
    h.urgent = spec.urg;
    fill_options(spec.options, &h.opt);
    // The peer echoes a TS val the stack sent: the script wrote the value
    // of its `>` line; the stack needs its own clock's value back.
    if (h.opt.has_timestamps) {
        auto it = flow.ts_val_map.find(h.opt.tsecr);
        if (it != flow.ts_val_map.end())
            h.opt.tsecr = it->second;
    }
    // SACK blocks from the peer count the stack's bytes.
    for (uint8_t i = 0; i < h.opt.sack_count; i++) {
        h.opt.sack[i].left += flow.stack_base();
        h.opt.sack[i].right += flow.stack_base();
    }

    struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, spec.len);
    if (!p)
        return {};
    uint8_t* data = pkb_put(p, spec.len);
    // The payload's first byte is at sequence number seq (seq + 1 on a SYN).
    uint32_t first = spec.seq + (syn ? 1 : 0);
    for (uint32_t i = 0; i < spec.len; i++)
        data[i] = stream_byte(true, first + i);
    if (tcp_hdr_emit(p, &h) != 0) {
        pkb_free(p);
        return {};
    }
    tcp_checksum_fill(p, kPeerAddr, kStackAddr);
    std::vector<uint8_t> out(kIpHdrLen + p->len);
    append_ip_header(out.data(), out.size(), ip_id, kPeerAddr, kStackAddr);
    std::memcpy(out.data() + kIpHdrLen, p->data, p->len);
    pkb_free(p);
    return out;
}

std::vector<std::string> compare_outbound(const PacketSpec& want, const Segment& got,
                                          const Flow& flow)
{
    std::vector<std::string> diffs;
    const struct tcp_hdr& t = got.tcp;
    if (!got.ip_checksum_ok)
        diffs.push_back("bad IPv4 header checksum");
    if (!got.tcp_checksum_ok)
        diffs.push_back("bad TCP checksum");
    if (t.flags != want.flags)
        diffs.push_back("flags " + format_flags(want.flags) + " != " + format_flags(t.flags));
    uint32_t seq = script_seq(got, false, &flow);
    if (seq != want.seq)
        diffs.push_back(fmt("seq %u != %u", want.seq, seq));
    if (got.payload_len != want.len)
        diffs.push_back(fmt("length %u != %zu", want.len, got.payload_len));
    if (want.has_ack) {
        uint32_t ack = script_ack(got, false, &flow);
        if (ack != want.ack)
            diffs.push_back(fmt("ack %u != %u", want.ack, ack));
    }
    if (want.has_win && t.window != want.win)
        diffs.push_back(fmt("win %u != %u", unsigned(want.win), unsigned(t.window)));
    if (want.has_urg && t.urgent != want.urg)
        diffs.push_back(fmt("urg %u != %u", unsigned(want.urg), unsigned(t.urgent)));
    if (!want.any_options) {
        std::string d = compare_options(want.options, t.opt, flow);
        if (!d.empty())
            diffs.push_back(d);
    }
    // The data must be what the application wrote, at the right offset.
    if (diffs.empty() && got.payload_len > 0 && flow.stack_isn_known &&
        got.bytes.size() >= got.payload_offset + got.payload_len) {
        uint32_t first = seq + (is_syn(t.flags) ? 1 : 0);
        for (size_t i = 0; i < got.payload_len; i++) {
            if (got.bytes[got.payload_offset + i] != stream_byte(false, first + uint32_t(i))) {
                diffs.push_back(fmt("payload byte at seq %u is not what the application wrote",
                                    first + uint32_t(i)));
                break;
            }
        }
    }
    return diffs;
}

std::string format_segment(const Segment& seg, bool inbound, const Flow* flow, bool show_ports)
{
    const struct tcp_hdr& t = seg.tcp;
    std::string out = inbound ? "<" : ">";
    if (show_ports)
        out += fmt(" %u>%u", unsigned(t.src_port), unsigned(t.dst_port));
    uint32_t seq = script_seq(seg, inbound, flow);
    out += " " + format_flags(t.flags);
    out += fmt(" %u:%u(%zu)", seq, uint32_t(seq + seg.payload_len), seg.payload_len);
    if (t.flags & TCP_FLAG_ACK)
        out += fmt(" ack %u", script_ack(seg, inbound, flow));
    out += fmt(" win %u", unsigned(t.window));
    if (t.flags & TCP_FLAG_URG)
        out += fmt(" urg %u", unsigned(t.urgent));
    std::string opts = format_options(t.opt, inbound, flow);
    if (!opts.empty())
        out += " " + opts;
    return out;
}

std::string format_spec(const PacketSpec& p)
{
    std::string out = p.inbound ? "<" : ">";
    if (p.has_ports)
        out += fmt(" %u>%u", unsigned(p.src_port), unsigned(p.dst_port));
    out += " " + format_flags(p.flags);
    out += fmt(" %u:%u(%u)", p.seq, uint32_t(p.seq + p.len), p.len);
    if (p.has_ack)
        out += fmt(" ack %u", p.ack);
    if (p.has_win)
        out += fmt(" win %u", unsigned(p.win));
    if (p.has_urg)
        out += fmt(" urg %u", unsigned(p.urg));
    std::string opts = format_spec_options(p);
    if (!opts.empty())
        out += " " + opts;
    return out;
}

}  // namespace tscript
