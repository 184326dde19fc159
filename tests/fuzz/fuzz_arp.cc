// fuzz_arp.cc — ARP (RFC 826) on a stack with an Ethernet capture device:
// requests, replies, conflicts, gratuitous ARPs, interleaved with IPv4
// packets that need resolving (they wait in the pending queues) and with
// time passing (retries, give-up, aging).
//
// Input: records of [kind][...] until the input ends (at most 256):
//   kind%4 == 0  raw ARP body: [dst:1 (bit0 broadcast)][src MAC 6][len:8][bytes]
//   kind%4 == 1  a well-formed ARP packet: [op][sender host][sender MAC byte]
//                [target host][dst bit]; hosts are 10.0.0.<n> (2 is ours)
//   kind%4 == 2  the stack sends a UDP datagram to 10.0.0.<n> (ARP resolves)
//   kind%4 == 3  time passes: [ms:16] × 4 (up to 262 s)
// Invariants: the cache stays within its size, memory stays bounded, every
// buffer is freed with the stack.
#include <cstring>

#include "stack/link/arp.h"
#include "stack/link/arp_hdr.h"
#include "stack/link/ethernet.h"
#include "stack/socket/socket.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

std::vector<uint8_t> Frame(const uint8_t dst[6], const uint8_t src[6],
                           const std::vector<uint8_t> &body)
{
    std::vector<uint8_t> f(ETH_HDR_LEN + body.size());
    memcpy(f.data(), dst, 6);
    memcpy(f.data() + 6, src, 6);
    be16_write(f.data() + 12, ETH_TYPE_ARP);
    std::copy(body.begin(), body.end(), f.begin() + ETH_HDR_LEN);
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::PkbBalance balance;
    {
        fuzz::FuzzStack fs(NETDEV_LINK_ETHERNET);
        struct stack *st = fs.st();
        int fd = socket_open(st, SOCK_TYPE_DGRAM);
        FUZZ_CHECK(fd >= 0, "socket_open");
        const uint8_t *our_mac = fs.cap()->dev.mac;
        fuzz::FuzzInput in(data, size);
        for (int i = 0; i < 256 && !in.Empty(); i++) {
            uint8_t kind = in.U8();
            switch (kind % 4) {
            case 0: {
                bool bcast = in.U8() & 1;
                std::vector<uint8_t> src = in.Bytes(6);
                src.resize(6);
                std::vector<uint8_t> body = in.Bytes(in.U8());
                fs.Inject(Frame(bcast ? ETH_BROADCAST : our_mac, src.data(), body));
                break;
            }
            case 1: {
                arp_hdr h = {};
                h.htype = ARP_HTYPE_ETHERNET;
                h.ptype = ARP_PTYPE_IPV4;
                h.hlen = 6;
                h.plen = 4;
                h.op = (in.U8() & 1) ? ARP_OP_REPLY : ARP_OP_REQUEST;
                h.spa = 0x0A000000u | in.U8();
                uint8_t mac_byte = in.U8();
                uint8_t sha[6] = {0x02, 0, 0, 0, 0, mac_byte};
                memcpy(h.sha, sha, 6);
                h.tpa = 0x0A000000u | in.U8();
                if (h.op == ARP_OP_REPLY)
                    memcpy(h.tha, our_mac, 6);
                std::vector<uint8_t> body(ARP_HDR_LEN);
                arp_hdr_emit(&h, body.data());
                fs.Inject(Frame((in.U8() & 1) ? ETH_BROADCAST : our_mac, sha, body));
                break;
            }
            case 2: {
                sock_addr to = {0x0A000000u | in.U8(), 9};
                uint8_t payload[32] = {0};
                socket_sendto(st, fd, payload, in.U8() % sizeof payload, &to, fs.now());
                break;
            }
            case 3:
                fs.Advance((usec_t)in.U16() * 4000);
                break;
            }
            fs.Drain();
            const arp *a = st->arps[0];
            FUZZ_CHECK(arp_entry_count(a) <= 256, "%zu ARP entries", arp_entry_count(a));
            FUZZ_CHECK(balance.Grown() < 4u << 20, "%llu bytes of buffers live",
                       (unsigned long long)balance.Grown());
        }
        socket_close(st, fd, fs.now());
    }
    balance.Check("arp");
    return 0;
}
