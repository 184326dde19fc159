// fuzz_ip4.cc — IPv4 input (ip4_input through a stack on an IP capture
// device), with sequences of fragments for reassembly (RFC 791 §3.2,
// RFC 815, RFC 5722's overlap policy), the memory and datagram caps, and
// the 30 s reassembly timeout with its ICMP Time Exceeded.
//
// Input: records of [kind][...] until the input ends (at most 256):
//   kind%4 == 0  a raw datagram: [len:16][bytes]; kind bit 2: rewrite the
//                header checksum when the IHL fits, so the later checks run
//   kind%4 == 1  a fragment built right: [id:8][offset:16 (8-byte units)]
//                [flags: bit0 MF, bit1 DF, bits 2-3 protocol UDP/TCP/ICMP/99]
//                [options words:8 (0..10)][option bytes][payload len:16][bytes]
//   kind%4 == 2  a fragment from another source (10.0.0.<n>), same shape
//   kind%4 == 3  time passes: [ms:16] × 1000 (up to 65 s: timeouts fire)
// A UDP socket on port 7 reads whatever reassembles. Invariants: the
// reassembly gauges stay within their caps, memory stays bounded, every
// buffer is freed with the stack.
#include "stack/net/ip4.h"
#include "stack/net/ip4_hdr.h"
#include "stack/socket/socket.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

const uint8_t kProtocols[4] = {IP4_PROTO_UDP, IP4_PROTO_TCP, IP4_PROTO_ICMP, 99};

std::vector<uint8_t> Fragment(fuzz::FuzzInput &in, uint32_t src)
{
    uint8_t id = in.U8();
    uint16_t offset = in.U16() & IP4_FRAG_OFFSET_MASK;
    uint8_t flags = in.U8();
    size_t opt_len = (in.U8() % 11) * 4;
    std::vector<uint8_t> opts = in.Bytes(opt_len);
    opts.resize(opt_len, IP4_OPT_NOP);
    std::vector<uint8_t> payload = in.Bytes(in.U16() % 2000);

    size_t hlen = 20 + opt_len;
    std::vector<uint8_t> b(hlen + payload.size());
    uint8_t *ip = b.data();
    ip[0] = (uint8_t)(0x40 | (hlen / 4));
    be16_write(ip + IP4_OFF_TOTAL_LEN, (uint16_t)b.size());
    be16_write(ip + IP4_OFF_ID, id);
    be16_write(ip + IP4_OFF_FLAGS_FRAG, (uint16_t)(offset | ((flags & 1) ? IP4_FLAG_MF : 0) |
                                                   ((flags & 2) ? IP4_FLAG_DF : 0)));
    ip[IP4_OFF_TTL] = 64;
    ip[IP4_OFF_PROTOCOL] = kProtocols[(flags >> 2) & 3];
    be32_write(ip + IP4_OFF_SRC, src);
    be32_write(ip + IP4_OFF_DST, fuzz::kStack);
    std::copy(opts.begin(), opts.end(), b.begin() + 20);
    std::copy(payload.begin(), payload.end(), b.begin() + (long)hlen);
    be16_write(ip + IP4_OFF_CHECKSUM, checksum_inet(ip, hlen));
    return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::PkbBalance balance;
    {
        fuzz::FuzzStack fs(NETDEV_LINK_IP);
        struct stack *st = fs.st();
        int fd = socket_open(st, SOCK_TYPE_DGRAM);
        sock_addr port7 = {0, 7};
        FUZZ_CHECK(fd >= 0 && socket_bind(st, fd, &port7) == 0, "UDP socket on port 7");
        fuzz::FuzzInput in(data, size);
        for (int i = 0; i < 256 && !in.Empty(); i++) {
            uint8_t kind = in.U8();
            switch (kind % 4) {
            case 0: {
                std::vector<uint8_t> b = in.Bytes(in.U16() % 2048);
                if ((kind & 4) && b.size() >= 20) {
                    size_t ihl = (size_t)(b[0] & 15) * 4;
                    if (ihl >= 20 && ihl <= b.size()) {
                        be16_write(b.data() + IP4_OFF_CHECKSUM, 0);
                        be16_write(b.data() + IP4_OFF_CHECKSUM, checksum_inet(b.data(), ihl));
                    }
                }
                fs.Inject(b);
                break;
            }
            case 1:
                fs.Inject(Fragment(in, fuzz::kPeer));
                break;
            case 2: {
                uint32_t src = 0x0A000000u | in.U8();
                fs.Inject(Fragment(in, src));
                break;
            }
            case 3:
                fs.Advance((usec_t)in.U16() * 1000);
                break;
            }
            fs.Drain();
            uint8_t buf[2048];
            while (socket_recvfrom(st, fd, buf, sizeof buf, nullptr, fs.now()) >= 0) {
            }
            const struct ip4_reass_stats *r = ip4_reass_stats(st->ip);
            FUZZ_CHECK(r->bytes_now <= 256 * 1024, "reassembly holds %llu bytes",
                       (unsigned long long)r->bytes_now);
            FUZZ_CHECK(r->datagrams_now <= 64, "%llu datagrams in reassembly",
                       (unsigned long long)r->datagrams_now);
            FUZZ_CHECK(balance.Grown() < 4u << 20, "%llu bytes of buffers live",
                       (unsigned long long)balance.Grown());
        }
        socket_close(st, fd, fs.now());
    }
    balance.Check("ip4");
    return 0;
}
