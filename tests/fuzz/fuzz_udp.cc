// fuzz_udp.cc — UDP (RFC 768): udp_hdr_parse on the raw bytes, then
// datagrams into a stack with three sockets: a wildcard one on port 7, one
// with a 1000-byte receive buffer on port 9, one connected to
// 10.0.0.1:6000 on port 5000.
//
// Input: records of [flags][port:16][len:16][payload] until the input ends
// (at most 128). flags bit 0: write the Length field right; bit 1: compute
// the checksum (else bit 2: checksum 0, "none"; else as given); bit 3: to
// the broadcast address; bits 4-5: destination port 7 / 9 / 5000 / as
// given; bit 6: the sockets read everything queued.
// Invariants: no socket holds more than its receive buffer; every buffer
// is freed with the stack.
#include "stack/socket/sock_table.h"
#include "stack/socket/socket.h"
#include "stack/transport/udp.h"
#include "stack/transport/udp_hdr.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

void ParseAlone(const uint8_t *data, size_t size)
{
    udp_hdr h;
    int rc = udp_hdr_parse(data, size, &h);
    if (rc == UDP_PARSE_OK)
        FUZZ_CHECK(h.length >= UDP_HDR_LEN && h.length <= size, "length %u of %zu bytes",
                   h.length, size);
    else
        FUZZ_CHECK(rc == UDP_PARSE_TRUNCATED || rc == UDP_PARSE_BAD_LENGTH, "parse = %d", rc);
}

const uint16_t kPorts[3] = {7, 9, 5000};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::PkbBalance balance;
    ParseAlone(data, size);
    {
        fuzz::FuzzStack fs(NETDEV_LINK_IP);
        struct stack *st = fs.st();
        int fds[3];
        for (int i = 0; i < 3; i++) {
            fds[i] = socket_open(st, SOCK_TYPE_DGRAM);
            sock_addr a = {0, kPorts[i]};
            FUZZ_CHECK(socket_bind(st, fds[i], &a) == 0, "bind %u", kPorts[i]);
        }
        socket_setsockopt(st, fds[1], SOCK_OPT_RCVBUF, 1000, fs.now());
        sock_addr peer = {fuzz::kPeer, 6000};
        socket_connect(st, fds[2], &peer, fs.now());

        fuzz::FuzzInput in(data, size);
        for (int i = 0; i < 128 && !in.Empty(); i++) {
            uint8_t flags = in.U8();
            uint16_t port = in.U16();
            std::vector<uint8_t> d = in.Bytes(in.U16() % 1500);
            if (d.size() < UDP_HDR_LEN)
                d.resize(UDP_HDR_LEN, 0);
            uint32_t dst = (flags & 8) ? 0x0A0000FFu : fuzz::kStack;
            if (((flags >> 4) & 3) != 3)
                port = kPorts[(flags >> 4) & 3];
            be16_write(d.data() + UDP_OFF_DST_PORT, port);
            if (flags & 1)
                be16_write(d.data() + UDP_OFF_LENGTH, (uint16_t)d.size());
            if (flags & 2) {
                be16_write(d.data() + UDP_OFF_CHECKSUM, 0);
                be16_write(d.data() + UDP_OFF_CHECKSUM,
                           udp_checksum_compute(fuzz::kPeer, dst, d.data(), d.size()));
            } else if (flags & 4) {
                be16_write(d.data() + UDP_OFF_CHECKSUM, 0);
            }
            fs.Inject(fuzz::Ip4Wrap(fuzz::kPeer, dst, IP4_PROTO_UDP, d));
            fs.Drain();
            for (int k = 0; k < 3; k++) {
                sock *s = sock_table_lookup(st->socks, fds[k]);
                const udp_pcb *pcb = static_cast<const udp_pcb *>(s->pcb);
                FUZZ_CHECK(udp_pcb_queued_bytes(pcb) <= udp_pcb_rcvbuf(pcb),
                           "port %u holds %zu bytes, its buffer is %zu", kPorts[k],
                           udp_pcb_queued_bytes(pcb), udp_pcb_rcvbuf(pcb));
            }
            if (flags & 64) {
                uint8_t buf[2048];
                for (int k = 0; k < 3; k++)
                    while (socket_recvfrom(st, fds[k], buf, sizeof buf, nullptr, fs.now()) >= 0) {
                    }
            }
        }
        for (int k = 0; k < 3; k++)
            socket_close(st, fds[k], fs.now());
    }
    balance.Check("udp");
    return 0;
}
