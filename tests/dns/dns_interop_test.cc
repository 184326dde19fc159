// dns_interop_test — the kernel side's `dig` against the stack's DNS server
// (and `host`) over a real TUN device, inside the test's own network
// namespace: the A record, NXDOMAIN with the SOA, REFUSED outside the zone.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "apps/dns/dns_server.h"
#include "stack/phy/loop.h"
#include "stack/socket/tl_socket.h"
#include "tests/interop/interop.h"

namespace {

struct daemon *g_daemon = nullptr;
struct dns_server *g_server = nullptr;
std::string g_skip;

class DnsInterop : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        g_daemon = interop::StartDaemon(interop::TunConfigNoServices(), &g_skip);
        if (g_daemon == nullptr)
            return;
        tl_stack_lock(daemon_tl(g_daemon));
        int rc = dns_server_service_start(daemon_stack(g_daemon), DNS_PORT, nullptr, &g_server);
        tl_stack_unlock(daemon_tl(g_daemon));
        daemon_wake(g_daemon);
        if (rc < 0)
            g_skip = std::string("cannot start the DNS server: ") + strerror(-rc);
        else if (!interop::HaveTool("dig"))
            g_skip = "dig is not installed (apt: bind9-dnsutils)";
    }
    static void TearDownTestSuite()
    {
        if (g_daemon != nullptr) {
            tl_stack_lock(daemon_tl(g_daemon));
            dns_server_service_stop(g_server, loop_clock_now());
            tl_stack_unlock(daemon_tl(g_daemon));
        }
        daemon_free(g_daemon);
        g_daemon = nullptr;
    }
    void SetUp() override
    {
        if (g_daemon == nullptr || !g_skip.empty())
            GTEST_SKIP() << g_skip;
    }
    static interop::CommandResult Dig(const std::string &args)
    {
        return interop::Run("dig @10.0.0.2 +time=2 +tries=2 " + args);
    }
};

bool has(const std::string &text, const std::string &what)
{
    return text.find(what) != std::string::npos;
}

TEST_F(DnsInterop, DigGetsTheARecord)
{
    interop::CommandResult r = Dig("www.tunlab.test");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "status: NOERROR")) << r.output;
    EXPECT_TRUE(has(r.output, "flags: qr aa rd;")) << r.output;
    EXPECT_TRUE(has(r.output, "ANSWER: 1,")) << r.output;
    EXPECT_TRUE(has(r.output, "www.tunlab.test.\t300\tIN\tA\t10.0.0.2")) << r.output;

    r = Dig("+short kernel.tunlab.test");
    EXPECT_EQ(r.output, "10.0.0.1\n");
}

TEST_F(DnsInterop, DigGetsNxdomainForAnUnknownName)
{
    interop::CommandResult r = Dig("nosuchhost.tunlab.test");
    EXPECT_TRUE(has(r.output, "status: NXDOMAIN")) << r.output;
    EXPECT_TRUE(has(r.output, "AUTHORITY: 1")) << r.output;
    EXPECT_TRUE(has(r.output, "SOA")) << r.output;
}

TEST_F(DnsInterop, DigGetsRefusedOutsideTheZone)
{
    interop::CommandResult r = Dig("example.com");
    EXPECT_TRUE(has(r.output, "status: REFUSED")) << r.output;
}

TEST_F(DnsInterop, HostAgrees)
{
    if (!interop::HaveTool("host"))
        GTEST_SKIP() << "host is not installed";
    interop::CommandResult r = interop::Run("host -W 2 www.tunlab.test 10.0.0.2");
    EXPECT_TRUE(has(r.output, "www.tunlab.test has address 10.0.0.2")) << r.output;
}

}  // namespace
