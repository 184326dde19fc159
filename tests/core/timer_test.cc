// The timer queue in virtual time: deadline order, ties in arming order,
// re-arm, cancel, and callbacks that change the queue while it runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "stack/core/rng.h"
#include "stack/core/timer.h"

namespace {

struct Fixture;

// A timer that records its name and the time it fired into a shared log.
struct LoggedTimer {
    struct timer t;
    Fixture *fx;
};

struct Fixture {
    struct timerq q;
    std::vector<std::string> log;   // "name@now"
    Fixture() { timerq_init(&q); }
    ~Fixture() { timerq_destroy(&q); }
    std::string joined() const
    {
        std::string s;
        for (const auto &e : log)
            s += e + " ";
        return s;
    }
};

void log_fire(struct timer *t, void *arg, usec_t now)
{
    auto *fx = static_cast<Fixture *>(arg);
    fx->log.push_back(std::string(t->name) + "@" + std::to_string(now));
}

TEST(Timer, FiresInDeadlineOrderOnlyWhenDue)
{
    Fixture fx;
    struct timer a, b, c;
    timer_init(&a, log_fire, &fx, "a");
    timer_init(&b, log_fire, &fx, "b");
    timer_init(&c, log_fire, &fx, "c");
    EXPECT_FALSE(timer_armed(&a));
    EXPECT_EQ(timerq_next_deadline(&fx.q), USEC_NEVER);

    ASSERT_EQ(timer_arm(&fx.q, &c, 300), 0);
    ASSERT_EQ(timer_arm(&fx.q, &a, 100), 0);
    ASSERT_EQ(timer_arm(&fx.q, &b, 200), 0);
    EXPECT_TRUE(timer_armed(&a));
    EXPECT_EQ(timerq_next_deadline(&fx.q), 100u);

    EXPECT_EQ(timerq_run(&fx.q, 99), 0u);      // nothing due yet
    EXPECT_EQ(timerq_run(&fx.q, 250), 2u);     // a and b
    EXPECT_EQ(fx.joined(), "a@250 b@250 ");
    EXPECT_FALSE(timer_armed(&a));
    EXPECT_TRUE(timer_armed(&c));
    EXPECT_EQ(timerq_next_deadline(&fx.q), 300u);
    EXPECT_EQ(timerq_run(&fx.q, 300), 1u);     // deadline == now fires
    EXPECT_EQ(fx.joined(), "a@250 b@250 c@300 ");
    EXPECT_EQ(timerq_next_deadline(&fx.q), USEC_NEVER);
    EXPECT_EQ(fx.q.fired, 3u);
}

TEST(Timer, EqualDeadlinesFireInArmingOrder)
{
    Fixture fx;
    const char *names[] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};
    struct timer t[8];
    // Arm in a scrambled slot order so the heap's shape is not the answer.
    const int arm_order[8] = {5, 2, 7, 0, 3, 6, 1, 4};
    for (int i = 0; i < 8; i++)
        timer_init(&t[i], log_fire, &fx, names[i]);
    for (int i : arm_order)
        ASSERT_EQ(timer_arm(&fx.q, &t[i], 1000), 0);
    timerq_run(&fx.q, 1000);
    EXPECT_EQ(fx.joined(),
              "t5@1000 t2@1000 t7@1000 t0@1000 t3@1000 t6@1000 t1@1000 t4@1000 ");
}

TEST(Timer, RearmMovesTheTimerAndCountsAsNewArming)
{
    Fixture fx;
    struct timer a, b;
    timer_init(&a, log_fire, &fx, "a");
    timer_init(&b, log_fire, &fx, "b");
    timer_arm(&fx.q, &a, 100);
    timer_arm(&fx.q, &b, 500);
    timer_arm(&fx.q, &a, 900);                 // later
    EXPECT_EQ(timerq_next_deadline(&fx.q), 500u);
    EXPECT_EQ(fx.q.count, 2u);                 // moved, not added twice
    timer_arm(&fx.q, &b, 900);                 // same deadline, armed after a
    timerq_run(&fx.q, 899);
    EXPECT_TRUE(fx.log.empty());
    timer_arm(&fx.q, &a, 900);                 // a re-armed: now behind b
    timerq_run(&fx.q, 900);
    EXPECT_EQ(fx.joined(), "b@900 a@900 ");
}

TEST(Timer, CancelRemovesAndIsHarmlessWhenUnarmed)
{
    Fixture fx;
    struct timer t[5];
    const char *names[] = {"t0", "t1", "t2", "t3", "t4"};
    for (int i = 0; i < 5; i++) {
        timer_init(&t[i], log_fire, &fx, names[i]);
        timer_arm(&fx.q, &t[i], (usec_t)(i + 1) * 10);
    }
    timer_cancel(&fx.q, &t[2]);               // from the middle
    timer_cancel(&fx.q, &t[0]);               // the root
    timer_cancel(&fx.q, &t[4]);               // the last slot
    timer_cancel(&fx.q, &t[4]);               // twice: nothing happens
    EXPECT_FALSE(timer_armed(&t[2]));
    EXPECT_EQ(fx.q.count, 2u);
    EXPECT_EQ(timerq_next_deadline(&fx.q), 20u);
    timerq_run(&fx.q, 1000);
    EXPECT_EQ(fx.joined(), "t1@1000 t3@1000 ");
}

// A periodic timer: re-arms itself `period` after its deadline until `limit`.
struct Periodic {
    struct timer t;
    struct timerq *q;
    usec_t period, limit;
    std::vector<usec_t> fired_at;   // the deadline each firing served
};

