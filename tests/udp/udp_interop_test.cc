// udp_interop_test — the kernel's tools against the stack's UDP over a real
// TUN device, inside the test's own network namespace:
//   - `nc -u 10.0.0.2 7` gets its line echoed (the UDP echo service);
//   - a datagram to a closed port makes the kernel report "connection
//     refused" to a connected socket (the stack's ICMP port unreachable);
//   - an app thread using the blocking tl_* calls talks to a kernel socket.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apps/udp_echo/udp_echo.h"
#include "stack/phy/loop.h"
#include "stack/socket/tl_socket.h"
#include "stack/transport/udp.h"
#include "tests/interop/interop.h"

namespace {

struct daemon *g_daemon = nullptr;
struct udp_echo *g_echo = nullptr;
std::string g_skip;

class UdpInterop : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        g_daemon = interop::StartDaemon(interop::TunConfigNoServices(), &g_skip);
        if (g_daemon == nullptr)
            return;
        tl_stack_lock(daemon_tl(g_daemon));
        int rc = udp_echo_service_start(daemon_stack(g_daemon), UDP_ECHO_PORT, &g_echo);
        tl_stack_unlock(daemon_tl(g_daemon));
        daemon_wake(g_daemon);
        if (rc < 0)
            g_skip = std::string("cannot start the echo service: ") + strerror(-rc);
    }
    static void TearDownTestSuite()
    {
        if (g_daemon != nullptr) {
            tl_stack_lock(daemon_tl(g_daemon));
            udp_echo_service_stop(g_echo, loop_clock_now());
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
};

TEST_F(UdpInterop, NetcatLineIsEchoed)
{
    if (!interop::HaveTool("nc"))
        GTEST_SKIP() << "nc is not installed (./tunlab test installs netcat-openbsd)";
    interop::CommandResult r =
        interop::Run("printf \"hello tunlab\\n\" | nc -u -w 2 10.0.0.2 7");
    EXPECT_EQ(r.output, "hello tunlab\n") << "exit " << r.exit_code;
    tl_stack_lock(daemon_tl(g_daemon));
    uint64_t echoed = udp_echo_stats(g_echo)->echoed;
    tl_stack_unlock(daemon_tl(g_daemon));
    EXPECT_GE(echoed, 1u);
}

TEST_F(UdpInterop, ClosedPortIsConnectionRefusedInTheKernel)
{
    if (!interop::HaveTool("python3"))
        GTEST_SKIP() << "python3 is not installed";
    std::string script = interop::WriteTempFile("refused.py",
                                                   "import socket\n"
                                                   "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                                   "s.settimeout(5)\n"
                                                   "s.connect((\"10.0.0.2\", 9))\n"
                                                   "s.send(b\"anyone there?\")\n"
                                                   "try:\n"
                                                   "    s.recv(100)\n"
                                                   "    print(\"reply\")\n"
                                                   "except ConnectionRefusedError as e:\n"
                                                   "    print(\"refused:\", e)\n"
                                                   "except socket.timeout:\n"
                                                   "    print(\"timeout\")\n");
    interop::CommandResult r = interop::Run("python3 " + script);
    EXPECT_EQ(r.output, "refused: [Errno 111] Connection refused\n");
    tl_stack_lock(daemon_tl(g_daemon));
    uint64_t no_ports = udp_get_stats(daemon_stack(g_daemon)->udp)->no_ports;
    tl_stack_unlock(daemon_tl(g_daemon));
    EXPECT_GE(no_ports, 1u);
}

// The same from C, with the kernel's own socket in this process.
TEST_F(UdpInterop, KernelSocketSeesEconnrefused)
{
    int k = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(k, 0);
    struct timeval tv = {5, 0};
    setsockopt(k, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(4444);
    to.sin_addr.s_addr = htonl(0x0A000002);
    ASSERT_EQ(connect(k, (struct sockaddr *)&to, sizeof to), 0);
    ASSERT_EQ(send(k, "x", 1, 0), 1);
    char buf[8];
    errno = 0;
    EXPECT_EQ(recv(k, buf, sizeof buf, 0), -1);
    EXPECT_EQ(errno, ECONNREFUSED) << strerror(errno);
    close(k);
}

// An app thread on the blocking API talks to a kernel UDP socket.
TEST_F(UdpInterop, BlockingApiTalksToTheKernel)
{
    int k = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(k, 0);
    struct timeval tv = {5, 0};
    setsockopt(k, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in me = {};
    me.sin_family = AF_INET;
    me.sin_port = htons(5555);
    me.sin_addr.s_addr = htonl(0x0A000001);
    ASSERT_EQ(bind(k, (struct sockaddr *)&me, sizeof me), 0) << strerror(errno);

    struct tl_stack *tl = daemon_tl(g_daemon);
    int fd = tl_socket(tl, SOCK_TYPE_DGRAM);
    ASSERT_GE(fd, 0);
    struct sock_addr kernel = {0x0A000001, 5555};
    ASSERT_EQ(tl_sendto(tl, fd, "from the stack", 14, &kernel), 14);

    char buf[64];
    struct sockaddr_in from = {};
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(k, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    ASSERT_EQ(n, 14) << strerror(errno);
    EXPECT_EQ(std::string(buf, 14), "from the stack");
    EXPECT_EQ(ntohl(from.sin_addr.s_addr), 0x0A000002u);
    ASSERT_EQ(sendto(k, "from the kernel", 15, 0, (struct sockaddr *)&from, flen), 15);

    struct sock_addr src;
    n = tl_recvfrom(tl, fd, buf, sizeof buf, &src);   // blocks until the reply is in
    ASSERT_EQ(n, 15) << strerror(errno);
    EXPECT_EQ(std::string(buf, 15), "from the kernel");
    EXPECT_EQ(src.ip, 0x0A000001u);
    EXPECT_EQ(src.port, 5555);
    EXPECT_EQ(tl_close(tl, fd), 0);
    close(k);
}

}  // namespace
