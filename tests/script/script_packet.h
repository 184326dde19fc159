// script_packet.h — between script packet lines and bytes on the wire.
//
//  - Flow: one TCP connection as the script sees it (ports, and the two
//    ISNs that turn script sequence numbers into live ones);
//  - build_inbound(): a `<` line -> an IPv4/TCP packet for the stack;
//  - decode_segment(): bytes the stack sent -> a Segment;
//  - compare_outbound(): a `>` line against a Segment, field by field;
//  - format_segment(): a Segment in the script's own notation, for the
//    trace and for "expected vs actual" messages.
//
// Sequence numbers follow packetdrill exactly: in a SYN from the peer the
// script's number is the real one (it *is* the peer's ISN); everything else
// is relative to the ISN of the side it counts: the peer's data and the
// stack's ACKs relative to the peer's ISN, the stack's data and the peer's
// ACKs relative to the stack's ISN (learned from the stack's SYN or SYN-ACK;
// the script writes that SYN's sequence number as 0) — except that the ACK
// on the stack's SYN,ACK is absolute too (packetdrill's rule: a SYN's
// numbers about the peer are the real ones), so after `< S 90:90(0)` the
// stack answers `> S. 0:0(0) ack 91`.
#ifndef TUNLAB_TESTS_SCRIPT_SCRIPT_PACKET_H
#define TUNLAB_TESTS_SCRIPT_SCRIPT_PACKET_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stack/transport/tcp_hdr.h"
#include "tests/script/script_ast.h"

namespace tscript {

// The addresses of every script: the stack under test and the peer the
// script plays (a private /24; nothing leaves the process).
constexpr uint32_t kStackAddr = 0x0a000002;   // 10.0.0.2
constexpr uint32_t kPeerAddr = 0x0a000001;    // 10.0.0.1
constexpr uint8_t kPrefixLen = 24;
// bind(fd, ..., ...) binds this port; connect(fd, ..., ...) connects to the
// peer at this port (packetdrill's defaults).
constexpr uint16_t kScriptPort = 8080;
// The peer's port when it opens a connection (a packet line without ports).
constexpr uint16_t kPeerEphemeralPort = 40000;

struct Flow {
    uint16_t peer_port = 0;
    uint16_t stack_port = 0;   // 0 until known (an active open before its SYN)
    bool peer_isn_known = false;
    uint32_t peer_isn = 0;
    bool stack_isn_known = false;
    uint32_t stack_isn = 0;
    // A new SYN from the peer while the old connection still exists (in
    // TIME-WAIT, say): if the stack answers it with a SYN,ACK, a new
    // connection has begun and both ISNs change (RFC 6191's reopening).
    bool reopen_pending = false;
    uint32_t reopen_peer_isn = 0;
    // TS val the script wrote on the stack's segments -> the real value, so
    // that the peer's TS ecr can echo it (packetdrill's mapping).
    std::map<uint32_t, uint32_t> ts_val_map;

    // Script <-> live sequence numbers (packetdrill's mapping; an unknown
    // ISN counts as 0, which makes the numbers absolute).
    uint32_t peer_base() const { return peer_isn_known ? peer_isn : 0; }
    uint32_t stack_base() const { return stack_isn_known ? stack_isn : 0; }
};

// A TCP/IPv4 packet decoded from bytes.
struct Segment {
    uint32_t src = 0, dst = 0;
    bool ip_checksum_ok = false;
    bool tcp_checksum_ok = false;
    struct tcp_hdr tcp;                 // tcp.payload points into `bytes`
    std::vector<uint8_t> bytes;         // the whole IP packet
    size_t payload_offset = 0;          // where the TCP payload starts in bytes
    size_t payload_len = 0;
};

// Decode an IPv4 packet carrying TCP. `len` may be shorter than the IP total
// length when only the headers were kept (trace events); then the payload is
// absent but payload_len still says how long it was and the checksums are
// not checked. Returns "" or why the bytes are not a TCP/IPv4 packet.
std::string decode_segment(const uint8_t* bytes, size_t len, Segment* out);

// The byte at a relative sequence number of one direction's stream: the
// engine fills the peer's data and the application's writes with these, and
// checks them on the other side, so reordering or corruption is caught.
uint8_t stream_byte(bool from_peer, uint32_t rel_seq);

// Build the IPv4 packet of an inbound line on `flow` (from the peer's port to
// the stack's). `ip_id` is the IP identification to use.
std::vector<uint8_t> build_inbound(const PacketSpec& spec, const Flow& flow, uint16_t ip_id);

// Compare an outbound line with what the stack sent on `flow`. Returns one
// short phrase per difference ("ack 1 != 2", "options"), empty when they
// match.
std::vector<std::string> compare_outbound(const PacketSpec& want, const Segment& got,
                                          const Flow& flow);

// A Segment in script notation: "> S. 0:0(0) ack 1 win 65535 <mss 1460>".
// `inbound` picks '<' (the peer sent it) or '>'; `flow` may be null (then
// the numbers are absolute). Ports are written when `show_ports`.
std::string format_segment(const Segment& seg, bool inbound, const Flow* flow, bool show_ports);

// A PacketSpec in script notation (how the script line reads, normalized).
std::string format_spec(const PacketSpec& spec);

// "S." / "F." / "." / "-" from flag bits.
std::string format_flags(uint8_t flags);

// Seconds with six decimals, as in every trace line: "12.000300".
std::string format_time(int64_t usec);

}  // namespace tscript

#endif
