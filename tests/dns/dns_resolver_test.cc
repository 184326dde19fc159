// dns_resolver_test — the stub resolver against the server on another
// stack, in virtual time: an answer, NXDOMAIN, retries that double their
// wait and then time out (at exact instants), a lost first query recovered
// by the retry, ECONNREFUSED from a closed port, spoofed responses ignored,
// cancel and the pending limit.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "apps/dns/dns_resolver.h"
#include "apps/dns/dns_server.h"
#include "stack/socket/socket.h"
#include "tests/dns/dns_query.h"
#include "tests/socket/sock_fixture.h"

namespace {

struct Outcome {
    int calls = 0;
    std::string name;
    struct dns_result res = {};
    usec_t at = 0;
};

void record(void *ctx, const char *name, const struct dns_result *res, usec_t now)
{
    auto *o = static_cast<Outcome *>(ctx);
    o->calls++;
    o->name = name;
    o->res = *res;
    o->at = now;
}

class DnsResolver : public ::testing::Test {
protected:
    void SetUp() override
    {
        pair = env.get();
        ASSERT_NE(pair, nullptr);
    }
    void TearDown() override
    {
        dns_resolver_free(resolver, shim_now(pair));
        dns_server_service_stop(server, shim_now(pair));
        if (HasFailure())
            std::fprintf(stderr, "%s", env.dump().c_str());
    }
    void start_server() { ASSERT_EQ(dns_server_service_start(pair->server, 53, nullptr, &server), 0); }
    void start_resolver()
    {
        struct dns_resolver_config cfg = {};
        cfg.server = SHIM_SERVER_ADDR;
        ASSERT_EQ(dns_resolver_new(pair->client, &cfg, &resolver), 0);
    }
    void set_loss(double loss)
    {
        struct sim_impairments imp = {};
        imp.loss = loss;
        imp.delay = usec_from_msec(5);
        sim_link_set_both(pair->link, &imp);
    }
    // Times at which the client sent a datagram to port 53.
    std::vector<usec_t> query_times()
    {
        std::vector<usec_t> t;
        const struct trace *tr = sim_world_trace(pair->world);
        for (size_t i = 0; i < tr->count; i++) {
            const struct trace_event &ev = tr->events[i];
            if (ev.kind == TRACE_PKT_OUT && std::string(ev.node) == "client" &&
                ev.cap_len >= 24 && ev.bytes[9] == 17 && be16_read(ev.bytes + 22) == 53)
                t.push_back(ev.time);
        }
        return t;
    }

