// rudp_unit_test — the reliable-UDP header on the wire and RFC 6298's RTO
// arithmetic, number by number.
#include <gtest/gtest.h>

#include <vector>

#include "apps/rudp/rudp.h"
#include "apps/rudp/rudp_hdr.h"
#include "apps/rudp/rudp_rtt.h"

namespace {

TEST(RudpHeader, WireLayout)
{
    struct rudp_hdr h = {RUDP_VERSION, RUDP_FLAG_DATA | RUDP_FLAG_FIN, 8, 0x01020304,
                         0x05060708, 0x0A0B0C0D, 0xCAFEBABE};
    uint8_t b[RUDP_HDR_LEN];
    rudp_hdr_emit(&h, b);
    std::vector<uint8_t> want = {1,    0x05, 0x00, 0x08, 1,    2,    3,    4,    5,    6,
                                 7,    8,    0x0A, 0x0B, 0x0C, 0x0D, 0xCA, 0xFE, 0xBA, 0xBE};
    EXPECT_EQ(std::vector<uint8_t>(b, b + RUDP_HDR_LEN), want);
    struct rudp_hdr back;
    ASSERT_EQ(rudp_hdr_parse(b, sizeof b, &back), RUDP_PARSE_OK);
    EXPECT_EQ(back.seq, h.seq);
    EXPECT_EQ(back.ack, h.ack);
    EXPECT_EQ(back.ts, h.ts);
    EXPECT_EQ(back.ts_echo, h.ts_echo);
    EXPECT_EQ(back.window, 8);
}

TEST(RudpHeader, RejectsBadInput)
{
    struct rudp_hdr h = {RUDP_VERSION, RUDP_FLAG_ACK, 1, 0, 1, 0, 0}, back;
    uint8_t b[RUDP_HDR_LEN];
    rudp_hdr_emit(&h, b);
    EXPECT_EQ(rudp_hdr_parse(b, RUDP_HDR_LEN - 1, &back), RUDP_PARSE_TRUNCATED);
    b[0] = 2;
    EXPECT_EQ(rudp_hdr_parse(b, sizeof b, &back), RUDP_PARSE_BAD_VERSION);
    b[0] = RUDP_VERSION;
    b[1] = 0x80;
    EXPECT_EQ(rudp_hdr_parse(b, sizeof b, &back), RUDP_PARSE_BAD_FLAGS);
    b[1] = RUDP_FLAG_FIN;   // FIN alone: neither data nor ack
    EXPECT_EQ(rudp_hdr_parse(b, sizeof b, &back), RUDP_PARSE_BAD_FLAGS);
}

TEST(RudpRtt, Rfc6298Formulas)
{
    struct rudp_rtt r;
    rudp_rtt_init(&r, 0, 0, 0);
    EXPECT_EQ(r.rto, 1000000u) << "(2.1) RTO starts at 1 s";
    // (2.2) first sample 100 ms: SRTT 100, RTTVAR 50, RTO = 100 + 4*50 = 300 ms.
    rudp_rtt_sample(&r, 100000);
    EXPECT_EQ(r.srtt, 100000u);
    EXPECT_EQ(r.rttvar, 50000u);
    EXPECT_EQ(r.rto, 300000u);
    // (2.3) 200 ms: RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5; SRTT = 7/8*100 + 1/8*200 = 112.5;
    // RTO = 112.5 + 4*62.5 = 362.5 ms.
    rudp_rtt_sample(&r, 200000);
    EXPECT_EQ(r.rttvar, 62500u);
    EXPECT_EQ(r.srtt, 112500u);
    EXPECT_EQ(r.rto, 362500u);
}

TEST(RudpRtt, ClampedAndBackedOff)
{
    struct rudp_rtt r;
    rudp_rtt_init(&r, 0, 0, 0);
    rudp_rtt_sample(&r, 10000);   // 10 ms: 10 + 4*5 = 30 ms, below the 200 ms floor
    EXPECT_EQ(r.rto, RUDP_RTO_MIN);
    std::vector<usec_t> seen;
    for (int i = 0; i < 12; i++) {
        rudp_rtt_backoff(&r);
        seen.push_back(r.rto / 1000);
    }
    // (5.5) doubling, then held at the 60 s ceiling.
    EXPECT_EQ(seen, (std::vector<usec_t>{400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000,
                                         60000, 60000, 60000}));
    rudp_rtt_sample(&r, 10000);
    EXPECT_EQ(r.rto, RUDP_RTO_MIN) << "a new sample ends the backoff";
}

TEST(RudpConfig, DefaultsAndLimits)
{
    struct rudp_config c = {};
    ASSERT_EQ(rudp_config_resolve(&c), 0);
    EXPECT_EQ(c.window, 1u) << "stop-and-wait unless asked";
    EXPECT_EQ(c.mss, 1000u);
    EXPECT_EQ(c.max_retries, 15);
    struct rudp_config big = {};
    big.mss = RUDP_MAX_PAYLOAD + 1;
    EXPECT_EQ(rudp_config_resolve(&big), -EINVAL);
}

}  // namespace
