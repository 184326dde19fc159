// sock_fixture.h — gives the stacks of a shim pair a socket table if
// stack_new() did not make one (so these suites run before and after the
// stack composes the socket layer itself), and frees only what it made.
#ifndef TUNLAB_TESTS_SOCKET_SOCK_FIXTURE_H
#define TUNLAB_TESTS_SOCKET_SOCK_FIXTURE_H

#include <cstdio>
#include <cstdlib>
#include <string>

#include "stack/socket/sock_table.h"
#include "stack/stack.h"
#include "tests/shim/pair.h"

namespace socktest {

class PairWithSockets {
public:
    explicit PairWithSockets(uint64_t seed, enum netdev_link link = NETDEV_LINK_IP)
        : pair_(shim_pair_new(seed, link))
    {
        if (pair_ == nullptr)
            return;
        attach(pair_->client, &own_client_);
        attach(pair_->server, &own_server_);
    }
    ~PairWithSockets()
    {
        if (pair_ == nullptr)
            return;
        detach(pair_->client, own_client_);
        detach(pair_->server, own_server_);
        shim_pair_free(pair_);
    }
    PairWithSockets(const PairWithSockets &) = delete;
    PairWithSockets &operator=(const PairWithSockets &) = delete;

    struct shim_pair *get() const { return pair_; }
    std::string dump() const
    {
        char *buf = nullptr;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        shim_pair_dump(pair_, f);
        fclose(f);
        std::string s(buf, len);
        free(buf);
        return s;
    }

private:
    static void attach(struct stack *st, bool *owned)
    {
        if (st->socks == nullptr) {
            st->socks = sock_table_new(st);
            *owned = true;
        }
    }
    static void detach(struct stack *st, bool owned)
    {
        if (owned) {
            sock_table_free(st->socks);
            st->socks = nullptr;
        }
    }

    struct shim_pair *pair_;
    bool own_client_ = false;
    bool own_server_ = false;
};

}  // namespace socktest

#endif
