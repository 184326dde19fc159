// tcp_buf_test — the byte ring behind the send and receive buffers
// (stack/transport/tcp_buf.h): its storage starts at TCP_BUF_MIN and doubles
// up to the capacity as more is held, carrying along the held bytes (which
// may wrap around the end) and the out-of-order ones written beyond them;
// it never exceeds the capacity; a failed allocation changes nothing. And a
// connection that received one byte holds TCP_BUF_MIN bytes, not 1 MiB
// (issue 12: 10,000 such connections took 53 MiB).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "stack/transport/tcb.h"
#include "stack/transport/tcp_buf.h"
#include "tests/tcp/tcp_harness.h"

// The allocation failure test asks for more memory than there is; under
// AddressSanitizer malloc must then return NULL rather than abort.
extern "C" const char *__asan_default_options() { return "allocator_may_return_null=1"; }

namespace {

using namespace tcptest;

// n bytes of a pattern that tells every position apart, from `from` on.
std::string Pattern(size_t from, size_t n)
{
    std::string s(n, '\0');
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + (from + i) * 7 % 26);
    return s;
}

std::string ReadAll(tcp_buf *b)
{
    std::string out(tcp_buf_len(b), '\0');
    EXPECT_EQ(tcp_buf_read(b, out.data(), out.size()), out.size());
    return out;
}

size_t Write(tcp_buf *b, const std::string &s) { return tcp_buf_write(b, s.data(), s.size()); }

TEST(TcpBuf, StorageStartsSmallAndDoublesWithWhatIsHeld)
{
    tcp_buf b;
    tcp_buf_init(&b, 1 << 20);
    EXPECT_EQ(b.size, 0u) << "nothing allocated before the first write";
    ASSERT_EQ(Write(&b, "x"), 1u);
    EXPECT_EQ(b.size, (size_t)TCP_BUF_MIN);
    ASSERT_EQ(Write(&b, Pattern(1, TCP_BUF_MIN)), (size_t)TCP_BUF_MIN);
    EXPECT_EQ(b.size, 2u * TCP_BUF_MIN);
    ASSERT_EQ(Write(&b, Pattern(1 + TCP_BUF_MIN, 5 * TCP_BUF_MIN)), 5u * TCP_BUF_MIN);
    EXPECT_EQ(b.size, 8u * TCP_BUF_MIN) << "doubled until the bytes fit";
    EXPECT_EQ(ReadAll(&b), "x" + Pattern(1, 6 * TCP_BUF_MIN));
    tcp_buf_free(&b);
}

TEST(TcpBuf, GrowingKeepsBytesThatWrapAroundTheEnd)
{
    tcp_buf b;
    tcp_buf_init(&b, 64 * 1024);
    const size_t first = TCP_BUF_MIN - 100;
    ASSERT_EQ(Write(&b, Pattern(0, first)), first);
    ASSERT_EQ(b.size, (size_t)TCP_BUF_MIN);
    std::string out(first - 50, '\0');
    ASSERT_EQ(tcp_buf_read(&b, out.data(), out.size()), out.size());
    // 50 bytes at the end of the storage; these 500 wrap to its start.
    ASSERT_EQ(Write(&b, Pattern(first, 500)), 500u);
    ASSERT_EQ(b.size, (size_t)TCP_BUF_MIN) << "550 bytes still fit";
    ASSERT_GT(b.head + tcp_buf_len(&b), b.size) << "the held bytes wrap";
    ASSERT_EQ(Write(&b, Pattern(first + 500, 3000)), 3000u);   // grows
    EXPECT_GT(b.size, (size_t)TCP_BUF_MIN);
    EXPECT_EQ(ReadAll(&b), Pattern(first - 50, 3550));
    tcp_buf_free(&b);
}

