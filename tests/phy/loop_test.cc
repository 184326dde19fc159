// loop_test — the real-time event loop with a socket-backed fake device:
// packets are read in batches, timers fire on the real clock, another thread
// can wake and stop the loop. Every run is bounded by an end time.
#include <gtest/gtest.h>

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/core/timer.h"
#include "stack/phy/loop.h"

namespace {

// A device on one end of a SOCK_SEQPACKET socketpair: each message is one
// packet, like a TUN fd. The test writes packets into the other end.
int fake_receive(struct netdev *dev, struct pkb **out)
{
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 2048);
    if (!p)
        return -ENOMEM;
    ssize_t n = recv(dev->fd, p->data, 2048, MSG_DONTWAIT);
    if (n <= 0) {
        int err = n == 0 ? EPIPE : errno;   // 0: the other end closed
        pkb_free(p);
        return err == EWOULDBLOCK ? -EAGAIN : -err;
    }
    pkb_put(p, (size_t)n);
    *out = p;
    return 0;
}

int fake_transmit(struct netdev *, struct pkb *p, usec_t)
{
    pkb_free(p);
    return 0;
}

void fake_close(struct netdev *dev) { close(dev->fd); }

const struct netdev_ops fake_ops = {fake_transmit, fake_receive, fake_close};

struct FakeWire {
    struct netdev dev;
    int peer = -1;
    FakeWire()
    {
        int sv[2];
        EXPECT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
        netdev_init(&dev, "fake0", NETDEV_LINK_IP, 1500, &fake_ops, nullptr);
        dev.fd = sv[0];
        peer = sv[1];
    }
    ~FakeWire()
    {
        netdev_close(&dev);
        if (peer >= 0)
            close(peer);
    }
    void send(const std::string &s) { ASSERT_EQ((ssize_t)s.size(), ::send(peer, s.data(), s.size(), 0)); }
};

// The "stack": a timer queue, the packets it got, and the loop to stop.
struct Stack {
    struct timerq timers;
    std::vector<std::string> got;
    std::vector<usec_t> got_at;
    struct loop *loop = nullptr;
    FakeWire *wire = nullptr;
    size_t stop_after = 0;   // stop the loop once this many packets arrived
    std::atomic<int> wakeups{0};
    int inside = 0;             // between ops->enter and ops->leave
    int enters = 0;
    bool work_outside = false;  // timers or input ran outside enter/leave
    Stack() { timerq_init(&timers); }
    ~Stack() { timerq_destroy(&timers); }
};

void stack_enter(void *ctx)
{
    auto *s = static_cast<Stack *>(ctx);
    s->inside++;
    s->enters++;
}
void stack_leave(void *ctx) { static_cast<Stack *>(ctx)->inside--; }
void stack_run_timers(void *ctx, usec_t now)
{
    auto *s = static_cast<Stack *>(ctx);
    s->work_outside |= s->inside != 1;
    timerq_run(&s->timers, now);
}
usec_t stack_next_deadline(void *ctx) { return timerq_next_deadline(&static_cast<Stack *>(ctx)->timers); }
void stack_on_wakeup(void *ctx, usec_t) { static_cast<Stack *>(ctx)->wakeups++; }

struct loop_ops make_stack_ops()
{
    struct loop_ops ops = {};
    ops.enter = stack_enter;
    ops.leave = stack_leave;
    ops.run_timers = stack_run_timers;
    ops.next_deadline = stack_next_deadline;
    ops.on_wakeup = stack_on_wakeup;
    return ops;
}
const struct loop_ops stack_ops = make_stack_ops();

void stack_input(void *ctx, struct netdev *, struct pkb *p, usec_t now)
{
    auto *s = static_cast<Stack *>(ctx);
    s->work_outside |= s->inside != 1;
    s->got.emplace_back((const char *)p->data, p->len);
    s->got_at.push_back(now);
    pkb_free(p);
    if (s->stop_after && s->got.size() >= s->stop_after)
        loop_stop(s->loop);
}

