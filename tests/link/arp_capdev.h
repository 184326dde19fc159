// arp_capdev.h — a fixture for ARP tests that play the peer by hand: one ARP
// module on a capture device (stack/phy/capdev.h). The test injects crafted
// ARP frames and pops what the module sent.
#ifndef TUNLAB_TESTS_LINK_ARP_CAPDEV_H
#define TUNLAB_TESTS_LINK_ARP_CAPDEV_H

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "stack/core/pkb.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/link/arp.h"
#include "stack/link/arp_hdr.h"
#include "stack/link/ethernet.h"
#include "stack/phy/capdev.h"

namespace arptest {

constexpr uint32_t kOurIp = 0x0a000102;    // 10.0.1.2, the stack
constexpr uint32_t kPeerIp = 0x0a000101;   // 10.0.1.1, "the kernel"
const uint8_t kOurMac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t kPeerMac[ETH_ADDR_LEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8_t kZeroMac[ETH_ADDR_LEN] = {0};

// The 42 bytes of an Ethernet frame carrying an ARP packet (unpadded, so
// tests can cut it shorter), built from fields a test may then spoil.
struct ArpFrame {
    struct eth_hdr eth;
    struct arp_hdr arp;

    ArpFrame(uint16_t op, const uint8_t* sha, uint32_t spa, const uint8_t* tha, uint32_t tpa)
    {
        memcpy(eth.dst, op == ARP_OP_REQUEST ? ETH_BROADCAST : tha, ETH_ADDR_LEN);
        memcpy(eth.src, sha, ETH_ADDR_LEN);
        eth.type = ETH_TYPE_ARP;
        arp.htype = ARP_HTYPE_ETHERNET;
        arp.ptype = ARP_PTYPE_IPV4;
        arp.hlen = ETH_ADDR_LEN;
        arp.plen = 4;
        arp.op = op;
        memcpy(arp.sha, sha, ETH_ADDR_LEN);
        arp.spa = spa;
        memcpy(arp.tha, tha, ETH_ADDR_LEN);
        arp.tpa = tpa;
    }
    std::vector<uint8_t> Bytes() const
    {
        std::vector<uint8_t> f(ETH_HDR_LEN + ARP_HDR_LEN);
        eth_hdr_emit(&eth, f.data());
        arp_hdr_emit(&arp, f.data() + ETH_HDR_LEN);
        return f;
    }
};

inline ArpFrame RequestForUs(const uint8_t* sha = kPeerMac, uint32_t spa = kPeerIp)
{
    return ArpFrame(ARP_OP_REQUEST, sha, spa, kZeroMac, kOurIp);
}

class ArpCapdev : public ::testing::Test {
protected:
    // Call from the test (so it can pick a configuration).
    void Start(const struct arp_config* cfg = nullptr)
    {
        baseline_ = pkb_stats().live_buffers;
        trace_init(&trace_, 0);
        timerq_init(&timers_);
        capdev_init(&cap_, "cap0", NETDEV_LINK_ETHERNET, 1500);
        memcpy(cap_.dev.mac, kOurMac, ETH_ADDR_LEN);
        netdev_set_trace(&cap_.dev, &trace_, "stack");
        eth_attach(&port_, &cap_.dev);
        arp_ = arp_new(&port_, kOurIp, cfg, &timers_, &trace_, "stack");
        ASSERT_NE(arp_, nullptr);
        started_ = true;
    }
    void TearDown() override
    {
        if (!started_)
            return;
        if (HasFailure()) {
            printf("cache:\n");
            arp_print_cache(arp_, stdout, now_);
            arp_print_stats(arp_, stdout);
        }
        arp_free(arp_);
        capdev_destroy(&cap_);
        timerq_destroy(&timers_);
        trace_destroy(&trace_);
        EXPECT_EQ(pkb_stats().live_buffers, baseline_) << "packet buffers leaked";
    }

    void Inject(const std::vector<uint8_t>& f)
    {
        ASSERT_EQ(capdev_inject(&cap_, f.data(), f.size(), now_), 0);
    }
    void Inject(const ArpFrame& f) { Inject(f.Bytes()); }

    // Pop one sent frame and parse it as ARP; false if none or not ARP.
    bool PopArp(struct eth_hdr* eh, struct arp_hdr* ah, size_t* len = nullptr)
    {
        struct pkb* p = capdev_pop(&cap_);
        if (!p)
            return false;
        bool ok = eth_hdr_parse(p->data, p->len, eh) == 0 && eh->type == ETH_TYPE_ARP &&
                  arp_hdr_parse(p->data + ETH_HDR_LEN, p->len - ETH_HDR_LEN, ah) == ARP_HDR_OK;
        if (len)
            *len = p->len;
        pkb_free(p);
        return ok;
    }

    void Advance(usec_t to)
    {
        now_ = to;
        timerq_run(&timers_, now_);
    }

    struct trace trace_;
    struct timerq timers_;
    struct capdev cap_;
    struct eth_port port_;
    struct arp* arp_ = nullptr;
    usec_t now_ = 0;
    uint64_t baseline_ = 0;
    bool started_ = false;
};

}  // namespace arptest

#endif
