// pcap_test — captures written through a device's capture hook and from a
// trace read back exactly by our reader and, when it is installed, by tshark.
#include <gtest/gtest.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/phy/capdev.h"
#include "stack/phy/pcap.h"
#include "stack/phy/simlink.h"

namespace {

using Bytes = std::vector<uint8_t>;

std::string temp_path(const std::string &name)
{
    const char *dir = getenv("TEST_TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/" + name;
}

// A valid IPv4/UDP packet 10.0.0.1:1234 -> 10.0.0.2:9999 with `payload`.
Bytes ipv4_udp(const std::string &payload)
{
    Bytes b(28 + payload.size());
    b[0] = 0x45;
    be16_write(&b[2], (uint16_t)b.size());
    b[8] = 64;
    b[9] = 17;
    be32_write(&b[12], 0x0a000001);
    be32_write(&b[16], 0x0a000002);
    be16_write(&b[10], checksum_inet(b.data(), 20));
    be16_write(&b[20], 1234);
    be16_write(&b[22], 9999);
    be16_write(&b[24], (uint16_t)(8 + payload.size()));
    std::copy(payload.begin(), payload.end(), b.begin() + 28);
    uint32_t sum = checksum_pseudo_ipv4(0x0a000001, 0x0a000002, 17, (uint16_t)(8 + payload.size()));
    be16_write(&b[26], checksum_finish(checksum_add(sum, &b[20], 8 + payload.size())));
    return b;
}

// An Ethernet frame carrying the IPv4 packet.
Bytes ethernet(const Bytes &ip)
{
    Bytes b = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};
    b.insert(b.end(), ip.begin(), ip.end());
    return b;
}

struct Record {
    usec_t time;
    uint32_t wire_len;
    Bytes bytes;
    bool operator==(const Record &o) const
    {
        return time == o.time && wire_len == o.wire_len && bytes == o.bytes;
    }
};

std::vector<Record> read_all(const std::string &path, uint32_t *linktype)
{
    struct pcap_reader r;
    std::vector<Record> out;
    int rc = pcap_read_open(&r, path.c_str());
    EXPECT_EQ(0, rc) << path;
    if (rc != 0)
        return out;
    *linktype = r.linktype;
    struct pcap_record rec;
    while ((rc = pcap_read_next(&r, &rec)) == 1)
        out.push_back({rec.time, rec.wire_len, Bytes(rec.bytes, rec.bytes + rec.cap_len)});
    EXPECT_EQ(0, rc) << "clean end of file";
    pcap_read_close(&r);
    return out;
}

bool have_tshark() { return system("command -v tshark >/dev/null 2>&1") == 0; }

// Runs tshark -r on the file; returns the number of packets it lists, or -1
// if it exited with an error.
int tshark_count(const std::string &path)
{
    std::string cmd = "tshark -r '" + path + "' 2>/dev/null";
    FILE *f = popen(cmd.c_str(), "r");
    if (!f)
        return -1;
    int lines = 0;
    char line[4096];
    while (fgets(line, sizeof line, f))
        lines++;
    int status = pclose(f);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return lines;
}

void check_with_tshark(const std::string &path, int packets)
{
    if (!have_tshark()) {
        printf("tshark not installed: tshark check of %s skipped\n", path.c_str());
        return;
    }
    EXPECT_EQ(packets, tshark_count(path)) << "tshark -r " << path;
}

void drop_input(void *, struct netdev *, struct pkb *p, usec_t) { pkb_free(p); }

// Each link type: capture both directions of a capture device, read back.
void capture_round_trip(enum netdev_link link, uint32_t want_linktype, const char *file)
{
    std::string path = temp_path(file);
    struct capdev cap;
    capdev_init(&cap, "cap0", link, 1500);
    netdev_set_input(&cap.dev, drop_input, nullptr);
    struct pcap_writer w;
    ASSERT_EQ(0, pcap_writer_open(&w, path.c_str(), pcap_linktype_of(&cap.dev)));
    ASSERT_EQ(0, pcap_attach(&w, &cap.dev));

    std::vector<Record> sent;
    const usec_t times[] = {1, 999999, 1000000, 3600000123ull};
    for (int i = 0; i < 4; i++) {
        Bytes ip = ipv4_udp("packet " + std::to_string(i) + std::string(i * 100, 'x'));
        Bytes b = link == NETDEV_LINK_ETHERNET ? ethernet(ip) : ip;
        if (i % 2 == 0)
            ASSERT_EQ(0, netdev_transmit(&cap.dev, pkb_from_bytes(b.data(), b.size(), 64), times[i]));
        else
            ASSERT_EQ(0, capdev_inject(&cap, b.data(), b.size(), times[i]));
        sent.push_back({times[i], (uint32_t)b.size(), b});
    }
    EXPECT_EQ(4u, w.packets);
    ASSERT_EQ(0, pcap_writer_close(&w));
    capdev_destroy(&cap);

    uint32_t linktype = 0;
    std::vector<Record> got = read_all(path, &linktype);
    EXPECT_EQ(want_linktype, linktype);
    EXPECT_EQ(sent, got);
    check_with_tshark(path, 4);
}

TEST(Pcap, RawIpCaptureReadsBackExactly)
{
    capture_round_trip(NETDEV_LINK_IP, 101, "raw.pcap");
}

TEST(Pcap, EthernetCaptureReadsBackExactly)
{
    capture_round_trip(NETDEV_LINK_ETHERNET, 1, "ether.pcap");
}

TEST(Pcap, AttachRefusesTheWrongLinkType)
{
    std::string path = temp_path("wrong.pcap");
    struct capdev cap;
    capdev_init(&cap, "cap0", NETDEV_LINK_ETHERNET, 1500);
    struct pcap_writer w;
    ASSERT_EQ(0, pcap_writer_open(&w, path.c_str(), PCAP_LINKTYPE_RAW));
    EXPECT_EQ(-EINVAL, pcap_attach(&w, &cap.dev));
    EXPECT_EQ(nullptr, cap.dev.capture);
    EXPECT_EQ(0, pcap_writer_close(&w));
}

TEST(Pcap, TraceOfASimulatedLinkWritesTruncatedRecords)
{
    std::string path = temp_path("trace.pcap");
    struct sim_world *world = sim_world_new(5);
    struct sim_link *l = sim_link_new(world, NETDEV_LINK_IP, 1500, "client", "server");
    struct sim_impairments imp = {};
    imp.delay = 2500;
    sim_link_set_both(l, &imp);
    netdev_set_input(sim_link_dev_b(l), drop_input, nullptr);
    Bytes small = ipv4_udp("hi"), big = ipv4_udp(std::string(400, 'B'));
    ASSERT_EQ(0, netdev_transmit(sim_link_dev_a(l), pkb_from_bytes(small.data(), small.size(), 64), 100));
    ASSERT_EQ(0, netdev_transmit(sim_link_dev_a(l), pkb_from_bytes(big.data(), big.size(), 64), 200));
    sim_world_run_until(world, 10000);

    // The client's view: its two packets going out.
    EXPECT_EQ(2, pcap_write_trace(sim_world_trace(world), path.c_str(), PCAP_LINKTYPE_RAW, "client"));
    uint32_t linktype = 0;
    std::vector<Record> got = read_all(path, &linktype);
    EXPECT_EQ(101u, linktype);
    ASSERT_EQ(2u, got.size());
    EXPECT_EQ((Record{100, (uint32_t)small.size(), small}), got[0]);
    EXPECT_EQ(200u, got[1].time);
    EXPECT_EQ(big.size(), got[1].wire_len);
    EXPECT_EQ(Bytes(big.begin(), big.begin() + TRACE_PKT_BYTES), got[1].bytes);
    check_with_tshark(path, 2);

    // Every node: each packet out at the client and in at the server.
    std::string all = temp_path("trace-all.pcap");
    EXPECT_EQ(4, pcap_write_trace(sim_world_trace(world), all.c_str(), PCAP_LINKTYPE_RAW, nullptr));
    got = read_all(all, &linktype);
    ASSERT_EQ(4u, got.size());
    EXPECT_EQ(2600u, got[2].time);
    EXPECT_EQ(2700u, got[3].time);
    // No Ethernet packets in this trace.
    EXPECT_EQ(0, pcap_write_trace(sim_world_trace(world), all.c_str(), PCAP_LINKTYPE_ETHERNET, nullptr));
    sim_world_free(world);
}

void write_file(const std::string &path, const Bytes &b)
{
    FILE *f = fopen(path.c_str(), "wb");
    ASSERT_NE(nullptr, f);
    ASSERT_EQ(b.size(), fwrite(b.data(), 1, b.size(), f));
    fclose(f);
}

TEST(Pcap, ReaderRejectsMalformedFilesCleanly)
{
    struct pcap_reader r;
    EXPECT_EQ(-ENOENT, pcap_read_open(&r, temp_path("does-not-exist.pcap").c_str()));

    std::string bad = temp_path("bad.pcap");
    write_file(bad, Bytes(24, 0x55));
    EXPECT_EQ(-EPROTO, pcap_read_open(&r, bad.c_str()));
    write_file(bad, Bytes(10, 0));
    EXPECT_EQ(-EPROTO, pcap_read_open(&r, bad.c_str()));

    // A big-endian header with one record whose length runs past the end.
    Bytes be = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0xff, 0xff, 0, 0, 0, 101,
                0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0, 10, 0, 0, 0, 10, 1, 2, 3};
    write_file(bad, be);
    ASSERT_EQ(0, pcap_read_open(&r, bad.c_str()));
    EXPECT_TRUE(r.swapped);
    EXPECT_EQ(101u, r.linktype);
    struct pcap_record rec;
    EXPECT_EQ(-EPROTO, pcap_read_next(&r, &rec));
    pcap_read_close(&r);

    // Same record, complete: read back with the right time.
    be.insert(be.end(), {4, 5, 6, 7, 8, 9, 10});
    write_file(bad, be);
    ASSERT_EQ(0, pcap_read_open(&r, bad.c_str()));
    ASSERT_EQ(1, pcap_read_next(&r, &rec));
    EXPECT_EQ(7 * USEC_PER_SEC + 9, rec.time);
    EXPECT_EQ(10u, rec.cap_len);
    EXPECT_EQ(10, rec.bytes[9]);
    EXPECT_EQ(0, pcap_read_next(&r, &rec));
    pcap_read_close(&r);

    // A record claiming more than the snap length is refused, not read.
    Bytes huge = be;
    be32_write(&huge[24 + 8], 0x7fffffff);
    be32_write(&huge[24 + 12], 0x7fffffff);
    write_file(bad, huge);
    ASSERT_EQ(0, pcap_read_open(&r, bad.c_str()));
    EXPECT_EQ(-EPROTO, pcap_read_next(&r, &rec));
    pcap_read_close(&r);
}

}  // namespace
