// tl_socket_test — the blocking wrapper with real threads: an app thread
// blocks in tl_recvfrom while an event-loop thread runs the stacks (two
// stacks on the simulated link, virtual time following the wall clock),
// the reply wakes it; tl_poll times out; tl_stack_stop cancels a blocked
// call; errors come back as -1 and errno.
//
// Only the client is used through tl_*; the server is driven by the loop
// thread alone (it echoes), so the one mutex of the client's tl_stack
// covers everything the two threads share (the world, both stacks).
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "stack/socket/socket.h"
#include "stack/socket/tl_socket.h"
#include "tests/socket/sock_fixture.h"

namespace {

using Clock = std::chrono::steady_clock;

class TlSocket : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_NE(env.get(), nullptr);
        tl = tl_stack_new(env.get()->client, virtual_now, env.get());
        ASSERT_NE(tl, nullptr);
        tl_stack_set_kick(tl, [](void *ctx) { static_cast<std::atomic<int> *>(ctx)->fetch_add(1); },
                          &kicks);
        // The server's echo socket on port 7, served by the loop thread.
        struct stack *srv = env.get()->server;
        echo_fd = socket_open(srv, SOCK_TYPE_DGRAM);
        struct sock_addr any7 = {0, 7};
        ASSERT_EQ(socket_bind(srv, echo_fd, &any7), 0);
        loop = std::thread([this] { run_loop(); });
    }
    void TearDown() override
    {
        stop = true;
        loop.join();
        tl_stack_free(tl);
        if (HasFailure())
            std::fprintf(stderr, "%s", env.dump().c_str());
    }

    static usec_t virtual_now(void *ctx) { return shim_now(static_cast<struct shim_pair *>(ctx)); }

    // The event loop: under the lock, let virtual time catch up with the
    // wall clock (delivering packets, firing timers) and echo what the
    // server received; then sleep a little. Bounded to 20 s of wall time.
    void run_loop()
    {
        auto start = Clock::now();
        struct shim_pair *pair = env.get();
        while (!stop && Clock::now() - start < std::chrono::seconds(20)) {
            tl_stack_lock(tl);
            auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
            sim_world_run_until(pair->world, (usec_t)elapsed.count());
            char buf[2048];
            struct sock_addr from;
            ssize_t n;
            while ((n = socket_recvfrom(pair->server, echo_fd, buf, sizeof buf, &from,
                                        shim_now(pair))) > 0)
                socket_sendto(pair->server, echo_fd, buf, (size_t)n, &from, shim_now(pair));
            tl_stack_unlock(tl);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }

    socktest::PairWithSockets env{5201};
    struct tl_stack *tl = nullptr;
    int echo_fd = -1;
    std::atomic<bool> stop{false};
    std::atomic<int> kicks{0};
    std::thread loop;
};

TEST_F(TlSocket, BlockingRecvIsWokenByTheReply)
{
    int fd = tl_socket(tl, SOCK_TYPE_DGRAM);
    ASSERT_GE(fd, 0);
    struct sock_addr srv = {SHIM_SERVER_ADDR, 7};
    for (int i = 0; i < 5; i++) {
        std::string msg = "line " + std::to_string(i);
        ASSERT_EQ(tl_sendto(tl, fd, msg.data(), msg.size(), &srv), (ssize_t)msg.size());
        char buf[64];
        struct sock_addr from;
        ssize_t n = tl_recvfrom(tl, fd, buf, sizeof buf, &from);
        ASSERT_EQ(n, (ssize_t)msg.size()) << strerror(errno);
        EXPECT_EQ(std::string(buf, (size_t)n), msg);
        EXPECT_EQ(from.ip, SHIM_SERVER_ADDR);
        EXPECT_EQ(from.port, 7);
    }
    EXPECT_GT(kicks.load(), 0) << "every call wakes the event loop";
    EXPECT_EQ(tl_close(tl, fd), 0);
}

TEST_F(TlSocket, PollTimesOutThenSeesData)
{
    int fd = tl_socket(tl, SOCK_TYPE_DGRAM);
    ASSERT_GE(fd, 0);
    struct sock_pollfd pfd = {fd, SOCK_POLLIN, 0};
    auto t0 = Clock::now();
    EXPECT_EQ(tl_poll(tl, &pfd, 1, 50), 0);
    EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(50));
    EXPECT_EQ(tl_poll(tl, &pfd, 1, 0), 0) << "timeout 0 does not wait";

    struct sock_addr srv = {SHIM_SERVER_ADDR, 7};
    ASSERT_EQ(tl_sendto(tl, fd, "x", 1, &srv), 1);
    EXPECT_EQ(tl_poll(tl, &pfd, 1, 5000), 1);
    EXPECT_EQ(pfd.revents, SOCK_POLLIN);
}

TEST_F(TlSocket, ConnectedSocketReportsRefusedThroughErrno)
{
    int fd = tl_socket(tl, SOCK_TYPE_DGRAM);
    ASSERT_GE(fd, 0);
    struct sock_addr closed = {SHIM_SERVER_ADDR, 9};
    ASSERT_EQ(tl_connect(tl, fd, &closed), 0);
    ASSERT_EQ(tl_send(tl, fd, "x", 1), 1);
    char buf[4];
    errno = 0;
    EXPECT_EQ(tl_recv(tl, fd, buf, sizeof buf), -1);
    EXPECT_EQ(errno, ECONNREFUSED);
}

TEST_F(TlSocket, ErrorsAreMinusOneAndErrno)
{
    struct sock_addr a = {0, 7};
    errno = 0;
    EXPECT_EQ(tl_bind(tl, 42, &a), -1);
    EXPECT_EQ(errno, EBADF);
    int fd = tl_socket(tl, SOCK_TYPE_DGRAM);
    EXPECT_EQ(tl_listen(tl, fd, 1), -1);
    EXPECT_EQ(errno, EOPNOTSUPP);
    EXPECT_EQ(tl_setsockopt(tl, fd, SOCK_OPT_RCVBUF, 4096), 0);
    int v = 0;
    EXPECT_EQ(tl_getsockopt(tl, fd, SOCK_OPT_RCVBUF, &v), 0);
    EXPECT_EQ(v, 4096);
    EXPECT_EQ(tl_socket(tl, 77), -1);
    EXPECT_EQ(errno, EPROTONOSUPPORT);
}

TEST_F(TlSocket, StopCancelsABlockedCall)
{
    int fd = tl_socket(tl, SOCK_TYPE_DGRAM);
    ASSERT_GE(fd, 0);
    struct sock_addr any = {0, 0};
    ASSERT_EQ(tl_bind(tl, fd, &any), 0);
    std::atomic<int> result{0}, err{0};
    std::thread app([&] {
        char buf[8];
        result = (int)tl_recv(tl, fd, buf, sizeof buf);   // nobody sends: blocks
        err = errno;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    tl_stack_stop(tl);
    app.join();
    EXPECT_EQ(result.load(), -1);
    EXPECT_EQ(err.load(), ECANCELED);
}

}  // namespace
