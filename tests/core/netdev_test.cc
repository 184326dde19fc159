// The device-independent half of a device, driven by a tiny fake driver:
// counting, the capture hook, trace records, drops, and polling.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "stack/core/netdev.h"

namespace {

// The fake wire: keeps what was transmitted, hands out what is queued for
// receive, and can be told to refuse transmits or fail a read.
struct FakeDriver {
    std::vector<std::vector<uint8_t>> sent;
    std::deque<std::vector<uint8_t>> to_receive;
    int transmit_result = 0;      // 0, or the negative errno to fail with
    int receive_error = 0;        // returned once the queue is empty (else -EAGAIN)
    int closes = 0;
};

FakeDriver *driver_of(struct netdev *dev) { return static_cast<FakeDriver *>(dev->priv); }

int fake_transmit(struct netdev *dev, struct pkb *p, usec_t)
{
    FakeDriver *d = driver_of(dev);
    int rc = d->transmit_result;
    if (rc == 0)
        d->sent.emplace_back(p->data, p->data + p->len);
    pkb_free(p);   // the driver owns p on every path
    return rc;
}

int fake_receive(struct netdev *dev, struct pkb **out)
{
    FakeDriver *d = driver_of(dev);
    if (d->to_receive.empty())
        return d->receive_error ? d->receive_error : -EAGAIN;
    const std::vector<uint8_t> &bytes = d->to_receive.front();
    *out = pkb_from_bytes(bytes.data(), bytes.size(), 0);
    d->to_receive.pop_front();
    return *out ? 0 : -ENOMEM;
}

void fake_close(struct netdev *dev) { driver_of(dev)->closes++; }

const struct netdev_ops fake_ops = {fake_transmit, fake_receive, fake_close};

// What the layer above and the capture hook saw.
struct Observed {
    std::vector<std::string> captured;   // "out 3" / "in 5"
    std::vector<std::vector<uint8_t>> delivered;
    std::vector<usec_t> delivered_rx_time;
};

void capture(void *ctx, const struct netdev *, bool outgoing, const struct pkb *p, usec_t now)
{
    static_cast<Observed *>(ctx)->captured.push_back(std::string(outgoing ? "out " : "in ") +
                                                     std::to_string(p->len) + "@" +
                                                     std::to_string(now));
}

void input(void *ctx, struct netdev *, struct pkb *p, usec_t)
{
    auto *o = static_cast<Observed *>(ctx);
    o->delivered.emplace_back(p->data, p->data + p->len);
    o->delivered_rx_time.push_back(p->rx_time);
    pkb_free(p);
}

struct pkb *packet(size_t len, uint8_t fill)
{
    std::vector<uint8_t> bytes(len, fill);
    return pkb_from_bytes(bytes.data(), len, PKB_DEFAULT_HEADROOM);
}

struct NetdevTest : ::testing::Test {
    FakeDriver driver;
    Observed seen;
    struct netdev dev;
    struct trace trace;
    struct pkb_stats start;

