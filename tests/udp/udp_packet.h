// udp_packet.h — test helpers for the UDP suites: build an IPv4 + UDP
// datagram byte by byte (so a test controls every field, including wrong
// ones), inject it into a stack's device as if the wire delivered it, and
// find what a stack sent in the trace.
#ifndef TUNLAB_TESTS_UDP_UDP_PACKET_H
#define TUNLAB_TESTS_UDP_UDP_PACKET_H

#include <cstdint>
#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/core/trace.h"
#include "stack/phy/simlink.h"
#include "stack/transport/udp_hdr.h"
#include "tests/shim/pair.h"

namespace udptest {

struct Datagram {
    uint32_t src = SHIM_CLIENT_ADDR;
    uint32_t dst = SHIM_SERVER_ADDR;
    uint16_t sport = 40000;
    uint16_t dport = 7;
    std::string payload = "hello";
    int length_delta = 0;        // added to the UDP Length field
    bool zero_checksum = false;  // send "no checksum"
    bool corrupt_checksum = false;
    size_t padding = 0;          // bytes after the datagram (link padding)
};

// The IPv4 header (20 bytes, no options) followed by the UDP datagram.
inline std::vector<uint8_t> build(const Datagram &d)
{
    size_t udp_len = UDP_HDR_LEN + d.payload.size();
    std::vector<uint8_t> b(20 + udp_len + d.padding, 0);
    uint8_t *ip = b.data();
    ip[0] = 0x45;
    be16_write(ip + 2, (uint16_t)b.size());
    be16_write(ip + 4, 0x1234);
    ip[8] = 64;
    ip[9] = 17;
    be32_write(ip + 12, d.src);
    be32_write(ip + 16, d.dst);
    be16_write(ip + 10, checksum_inet(ip, 20));

    uint8_t *u = ip + 20;
    be16_write(u + 0, d.sport);
    be16_write(u + 2, d.dport);
    be16_write(u + 4, (uint16_t)(udp_len + d.length_delta));
    be16_write(u + 6, 0);
    for (size_t i = 0; i < d.payload.size(); i++)
        u[8 + i] = (uint8_t)d.payload[i];
    if (!d.zero_checksum) {
        uint16_t c = udp_checksum_compute(d.src, d.dst, u, udp_len);
        if (d.corrupt_checksum)
            c ^= 0x0100;
        be16_write(u + 6, c);
    }
    return b;
}

// Hand bytes to the server's device as if they had come off the wire.
inline void inject_to(struct shim_pair *pair, struct netdev *dev, const std::vector<uint8_t> &b)
{
    struct pkb *p = pkb_from_bytes(b.data(), b.size(), PKB_DEFAULT_HEADROOM);
    netdev_receive(dev, p, shim_now(pair));
}

inline void inject_server(struct shim_pair *pair, const std::vector<uint8_t> &b)
{
    inject_to(pair, sim_link_dev_b(pair->link), b);
}

// Every packet `node` sent, in order, from trace event index `from` on.
inline std::vector<std::vector<uint8_t>> sent_by(const struct shim_pair *pair, const char *node,
                                                 size_t from = 0)
{
    std::vector<std::vector<uint8_t>> out;
    const struct trace *t = sim_world_trace(pair->world);
    for (size_t i = from; i < t->count; i++) {
        const struct trace_event &ev = t->events[i];
        if (ev.kind == TRACE_PKT_OUT && std::string(ev.node) == node)
            out.emplace_back(ev.bytes, ev.bytes + ev.cap_len);
    }
    return out;
}

inline size_t trace_count(const struct shim_pair *pair)
{
    return sim_world_trace(pair->world)->count;
}

// The whole story, for failure messages.
inline std::string dump(const struct shim_pair *pair)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    shim_pair_dump(pair, f);
    fclose(f);
    std::string s(buf, len);
    free(buf);
    return s;
}

}  // namespace udptest

#endif