struct Fired {
    Stack *stack;
    usec_t deadline;
    usec_t fired_at = 0;
    int what;   // 0: send packets, 1: stop the loop
};

void on_timer(struct timer *, void *arg, usec_t now)
{
    auto *f = static_cast<Fired *>(arg);
    f->fired_at = now;
    if (f->what == 0) {
        for (int i = 0; i < 3; i++)
            f->stack->wire->send("packet " + std::to_string(i));
    } else {
        loop_stop(f->stack->loop);
    }
}

TEST(Loop, TimersFireOnTheRealClockAndPacketsAreDelivered)
{
    Stack s;
    FakeWire wire;
    s.wire = &wire;
    s.stop_after = 3;   // the input handler stops the loop at the third packet
    s.loop = loop_new(&stack_ops, &s);
    ASSERT_NE(nullptr, s.loop);
    ASSERT_EQ(0, loop_add_device(s.loop, &wire.dev));
    netdev_set_input(&wire.dev, stack_input, &s);

    usec_t start = loop_clock_now();
    struct timer t_send;
    Fired send_f{&s, start + 30000, 0, 0};
    timer_init(&t_send, on_timer, &send_f, "send");
    timer_arm(&s.timers, &t_send, send_f.deadline);

    ASSERT_EQ(0, loop_run_until(s.loop, start + usec_from_sec(5)));
    usec_t elapsed = loop_clock_now() - start;

    EXPECT_GE(send_f.fired_at, send_f.deadline) << "a timer never fires early";
    EXPECT_LT(elapsed, usec_from_sec(3)) << "stopped by the third packet, not the 5 s end";
    ASSERT_EQ(3u, s.got.size());
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ("packet " + std::to_string(i), s.got[i]);
        EXPECT_GE(s.got_at[i], send_f.fired_at);
    }
    EXPECT_EQ(3u, loop_stats(s.loop).packets);
    EXPECT_EQ(3u, wire.dev.stats.rx_packets);
    // Work on the stack happens between enter and leave, the sleep outside.
    EXPECT_FALSE(s.work_outside);
    EXPECT_EQ(0, s.inside) << "every enter has its leave";
    EXPECT_GE(s.enters, 2);
    loop_free(s.loop);
}

TEST(Loop, ATimerCanStopTheLoop)
{
    Stack s;
    FakeWire wire;
    s.wire = &wire;
    s.loop = loop_new(&stack_ops, &s);
    ASSERT_NE(nullptr, s.loop);
    ASSERT_EQ(0, loop_add_device(s.loop, &wire.dev));
    netdev_set_input(&wire.dev, stack_input, &s);
    usec_t start = loop_clock_now();
    struct timer t_stop;
    Fired stop_f{&s, start + 20000, 0, 1};
    timer_init(&t_stop, on_timer, &stop_f, "stop");
    timer_arm(&s.timers, &t_stop, stop_f.deadline);
    wire.send("waiting when the loop stops");   // read before the timer fires

    ASSERT_EQ(0, loop_run_until(s.loop, start + usec_from_sec(5)));
    EXPECT_GE(stop_f.fired_at, stop_f.deadline);
    EXPECT_LT(loop_clock_now() - start, usec_from_sec(3)) << "stopped by the timer";
    EXPECT_EQ(1u, s.got.size());
    loop_free(s.loop);
}