    void SetUp() override
    {
        start = pkb_stats();
        trace_init(&trace, 0);
        netdev_init(&dev, "fake0", NETDEV_LINK_IP, 1500, &fake_ops, &driver);
        netdev_set_capture(&dev, capture, &seen);
        netdev_set_trace(&dev, &trace, "client");
    }
    void TearDown() override
    {
        netdev_close(&dev);
        trace_destroy(&trace);
        EXPECT_EQ(pkb_stats().live_buffers, start.live_buffers) << "packets leaked";
    }
};

TEST_F(NetdevTest, InitFillsCommonFields)
{
    EXPECT_STREQ(dev.name, "fake0");
    EXPECT_EQ(dev.fd, -1);
    EXPECT_EQ(dev.mtu, 1500u);
    EXPECT_EQ(dev.priv, &driver);
    EXPECT_EQ(dev.input, nullptr);
    EXPECT_EQ(dev.stats.rx_packets, 0u);

    struct netdev longname;
    netdev_init(&longname, "a-name-longer-than-sixteen", NETDEV_LINK_IP, 0, nullptr, nullptr);
    EXPECT_EQ(strlen(longname.name), (size_t)NETDEV_NAME_LEN - 1);
}

TEST_F(NetdevTest, TransmitCountsCapturesTracesAndHandsToDriver)
{
    ASSERT_EQ(netdev_transmit(&dev, packet(40, 0x45), 1000), 0);
    ASSERT_EQ(netdev_transmit(&dev, packet(60, 0x45), 2000), 0);
    EXPECT_EQ(dev.stats.tx_packets, 2u);
    EXPECT_EQ(dev.stats.tx_bytes, 100u);
    EXPECT_EQ(dev.stats.tx_dropped, 0u);
    ASSERT_EQ(driver.sent.size(), 2u);
    EXPECT_EQ(driver.sent[1].size(), 60u);
    EXPECT_EQ(seen.captured, (std::vector<std::string>{"out 40@1000", "out 60@2000"}));

    ASSERT_EQ(trace.count, 2u);
    const struct trace_event &ev = trace.events[0];
    EXPECT_EQ(ev.kind, TRACE_PKT_OUT);
    EXPECT_EQ(ev.link, TRACE_LINK_IP);
    EXPECT_EQ(ev.time, 1000u);
    EXPECT_EQ(ev.wire_len, 40u);
    EXPECT_EQ(ev.bytes[0], 0x45);
    EXPECT_STREQ(ev.node, "client");
    EXPECT_STREQ(ev.subject, "fake0");
}

TEST_F(NetdevTest, DriverRefusalIsCountedAsTxDrop)
{
    driver.transmit_result = -EAGAIN;
    EXPECT_EQ(netdev_transmit(&dev, packet(40, 1), 5), -EAGAIN);
    EXPECT_EQ(dev.stats.tx_dropped, 1u);
    EXPECT_EQ(dev.stats.tx_packets, 0u);
    EXPECT_EQ(seen.captured.size(), 1u);   // what the stack sent is still seen
    EXPECT_EQ(netdev_transmit(&dev, nullptr, 5), -EINVAL);
}

TEST_F(NetdevTest, ReceiveCountsCapturesTracesAndDelivers)
{
    netdev_set_input(&dev, input, &seen);
    netdev_receive(&dev, packet(28, 0x45), 7000);
    EXPECT_EQ(dev.stats.rx_packets, 1u);
    EXPECT_EQ(dev.stats.rx_bytes, 28u);
    EXPECT_EQ(dev.stats.rx_dropped, 0u);
    ASSERT_EQ(seen.delivered.size(), 1u);
    EXPECT_EQ(seen.delivered[0].size(), 28u);
    EXPECT_EQ(seen.delivered_rx_time[0], 7000u);   // stamped on arrival
    EXPECT_EQ(seen.captured, (std::vector<std::string>{"in 28@7000"}));
    ASSERT_EQ(trace.count, 1u);
    EXPECT_EQ(trace.events[0].kind, TRACE_PKT_IN);
    EXPECT_EQ(trace.events[0].time, 7000u);
}

TEST_F(NetdevTest, CaptureSeesBothDirectionsInOrder)
{
    netdev_set_input(&dev, input, &seen);
    netdev_transmit(&dev, packet(10, 0), 1);
    netdev_receive(&dev, packet(20, 0), 2);
    netdev_transmit(&dev, packet(30, 0), 3);
    EXPECT_EQ(seen.captured, (std::vector<std::string>{"out 10@1", "in 20@2", "out 30@3"}));
    ASSERT_EQ(trace.count, 3u);
    EXPECT_EQ(trace.events[1].kind, TRACE_PKT_IN);
}

TEST_F(NetdevTest, NoInputHandlerIsACountedDrop)
{
    netdev_receive(&dev, packet(28, 0x45), 1);   // nobody above: freed, counted
    EXPECT_EQ(dev.stats.rx_packets, 1u);
    EXPECT_EQ(dev.stats.rx_dropped, 1u);
    EXPECT_EQ(trace.count, 1u);                  // but it did arrive
}

TEST_F(NetdevTest, LongerThanMtuIsACountedDrop)
{
    netdev_set_input(&dev, input, &seen);
    netdev_receive(&dev, packet(1500, 0), 1);
    netdev_receive(&dev, packet(1501, 0), 2);
    EXPECT_EQ(seen.delivered.size(), 1u);
    EXPECT_EQ(dev.stats.rx_dropped, 1u);
}

TEST(Netdev, EthernetDeviceTracesEthernetAndAllowsItsHeader)
{
    FakeDriver driver;
    Observed seen;
    struct trace trace;
    struct netdev dev;
    trace_init(&trace, 0);
    netdev_init(&dev, "tap0", NETDEV_LINK_ETHERNET, 1500, &fake_ops, &driver);
    netdev_set_trace(&dev, &trace, nullptr);   // node defaults to the name
    netdev_set_input(&dev, input, &seen);
    netdev_receive(&dev, packet(1514, 0), 1);  // full frame: 14 + 1500
    netdev_transmit(&dev, packet(60, 0), 2);
    EXPECT_EQ(seen.delivered.size(), 1u);
    EXPECT_EQ(dev.stats.rx_dropped, 0u);
    ASSERT_EQ(trace.count, 2u);
    EXPECT_EQ(trace.events[0].link, TRACE_LINK_ETHERNET);
    EXPECT_EQ(trace.events[1].link, TRACE_LINK_ETHERNET);
    EXPECT_STREQ(trace.events[0].node, "tap0");
    trace_destroy(&trace);
}

TEST_F(NetdevTest, PollReadsUpToBudget)
{
    netdev_set_input(&dev, input, &seen);
    for (int i = 0; i < 5; i++)
        driver.to_receive.push_back(std::vector<uint8_t>((size_t)i + 1, (uint8_t)i));
    EXPECT_EQ(netdev_poll(&dev, 3, 10), 3);
    EXPECT_EQ(seen.delivered.size(), 3u);
    EXPECT_EQ(netdev_poll(&dev, 3, 20), 2);      // what is left, then -EAGAIN
    EXPECT_EQ(netdev_poll(&dev, 3, 30), 0);      // nothing waiting
    EXPECT_EQ(netdev_poll(&dev, 0, 30), 0);
    EXPECT_EQ(dev.stats.rx_packets, 5u);
    EXPECT_EQ(seen.delivered[4], std::vector<uint8_t>(5, 4));
    EXPECT_EQ(seen.delivered_rx_time[4], 20u);
}

TEST_F(NetdevTest, PollReportsAnErrorOnlyWhenNothingWasRead)
{
    netdev_set_input(&dev, input, &seen);
    driver.receive_error = -EIO;
    driver.to_receive.push_back({1, 2, 3});
    EXPECT_EQ(netdev_poll(&dev, 8, 1), 1);
    EXPECT_EQ(netdev_poll(&dev, 8, 2), -EIO);
}

TEST_F(NetdevTest, CloseCallsDriverOnceThenDeviceIsInert)
{
    netdev_close(&dev);
    EXPECT_EQ(driver.closes, 1);
    netdev_close(&dev);                           // idempotent
    EXPECT_EQ(driver.closes, 1);
    EXPECT_EQ(netdev_transmit(&dev, packet(10, 0), 1), -ENODEV);
    EXPECT_EQ(dev.stats.tx_dropped, 1u);
    EXPECT_EQ(netdev_poll(&dev, 8, 1), 0);
}

}  // namespace
