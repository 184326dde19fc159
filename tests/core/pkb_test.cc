// Packet buffers: every verb checks its bounds and leaves the packet
// unchanged when it refuses; copies are deep; accounting balances.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "stack/core/pkb.h"

namespace {

// Every test checks that what it allocated it also freed.
class PkbTest : public ::testing::Test {
  protected:
    void SetUp() override { start_ = pkb_stats(); }
    void TearDown() override
    {
        struct pkb_stats now = pkb_stats();
        EXPECT_EQ(now.live_buffers, start_.live_buffers) << "packets leaked";
        EXPECT_EQ(now.live_bytes, start_.live_bytes);
    }
    struct pkb_stats start_;
};

TEST_F(PkbTest, AllocLeavesHeadroomAndEmptyData)
{
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 100);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->len, 0u);
    EXPECT_EQ(pkb_headroom(p), (size_t)PKB_DEFAULT_HEADROOM);
    EXPECT_EQ(pkb_tailroom(p), 100u);
    EXPECT_EQ(p->ifindex, -1);
    EXPECT_EQ(p->network_header, nullptr);
    EXPECT_EQ(p->transport_header, nullptr);
    EXPECT_EQ(p->next, nullptr);
    pkb_free(p);
    pkb_free(nullptr);   // does nothing
}

TEST_F(PkbTest, PushPastHeadroomFailsAndChangesNothing)
{
    struct pkb *p = pkb_alloc(20, 10);
    ASSERT_NE(p, nullptr);
    uint8_t *data = p->data;
    EXPECT_EQ(pkb_push(p, 21), nullptr);
    EXPECT_EQ(p->data, data);
    EXPECT_EQ(p->len, 0u);

    uint8_t *h = pkb_push(p, 20);           // exactly the headroom is fine
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h, p->buf);
    EXPECT_EQ(p->len, 20u);
    EXPECT_EQ(pkb_push(p, 1), nullptr);     // and then there is none left
    EXPECT_EQ(p->len, 20u);
    pkb_free(p);
}

TEST_F(PkbTest, PullPastLengthFailsAndChangesNothing)
{
    const uint8_t bytes[] = {1, 2, 3, 4, 5};
    struct pkb *p = pkb_from_bytes(bytes, sizeof bytes, 8);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->len, 5u);
    EXPECT_EQ(pkb_pull(p, 6), nullptr);
    EXPECT_EQ(p->len, 5u);
    EXPECT_EQ(p->data[0], 1);

    uint8_t *stripped = pkb_pull(p, 2);
    ASSERT_NE(stripped, nullptr);
    EXPECT_EQ(stripped[0], 1);              // points at the stripped header
    EXPECT_EQ(p->data[0], 3);
    EXPECT_EQ(p->len, 3u);
    EXPECT_NE(pkb_pull(p, 3), nullptr);     // down to empty is allowed
    EXPECT_EQ(p->len, 0u);
    EXPECT_EQ(pkb_pull(p, 1), nullptr);
    pkb_free(p);
}

TEST_F(PkbTest, PutPastTailroomFails)
{
    struct pkb *p = pkb_alloc(4, 8);
    ASSERT_NE(p, nullptr);
    uint8_t *tail = pkb_put(p, 5);
    ASSERT_NE(tail, nullptr);
    EXPECT_EQ(tail, p->data);
    memset(tail, 0xab, 5);
    EXPECT_EQ(pkb_put(p, 4), nullptr);      // 3 bytes left
    EXPECT_EQ(p->len, 5u);
    uint8_t *more = pkb_put(p, 3);
    ASSERT_NE(more, nullptr);
    EXPECT_EQ(more, p->data + 5);
    EXPECT_EQ(pkb_tailroom(p), 0u);
    EXPECT_EQ(pkb_put(p, 1), nullptr);
    pkb_free(p);
}

TEST_F(PkbTest, TrimCutsButNeverGrows)
{
    const uint8_t bytes[60] = {0};
    struct pkb *p = pkb_from_bytes(bytes, sizeof bytes, 0);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(pkb_trim(p, 61), -1);
    EXPECT_EQ(p->len, 60u);
    EXPECT_EQ(pkb_trim(p, 46), 0);          // Ethernet padding gone
    EXPECT_EQ(p->len, 46u);
    EXPECT_EQ(pkb_trim(p, 46), 0);
    EXPECT_EQ(pkb_tailroom(p), 14u);
    pkb_free(p);
}

