// fuzz_icmp.cc — ICMP input (RFC 792, RFC 1122 §3.2.2) on a stack with a
// UDP socket, a TCP connection attempt and a ping in flight, so that echo
// replies can match, and errors quoting our own datagrams reach UDP, TCP and
// the ping client.
//
// Input: records of [kind][...] until the input ends (at most 128):
//   kind bit 0: rewrite the ICMP checksum; bit 1: to the broadcast address;
//   bit 2: from another host (10.0.0.<next byte>);
//   bit 3: an error quoting one of the stack's own packets:
//          [type][code][rest:32][which sent packet:8][quoted bytes:8]
//   otherwise a raw message: [len:16][bytes]
//   bit 4: then time passes, [ms:16]
#include "stack/net/icmp.h"
#include "stack/socket/socket.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

void Reply(void *, const icmp_echo_reply_info *, usec_t) {}
void Error(void *, uint32_t, uint8_t, uint8_t, uint16_t, uint16_t, usec_t) {}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::PkbBalance balance;
    {
        fuzz::FuzzStack fs(NETDEV_LINK_IP);
        struct stack *st = fs.st();
        usec_t now = fs.now();
        // The stack's own traffic, kept to be quoted back at it.
        int udp = socket_open(st, SOCK_TYPE_DGRAM);
        sock_addr ua = {0, 40001}, dns = {fuzz::kPeer, 53};
        socket_bind(st, udp, &ua);
        socket_connect(st, udp, &dns, now);
        socket_send(st, udp, "query", 5, now);
        int tcp = socket_open(st, SOCK_TYPE_STREAM);
        sock_addr ta = {0, 40002}, web = {fuzz::kPeer, 80};
        socket_bind(st, tcp, &ta);
        socket_connect(st, tcp, &web, now);
        icmp_ping_set_handler(st->icmp, Reply, Error, nullptr);
        icmp_ping_send(st->icmp, fuzz::kPeer, 1, 1, 56, now);
        std::vector<std::vector<uint8_t>> sent;
        while (pkb *p = capdev_pop(fs.cap())) {
            sent.emplace_back(p->data, p->data + p->len);
            pkb_free(p);
        }
        FUZZ_CHECK(sent.size() == 3, "%zu packets sent at the start, 3 expected", sent.size());

        fuzz::FuzzInput in(data, size);
        for (int i = 0; i < 128 && !in.Empty(); i++) {
            uint8_t kind = in.U8();
            uint32_t src = (kind & 4) ? 0x0A000000u | in.U8() : fuzz::kPeer;
            uint32_t dst = (kind & 2) ? 0x0A0000FFu : fuzz::kStack;
            std::vector<uint8_t> msg;
            if (kind & 8) {
                msg.resize(8);
                msg[0] = in.U8();
                msg[1] = in.U8();
                be32_write(msg.data() + 4, in.U32());
                const std::vector<uint8_t> &q = sent[in.U8() % sent.size()];
                size_t quoted = in.U8() % (q.size() + 1);
                msg.insert(msg.end(), q.begin(), q.begin() + (long)quoted);
            } else {
                msg = in.Bytes(in.U16() % 1500);
            }
            if ((kind & 1) && msg.size() >= 4) {
                be16_write(msg.data() + 2, 0);
                be16_write(msg.data() + 2, checksum_inet(msg.data(), msg.size()));
            }
            fs.Inject(fuzz::Ip4Wrap(src, dst, IP4_PROTO_ICMP, msg));
            if (kind & 16)
                fs.Advance((usec_t)in.U16() * 1000);
            fs.Drain();
            FUZZ_CHECK(balance.Grown() < 1u << 20, "%llu bytes of buffers live",
                       (unsigned long long)balance.Grown());
        }
        // RFC 1122 §3.2.2: errors are rate-limited (a burst of 10, then
        // 100 per second), whatever provoked them.
        const struct icmp_stats *s = icmp_stats(st->icmp);
        uint64_t errors = s->out_type[ICMP_DEST_UNREACH] + s->out_type[ICMP_TIME_EXCEEDED] +
                          s->out_type[ICMP_PARAM_PROBLEM];
        uint64_t secs = (fs.now() - now) / 1000000 + 1;
        FUZZ_CHECK(errors <= 10 + 100 * secs, "%llu ICMP errors sent in %llu s",
                   (unsigned long long)errors, (unsigned long long)secs);
        socket_close(st, udp, fs.now());
        socket_close(st, tcp, fs.now());
    }
    balance.Check("icmp");
    return 0;
}
