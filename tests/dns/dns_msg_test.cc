// dns_msg_test — the DNS wire format: header bits, names with compression
// pointers, and every way a hostile name can try to hang or overrun the
// parser (pointer loops, forward pointers, long names, reserved label
// types, truncation).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "apps/dns/dns_msg.h"

namespace {

std::string text(const struct dns_name &n)
{
    char buf[DNS_NAME_TEXT_MAX];
    dns_name_to_text(&n, buf, sizeof buf);
    return buf;
}

TEST(DnsHeader, FlagsRoundTrip)
{
    struct dns_header h = {};
    h.id = 0xBEEF;
    h.qr = true;
    h.opcode = 2;
    h.aa = true;
    h.rd = true;
    h.rcode = DNS_RCODE_NXDOMAIN;
    h.qdcount = 1;
    h.nscount = 1;
    uint8_t b[DNS_HDR_LEN];
    dns_header_emit(&h, b);
    // QR=1 opcode=0010 AA=1 TC=0 RD=1 | RA=0 Z=000 RCODE=0011
    EXPECT_EQ(b[2], 0x95);
    EXPECT_EQ(b[3], 0x03);
    struct dns_header back;
    ASSERT_EQ(dns_header_parse(b, sizeof b, &back), DNS_OK);
    EXPECT_EQ(back.id, 0xBEEF);
    EXPECT_TRUE(back.qr && back.aa && back.rd);
    EXPECT_FALSE(back.tc || back.ra);
    EXPECT_EQ(back.opcode, 2);
    EXPECT_EQ(back.rcode, DNS_RCODE_NXDOMAIN);
    EXPECT_EQ(back.nscount, 1);
    EXPECT_EQ(dns_header_parse(b, 11, &back), DNS_ERR_TRUNCATED);
}

TEST(DnsName, TextAndWire)
{
    struct dns_name n;
    ASSERT_EQ(dns_name_from_text(&n, "www.tunlab.test"), DNS_OK);
    const uint8_t want[] = {3, 'w', 'w', 'w', 6, 't', 'u', 'n', 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0};
    ASSERT_EQ(n.len, sizeof want);
    EXPECT_EQ(0, memcmp(n.wire, want, sizeof want));
    EXPECT_EQ(text(n), "www.tunlab.test");
    struct dns_name dot;
    ASSERT_EQ(dns_name_from_text(&dot, "www.tunlab.test."), DNS_OK);
    EXPECT_TRUE(dns_name_equal(&n, &dot));
    ASSERT_EQ(dns_name_from_text(&dot, "WWW.TunLab.TEST"), DNS_OK);
    EXPECT_TRUE(dns_name_equal(&n, &dot)) << "names compare without case";
    EXPECT_EQ(dns_name_from_text(&dot, "a..b"), DNS_ERR_BAD_TEXT);
    EXPECT_EQ(dns_name_from_text(&dot, std::string(64, 'a').c_str()), DNS_ERR_BAD_TEXT);
    ASSERT_EQ(dns_name_from_text(&dot, "."), DNS_OK);
    EXPECT_EQ(dot.len, 1);
    EXPECT_EQ(text(dot), ".");
}

TEST(DnsName, ZoneMembershipIsLabelAligned)
{
    struct dns_name zone, n;
    dns_name_from_text(&zone, "tunlab.test");
    dns_name_from_text(&n, "www.tunlab.test");
    EXPECT_TRUE(dns_name_in_zone(&n, &zone));
    dns_name_from_text(&n, "tunlab.test");
    EXPECT_TRUE(dns_name_in_zone(&n, &zone));
    dns_name_from_text(&n, "nottunlab.test");
    EXPECT_FALSE(dns_name_in_zone(&n, &zone)) << "suffix of a label is not a subdomain";
    dns_name_from_text(&n, "example.com");
    EXPECT_FALSE(dns_name_in_zone(&n, &zone));
}

// A message with "tunlab.test" at 12 and "www" + pointer to it at 25.
std::vector<uint8_t> compressed_message()
{
    std::vector<uint8_t> m(12, 0);
    const uint8_t first[] = {6, 't', 'u', 'n', 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0};
    m.insert(m.end(), first, first + sizeof first);
    const uint8_t second[] = {3, 'w', 'w', 'w', 0xC0, 12};
    m.insert(m.end(), second, second + sizeof second);
    m.push_back(0xAA);   // what follows the name
    return m;
}

TEST(DnsName, FollowsCompressionPointers)
{
    std::vector<uint8_t> m = compressed_message();
    struct dns_name n;
    size_t off = 25;
    ASSERT_EQ(dns_name_parse(m.data(), m.size(), &off, &n), DNS_OK);
    EXPECT_EQ(text(n), "www.tunlab.test");
    EXPECT_EQ(off, 31u) << "continues after the pointer, not after the target";
    EXPECT_EQ(m[off], 0xAA);
}

TEST(DnsName, PointerLoopsEndQuickly)
{
    // A pointer to itself.
    std::vector<uint8_t> self(12, 0);
    self.push_back(0xC0);
    self.push_back(12);
    struct dns_name n;
    size_t off = 12;
    EXPECT_EQ(dns_name_parse(self.data(), self.size(), &off, &n), DNS_ERR_BAD_POINTER);

    // Two names pointing at each other: 12 -> 14 -> 12 -> ...
    std::vector<uint8_t> pair(12, 0);
    pair.insert(pair.end(), {0xC0, 14, 0xC0, 12});
    off = 12;
    EXPECT_EQ(dns_name_parse(pair.data(), pair.size(), &off, &n), DNS_ERR_BAD_POINTER);
    off = 14;
    EXPECT_EQ(dns_name_parse(pair.data(), pair.size(), &off, &n), DNS_ERR_BAD_POINTER);

    // A label then a pointer back to that label: a -> a -> a ...
    std::vector<uint8_t> relabel(12, 0);
    relabel.insert(relabel.end(), {1, 'a', 0xC0, 12});
    off = 12;
    EXPECT_EQ(dns_name_parse(relabel.data(), relabel.size(), &off, &n), DNS_ERR_BAD_POINTER);
}

TEST(DnsName, LongBackwardChainsAreBounded)
{
    // 40 names, each one label and a pointer to the previous: legal
    // backwards pointers, but more hops than any real message needs.
    std::vector<uint8_t> m(12, 0);
    m.insert(m.end(), {1, 'x', 0});
    size_t prev = 12;
    for (int i = 0; i < 40; i++) {
        size_t here = m.size();
        m.insert(m.end(), {1, 'y', 0xC0, (uint8_t)prev});
        prev = here;
    }
    struct dns_name n;
    size_t off = prev;
    EXPECT_EQ(dns_name_parse(m.data(), m.size(), &off, &n), DNS_ERR_POINTER_LOOP);
}

TEST(DnsName, RejectsMalformedNames)
{
    struct dns_name n;
    size_t off;
    // Truncated inside a label, and a missing root label.
    std::vector<uint8_t> cut = {5, 'a', 'b'};
    off = 0;
    EXPECT_EQ(dns_name_parse(cut.data(), cut.size(), &off, &n), DNS_ERR_TRUNCATED);
    std::vector<uint8_t> noroot = {1, 'a'};
    off = 0;
    EXPECT_EQ(dns_name_parse(noroot.data(), noroot.size(), &off, &n), DNS_ERR_TRUNCATED);
    // Half a pointer.
    std::vector<uint8_t> halfptr(12, 0);
    halfptr.push_back(0xC0);
    off = 12;
    EXPECT_EQ(dns_name_parse(halfptr.data(), halfptr.size(), &off, &n), DNS_ERR_TRUNCATED);
    // Reserved label types 01 and 10.
    for (uint8_t b : {0x40, 0x80}) {
        std::vector<uint8_t> r = {b, 0};
        off = 0;
        EXPECT_EQ(dns_name_parse(r.data(), r.size(), &off, &n), DNS_ERR_LABEL_TYPE);
    }
    // 5 labels of 63 bytes: 320 bytes, more than 255.
    std::vector<uint8_t> longname;
    for (int i = 0; i < 5; i++) {
        longname.push_back(63);
        longname.insert(longname.end(), 63, 'z');
    }
    longname.push_back(0);
    off = 0;
    EXPECT_EQ(dns_name_parse(longname.data(), longname.size(), &off, &n), DNS_ERR_NAME_TOO_LONG);
}

TEST(DnsName, OddBytesAreEscapedInText)
{
    std::vector<uint8_t> m = {3, 'a', '.', 0x07, 0};
    struct dns_name n;
    size_t off = 0;
    ASSERT_EQ(dns_name_parse(m.data(), m.size(), &off, &n), DNS_OK);
    EXPECT_EQ(text(n), "a\\046\\007");
}

TEST(DnsWriter, StopsAtCapacity)
{
    uint8_t buf[5];
    struct dns_writer w;
    dns_writer_init(&w, buf, sizeof buf);
    dns_put32(&w, 1);
    EXPECT_FALSE(w.overflow);
    dns_put16(&w, 2);
    EXPECT_TRUE(w.overflow);
    EXPECT_EQ(w.len, 4u);
}

}  // namespace