TEST_F(PkbTest, ReserveOnlyOnEmptyPacketWithRoom)
{
    struct pkb *p = pkb_alloc(0, 100);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(pkb_reserve(p, 101), -1);
    EXPECT_EQ(pkb_headroom(p), 0u);
    EXPECT_EQ(pkb_reserve(p, 40), 0);
    EXPECT_EQ(pkb_headroom(p), 40u);
    EXPECT_EQ(pkb_tailroom(p), 60u);
    ASSERT_NE(pkb_put(p, 1), nullptr);
    EXPECT_EQ(pkb_reserve(p, 1), -1);        // not empty any more
    EXPECT_EQ(pkb_headroom(p), 40u);
    pkb_free(p);
}

TEST_F(PkbTest, CopyIsDeepAndRebasesHeaderPointers)
{
    struct pkb *p = pkb_alloc(32, 64);
    ASSERT_NE(p, nullptr);
    uint8_t *payload = pkb_put(p, 8);
    memcpy(payload, "payload!", 8);
    uint8_t *th = pkb_push(p, 8);
    memset(th, 0x77, 8);
    uint8_t *nh = pkb_push(p, 20);
    memset(nh, 0x45, 20);
    p->network_header = nh;
    p->transport_header = th;
    p->rx_time = 12345;
    p->ifindex = 3;
    // An upper layer has already pulled the IP header: network_header now
    // points in front of data, and the copy must still find it.
    ASSERT_NE(pkb_pull(p, 20), nullptr);

    struct pkb *q = pkb_copy(p);
    ASSERT_NE(q, nullptr);
    EXPECT_NE(q->buf, p->buf);
    EXPECT_EQ(q->len, p->len);
    EXPECT_EQ(pkb_headroom(q), pkb_headroom(p));
    EXPECT_EQ(pkb_tailroom(q), pkb_tailroom(p));
    EXPECT_EQ(q->network_header - q->buf, p->network_header - p->buf);
    EXPECT_EQ(q->transport_header - q->buf, p->transport_header - p->buf);
    EXPECT_EQ(q->network_header[0], 0x45);
    EXPECT_EQ(q->transport_header, q->data);
    EXPECT_EQ(memcmp(q->data + 8, "payload!", 8), 0);
    EXPECT_EQ(q->rx_time, 12345u);
    EXPECT_EQ(q->ifindex, 3);
    EXPECT_EQ(q->next, nullptr);

    q->data[0] = 0x11;                        // the copy owns its bytes
    EXPECT_EQ(p->data[0], 0x77);
    pkb_free(p);
    pkb_free(q);
}

TEST_F(PkbTest, AccountingCountsBuffersBytesAndRefusals)
{
    struct pkb_stats before = pkb_stats();
    struct pkb *a = pkb_alloc(10, 90);
    struct pkb *b = pkb_alloc(0, 5000);       // larger than the cached size
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    struct pkb_stats during = pkb_stats();
    EXPECT_EQ(during.live_buffers, before.live_buffers + 2);
    EXPECT_EQ(during.live_bytes, before.live_bytes + 100 + 5000);
    EXPECT_EQ(during.allocations, before.allocations + 2);

    EXPECT_EQ(pkb_alloc(SIZE_MAX, 2), nullptr);   // size overflows: refused
    EXPECT_EQ(pkb_stats().failures, before.failures + 1);

    pkb_free(a);
    pkb_free(b);
    struct pkb_stats after = pkb_stats();
    EXPECT_EQ(after.live_buffers, before.live_buffers);
    EXPECT_EQ(after.live_bytes, before.live_bytes);
}

TEST_F(PkbTest, ReusedBufferStartsFresh)
{
    // malloc hands a freed block straight back for the next packet of the
    // same size: the new packet must not inherit anything from the last one.
    for (int i = 0; i < 200; i++) {
        struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 1514);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(p->len, 0u);
        EXPECT_EQ(p->cap, (size_t)PKB_DEFAULT_HEADROOM + 1514);
        EXPECT_EQ(p->network_header, nullptr);
        EXPECT_EQ(p->ifindex, -1);
        ASSERT_NE(pkb_put(p, 1514), nullptr);
        p->network_header = p->data;
        p->ifindex = i;
        pkb_free(p);
    }
}

