// Logging: levels filter, the sink receives module and message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stack/core/log.h"

namespace {

struct Lines {
    std::vector<std::string> lines;
};

void collect(void *ctx, enum log_level level, const char *module, const char *message)
{
    static_cast<Lines *>(ctx)->lines.push_back(std::string(log_level_name(level)) + " " +
                                               module + ": " + message);
}

struct LogTest : ::testing::Test {
    Lines got;
    void SetUp() override { log_set_sink(collect, &got); }
    void TearDown() override
    {
        log_set_sink(nullptr, nullptr);
        log_set_level(LOG_WARN);
    }
};

TEST_F(LogTest, DefaultLevelIsWarn)
{
    EXPECT_EQ(log_get_level(), LOG_WARN);
    log_error("arp", "table full (%d entries)", 64);
    log_warn("ip4", "bad checksum");
    log_info("tcp", "not shown");
    log_debug("tcp", "not shown either");
    ASSERT_EQ(got.lines.size(), 2u);
    EXPECT_EQ(got.lines[0], "error arp: table full (64 entries)");
    EXPECT_EQ(got.lines[1], "warn ip4: bad checksum");
}

TEST_F(LogTest, RaisingTheLevelShowsMore)
{
    log_set_level(LOG_DEBUG);
    log_debug("tcp", "rto %u", 200u);
    log_set_level(LOG_ERROR);
    log_warn("tcp", "hidden");
    ASSERT_EQ(got.lines.size(), 1u);
    EXPECT_EQ(got.lines[0], "debug tcp: rto 200");
}

TEST_F(LogTest, LongMessagesAreCut)
{
    std::string long_text(2000, 'z');
    log_error("x", "%s", long_text.c_str());
    ASSERT_EQ(got.lines.size(), 1u);
    EXPECT_LT(got.lines[0].size(), 600u);
    EXPECT_GT(got.lines[0].size(), 400u);
}

TEST(Log, LevelNames)
{
    EXPECT_STREQ(log_level_name(LOG_ERROR), "error");
    EXPECT_STREQ(log_level_name(LOG_WARN), "warn");
    EXPECT_STREQ(log_level_name(LOG_INFO), "info");
    EXPECT_STREQ(log_level_name(LOG_DEBUG), "debug");
}

}  // namespace