TEST(TcpBuf, WriteAtBeyondTheStorageGrowsItAndKeepsEverything)
{
    tcp_buf b;
    tcp_buf_init(&b, 64 * 1024);
    // Wrapped held bytes first: head near the end of the storage.
    ASSERT_EQ(Write(&b, Pattern(0, TCP_BUF_MIN - 10)), TCP_BUF_MIN - 10u);
    std::string skip(TCP_BUF_MIN - 30, '\0');
    ASSERT_EQ(tcp_buf_read(&b, skip.data(), skip.size()), skip.size());
    ASSERT_EQ(Write(&b, Pattern(TCP_BUF_MIN - 10, 40)), 40u);   // 60 held, wrapping
    // Out of order: a small piece still inside the storage, wrapping too ...
    const size_t base = TCP_BUF_MIN - 30 + 60;   // the stream offset of the end
    ASSERT_EQ(tcp_buf_write_at(&b, 100, Pattern(base + 100, 50).data(), 50), 50u);
    EXPECT_EQ(b.size, (size_t)TCP_BUF_MIN);
    // ... and one far beyond it, which makes the storage grow.
    ASSERT_EQ(tcp_buf_write_at(&b, 5000, Pattern(base + 5000, 200).data(), 200), 200u);
    EXPECT_GE(b.size, 60u + 5200u);
    EXPECT_EQ(tcp_buf_len(&b), 60u) << "out-of-order bytes are not held yet";
    // The gaps fill in order; the out-of-order bytes are then held as written.
    ASSERT_EQ(Write(&b, Pattern(base, 100)), 100u);
    tcp_buf_extend(&b, 50);
    ASSERT_EQ(Write(&b, Pattern(base + 150, 4850)), 4850u);
    tcp_buf_extend(&b, 200);
    EXPECT_EQ(ReadAll(&b), Pattern(TCP_BUF_MIN - 30, 60 + 5200));
    tcp_buf_free(&b);
}

// Emptied, with nothing beyond, the ring starts again at the front: a reader
// that keeps up reuses the same few bytes (warm in the cache) and the
// storage never grows. Out-of-order bytes beyond the end keep head moving.
TEST(TcpBuf, AnEmptiedRingStartsAgainAtTheFront)
{
    tcp_buf b;
    tcp_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < 100; i++) {
        std::string in = Pattern(i * 700, 700);
        ASSERT_EQ(tcp_buf_write(&b, in.data(), in.size()), in.size());
        ASSERT_EQ(ReadAll(&b), in) << i;
        ASSERT_EQ(b.head, 0u) << i;
    }
    EXPECT_EQ(b.size, (size_t)TCP_BUF_MIN) << "70,000 bytes passed through 1 KiB";

    // 100 bytes held, 50 out of order 20 bytes after them; reading the 100
    // leaves the ring empty but not clear: head moves to the gap.
    std::string held = Pattern(0, 100), later = Pattern(120, 50), gap = Pattern(100, 20);
    ASSERT_EQ(tcp_buf_write(&b, held.data(), held.size()), held.size());
    ASSERT_EQ(tcp_buf_write_at(&b, 20, later.data(), later.size()), later.size());
    EXPECT_EQ(ReadAll(&b), held);
    EXPECT_EQ(b.head, 100u);
    ASSERT_EQ(tcp_buf_write(&b, gap.data(), gap.size()), gap.size());
    tcp_buf_extend(&b, later.size());   // the gap filled: hold the 50 as well
    EXPECT_EQ(ReadAll(&b), gap + later);
    EXPECT_EQ(b.head, 0u);
    tcp_buf_free(&b);
}

TEST(TcpBuf, NeverExceedsItsCapacity)
{
    tcp_buf b;
    tcp_buf_init(&b, 3000);   // not a power of two
    size_t total = 0;
    for (int i = 0; i < 20; i++)
        total += Write(&b, Pattern(total, 700));
    EXPECT_EQ(total, 3000u);
    EXPECT_EQ(b.size, 3000u) << "the last step stops at the capacity";
    EXPECT_EQ(tcp_buf_space(&b), 0u);
    EXPECT_EQ(tcp_buf_write_at(&b, 0, "x", 1), 0u);
    EXPECT_EQ(ReadAll(&b), Pattern(0, 3000));

    tcp_buf small;
    tcp_buf_init(&small, 8);   // below TCP_BUF_MIN
    EXPECT_EQ(Write(&small, "0123456789"), 8u);
    EXPECT_EQ(small.size, 8u);
    tcp_buf_free(&small);
    tcp_buf_free(&b);
}