TEST(Loop, BudgetBatchesReadsAcrossIterations)
{
    Stack s;
    FakeWire wire;
    s.wire = &wire;
    s.stop_after = 10;
    s.loop = loop_new(&stack_ops, &s);
    ASSERT_NE(nullptr, s.loop);
    loop_set_budget(s.loop, 3);
    ASSERT_EQ(0, loop_add_device(s.loop, &wire.dev));
    netdev_set_input(&wire.dev, stack_input, &s);
    for (int i = 0; i < 10; i++)
        wire.send(std::to_string(i));

    ASSERT_EQ(0, loop_run_until(s.loop, loop_clock_now() + usec_from_sec(5)));
    ASSERT_EQ(10u, s.got.size());
    for (int i = 0; i < 10; i++)
        EXPECT_EQ(std::to_string(i), s.got[i]);
    // 3 + 3 + 3 + 1: at least four rounds of polling.
    EXPECT_GE(loop_stats(s.loop).iterations, 4u);
    loop_free(s.loop);
}

TEST(Loop, AnotherThreadWakesAndStopsTheLoop)
{
    Stack s;
    s.loop = loop_new(&stack_ops, &s);
    ASSERT_NE(nullptr, s.loop);
    std::thread other([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        loop_wake(s.loop);
        for (int i = 0; i < 200 && s.wakeups.load() == 0; i++)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        loop_stop(s.loop);
    });
    usec_t start = loop_clock_now();
    int rc = loop_run_until(s.loop, start + usec_from_sec(5));
    other.join();
    EXPECT_EQ(0, rc);
    EXPECT_LT(loop_clock_now() - start, usec_from_sec(2)) << "woken, not timed out";
    EXPECT_GE(s.wakeups.load(), 1);
    EXPECT_GE(loop_stats(s.loop).wakeups, 1u);
    loop_free(s.loop);
}

TEST(Loop, RunUntilReturnsAtTheEndWhenIdle)
{
    struct loop *l = loop_new(nullptr, nullptr);
    ASSERT_NE(nullptr, l);
    usec_t start = loop_clock_now();
    EXPECT_EQ(0, loop_run_until(l, start + 50000));
    usec_t elapsed = loop_clock_now() - start;
    EXPECT_GE(elapsed, 50000u);
    EXPECT_LT(elapsed, usec_from_sec(3)) << "generous: the machine may be busy";
    loop_free(l);
}

TEST(Loop, StopBeforeRunReturnsAtOnce)
{
    struct loop *l = loop_new(nullptr, nullptr);
    ASSERT_NE(nullptr, l);
    loop_stop(l);
    usec_t start = loop_clock_now();
    EXPECT_EQ(0, loop_run(l));
    EXPECT_LT(loop_clock_now() - start, usec_from_sec(1));
    loop_free(l);
}

TEST(Loop, DeviceErrorsEndTheRun)
{
    Stack s;
    FakeWire wire;
    s.loop = loop_new(&stack_ops, &s);
    ASSERT_NE(nullptr, s.loop);
    ASSERT_EQ(0, loop_add_device(s.loop, &wire.dev));
    netdev_set_input(&wire.dev, stack_input, &s);
    close(wire.peer);   // the other end hangs up
    wire.peer = -1;
    int rc = loop_run_until(s.loop, loop_clock_now() + usec_from_sec(5));
    EXPECT_EQ(-EPIPE, rc);
    loop_free(s.loop);
}

TEST(Loop, AddDeviceChecksItsArguments)
{
    struct loop *l = loop_new(nullptr, nullptr);
    ASSERT_NE(nullptr, l);
    struct netdev no_fd;
    netdev_init(&no_fd, "nofd", NETDEV_LINK_IP, 1500, &fake_ops, nullptr);
    EXPECT_EQ(-EINVAL, loop_add_device(l, &no_fd));
    struct netdev devs[LOOP_MAX_DEVICES + 1];
    for (int i = 0; i <= LOOP_MAX_DEVICES; i++) {
        netdev_init(&devs[i], "d", NETDEV_LINK_IP, 1500, &fake_ops, nullptr);
        devs[i].fd = 0;   // any valid number: the loop only records it here
        EXPECT_EQ(i < LOOP_MAX_DEVICES ? 0 : -ENOSPC, loop_add_device(l, &devs[i]));
    }
    loop_free(l);
}

}  // namespace
