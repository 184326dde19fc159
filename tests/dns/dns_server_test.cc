// dns_server_test — the authoritative server's answers, parsed back: the A
// record with a compression pointer, NXDOMAIN with the SOA, REFUSED outside
// the zone, NOTIMP, FORMERR for garbage and truncated queries, header bits
// (QR, AA, RD copied, RA=0), hostile names that must not hang the server;
// then the same over two stacks on the simulated link.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "apps/dns/dns_server.h"
#include "apps/dns/dns_zone.h"
#include "stack/core/rng.h"
#include "stack/socket/socket.h"
#include "tests/dns/dns_query.h"
#include "tests/socket/sock_fixture.h"

namespace {

using dnstest::Query;
using dnstest::Response;

class DnsRespond : public ::testing::Test {
protected:
    void SetUp() override { dns_zone_default(&zone); }
    Response ask(const std::vector<uint8_t> &q)
    {
        uint8_t out[DNS_UDP_MAX];
        size_t n = dns_server_respond(&zone, q.data(), q.size(), out, sizeof out, &stats);
        last_len = n;
        return dnstest::parse(std::vector<uint8_t>(out, out + n));
    }
    Response ask(const Query &q) { return ask(dnstest::build(q)); }

    struct dns_zone zone;
    struct dns_server_stats stats = {};
    size_t last_len = 0;
};

TEST_F(DnsRespond, AnswersTheARecord)
{
    Query q;
    q.id = 0xABCD;
    Response r = ask(q);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.h.id, 0xABCD);
    EXPECT_TRUE(r.h.qr);
    EXPECT_TRUE(r.h.aa);
    EXPECT_TRUE(r.h.rd) << "RD is copied";
    EXPECT_FALSE(r.h.ra) << "no recursion available";
    EXPECT_FALSE(r.h.tc);
    EXPECT_EQ(r.h.rcode, DNS_RCODE_NOERROR);
    EXPECT_EQ(r.qname, "www.tunlab.test");
    ASSERT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(r.answers[0].name, "www.tunlab.test");
    EXPECT_TRUE(r.answers[0].owner_compressed) << "owner is a pointer to the question";
    EXPECT_EQ(r.answers[0].type, DNS_TYPE_A);
    EXPECT_EQ(r.answers[0].rclass, DNS_CLASS_IN);
    EXPECT_EQ(r.answers[0].ttl, 300u);
    EXPECT_EQ(r.answers[0].rdata, (std::vector<uint8_t>{10, 0, 0, 2}));
    EXPECT_TRUE(r.authority.empty());
    EXPECT_EQ(stats.noerror, 1u);
}

TEST_F(DnsRespond, EveryZoneNameAndCaseInsensitivity)
{
    Query q;
    q.name = "KERNEL.TunLab.Test";
    q.rd = false;
    Response r = ask(q);
    ASSERT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(r.answers[0].rdata, (std::vector<uint8_t>{10, 0, 0, 1}));
    EXPECT_EQ(r.qname, "KERNEL.TunLab.Test") << "the question keeps its case";
    EXPECT_FALSE(r.h.rd);
    q.name = "tunlab.test";
    r = ask(q);
    ASSERT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(r.answers[0].rdata, (std::vector<uint8_t>{10, 0, 0, 2}));
}

TEST_F(DnsRespond, UnknownNameInZoneIsNxdomainWithSoa)
{
    Query q;
    q.name = "nope.tunlab.test";
    Response r = ask(q);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.h.rcode, DNS_RCODE_NXDOMAIN);
    EXPECT_TRUE(r.h.aa);
    EXPECT_TRUE(r.answers.empty());
    ASSERT_EQ(r.authority.size(), 1u);
    EXPECT_EQ(r.authority[0].type, DNS_TYPE_SOA);
    EXPECT_EQ(r.authority[0].name, "tunlab.test");
    EXPECT_TRUE(r.authority[0].owner_compressed);
    EXPECT_EQ(stats.nxdomain, 1u);
}

TEST_F(DnsRespond, OtherTypeForExistingNameIsNoData)
{
    Query q;
    q.qtype = DNS_TYPE_AAAA;
    Response r = ask(q);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.h.rcode, DNS_RCODE_NOERROR);
    EXPECT_TRUE(r.answers.empty());
    EXPECT_EQ(r.authority.size(), 1u);
}

