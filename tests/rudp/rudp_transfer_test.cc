// rudp_transfer_test — reliable UDP between two stacks on the simulated
// link: a clean exchange traced step by step; 1 MiB across a link that
// loses 20%, duplicates and reorders in both directions, delivered intact
// and exactly once, stop-and-wait and with a window; the trace shows RTO
// doubling on consecutive losses and RTT samples after; give-up when the
// wire is cut; ECONNREFUSED when nobody listens.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "apps/rudp/rudp.h"
#include "stack/core/rng.h"
#include "tests/socket/sock_fixture.h"

namespace {

const uint16_t kPort = 9000;

struct Sink {
    std::vector<uint8_t> bytes;
    uint32_t next_seq = 0;
    int out_of_order_deliveries = 0;   // must stay 0: delivered exactly once, in order
    bool finished = false;
};

void on_deliver(void *ctx, uint32_t seq, const uint8_t *data, size_t len, usec_t)
{
    auto *s = static_cast<Sink *>(ctx);
    if (seq != s->next_seq)
        s->out_of_order_deliveries++;
    s->next_seq = seq + 1;
    s->bytes.insert(s->bytes.end(), data, data + len);
}

void on_finished(void *ctx, usec_t) { static_cast<Sink *>(ctx)->finished = true; }

struct Result {
    bool done = false;
    int error = 1;
    usec_t at = 0;
};

void on_done(void *ctx, int error, usec_t now)
{
    auto *r = static_cast<Result *>(ctx);
    r->done = true;
    r->error = error;
    r->at = now;
}

uint64_t fnv1a(const std::vector<uint8_t> &b)
{
    uint64_t h = 1469598103934665603ull;
    for (uint8_t c : b)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

// One variable event of the sender: (name, value).
struct Var {
    std::string name;
    int64_t value;
};

class RudpTransfer : public ::testing::Test {
protected:
    void SetUp() override { pair = env.get(); }
    void TearDown() override
    {
        rudp_sender_service_stop(sender, shim_now(pair));
        rudp_receiver_service_stop(receiver, shim_now(pair));
        if (HasFailure()) {
            std::string d = env.dump();
            // The whole trace of a 1 MiB run is long: its end tells the story.
            if (d.size() > 200000)
                d = "...\n" + d.substr(d.size() - 200000);
            std::fprintf(stderr, "%s", d.c_str());
        }
    }
    void impair(double loss, double dup, double reorder)
    {
        struct sim_impairments imp = {};
        imp.loss = loss;
        imp.duplicate = dup;
        imp.reorder = reorder;
        imp.reorder_delay = usec_from_msec(25);
        imp.delay = usec_from_msec(10);
        sim_link_set_both(pair->link, &imp);
    }
    void start(const std::vector<uint8_t> &data, const struct rudp_config &cfg)
    {
        ASSERT_EQ(rudp_receiver_service_start(pair->server, kPort, &cfg, on_deliver, on_finished,
                                              &sink, &receiver),
                  0);
        ASSERT_EQ(rudp_sender_service_start(pair->client, SHIM_SERVER_ADDR, kPort, data.data(),
                                            data.size(), &cfg, on_done, &result, shim_now(pair),
                                            &sender),
                  0);
    }
    // Run virtual time until the sender is done (bounded).
    void run_until_done(usec_t limit)
    {
        while (!result.done && shim_now(pair) < limit)
            shim_run_for(pair, usec_from_sec(1));
        shim_run_for(pair, usec_from_sec(1));   // let the last ACKs land
    }
    std::vector<Var> sender_vars()
    {
        std::vector<Var> v;
        const struct trace *t = sim_world_trace(pair->world);
        for (size_t i = 0; i < t->count; i++) {
            const struct trace_event &ev = t->events[i];
            if (ev.kind == TRACE_VAR && std::string(ev.node) == "client" &&
                std::string(ev.subject).rfind("rudp ", 0) == 0)
                v.push_back({ev.text, ev.value});
        }
        return v;
    }
    std::vector<std::string> sender_notes()
    {
        std::vector<std::string> v;
        const struct trace *t = sim_world_trace(pair->world);
        for (size_t i = 0; i < t->count; i++) {
            const struct trace_event &ev = t->events[i];
            if (ev.kind == TRACE_NOTE && std::string(ev.node) == "client" &&
                std::string(ev.subject).rfind("rudp ", 0) == 0)
                v.push_back(ev.text);
        }
        return v;
    }
    // Two timeouts in a row with the RTO doubled between them, and an RTT
    // sample after them.
    bool backoff_then_sample()
    {
        std::vector<Var> v = sender_vars();
        for (size_t i = 0; i + 1 < v.size(); i++) {
            if (v[i].name != "rto.backoff" || v[i + 1].name != "rto.backoff")
                continue;
            int64_t want = std::min<int64_t>(2 * v[i].value, 60 * 1000000);
            if (v[i + 1].value != want)
                return false;
            for (size_t j = i + 2; j < v.size(); j++) {
                if (v[j].name == "rtt")
                    return true;
            }
        }
        return false;
    }
    std::vector<uint8_t> random_bytes(size_t n, uint64_t seed)
    {
        struct rng r;
        rng_seed(&r, seed);
        std::vector<uint8_t> b(n);
        for (auto &c : b)
            c = (uint8_t)rng_u32(&r);
        return b;
    }

    uint64_t seed = 5501;
    socktest::PairWithSockets env{seed};
    struct shim_pair *pair = nullptr;
    struct rudp_sender *sender = nullptr;
    struct rudp_receiver *receiver = nullptr;
    Sink sink;
    Result result;
};

TEST_F(RudpTransfer, CleanStopAndWaitStepByStep)
{
    impair(0, 0, 0);   // 10 ms each way
    std::vector<uint8_t> data(2500, 'x');
    struct rudp_config cfg = {};
    start(data, cfg);
    run_until_done(usec_from_sec(10));
    ASSERT_TRUE(result.done);
    EXPECT_EQ(result.error, 0);
    EXPECT_EQ(sink.bytes, data);
    EXPECT_TRUE(sink.finished);
    // Three packets (1000 + 1000 + 500), one at a time: each leaves when
    // the previous one's ACK is back, 20 ms later.
    EXPECT_EQ(sender_notes(), (std::vector<std::string>{"send seq=0", "send seq=1", "send seq=2",
                                                        "transfer complete"}));
    EXPECT_EQ(result.at, usec_from_msec(60));
    std::vector<Var> v = sender_vars();
    ASSERT_GE(v.size(), 5u);
    EXPECT_EQ(v[0].name, "rto");
    EXPECT_EQ(v[0].value, 1000000) << "RTO starts at 1 s";
    EXPECT_EQ(v[1].name, "rtt");
    EXPECT_EQ(v[1].value, 20000) << "10 ms there, 10 ms back";
    const struct rudp_sender_stats *s = rudp_sender_get_stats(sender);
    EXPECT_EQ(s->sent, 3u);
    EXPECT_EQ(s->retransmits, 0u);
    EXPECT_EQ(s->rtt_samples, 3u);
    EXPECT_EQ(rudp_sender_srtt(sender), 20000u);
}

TEST_F(RudpTransfer, LostPacketIsRetransmittedAfterRto)
{
    impair(0, 0, 0);
    std::vector<uint8_t> data(1500, 'y');
    struct rudp_config cfg = {};
    start(data, cfg);
    // Packet 0 is out; cut the wire before it lands, mend it after.
    struct sim_impairments cut = {};
    cut.loss = 1.0;
    cut.delay = usec_from_msec(10);
    sim_link_set_both(pair->link, &cut);
    shim_run_for(pair, usec_from_msec(500));
    impair(0, 0, 0);
    run_until_done(usec_from_sec(10));
    ASSERT_TRUE(result.done);
    EXPECT_EQ(result.error, 0);
    EXPECT_EQ(sink.bytes, data);
    // Timeout at 1 s (the initial RTO), retransmission, RTO doubled to 2 s.
    std::vector<std::string> notes = sender_notes();
    ASSERT_GE(notes.size(), 3u);
    EXPECT_EQ(notes[0], "send seq=0");
    EXPECT_EQ(notes[1], "timeout seq=0: rto 1000000 -> 2000000 us");
    EXPECT_EQ(notes[2], "retransmit seq=0");
    EXPECT_EQ(rudp_sender_get_stats(sender)->timeouts, 1u);
}

class RudpLossy : public RudpTransfer, public ::testing::WithParamInterface<uint32_t> {};

TEST_P(RudpLossy, OneMebibyteThroughLossDuplicationAndReordering)
{
    const uint32_t window = GetParam();
    SCOPED_TRACE("window " + std::to_string(window) + ", seed " + std::to_string(seed));
    impair(0.20, 0.10, 0.10);
    std::vector<uint8_t> data = random_bytes(1 << 20, seed);
    struct rudp_config cfg = {};
    cfg.window = window;
    start(data, cfg);
    run_until_done(usec_from_sec(3600));

    ASSERT_TRUE(result.done) << "not finished after an hour of virtual time";
    EXPECT_EQ(result.error, 0) << socket_strerror(result.error);
    EXPECT_TRUE(sink.finished);
    EXPECT_EQ(sink.bytes.size(), data.size());
    EXPECT_EQ(fnv1a(sink.bytes), fnv1a(data));
    EXPECT_TRUE(sink.bytes == data);
    EXPECT_EQ(sink.out_of_order_deliveries, 0);
    EXPECT_EQ(sink.next_seq, 1049u) << "ceil(1 MiB / 1000) packets, each delivered once";

    const struct rudp_receiver_stats *rs = rudp_receiver_get_stats(receiver);
    const struct rudp_sender_stats *ss = rudp_sender_get_stats(sender);
    EXPECT_EQ(rs->delivered, 1049u);
    EXPECT_GT(rs->duplicates, 0u) << "duplicates arrived and were discarded";
    EXPECT_GT(ss->timeouts, 0u);
    EXPECT_GT(ss->retransmits, 0u);
    EXPECT_TRUE(backoff_then_sample())
        << "expected two consecutive timeouts with the RTO doubled, then an RTT sample";
    if (window > 1) {
        EXPECT_GT(rs->out_of_order, 0u) << "reordering and loss left gaps that were buffered";
    }
    std::printf("window %u: %.1f s virtual, %llu sent, %llu retransmits, %llu timeouts, "
                "%llu fast retransmits, %llu duplicates discarded, %llu out of order\n",
                window, (double)result.at / 1e6, (unsigned long long)ss->sent,
                (unsigned long long)ss->retransmits, (unsigned long long)ss->timeouts,
                (unsigned long long)ss->fast_retransmits, (unsigned long long)rs->duplicates,
                (unsigned long long)rs->out_of_order);
}

INSTANTIATE_TEST_SUITE_P(StopAndWaitAndWindow, RudpLossy, ::testing::Values(1u, 8u));

TEST_F(RudpTransfer, GivesUpWhenTheWireIsCut)
{
    impair(1.0, 0, 0);
    std::vector<uint8_t> data(5000, 'z');
    struct rudp_config cfg = {};
    cfg.max_retries = 6;
    start(data, cfg);
    run_until_done(usec_from_sec(600));
    ASSERT_TRUE(result.done);
    EXPECT_EQ(result.error, -ETIMEDOUT);
    // 1 + 6 transmissions; timeouts after 1, 2, 4, 8, 16, 32 s, and the
    // seventh (after 60 s, the ceiling) gives up: 123 s in all.
    EXPECT_EQ(rudp_sender_get_stats(sender)->sent, 7u);
    EXPECT_EQ(result.at, usec_from_sec(1 + 2 + 4 + 8 + 16 + 32 + 60));
    std::vector<int64_t> backoffs;
    for (const Var &v : sender_vars()) {
        if (v.name == "rto.backoff")
            backoffs.push_back(v.value / 1000000);
    }
    EXPECT_EQ(backoffs, (std::vector<int64_t>{2, 4, 8, 16, 32, 60}));
    EXPECT_EQ(sender_notes().back(), "Connection timed out");
    EXPECT_TRUE(sink.bytes.empty());
}

TEST_F(RudpTransfer, NobodyListeningIsConnectionRefused)
{
    impair(0, 0, 0);
    std::vector<uint8_t> data(100, 'q');
    struct rudp_config cfg = {};
    ASSERT_EQ(rudp_sender_service_start(pair->client, SHIM_SERVER_ADDR, kPort, data.data(),
                                        data.size(), &cfg, on_done, &result, shim_now(pair),
                                        &sender),
              0);
    run_until_done(usec_from_sec(5));
    ASSERT_TRUE(result.done);
    EXPECT_EQ(result.error, -ECONNREFUSED);
    EXPECT_EQ(result.at, usec_from_msec(20));
}

}  // namespace
