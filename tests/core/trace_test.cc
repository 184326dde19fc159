// The trace recorder: storing events, the max_events limit, the listener,
// and the time notation.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "stack/core/trace.h"

namespace {

struct TraceFixture : ::testing::Test {
    struct trace t;
    void SetUp() override { trace_init(&t, 0); }
    void TearDown() override { trace_destroy(&t); }
};

TEST_F(TraceFixture, RecordsEachKindWithItsFields)
{
    const uint8_t pkt[4] = {0x45, 0x00, 0x00, 0x14};
    trace_packet(&t, 100, "client", TRACE_PKT_OUT, "tun0", TRACE_LINK_IP, pkt, 4);
    trace_state(&t, 200, "client", "tcp 10.0.0.1:40000>10.0.0.2:80", "CLOSED", "SYN_SENT");
    trace_var(&t, 300, "client", "tcp", "cwnd", 14600);
    trace_note(&t, 400, "server", "arp", "resolved %s after %d tries", "10.0.1.1", 2);

    ASSERT_EQ(t.count, 4u);
    EXPECT_EQ(t.events[0].kind, TRACE_PKT_OUT);
    EXPECT_EQ(t.events[0].link, TRACE_LINK_IP);
    EXPECT_EQ(t.events[0].wire_len, 4u);
    EXPECT_EQ(t.events[0].cap_len, 4u);
    EXPECT_EQ(memcmp(t.events[0].bytes, pkt, 4), 0);
    EXPECT_STREQ(t.events[0].node, "client");
    EXPECT_STREQ(t.events[0].subject, "tun0");

    EXPECT_EQ(t.events[1].kind, TRACE_STATE);
    EXPECT_STREQ(t.events[1].text, "CLOSED -> SYN_SENT");
    EXPECT_EQ(t.events[1].time, 200u);

    EXPECT_EQ(t.events[2].kind, TRACE_VAR);
    EXPECT_STREQ(t.events[2].text, "cwnd");
    EXPECT_EQ(t.events[2].value, 14600);

    EXPECT_EQ(t.events[3].kind, TRACE_NOTE);
    EXPECT_STREQ(t.events[3].text, "resolved 10.0.1.1 after 2 tries");
    EXPECT_STREQ(t.events[3].node, "server");
}

TEST_F(TraceFixture, LongPacketsKeepTheirHeadAndWholeLength)
{
    std::vector<uint8_t> big(1500);
    for (size_t i = 0; i < big.size(); i++)
        big[i] = (uint8_t)i;
    trace_packet(&t, 1, "a", TRACE_PKT_IN, "sim", TRACE_LINK_ETHERNET, big.data(), big.size());
    ASSERT_EQ(t.count, 1u);
    EXPECT_EQ(t.events[0].wire_len, 1500u);
    EXPECT_EQ(t.events[0].cap_len, TRACE_PKT_BYTES);
    EXPECT_EQ(t.events[0].bytes[TRACE_PKT_BYTES - 1], (uint8_t)(TRACE_PKT_BYTES - 1));
}

TEST_F(TraceFixture, LongStringsAreCutNotOverflowed)
{
    std::string longname(200, 'x');
    trace_state(&t, 0, longname.c_str(), longname.c_str(), longname.c_str(), "B");
    ASSERT_EQ(t.count, 1u);
    EXPECT_EQ(strlen(t.events[0].node), (size_t)TRACE_NODE_LEN - 1);
    EXPECT_EQ(strlen(t.events[0].subject), (size_t)TRACE_SUBJECT_LEN - 1);
    EXPECT_EQ(strlen(t.events[0].text), (size_t)TRACE_TEXT_LEN - 1);
}

TEST_F(TraceFixture, GrowsPastItsFirstAllocation)
{
    for (int i = 0; i < 5000; i++)
        trace_var(&t, (usec_t)i, "n", "s", "i", i);
    ASSERT_EQ(t.count, 5000u);
    for (int i = 0; i < 5000; i++)
        ASSERT_EQ(t.events[i].value, i);
    EXPECT_EQ(t.dropped, 0u);
}

struct Seen {
    std::vector<std::string> texts;
};

void listen(void *ctx, const struct trace_event *ev)
{
    static_cast<Seen *>(ctx)->texts.push_back(std::string(trace_kind_name(ev->kind)) + ":" +
                                              ev->text);
}

TEST(Trace, MaxEventsStopsRecordingCountsDropsListenerSeesAll)
{
    struct trace t;
    trace_init(&t, 3);
    Seen seen;
    trace_set_listener(&t, listen, &seen);
    for (int i = 0; i < 5; i++)
        trace_note(&t, (usec_t)i, "n", "s", "note %d", i);
    EXPECT_EQ(t.count, 3u);
    EXPECT_EQ(t.dropped, 2u);
    EXPECT_STREQ(t.events[2].text, "note 2");   // the first three are kept
    ASSERT_EQ(seen.texts.size(), 5u);
    EXPECT_EQ(seen.texts[4], "note:note 4");

    trace_clear(&t);
    EXPECT_EQ(t.count, 0u);
    EXPECT_EQ(t.dropped, 0u);
    trace_note(&t, 9, "n", "s", "again");
    EXPECT_EQ(t.count, 1u);
    trace_destroy(&t);
}

TEST(Trace, NullTraceDoesNothing)
{
    uint8_t b = 0;
    trace_packet(nullptr, 0, "n", TRACE_PKT_IN, "s", TRACE_LINK_IP, &b, 1);
    trace_state(nullptr, 0, "n", "s", "A", "B");
    trace_var(nullptr, 0, "n", "s", "v", 1);
    trace_note(nullptr, 0, "n", "s", "x");
    trace_clear(nullptr);
    trace_destroy(nullptr);
    SUCCEED();
}

TEST(Trace, KindNames)
{
    EXPECT_STREQ(trace_kind_name(TRACE_PKT_IN), "in");
    EXPECT_STREQ(trace_kind_name(TRACE_PKT_OUT), "out");
    EXPECT_STREQ(trace_kind_name(TRACE_PKT_LOST), "lost");
    EXPECT_STREQ(trace_kind_name(TRACE_STATE), "state");
    EXPECT_STREQ(trace_kind_name(TRACE_VAR), "var");
    EXPECT_STREQ(trace_kind_name(TRACE_NOTE), "note");
}

std::string fmt(usec_t time, size_t outlen = 32)
{
    char out[32];
    memset(out, '#', sizeof out);
    trace_format_time(time, out, outlen);
    return out;
}

TEST(Trace, TimeFormatIsSecondsDotSixDigits)
{
    EXPECT_EQ(fmt(0), "0.000000");
    EXPECT_EQ(fmt(1), "0.000001");
    EXPECT_EQ(fmt(12000300), "12.000300");
    EXPECT_EQ(fmt(999999), "0.999999");
    EXPECT_EQ(fmt(1000000), "1.000000");
    EXPECT_EQ(fmt(86400ull * 1000000 + 5), "86400.000005");
    EXPECT_EQ(fmt(12000300, 4), "12.");        // cut to the buffer, terminated
    trace_format_time(5, nullptr, 0);          // no buffer: nothing happens
}

}  // namespace
