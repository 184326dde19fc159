// dns_query.h — test helper: write a DNS query the way dig would, and read
// a response back into plain fields a test can assert.
#ifndef TUNLAB_TESTS_DNS_DNS_QUERY_H
#define TUNLAB_TESTS_DNS_DNS_QUERY_H

#include <cstdint>
#include <string>
#include <vector>

#include "apps/dns/dns_msg.h"
#include "stack/core/byteorder.h"

namespace dnstest {

struct Query {
    uint16_t id = 0x1234;
    uint8_t opcode = DNS_OPCODE_QUERY;
    bool rd = true;
    bool qr = false;
    std::string name = "www.tunlab.test";
    uint16_t qtype = DNS_TYPE_A;
    uint16_t qclass = DNS_CLASS_IN;
    uint16_t qdcount = 1;
    bool edns = false;   // append an OPT record, as dig does
};

inline std::vector<uint8_t> build(const Query &q)
{
    std::vector<uint8_t> m(DNS_HDR_LEN);
    struct dns_header h = {};
    h.id = q.id;
    h.qr = q.qr;
    h.opcode = q.opcode;
    h.rd = q.rd;
    h.qdcount = q.qdcount;
    h.arcount = q.edns ? 1 : 0;
    dns_header_emit(&h, m.data());
    struct dns_name n;
    dns_name_from_text(&n, q.name.c_str());
    m.insert(m.end(), n.wire, n.wire + n.len);
    m.push_back((uint8_t)(q.qtype >> 8));
    m.push_back((uint8_t)q.qtype);
    m.push_back((uint8_t)(q.qclass >> 8));
    m.push_back((uint8_t)q.qclass);
    if (q.edns) {   // root name, type OPT 41, UDP size 1232, no flags, no data
        const uint8_t opt[] = {0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0};
        m.insert(m.end(), opt, opt + sizeof opt);
    }
    return m;
}

struct Answer {
    std::string name;
    uint16_t type = 0, rclass = 0;
    uint32_t ttl = 0;
    std::vector<uint8_t> rdata;
    bool owner_compressed = false;   // the owner name was a pointer
};

struct Response {
    bool ok = false;   // parsed completely
    struct dns_header h = {};
    std::string qname;
    uint16_t qtype = 0, qclass = 0;
    std::vector<Answer> answers, authority;
};

inline std::string text(const struct dns_name &n)
{
    char buf[DNS_NAME_TEXT_MAX];
    dns_name_to_text(&n, buf, sizeof buf);
    return buf;
}

inline Response parse(const std::vector<uint8_t> &m)
{
    Response r;
    if (dns_header_parse(m.data(), m.size(), &r.h) < 0)
        return r;
    size_t off = DNS_HDR_LEN;
    for (int i = 0; i < r.h.qdcount; i++) {
        struct dns_question q;
        if (dns_question_parse(m.data(), m.size(), &off, &q) < 0)
            return r;
        r.qname = text(q.name);
        r.qtype = q.qtype;
        r.qclass = q.qclass;
    }
    for (int sect = 0; sect < 2; sect++) {
        int count = sect == 0 ? r.h.ancount : r.h.nscount;
        for (int i = 0; i < count; i++) {
            Answer a;
            a.owner_compressed = off < m.size() && (m[off] & 0xC0) == 0xC0;
            struct dns_rr rr;
            if (dns_rr_parse(m.data(), m.size(), &off, &rr) < 0)
                return r;
            a.name = text(rr.name);
            a.type = rr.type;
            a.rclass = rr.rclass;
            a.ttl = rr.ttl;
            a.rdata.assign(m.begin() + (long)rr.rdata_off,
                           m.begin() + (long)(rr.rdata_off + rr.rdlength));
            (sect == 0 ? r.answers : r.authority).push_back(a);
        }
    }
    r.ok = off == m.size();
    return r;
}

}  // namespace dnstest

#endif
