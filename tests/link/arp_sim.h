// arp_sim.h — a fixture for the ARP trace tests: two hosts on a simulated
// Ethernet wire (stack/phy/simlink.h), each with an Ethernet port, an ARP
// module and a timer queue, in virtual time. There is no IPv4 layer: a test
// sends "IPv4 packets" (any bytes) through arp_output, and each host records
// what arrives for EtherType 0x0800 and what ARP reports unreachable.
//
// On failure the fixture prints the seed and the whole story: every packet
// (decoded), every state change and note, with its virtual time.
#ifndef TUNLAB_TESTS_LINK_ARP_SIM_H
#define TUNLAB_TESTS_LINK_ARP_SIM_H

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/pkb.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/link/arp.h"
#include "stack/link/arp_hdr.h"
#include "stack/link/ethernet.h"
#include "stack/phy/simlink.h"

namespace arptest {

constexpr uint32_t kIpA = 0x0a000101;   // 10.0.1.1 on sim-a
constexpr uint32_t kIpB = 0x0a000102;   // 10.0.1.2 on sim-b
constexpr usec_t kDelay = 1000;         // one-way delay of the wire: 1 ms

inline std::string Ip(uint32_t ip)
{
    char text[16];
    arp_format_ip(ip, text, sizeof(text));
    return text;
}

inline std::string Mac(const uint8_t* mac)
{
    char text[18];
    eth_format_addr(mac, text, sizeof(text));
    return text;
}

inline std::string Time(usec_t t)
{
    char text[32];
    trace_format_time(t, text, sizeof(text));
    return text;
}

// A frame in words: "arp who-has 10.0.1.2 tell 10.0.1.1",
// "arp reply 10.0.1.2 is-at 02:00:00:00:00:02", "ipv4 'hello' to 02:..".
inline std::string DescribeFrame(const uint8_t* bytes, size_t len)
{
    struct eth_hdr eh;
    if (eth_hdr_parse(bytes, len, &eh) < 0)
        return "runt";
    const uint8_t* payload = bytes + ETH_HDR_LEN;
    size_t plen = len - ETH_HDR_LEN;
    if (eh.type == ETH_TYPE_ARP) {
        struct arp_hdr ah;
        enum arp_hdr_error err = arp_hdr_parse(payload, plen, &ah);
        if (err != ARP_HDR_OK)
            return std::string("arp malformed: ") + arp_hdr_error_name(err);
        if (ah.op == ARP_OP_REQUEST)
            return "arp who-has " + Ip(ah.tpa) + " tell " + Ip(ah.spa);
        return "arp reply " + Ip(ah.spa) + " is-at " + Mac(ah.sha);
    }
    if (eh.type == ETH_TYPE_IPV4) {
        std::string text(reinterpret_cast<const char*>(payload), strnlen(reinterpret_cast<const char*>(payload), plen));
        return "ipv4 '" + text + "' to " + Mac(eh.dst);
    }
    char other[32];
    snprintf(other, sizeof(other), "ethertype 0x%04x", eh.type);
    return other;
}

inline std::string DescribeEvent(const trace_event& ev, bool with_time)
{
    std::string line = with_time ? Time(ev.time) + " " : "";
    line += ev.node;
    switch (ev.kind) {
    case TRACE_PKT_IN:
        return line + " in  " + DescribeFrame(ev.bytes, ev.cap_len);
    case TRACE_PKT_OUT:
        return line + " out " + DescribeFrame(ev.bytes, ev.cap_len);
    case TRACE_PKT_LOST:
        return line + " lost " + DescribeFrame(ev.bytes, ev.cap_len);
    case TRACE_STATE:
        return line + " state " + ev.subject + " " + ev.text;
    case TRACE_VAR:
        return line + " var " + ev.subject + " " + ev.text + "=" + std::to_string(ev.value);
    case TRACE_NOTE:
        return line + " note " + ev.subject + ": " + ev.text;
    }
    return line + " ?";
}

// A received "IPv4 packet" or an unreachable report, with its time.
struct Delivery {
    usec_t time;
    std::string text;
    uint32_t nexthop;   // unreachable reports only
};

struct Host {
    struct netdev* dev = nullptr;
    struct timerq timers;
    struct eth_port port;
    struct arp* arp = nullptr;
    std::vector<Delivery> received;      // EtherType 0x0800 payloads
    std::vector<Delivery> unreachable;   // what ARP gave up on
};

class ArpSim : public ::testing::Test {
protected:
    static constexpr uint64_t kSeed = 20241125;

