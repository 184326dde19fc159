// framing_tcp_test — lab 8, Part C: the codecs over a real TCP connection
// between two tunlab stacks, where the seed's 粘包 (small writes arriving
// stuck together) and 拆包 (a large write arriving in pieces) really happen.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apps/framing/framing.h"
#include "stack/socket/socket.h"
#include "tests/shim/pair.h"

namespace {

constexpr uint16_t kPort = 5000;

class FramingOverTcp : public ::testing::Test {
protected:
    void SetUp() override
    {
        pair_ = shim_pair_new(seed_, NETDEV_LINK_IP);
        ASSERT_NE(nullptr, pair_);
        int lfd = socket_open(pair_->server, SOCK_TYPE_STREAM);
        struct sock_addr any = {0, kPort}, to = {SHIM_SERVER_ADDR, kPort};
        ASSERT_EQ(0, socket_bind(pair_->server, lfd, &any));
        ASSERT_EQ(0, socket_listen(pair_->server, lfd, 4, shim_now(pair_)));
        client_ = socket_open(pair_->client, SOCK_TYPE_STREAM);
        ASSERT_EQ(-EINPROGRESS, socket_connect(pair_->client, client_, &to, shim_now(pair_)));
        shim_run_for(pair_, usec_from_msec(20));
        server_ = socket_accept(pair_->server, lfd, nullptr, shim_now(pair_));
        ASSERT_GE(server_, 0) << "the connection did not open; seed " << seed_;
    }
    void TearDown() override { shim_pair_free(pair_); }

    void Send(const std::vector<uint8_t> &bytes)
    {
        size_t off = 0;
        for (int tries = 0; off < bytes.size() && tries < 2000; tries++) {
            ssize_t n = socket_send(pair_->client, client_, bytes.data() + off,
                                    bytes.size() - off, shim_now(pair_));
            if (n > 0)
                off += (size_t)n;
            else
                shim_run_for(pair_, usec_from_msec(1));
        }
        ASSERT_EQ(bytes.size(), off) << "could not send everything";
    }

    // Reads for `ms` virtual milliseconds in `chunk`-byte recv() calls,
    // feeding the decoder; returns the messages and counts the recv() calls.
    std::vector<std::string> Receive(struct framing_decoder *dec, size_t chunk, int ms)
    {
        std::vector<std::string> out;
        std::vector<uint8_t> buf(chunk);
        for (int step = 0; step < ms; step++) {
            shim_run_for(pair_, usec_from_msec(1));
            ssize_t n;
            while ((n = socket_recv(pair_->server, server_, buf.data(), chunk,
                                    shim_now(pair_))) > 0) {
                recv_calls_++;
                size_t off = 0;
                for (int guard = 0; off < (size_t)n && guard < 100000; guard++) {
                    off += framing_feed(dec, buf.data() + off, (size_t)n - off);
                    const uint8_t *msg;
                    size_t len;
                    int rc;
                    while ((rc = framing_next(dec, &msg, &len)) == 1)
                        out.emplace_back((const char *)msg, len);
                    if (rc < 0) {
                        ADD_FAILURE() << "decoder error: " << framing_error_text(dec);
                        return out;
                    }
                }
            }
        }
        return out;
    }

    std::vector<uint8_t> Frame(const struct framing_config &cfg, const std::string &msg)
    {
        std::vector<uint8_t> frame(framing_encoded_size(&cfg, msg.size()));
        ssize_t n = framing_encode(&cfg, msg.data(), msg.size(), frame.data(), frame.size());
        EXPECT_EQ((ssize_t)frame.size(), n) << "framing_encode of " << msg.size() << " bytes";
        if (n < 0)
            frame.clear();
        return frame;
    }

    uint64_t seed_ = 8;
    struct shim_pair *pair_ = nullptr;
    int client_ = -1, server_ = -1;
    int recv_calls_ = 0;
};

TEST_F(FramingOverTcp, SmallWritesStickTogetherAndDecodeApart)
{
    for (auto cfg : {framing_length_prefix(1024), framing_delimiter('\n', 1024),
                     framing_fixed(16)}) {
        SCOPED_TRACE(framing_kind_name(cfg.kind));
        struct framing_decoder dec;
        ASSERT_EQ(0, framing_decoder_init(&dec, &cfg));
        std::vector<std::string> sent;
        for (int i = 0; i < 10; i++) {
            sent.push_back("msg-" + std::to_string(i));
            Send(Frame(cfg, sent.back()));   // ten send() calls, back to back
        }
        recv_calls_ = 0;
        std::vector<std::string> got = Receive(&dec, 4096, 30);
        if (cfg.kind == FRAMING_FIXED)
            for (auto &m : got)
                m = m.substr(0, m.find('\0'));   // fixed-length records are zero-padded
        EXPECT_EQ(sent, got) << "seed " << seed_;
        EXPECT_LT(recv_calls_, 10) << "the writes should have stuck together (粘包)";
        framing_decoder_free(&dec);
    }
}

TEST_F(FramingOverTcp, OneLargeMessageArrivesInPiecesAndDecodesWhole)
{
    struct framing_config cfg = framing_length_prefix(64 * 1024);
    struct framing_decoder dec;
    ASSERT_EQ(0, framing_decoder_init(&dec, &cfg));
    std::string big(20000, 'x');
    for (size_t i = 0; i < big.size(); i++)
        big[i] = (char)('a' + i % 26);
    Send(Frame(cfg, big));
    Send(Frame(cfg, "after"));
    std::vector<std::string> got = Receive(&dec, 1000, 300);
    EXPECT_GT(recv_calls_, 2) << "20000 bytes cannot come in one 1000-byte recv() (拆包)";
    ASSERT_EQ(2u, got.size()) << "seed " << seed_;
    EXPECT_EQ(big, got[0]);
    EXPECT_EQ("after", got[1]);
    framing_decoder_free(&dec);
}

}  // namespace