TEST(TcpBuf, AFailedAllocationReturnsZeroAndChangesNothing)
{
    tcp_buf b;
    tcp_buf_init(&b, SIZE_MAX / 4);   // a capacity no machine has
    ASSERT_EQ(Write(&b, "abcdef"), 6u);
    char c[2];
    ASSERT_EQ(tcp_buf_read(&b, c, 2), 2u);   // head is no longer 0
    ASSERT_EQ(tcp_buf_write_at(&b, 10, "zz", 2), 2u);
    const tcp_buf before = b;
    // Room for it within the capacity, but no memory: it must not fit.
    EXPECT_EQ(tcp_buf_write_at(&b, SIZE_MAX / 8, "x", 1), 0u);
    EXPECT_EQ(b.data, before.data);
    EXPECT_EQ(b.size, before.size);
    EXPECT_EQ(b.head, before.head);
    EXPECT_EQ(b.len, before.len);
    EXPECT_EQ(b.extent, before.extent);
    // Still a working ring: the gap fills and the out-of-order bytes are there.
    ASSERT_EQ(Write(&b, "0123456789"), 10u);
    tcp_buf_extend(&b, 2);
    EXPECT_EQ(ReadAll(&b), "cdef0123456789zz");
    tcp_buf_free(&b);
}

// Random operations against a plain model: held bytes in a string, written
// out-of-order bytes in a map from stream offset.
TEST(TcpBuf, AgreesWithAModelUnderRandomOperations)
{
    tcp_buf b;
    const size_t cap = 20000;
    tcp_buf_init(&b, cap);
    std::string held;
    std::vector<int> ahead(cap, -1);   // byte at offset i past the held ones, or -1
    uint64_t x = 12;
    auto rnd = [&x](size_t n) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return (size_t)((x >> 33) % n);
    };
    size_t stream = 0;   // stream offset of the next byte written in order
    for (int step = 0; step < 20000; step++) {
        size_t space = cap - held.size();
        switch (rnd(4)) {
        case 0: {   // in order
            size_t n = rnd(3000);
            std::string s = Pattern(stream, n);
            size_t put = Write(&b, s);
            ASSERT_EQ(put, std::min(n, space));
            held += s.substr(0, put);
            stream += put;
            ahead.erase(ahead.begin(), ahead.begin() + (long)put);
            ahead.resize(cap, -1);
            break;
        }
        case 1: {   // out of order: the same bytes the stream will carry there
            size_t gap = rnd(6000), n = rnd(2000);
            size_t put = tcp_buf_write_at(&b, gap, Pattern(stream + gap, n).data(), n);
            ASSERT_EQ(put, gap >= space ? 0 : std::min(n, space - gap));
            for (size_t i = 0; i < put; i++)
                ahead[gap + i] = Pattern(stream + gap + i, 1)[0];
            break;
        }
        case 2: {   // hold out-of-order bytes that are there
            size_t n = 0;
            while (n < space && ahead[n] >= 0)
                n++;
            tcp_buf_extend(&b, n);
            for (size_t i = 0; i < n; i++)
                held += (char)ahead[i];
            stream += n;
            ahead.erase(ahead.begin(), ahead.begin() + (long)n);
            ahead.resize(cap, -1);
            break;
        }
        default: {   // the user reads
            size_t n = rnd(4000);
            std::string out(n, '\0');
            size_t got = tcp_buf_read(&b, out.data(), n);
            ASSERT_EQ(got, std::min(n, held.size()));
            ASSERT_EQ(out.substr(0, got), held.substr(0, got)) << "step " << step;
            held.erase(0, got);
            break;
        }
        }
        ASSERT_EQ(tcp_buf_len(&b), held.size());
        ASSERT_LE(b.size, cap);
    }
    tcp_buf_free(&b);
}

TEST(TcpBuf, AConnectionThatReceivedOneByteHoldsTheSmallestStorage)
{
    OneStack s(1201);
    Conn c = s.Passive(80);
    ASSERT_NE(c.t, nullptr);
    s.Inject(c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "x"));
    ASSERT_EQ(tcp_recv_queued(c.t), 1u);
    EXPECT_EQ(c.t->rcvbuf.cap, 1u << 20) << "the window still allows 1 MiB";
    EXPECT_EQ(c.t->rcvbuf.size, (size_t)TCP_BUF_MIN);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

}  // namespace