TEST_F(DnsRespond, OutsideTheZoneIsRefused)
{
    Query q;
    q.name = "example.com";
    Response r = ask(q);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.h.rcode, DNS_RCODE_REFUSED);
    EXPECT_FALSE(r.h.aa);
    EXPECT_TRUE(r.answers.empty());
    q.name = "www.tunlab.test";
    q.qclass = 3;   // CHAOS
    EXPECT_EQ(ask(q).h.rcode, DNS_RCODE_REFUSED);
    EXPECT_EQ(stats.refused, 2u);
}

TEST_F(DnsRespond, OtherOpcodesAreNotImplemented)
{
    Query q;
    q.opcode = 2;   // STATUS
    Response r = ask(q);
    EXPECT_TRUE(r.h.qr);
    EXPECT_EQ(r.h.opcode, 2);
    EXPECT_EQ(r.h.rcode, DNS_RCODE_NOTIMP);
    EXPECT_EQ(stats.notimp, 1u);
}

TEST_F(DnsRespond, EdnsRecordIsIgnored)
{
    Query q;
    q.edns = true;
    Response r = ask(q);
    EXPECT_EQ(r.h.rcode, DNS_RCODE_NOERROR);
    EXPECT_EQ(r.answers.size(), 1u);
}

TEST_F(DnsRespond, MalformedQueriesAreFormerr)
{
    // Two questions.
    Query two;
    two.qdcount = 2;
    EXPECT_EQ(ask(two).h.rcode, DNS_RCODE_FORMERR);
    // No question.
    Query none;
    none.qdcount = 0;
    EXPECT_EQ(ask(none).h.rcode, DNS_RCODE_FORMERR);
    // Truncated: cut inside the name, and inside QTYPE/QCLASS.
    std::vector<uint8_t> full = dnstest::build(Query{});
    for (size_t cut : {13u, 20u, (unsigned)full.size() - 1}) {
        std::vector<uint8_t> t(full.begin(), full.begin() + (long)cut);
        Response r = ask(t);
        EXPECT_EQ(r.h.rcode, DNS_RCODE_FORMERR) << "cut at " << cut;
        EXPECT_EQ(r.h.id, 0x1234);
        EXPECT_EQ(r.h.qdcount, 0) << "a question that did not parse is not echoed";
    }
    // Garbage after a valid header.
    std::vector<uint8_t> garbage = {0x77, 0x77, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
                                    0x99, 0xFF, 0x13, 0x37, 0x42};
    EXPECT_EQ(ask(garbage).h.rcode, DNS_RCODE_FORMERR);
    EXPECT_EQ(stats.formerr, 6u);
}

TEST_F(DnsRespond, ShortMessagesAndResponsesAreDropped)
{
    std::vector<uint8_t> shortq = {0x12, 0x34, 0x01};
    ask(shortq);
    EXPECT_EQ(last_len, 0u);
    Query resp;
    resp.qr = true;
    ask(resp);
    EXPECT_EQ(last_len, 0u);
    EXPECT_EQ(stats.dropped_short, 1u);
    EXPECT_EQ(stats.dropped_response, 1u);
}

TEST_F(DnsRespond, CompressionLoopInTheQuestionDoesNotHang)
{
    // QNAME = pointer to itself at offset 12, then type and class.
    std::vector<uint8_t> q = dnstest::build(Query{});
    q.resize(DNS_HDR_LEN);
    q.insert(q.end(), {0xC0, 12, 0, 1, 0, 1});
    EXPECT_EQ(ask(q).h.rcode, DNS_RCODE_FORMERR);
    // A label followed by a pointer back to it: "a.a.a.a..." forever.
    q.resize(DNS_HDR_LEN);
    q.insert(q.end(), {1, 'a', 0xC0, 12, 0, 1, 0, 1});
    EXPECT_EQ(ask(q).h.rcode, DNS_RCODE_FORMERR);
}

TEST_F(DnsRespond, ConfigurableZone)
{
    struct dns_zone z;
    ASSERT_EQ(dns_zone_init(&z, "lab.example", 60), 0);
    ASSERT_EQ(dns_zone_add_a(&z, "a.lab.example", 0xC0000201), 0);
    ASSERT_EQ(dns_zone_add_a(&z, "a.lab.example", 0xC0000202), 0);
    EXPECT_EQ(dns_zone_add_a(&z, "b.other.example", 1), -EINVAL) << "not in the zone";
    zone = z;
    Query q;
    q.name = "a.lab.example";
    Response r = ask(q);
    ASSERT_EQ(r.answers.size(), 2u);
    EXPECT_EQ(r.answers[1].rdata, (std::vector<uint8_t>{192, 0, 2, 2}));
    EXPECT_EQ(r.answers[1].ttl, 60u);
    q.name = "www.tunlab.test";
    EXPECT_EQ(ask(q).h.rcode, DNS_RCODE_REFUSED);
}