    // Bring both hosts up. b_speaks_arp = false leaves sim-b without an ARP
    // module: it hears requests and never answers (the "silent far side").
    void Start(const struct arp_config* cfg_a = nullptr, const struct arp_config* cfg_b = nullptr,
               bool b_speaks_arp = true)
    {
        baseline_buffers_ = pkb_stats().live_buffers;
        world_ = sim_world_new(kSeed);
        link_ = sim_link_new(world_, NETDEV_LINK_ETHERNET, 1500, "sim-a", "sim-b");
        struct sim_impairments imp;
        memset(&imp, 0, sizeof(imp));
        imp.delay = kDelay;
        sim_link_set_both(link_, &imp);
        StartHost(a_, sim_link_dev_a(link_), kIpA, cfg_a, true);
        StartHost(b_, sim_link_dev_b(link_), kIpB, cfg_b, b_speaks_arp);
    }

    void TearDown() override
    {
        if (HasFailure() && world_) {
            printf("seed %llu; the story so far:\n%s", (unsigned long long)kSeed,
                   StoryText().c_str());
            if (a_.arp) {
                printf("cache of sim-a:\n");
                arp_print_cache(a_.arp, stdout, Now());
            }
            if (b_.arp) {
                printf("cache of sim-b:\n");
                arp_print_cache(b_.arp, stdout, Now());
            }
        }
        if (!world_)
            return;
        arp_free(a_.arp);
        arp_free(b_.arp);
        sim_world_free(world_);
        timerq_destroy(&a_.timers);
        timerq_destroy(&b_.timers);
        EXPECT_EQ(pkb_stats().live_buffers, baseline_buffers_) << "packet buffers leaked";
    }

    usec_t Now() const { return sim_world_now(world_); }
    void RunUntil(usec_t t) { sim_world_run_until(world_, t); }
    void RunFor(usec_t d) { RunUntil(Now() + d); }

    // Send `text` as a dummy IPv4 packet from host h to nexthop.
    int Send(Host& h, uint32_t nexthop, const std::string& text)
    {
        struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, text.size());
        memcpy(pkb_put(p, text.size()), text.data(), text.size());
        return arp_output(h.arp, p, nexthop, Now());
    }

    // Every trace event as a line; with_time adds the virtual time.
    std::vector<std::string> Story(bool with_time = true) const
    {
        std::vector<std::string> lines;
        const struct trace* t = sim_world_trace(world_);
        for (size_t i = 0; i < t->count; i++)
            lines.push_back(DescribeEvent(t->events[i], with_time));
        return lines;
    }
    std::string StoryText() const
    {
        std::string all;
        for (const std::string& line : Story())
            all += "  " + line + "\n";
        return all;
    }
    // Story lines that contain `needle`.
    std::vector<std::string> StoryWith(const std::string& needle) const
    {
        std::vector<std::string> lines;
        for (const std::string& line : Story())
            if (line.find(needle) != std::string::npos)
                lines.push_back(line);
        return lines;
    }
    void ClearStory() { trace_clear(sim_world_trace(world_)); }

    std::string CacheText(const Host& h) const
    {
        char* buf = nullptr;
        size_t len = 0;
        FILE* out = open_memstream(&buf, &len);
        arp_print_cache(h.arp, out, Now());
        fclose(out);
        std::string text(buf, len);
        free(buf);
        return text;
    }

    Host a_, b_;
    struct sim_world* world_ = nullptr;
    struct sim_link* link_ = nullptr;

private:
    static void OnIpv4(void* ctx, struct pkb* p, const uint8_t*, usec_t now)
    {
        Host* h = static_cast<Host*>(ctx);
        const char* data = reinterpret_cast<const char*>(p->data);
        h->received.push_back({now, std::string(data, strnlen(data, p->len)), 0});
        pkb_free(p);
    }
    static void OnUnreachable(void* ctx, const struct pkb* p, uint32_t nexthop, usec_t now)
    {
        Host* h = static_cast<Host*>(ctx);
        const char* data = reinterpret_cast<const char*>(p->data);
        h->unreachable.push_back({now, std::string(data, strnlen(data, p->len)), nexthop});
    }
    static void RunTimers(void* ctx, usec_t now) { timerq_run(static_cast<struct timerq*>(ctx), now); }
    static usec_t NextDeadline(void* ctx)
    {
        return timerq_next_deadline(static_cast<struct timerq*>(ctx));
    }

    void StartHost(Host& h, struct netdev* dev, uint32_t ip, const struct arp_config* cfg,
                   bool speaks_arp)
    {
        static const struct sim_node_ops ops = {RunTimers, NextDeadline};
        h.dev = dev;
        timerq_init(&h.timers);
        eth_attach(&h.port, dev);
        ASSERT_EQ(eth_register(&h.port, ETH_TYPE_IPV4, OnIpv4, &h), 0);
        if (speaks_arp) {
            h.arp = arp_new(&h.port, ip, cfg, &h.timers, sim_world_trace(world_), dev->name);
            ASSERT_NE(h.arp, nullptr);
            arp_set_unreachable_handler(h.arp, OnUnreachable, &h);
        }
        ASSERT_EQ(sim_world_add_node(world_, &ops, &h.timers), 0);
    }

    uint64_t baseline_buffers_ = 0;
};

}  // namespace arptest

#endif
