// fuzz_eth.cc — Ethernet II: eth_hdr_parse, then frames through an
// eth_port on a capture device (the receive filter and the EtherType demux),
// and each frame's payload sent back out through eth_output (padding).
//
// Input: [flags][len:16][frame bytes] repeated (at most 64 frames).
//   flags bit 0: write our MAC as the destination, bit 1: broadcast instead
//   (so frames get past the filter to the handlers).
#include <cstring>

#include "stack/link/ethernet.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

struct Counter {
    uint64_t frames = 0;
};

void CountAndFree(void *ctx, struct pkb *p, const uint8_t *, usec_t)
{
    static_cast<Counter *>(ctx)->frames++;
    pkb_free(p);
}

void ParseAlone(const uint8_t *data, size_t size)
{
    eth_hdr h;
    int rc = eth_hdr_parse(data, size, &h);
    FUZZ_CHECK((rc == 0) == (size >= ETH_HDR_LEN), "eth_hdr_parse(%zu bytes) = %d", size, rc);
    if (rc != 0)
        return;
    uint8_t out[ETH_HDR_LEN];
    eth_hdr_emit(&h, out);
    FUZZ_CHECK(memcmp(out, data, ETH_HDR_LEN) == 0, "emit(parse(header)) differs");
}

void ThroughPort(const uint8_t *data, size_t size)
{
    capdev cap;
    capdev_init(&cap, "tap0", NETDEV_LINK_ETHERNET, 1500);
    eth_port port;
    eth_attach(&port, &cap.dev);
    Counter ipv4, arp;
    eth_register(&port, ETH_TYPE_IPV4, CountAndFree, &ipv4);
    eth_register(&port, ETH_TYPE_ARP, CountAndFree, &arp);

    fuzz::FuzzInput in(data, size);
    usec_t now = usec_from_sec(1);
    for (int i = 0; i < 64 && !in.Empty(); i++) {
        uint8_t flags = in.U8();
        std::vector<uint8_t> frame = in.Bytes(in.U16() % 1600);
        if (frame.size() >= ETH_ADDR_LEN && (flags & 3) != 0)
            memcpy(frame.data(), (flags & 2) ? ETH_BROADCAST : cap.dev.mac, ETH_ADDR_LEN);
        capdev_inject(&cap, frame.data(), frame.size(), now);

        // Whatever the frame carried goes back out with eth_output.
        if (frame.size() >= ETH_HDR_LEN) {
            pkb *p = pkb_from_bytes(frame.data() + ETH_HDR_LEN, frame.size() - ETH_HDR_LEN,
                                    PKB_DEFAULT_HEADROOM);
            FUZZ_CHECK(p != nullptr, "pkb_from_bytes");
            uint16_t type = be16_read(frame.data() + 12);
            int rc = eth_output(&port, p, frame.data() + 6, type, now);
            pkb *sent = capdev_pop(&cap);
            FUZZ_CHECK((rc == 0) == (sent != nullptr), "eth_output %d but %s sent", rc,
                       sent ? "a frame" : "nothing");
            if (sent != nullptr) {
                FUZZ_CHECK(sent->len >= ETH_MIN_FRAME, "frame of %zu bytes: not padded",
                           sent->len);
                FUZZ_CHECK(sent->len >= frame.size(), "frame shortened");
                pkb_free(sent);
            }
        }
        now += 1000;
    }
    const eth_stats &s = port.stats;
    uint64_t accounted = ipv4.frames + arp.frames + s.rx_too_short + s.rx_not_for_us +
                         s.rx_unknown_type + s.rx_multicast + s.rx_bad_source;
    FUZZ_CHECK(accounted == s.rx_frames, "%llu frames in, %llu delivered or counted as drops",
               (unsigned long long)s.rx_frames, (unsigned long long)accounted);
    capdev_destroy(&cap);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::QuietLogs();
    fuzz::PkbBalance balance;
    ParseAlone(data, size);
    ThroughPort(data, size);
    balance.Check("ethernet");
    return 0;
}