// Hostile input, seeded: random bytes and random mutations of a good
// query. Every one is either dropped or answered with a well-formed
// response carrying the query's ID; nothing crashes or reads out of bounds
// (the ASan build checks that).
TEST_F(DnsRespond, RandomAndMutatedQueriesAreAnsweredOrDropped)
{
    const uint64_t seed = 20240501;
    SCOPED_TRACE("seed " + std::to_string(seed));
    struct rng r;
    rng_seed(&r, seed);
    std::vector<uint8_t> good = dnstest::build(Query{});
    for (int i = 0; i < 20000; i++) {
        std::vector<uint8_t> m;
        if (i % 2 == 0) {
            m.resize(rng_below(&r, 80));
            for (auto &b : m)
                b = (uint8_t)rng_u32(&r);
        } else {
            m = good;
            for (uint32_t k = 1 + rng_below(&r, 4); k > 0; k--)
                m[rng_below(&r, (uint32_t)m.size())] = (uint8_t)rng_u32(&r);
            if (rng_chance(&r, 0.3))
                m.resize(rng_below(&r, (uint32_t)m.size() + 1));
        }
        uint8_t out[DNS_UDP_MAX];
        size_t n = dns_server_respond(&zone, m.data(), m.size(), out, sizeof out, &stats);
        if (n == 0)
            continue;
        Response resp = dnstest::parse(std::vector<uint8_t>(out, out + n));
        ASSERT_TRUE(resp.ok) << "iteration " << i;
        ASSERT_TRUE(resp.h.qr);
        ASSERT_EQ(resp.h.id, (uint16_t)(m[0] << 8 | m[1]));
    }
    uint64_t answered = stats.noerror + stats.nxdomain + stats.refused + stats.formerr + stats.notimp;
    EXPECT_EQ(answered + stats.dropped_short + stats.dropped_response, 20000u);
    EXPECT_GT(stats.formerr, 0u);
}

// The service on the server stack, asked from a socket on the client stack.
TEST(DnsService, AnswersOverTheSimulatedLink)
{
    socktest::PairWithSockets env(5301);
    struct shim_pair *pair = env.get();
    struct dns_server *srv = nullptr;
    ASSERT_EQ(dns_server_service_start(pair->server, DNS_PORT, nullptr, &srv), 0);
    struct dns_server *dup = nullptr;
    EXPECT_EQ(dns_server_service_start(pair->server, DNS_PORT, nullptr, &dup), -EADDRINUSE);

    int fd = socket_open(pair->client, SOCK_TYPE_DGRAM);
    struct sock_addr to = {SHIM_SERVER_ADDR, DNS_PORT};
    struct {
        std::string name;
        uint8_t rcode;
    } cases[] = {{"www.tunlab.test", DNS_RCODE_NOERROR},
                 {"missing.tunlab.test", DNS_RCODE_NXDOMAIN},
                 {"example.org", DNS_RCODE_REFUSED}};
    for (auto &c : cases) {
        Query q;
        q.name = c.name;
        std::vector<uint8_t> m = dnstest::build(q);
        ASSERT_EQ(socket_sendto(pair->client, fd, m.data(), m.size(), &to, shim_now(pair)),
                  (ssize_t)m.size());
        shim_run_for(pair, usec_from_msec(10));
        uint8_t buf[DNS_UDP_MAX];
        struct sock_addr from;
        ssize_t n = socket_recvfrom(pair->client, fd, buf, sizeof buf, &from, shim_now(pair));
        ASSERT_GT(n, 0) << c.name << "\n" << env.dump();
        EXPECT_EQ(from.port, DNS_PORT);
        Response r = dnstest::parse(std::vector<uint8_t>(buf, buf + n));
        EXPECT_TRUE(r.ok);
        EXPECT_EQ(r.h.rcode, c.rcode) << c.name;
    }
    EXPECT_EQ(dns_server_get_stats(srv)->queries, 3u);
    dns_server_service_stop(srv, shim_now(pair));
}

}  // namespace