void periodic_fire(struct timer *t, void *arg, usec_t)
{
    auto *p = static_cast<Periodic *>(arg);
    p->fired_at.push_back(t->deadline);
    EXPECT_FALSE(timer_armed(t));   // disarmed before the callback runs
    if (t->deadline + p->period <= p->limit)
        timer_arm(p->q, t, t->deadline + p->period);
}

TEST(Timer, CallbackMayRearmItselfAndDueRearmsFireInTheSameRun)
{
    Fixture fx;
    Periodic p{{}, &fx.q, 10, 1000, {}};
    timer_init(&p.t, periodic_fire, &p, "tick");
    timer_arm(&fx.q, &p.t, 10);
    EXPECT_EQ(timerq_run(&fx.q, 45), 4u);      // 10, 20, 30, 40
    EXPECT_EQ(p.fired_at, (std::vector<usec_t>{10, 20, 30, 40}));
    EXPECT_EQ(timerq_next_deadline(&fx.q), 50u);
}

// A callback that cancels another timer, which is due in the same run.
struct Canceller {
    struct timer t;
    struct timerq *q;
    struct timer *victim;
    Fixture *fx;
};

void cancel_fire(struct timer *t, void *arg, usec_t now)
{
    auto *c = static_cast<Canceller *>(arg);
    c->fx->log.push_back(std::string(t->name) + "@" + std::to_string(now));
    timer_cancel(c->q, c->victim);
}

TEST(Timer, CallbackMayCancelAnotherDueTimer)
{
    Fixture fx;
    struct timer victim, bystander;
    timer_init(&victim, log_fire, &fx, "victim");
    timer_init(&bystander, log_fire, &fx, "bystander");
    Canceller c{{}, &fx.q, &victim, &fx};
    timer_init(&c.t, cancel_fire, &c, "canceller");

    timer_arm(&fx.q, &c.t, 100);
    timer_arm(&fx.q, &victim, 100);      // due in the same run, armed after
    timer_arm(&fx.q, &bystander, 150);
    EXPECT_EQ(timerq_run(&fx.q, 200), 2u);
    EXPECT_EQ(fx.joined(), "canceller@200 bystander@200 ");
    EXPECT_FALSE(timer_armed(&victim));
    EXPECT_EQ(fx.q.count, 0u);
}

// A callback that frees the object its timer lives in.
void free_fire(struct timer *, void *arg, usec_t)
{
    delete static_cast<LoggedTimer *>(arg);
}

TEST(Timer, CallbackMayFreeItsOwner)
{
    Fixture fx;
    auto *owner = new LoggedTimer{{}, &fx};
    timer_init(&owner->t, free_fire, owner, "free");
    timer_arm(&fx.q, &owner->t, 5);
    EXPECT_EQ(timerq_run(&fx.q, 5), 1u);   // ASan reports any use after free
    EXPECT_EQ(fx.q.count, 0u);
}

// 10,000 timers with random deadlines (many ties), random re-arms and
// cancels, run in random steps: the firing order must equal the model's
// sort by (deadline, last arming).
struct ModelTimer {
    struct timer t;
    int id;
    std::vector<int> *fired;
};

void model_fire(struct timer *t, void *arg, usec_t)
{
    auto *m = static_cast<ModelTimer *>(arg);
    m->fired->push_back(m->id);
    (void)t;
}

TEST(Timer, TenThousandRandomTimersFireInSortedOrder)
{
    const uint64_t seed = 20240601;
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::printf("timer random test seed %llu\n", (unsigned long long)seed);
    struct rng r;
    rng_seed(&r, seed);

    const int n = 10000;
    Fixture fx;
    std::vector<int> fired;
    std::vector<ModelTimer> timers(n);
    // model: id -> (deadline, arming stamp), or absent when not armed
    std::vector<std::tuple<bool, usec_t, uint64_t>> model(n, {false, 0, 0});
    uint64_t stamp = 0;

    for (int i = 0; i < n; i++) {
        timers[i].id = i;
        timers[i].fired = &fired;
        timer_init(&timers[i].t, model_fire, &timers[i], "rand");
        usec_t deadline = rng_below(&r, 5000);   // 10,000 timers on 5,000 instants
        ASSERT_EQ(timer_arm(&fx.q, &timers[i].t, deadline), 0);
        model[i] = {true, deadline, stamp++};
    }
    for (int k = 0; k < 3000; k++) {
        int i = (int)rng_below(&r, n);
        if (rng_chance(&r, 0.3)) {
            timer_cancel(&fx.q, &timers[i].t);
            std::get<0>(model[i]) = false;
        } else {
            usec_t deadline = rng_below(&r, 5000);
            timer_arm(&fx.q, &timers[i].t, deadline);
            model[i] = {true, deadline, stamp++};
        }
    }

    // What the model says must fire, in order.
    std::vector<std::tuple<usec_t, uint64_t, int>> expected;
    for (int i = 0; i < n; i++)
        if (std::get<0>(model[i]))
            expected.emplace_back(std::get<1>(model[i]), std::get<2>(model[i]), i);
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(fx.q.count, expected.size());

    usec_t now = 0;
    size_t checked = 0;
    while (fx.q.count > 0) {
        usec_t next = timerq_next_deadline(&fx.q);
        ASSERT_GE(next, now) << "a due timer was left behind";
        now += rng_below(&r, 50);
        timerq_run(&fx.q, now);
        for (; checked < fired.size(); checked++) {
            ASSERT_LT(checked, expected.size());
            ASSERT_EQ(fired[checked], std::get<2>(expected[checked]))
                << "firing #" << checked << " at now=" << now;
            ASSERT_LE(std::get<0>(expected[checked]), now);
        }
        // Nothing still armed may be due.
        ASSERT_GT(timerq_next_deadline(&fx.q), now);
    }
    EXPECT_EQ(fired.size(), expected.size());
}

}  // namespace
