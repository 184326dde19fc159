// The composed stack end to end: two stacks on a simulated link, in both
// link modes (IP like TUN, Ethernet like TAP with ARP), exchange pings and
// UDP datagrams through the socket API. A failure prints the seed and the
// whole trace.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "stack/net/icmp.h"
#include "stack/socket/socket.h"
#include "tests/shim/pair.h"

namespace {

struct Replies {
  std::vector<icmp_echo_reply_info> got;
};

void OnReply(void* ctx, const icmp_echo_reply_info* reply, usec_t) {
  static_cast<Replies*>(ctx)->got.push_back(*reply);
}

class PairTest : public ::testing::TestWithParam<enum netdev_link> {
 protected:
  void SetUp() override {
    pair_ = shim_pair_new(seed_, GetParam());
    ASSERT_NE(pair_, nullptr);
  }
  void TearDown() override {
    if (HasFailure()) shim_pair_dump(pair_, stdout);
    shim_pair_free(pair_);
  }
  const uint64_t seed_ = 7;
  shim_pair* pair_ = nullptr;
};

TEST_P(PairTest, PingAcrossTheLink) {
  Replies replies;
  icmp_ping_set_handler(pair_->client->icmp, OnReply, nullptr, &replies);
  for (uint16_t seq = 1; seq <= 3; seq++) {
    ASSERT_EQ(icmp_ping_send(pair_->client->icmp, SHIM_SERVER_ADDR, 42, seq, 56, shim_now(pair_)),
              0);
    shim_run_for(pair_, usec_from_msec(100));
  }
  ASSERT_EQ(replies.got.size(), 3u);
  for (uint16_t i = 0; i < 3; i++) {
    EXPECT_EQ(replies.got[i].from, SHIM_SERVER_ADDR);
    EXPECT_EQ(replies.got[i].seq, i + 1);
    EXPECT_EQ(replies.got[i].len, 56u);
    EXPECT_TRUE(replies.got[i].data_ok);
  }
}

TEST_P(PairTest, PingLargerThanTheMtuIsFragmentedAndReassembled) {
  Replies replies;
  icmp_ping_set_handler(pair_->client->icmp, OnReply, nullptr, &replies);
  ASSERT_EQ(icmp_ping_send(pair_->client->icmp, SHIM_SERVER_ADDR, 1, 1, 4000, shim_now(pair_)), 0);
  shim_run_for(pair_, usec_from_msec(100));
  ASSERT_EQ(replies.got.size(), 1u);
  EXPECT_EQ(replies.got[0].len, 4000u);
  EXPECT_TRUE(replies.got[0].data_ok);
}

TEST_P(PairTest, UdpDatagramThroughSockets) {
  stack* c = pair_->client;
  stack* s = pair_->server;
  int server_fd = socket_open(s, SOCK_TYPE_DGRAM);
  ASSERT_GE(server_fd, 0);
  sock_addr any = {0, 7000};
  ASSERT_EQ(socket_bind(s, server_fd, &any), 0);

  int client_fd = socket_open(c, SOCK_TYPE_DGRAM);
  ASSERT_GE(client_fd, 0);
  sock_addr to = {SHIM_SERVER_ADDR, 7000};
  const char msg[] = "hello, layer 4";
  ASSERT_EQ(socket_sendto(c, client_fd, msg, sizeof(msg), &to, shim_now(pair_)),
            static_cast<ssize_t>(sizeof(msg)));
  shim_run_for(pair_, usec_from_msec(10));

  char buf[64];
  sock_addr from = {};
  ASSERT_EQ(socket_recvfrom(s, server_fd, buf, sizeof(buf), &from, shim_now(pair_)),
            static_cast<ssize_t>(sizeof(msg)));
  EXPECT_STREQ(buf, msg);
  EXPECT_EQ(from.ip, SHIM_CLIENT_ADDR);
  EXPECT_GE(from.port, 49152);
  EXPECT_EQ(socket_close(s, server_fd, shim_now(pair_)), 0);
  EXPECT_EQ(socket_close(c, client_fd, shim_now(pair_)), 0);
}

TEST_P(PairTest, SameSeedSameTrace) {
  // Determinism: the identical scenario twice gives the identical trace.
  auto run = [](uint64_t seed, enum netdev_link link) {
    shim_pair* p = shim_pair_new(seed, link);
    icmp_ping_send(p->client->icmp, SHIM_SERVER_ADDR, 9, 1, 3000, shim_now(p));
    shim_run_for(p, usec_from_sec(1));
    char* text = nullptr;
    size_t len = 0;
    FILE* f = open_memstream(&text, &len);
    shim_pair_dump(p, f);
    fclose(f);
    std::string out(text, len);
    free(text);
    shim_pair_free(p);
    return out;
  };
  std::string a = run(seed_, GetParam());
  EXPECT_EQ(a, run(seed_, GetParam()));
  EXPECT_NE(a.find("ICMP echo reply"), std::string::npos) << a;
  if (getenv("TUNLAB_SHOW_TRACE")) fputs(a.c_str(), stdout);
}

INSTANTIATE_TEST_SUITE_P(BothLinks, PairTest,
                         ::testing::Values(NETDEV_LINK_IP, NETDEV_LINK_ETHERNET),
                         [](const ::testing::TestParamInfo<enum netdev_link>& info) {
                           return std::string(info.param == NETDEV_LINK_IP ? "Tun" : "Tap");
                         });

}  // namespace
