// fuzz_dns.cc — DNS messages (RFC 1035 §4): the header, names with
// compression pointers (loops, forward pointers, overlong names), questions
// and resource records, walked the way the resolver reads a response; then
// the same bytes as a query to the server's pure core (dns_server_respond)
// with the default zone.
#include <cstring>

#include "apps/dns/dns_msg.h"
#include "apps/dns/dns_server.h"
#include "apps/dns/dns_zone.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

void CheckName(const dns_name &n)
{
    FUZZ_CHECK(n.len >= 1 && n.len <= DNS_NAME_MAX, "name of %u bytes", n.len);
    char text[DNS_NAME_TEXT_MAX];
    dns_name_to_text(&n, text, sizeof text);
    FUZZ_CHECK(memchr(text, 0, sizeof text) != nullptr, "name text not terminated");
    // Text back to wire: only when the text is plain (escapes are one way).
    dns_name back;
    if (dns_name_from_text(&back, text) == DNS_OK && strchr(text, '\\') == nullptr)
        FUZZ_CHECK(dns_name_equal(&n, &back), "name -> \"%s\" -> another name", text);
}

void Walk(const uint8_t *msg, size_t len)
{
    dns_header h;
    if (dns_header_parse(msg, len, &h) != DNS_OK)
        return;
    size_t off = DNS_HDR_LEN;
    for (unsigned i = 0; i < h.qdcount && i < 64; i++) {
        dns_question q;
        if (dns_question_parse(msg, len, &off, &q) != DNS_OK)
            return;
        FUZZ_CHECK(off <= len, "question parse left off=%zu of %zu", off, len);
        CheckName(q.name);
    }
    unsigned rrs = (unsigned)h.ancount + h.nscount + h.arcount;
    for (unsigned i = 0; i < rrs && i < 256; i++) {
        dns_rr rr;
        if (dns_rr_parse(msg, len, &off, &rr) != DNS_OK)
            return;
        FUZZ_CHECK(off <= len && rr.rdata_off + rr.rdlength <= len,
                   "rr parse: off %zu, rdata %zu+%u of %zu", off, rr.rdata_off, rr.rdlength, len);
        CheckName(rr.name);
        if (rr.type == DNS_TYPE_CNAME || rr.type == DNS_TYPE_NS) {
            size_t roff = rr.rdata_off;
            dns_name target;
            if (dns_name_parse(msg, len, &roff, &target) == DNS_OK)
                CheckName(target);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Walk(data, size);
    static dns_zone zone;
    static bool zone_ready = false;
    if (!zone_ready) {
        dns_zone_default(&zone);
        zone_ready = true;
    }
    uint8_t out[DNS_UDP_MAX + 16];
    memset(out + DNS_UDP_MAX, 0xA5, 16);
    dns_server_stats stats = {};
    size_t n = dns_server_respond(&zone, data, size, out, DNS_UDP_MAX, &stats);
    FUZZ_CHECK(n <= DNS_UDP_MAX, "a response of %zu bytes", n);
    for (int i = 0; i < 16; i++)
        FUZZ_CHECK(out[DNS_UDP_MAX + i] == 0xA5, "wrote past the response buffer");
    if (n > 0) {
        dns_header rh;
        FUZZ_CHECK(dns_header_parse(out, n, &rh) == DNS_OK && rh.qr, "response is no response");
        Walk(out, n);
    }
    return 0;
}
