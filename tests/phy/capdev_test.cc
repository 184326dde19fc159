// capdev_test — the capture device queues what the stack sends and injects
// what the peer sends, through the ordinary netdev paths.
#include <gtest/gtest.h>

#include <errno.h>

#include <vector>

#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/core/trace.h"
#include "stack/phy/capdev.h"

namespace {

struct Received {
    std::vector<std::vector<uint8_t>> packets;
    std::vector<usec_t> times;
};

void collect(void *ctx, struct netdev *, struct pkb *p, usec_t now)
{
    auto *r = static_cast<Received *>(ctx);
    r->packets.emplace_back(p->data, p->data + p->len);
    r->times.push_back(now);
    pkb_free(p);
}

struct pkb *packet_of(const std::vector<uint8_t> &bytes)
{
    return pkb_from_bytes(bytes.data(), bytes.size(), PKB_DEFAULT_HEADROOM);
}

TEST(Capdev, TransmitQueuesInOrderWithTimeAndCounts)
{
    struct capdev cap;
    capdev_init(&cap, "cap0", NETDEV_LINK_IP, 1500);

    ASSERT_EQ(0, netdev_transmit(&cap.dev, packet_of({1, 2, 3}), 10));
    ASSERT_EQ(0, netdev_transmit(&cap.dev, packet_of({4, 5}), 20));
    EXPECT_EQ(2u, capdev_pending(&cap));
    EXPECT_EQ(2u, cap.dev.stats.tx_packets);
    EXPECT_EQ(5u, cap.dev.stats.tx_bytes);

    struct pkb *p = capdev_pop(&cap);
    ASSERT_NE(nullptr, p);
    EXPECT_EQ(std::vector<uint8_t>({1, 2, 3}), std::vector<uint8_t>(p->data, p->data + p->len));
    EXPECT_EQ(10u, p->rx_time);
    pkb_free(p);
    p = capdev_pop(&cap);
    ASSERT_NE(nullptr, p);
    EXPECT_EQ(std::vector<uint8_t>({4, 5}), std::vector<uint8_t>(p->data, p->data + p->len));
    EXPECT_EQ(20u, p->rx_time);
    pkb_free(p);
    EXPECT_EQ(nullptr, capdev_pop(&cap));
    capdev_destroy(&cap);
}

TEST(Capdev, FailWithDropsAndCounts)
{
    struct capdev cap;
    capdev_init(&cap, "cap0", NETDEV_LINK_IP, 1500);
    cap.fail_with = -EAGAIN;
    uint64_t live_before = pkb_stats().live_buffers;
    EXPECT_EQ(-EAGAIN, netdev_transmit(&cap.dev, packet_of({9}), 0));
    EXPECT_EQ(0u, capdev_pending(&cap));
    EXPECT_EQ(1u, cap.dev.stats.tx_dropped);
    EXPECT_EQ(live_before, pkb_stats().live_buffers) << "refused packet must be freed";
    capdev_destroy(&cap);
}

TEST(Capdev, InjectReachesInputAndTrace)
{
    struct capdev cap;
    struct trace trace;
    Received got;
    trace_init(&trace, 0);
    capdev_init(&cap, "tap9", NETDEV_LINK_ETHERNET, 1500);
    EXPECT_EQ(0x02, cap.dev.mac[0]) << "locally administered MAC";
    netdev_set_input(&cap.dev, collect, &got);
    netdev_set_trace(&cap.dev, &trace, "host");

    const uint8_t frame[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 2, 0x08, 0x06};
    ASSERT_EQ(0, capdev_inject(&cap, frame, sizeof frame, 77));
    ASSERT_EQ(1u, got.packets.size());
    EXPECT_EQ(std::vector<uint8_t>(frame, frame + sizeof frame), got.packets[0]);
    EXPECT_EQ(77u, got.times[0]);
    ASSERT_EQ(1u, trace.count);
    EXPECT_EQ(TRACE_PKT_IN, trace.events[0].kind);
    EXPECT_EQ(TRACE_LINK_ETHERNET, trace.events[0].link);

    capdev_inject_pkb(&cap, packet_of({1}), 78);
    EXPECT_EQ(2u, got.packets.size());
    EXPECT_EQ(2u, cap.dev.stats.rx_packets);
    trace_destroy(&trace);
    capdev_destroy(&cap);
}

TEST(Capdev, DestroyFreesQueuedPackets)
{
    struct capdev cap;
    capdev_init(&cap, "cap0", NETDEV_LINK_IP, 1500);
    uint64_t live_before = pkb_stats().live_buffers;
    for (int i = 0; i < 5; i++)
        ASSERT_EQ(0, netdev_transmit(&cap.dev, packet_of({uint8_t(i)}), 0));
    EXPECT_EQ(live_before + 5, pkb_stats().live_buffers);
    capdev_destroy(&cap);
    EXPECT_EQ(live_before, pkb_stats().live_buffers);
}

}  // namespace