    socktest::PairWithSockets env{5401};
    struct shim_pair *pair = nullptr;
    struct dns_server *server = nullptr;
    struct dns_resolver *resolver = nullptr;
};

TEST_F(DnsResolver, ResolvesAName)
{
    start_server();
    start_resolver();
    Outcome o;
    ASSERT_GE(dns_resolve(resolver, "www.tunlab.test", record, &o, shim_now(pair)), 0);
    shim_run_for(pair, usec_from_msec(50));
    ASSERT_EQ(o.calls, 1);
    EXPECT_EQ(o.name, "www.tunlab.test");
    EXPECT_EQ(o.res.error, 0);
    EXPECT_EQ(o.res.rcode, DNS_RCODE_NOERROR);
    ASSERT_EQ(o.res.count, 1u);
    EXPECT_EQ(o.res.addrs[0], 0x0A000002u);
    EXPECT_EQ(o.res.ttl, 300u);
    EXPECT_EQ(o.res.attempts, 1);
    shim_run_for(pair, usec_from_sec(10));
    EXPECT_EQ(o.calls, 1) << "no retry after the answer";
    EXPECT_EQ(query_times().size(), 1u);
}

TEST_F(DnsResolver, NxdomainIsAnAnswerWithNoAddresses)
{
    start_server();
    start_resolver();
    Outcome o;
    ASSERT_GE(dns_resolve(resolver, "nothing.tunlab.test", record, &o, shim_now(pair)), 0);
    shim_run_for(pair, usec_from_msec(50));
    ASSERT_EQ(o.calls, 1);
    EXPECT_EQ(o.res.error, 0);
    EXPECT_EQ(o.res.rcode, DNS_RCODE_NXDOMAIN);
    EXPECT_EQ(o.res.count, 0u);
}

TEST_F(DnsResolver, RetriesWithDoublingWaitThenTimesOut)
{
    start_server();
    start_resolver();
    set_loss(1.0);   // the wire is cut
    usec_t t0 = shim_now(pair);
    Outcome o;
    ASSERT_GE(dns_resolve(resolver, "www.tunlab.test", record, &o, t0), 0);
    shim_run_for(pair, usec_from_sec(20));
    ASSERT_EQ(o.calls, 1);
    EXPECT_EQ(o.res.error, -ETIMEDOUT);
    EXPECT_EQ(o.res.attempts, 3);
    // Sent at 0, 1 s, 3 s; given up at 7 s (waits of 1, 2 and 4 s).
    EXPECT_EQ(query_times(), (std::vector<usec_t>{t0, t0 + usec_from_sec(1), t0 + usec_from_sec(3)}));
    EXPECT_EQ(o.at, t0 + usec_from_sec(7));
    EXPECT_EQ(dns_resolver_get_stats(resolver)->retransmits, 2u);
    EXPECT_EQ(dns_resolver_get_stats(resolver)->timeouts, 1u);
}

TEST_F(DnsResolver, LostQueryIsRecoveredByTheRetry)
{
    start_server();
    start_resolver();
    set_loss(1.0);
    usec_t t0 = shim_now(pair);
    Outcome o;
    ASSERT_GE(dns_resolve(resolver, "kernel.tunlab.test", record, &o, t0), 0);
    shim_run_for(pair, usec_from_msec(500));
    set_loss(0.0);
    shim_run_for(pair, usec_from_sec(2));
    ASSERT_EQ(o.calls, 1);
    EXPECT_EQ(o.res.error, 0);
    ASSERT_EQ(o.res.count, 1u);
    EXPECT_EQ(o.res.addrs[0], 0x0A000001u);
    EXPECT_EQ(o.res.attempts, 2);
    EXPECT_EQ(o.at, t0 + usec_from_sec(1) + usec_from_msec(10)) << "retry at 1 s + 2 x 5 ms";
}

TEST_F(DnsResolver, ClosedPortIsConnectionRefused)
{
    start_resolver();   // nobody listens on port 53
    Outcome o;
    ASSERT_GE(dns_resolve(resolver, "www.tunlab.test", record, &o, shim_now(pair)), 0);
    shim_run_for(pair, usec_from_msec(50));
    ASSERT_EQ(o.calls, 1);
    EXPECT_EQ(o.res.error, -ECONNREFUSED);
    EXPECT_EQ(o.res.attempts, 1);
}

TEST_F(DnsResolver, SpoofedResponsesAreIgnored)
{
    // A rogue "server" that answers first with the wrong ID, then with the
    // right ID but another question, then correctly.
    start_resolver();
    int rogue = socket_open(pair->server, SOCK_TYPE_DGRAM);
    struct sock_addr any53 = {0, 53};
    ASSERT_EQ(socket_bind(pair->server, rogue, &any53), 0);
    Outcome o;
    ASSERT_GE(dns_resolve(resolver, "www.tunlab.test", record, &o, shim_now(pair)), 0);
    shim_run_for(pair, usec_from_msec(10));
    uint8_t q[DNS_UDP_MAX];
    struct sock_addr from;
    ssize_t n = socket_recvfrom(pair->server, rogue, q, sizeof q, &from, shim_now(pair));
    ASSERT_GT(n, 12);
    uint16_t id = be16_read(q);

    struct dns_zone zone;
    dns_zone_default(&zone);
    auto answer = [&](uint16_t with_id, const char *name) {
        dnstest::Query query;
        query.id = with_id;
        query.name = name;
        std::vector<uint8_t> m = dnstest::build(query);
        uint8_t out[DNS_UDP_MAX];
        size_t len = dns_server_respond(&zone, m.data(), m.size(), out, sizeof out, nullptr);
        socket_sendto(pair->server, rogue, out, len, &from, shim_now(pair));
        shim_run_for(pair, usec_from_msec(10));
    };
    answer((uint16_t)(id + 1), "www.tunlab.test");
    EXPECT_EQ(o.calls, 0);
    answer(id, "kernel.tunlab.test");
    EXPECT_EQ(o.calls, 0);
    EXPECT_EQ(dns_resolver_get_stats(resolver)->mismatched, 2u);
    answer(id, "www.tunlab.test");
    ASSERT_EQ(o.calls, 1);
    EXPECT_EQ(o.res.addrs[0], 0x0A000002u);
}

TEST_F(DnsResolver, CancelAndPendingLimit)
{
    start_server();
    start_resolver();
    set_loss(1.0);
    Outcome o[DNS_RESOLVER_MAX_PENDING + 1];
    int handles[DNS_RESOLVER_MAX_PENDING];
    for (int i = 0; i < DNS_RESOLVER_MAX_PENDING; i++) {
        handles[i] = dns_resolve(resolver, "www.tunlab.test", record, &o[i], shim_now(pair));
        ASSERT_GE(handles[i], 0);
    }
    EXPECT_EQ(dns_resolve(resolver, "www.tunlab.test", record, &o[8], shim_now(pair)), -EBUSY);
    EXPECT_EQ(dns_resolve(resolver, "bad..name", record, &o[8], shim_now(pair)), -EBUSY);
    ASSERT_EQ(dns_resolve_cancel(resolver, handles[3], shim_now(pair)), 0);
    EXPECT_EQ(o[3].calls, 1);
    EXPECT_EQ(o[3].res.error, -ECANCELED);
    EXPECT_EQ(dns_resolve_cancel(resolver, handles[3], shim_now(pair)), -ENOENT);
    EXPECT_EQ(dns_resolve(resolver, "bad..name", record, &o[8], shim_now(pair)), -EINVAL);
}

}  // namespace