TEST_F(PkbTest, QueueIsFifoAndCountsBytes)
{
    struct pkb_queue q;
    pkb_queue_init(&q);
    EXPECT_EQ(pkb_queue_pop(&q), nullptr);

    struct pkb *p[3];
    for (int i = 0; i < 3; i++) {
        uint8_t bytes[3] = {(uint8_t)i, 0, 0};
        p[i] = pkb_from_bytes(bytes, (size_t)i + 1, 0);
        ASSERT_NE(p[i], nullptr);
        pkb_queue_push(&q, p[i]);
    }
    EXPECT_EQ(q.count, 3u);
    EXPECT_EQ(q.bytes, 1u + 2u + 3u);
    EXPECT_EQ(pkb_queue_pop(&q), p[0]);
    EXPECT_EQ(p[0]->next, nullptr);
    EXPECT_EQ(q.count, 2u);
    EXPECT_EQ(q.bytes, 5u);
    pkb_free(p[0]);
    EXPECT_EQ(pkb_queue_pop(&q), p[1]);
    pkb_free(p[1]);
    EXPECT_EQ(pkb_queue_pop(&q), p[2]);
    EXPECT_EQ(q.head, nullptr);
    EXPECT_EQ(q.tail, nullptr);
    pkb_queue_push(&q, p[2]);                 // usable again after emptying
    EXPECT_EQ(q.head, p[2]);
    pkb_queue_purge(&q);                      // frees: TearDown checks it
    EXPECT_EQ(q.count, 0u);
    EXPECT_EQ(q.bytes, 0u);
}

}  // namespace

// The memory limit (issue 11): an allocation that would take the bytes in
// use beyond it is refused with NULL and counted; freeing makes room again;
// below the limit nothing changes.
class PkbLimitTest : public PkbTest {
  protected:
    void TearDown() override
    {
        pkb_set_limit(PKB_DEFAULT_LIMIT);
        PkbTest::TearDown();
    }
};

TEST_F(PkbLimitTest, DefaultIsGenerous)
{
    EXPECT_EQ(pkb_limit(), PKB_DEFAULT_LIMIT);
    EXPECT_EQ(PKB_DEFAULT_LIMIT, (size_t)64 * 1024 * 1024);
    // A reassembled 64 KiB datagram is far below it.
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 65535);
    ASSERT_NE(p, nullptr);
    pkb_free(p);
}

TEST_F(PkbLimitTest, AllocationBeyondTheLimitIsRefusedAndCounted)
{
    struct pkb_stats before = pkb_stats();
    pkb_set_limit((size_t)before.live_bytes + 10000);
    EXPECT_EQ(pkb_limit(), (size_t)before.live_bytes + 10000);

    struct pkb *p[5] = {};
    for (int i = 0; i < 5; i++) {
        p[i] = pkb_alloc(0, 2000);   // 5 x 2000 = exactly the limit
        ASSERT_NE(p[i], nullptr) << "buffer " << i << " is within the limit";
    }
    EXPECT_EQ(pkb_alloc(0, 1), nullptr) << "one byte more is over it";
    EXPECT_EQ(pkb_from_bytes("x", 1, 0), nullptr);
    EXPECT_EQ(pkb_copy(p[0]), nullptr);
    struct pkb_stats full = pkb_stats();
    EXPECT_EQ(full.over_limit, before.over_limit + 3);
    EXPECT_EQ(full.failures, before.failures + 3);
    EXPECT_EQ(full.live_bytes, before.live_bytes + 10000) << "a refusal holds nothing";
    EXPECT_EQ(full.live_buffers, before.live_buffers + 5);

    // Freeing one makes room for exactly that much.
    pkb_free(p[4]);
    p[4] = pkb_alloc(0, 2001);
    EXPECT_EQ(p[4], nullptr);
    p[4] = pkb_alloc(0, 2000);
    EXPECT_NE(p[4], nullptr);
    for (struct pkb *q : p)
        pkb_free(q);
    EXPECT_EQ(pkb_stats().over_limit, before.over_limit + 4);
}

TEST_F(PkbLimitTest, LoweringBelowWhatIsLiveFreesNothing)
{
    struct pkb *p = pkb_alloc(0, 3000);
    ASSERT_NE(p, nullptr);
    pkb_set_limit(0);   // no packet at all may be allocated now
    EXPECT_EQ(pkb_alloc(0, 0), nullptr);
    EXPECT_EQ(p->cap, 3000u) << "the live packet is untouched";
    memset(p->buf, 1, p->cap);
    pkb_free(p);
    pkb_set_limit(SIZE_MAX);   // none
    p = pkb_alloc(0, 3000);
    EXPECT_NE(p, nullptr);
    pkb_free(p);
}
