// pcap_bytes_test — lab 1, Part B: the bytes of a pcap record on disk,
// checked against the format itself rather than against our own reader
// (a writer and a reader that agree on the wrong byte order would pass a
// round trip; tshark would not read the file).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "stack/phy/pcap.h"

namespace {

using Bytes = std::vector<uint8_t>;

std::string temp_path(const std::string &name)
{
    const char *dir = getenv("TEST_TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/" + name;
}

Bytes read_file(const std::string &path)
{
    Bytes b;
    FILE *f = fopen(path.c_str(), "rb");
    if (!f)
        return b;
    int c;
    while ((c = fgetc(f)) != EOF)
        b.push_back((uint8_t)c);
    fclose(f);
    return b;
}

uint32_t le32(const Bytes &b, size_t off)
{
    return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
           (uint32_t)b[off + 3] << 24;
}

TEST(PcapBytes, RecordHeaderIsLittleEndianSecondsMicrosecondsLengths)
{
    std::string path = temp_path("one.pcap");
    struct pcap_writer w;
    ASSERT_EQ(0, pcap_writer_open(&w, path.c_str(), PCAP_LINKTYPE_RAW));
    const uint8_t packet[5] = {0x45, 0x00, 0x00, 0x05, 0xab};
    // 3 s and 250000 us after the epoch: ts_sec 3, ts_usec 0x0003d090.
    EXPECT_EQ(0, pcap_writer_write(&w, 3 * USEC_PER_SEC + 250000, packet, 5, 5));
    EXPECT_EQ(1u, w.packets) << "a written record is counted in w->packets";
    ASSERT_EQ(0, pcap_writer_close(&w));

    Bytes b = read_file(path);
    ASSERT_EQ(24u + 16u + 5u, b.size()) << "file header, one record header, 5 packet bytes";
    const Bytes want = {3, 0, 0, 0,  0x90, 0xd0, 0x03, 0,  5, 0, 0, 0,  5, 0, 0, 0};
    EXPECT_EQ(want, Bytes(b.begin() + 24, b.begin() + 40))
        << "record header: ts_sec, ts_usec, incl_len, orig_len, each 4 bytes little-endian";
    EXPECT_EQ(Bytes(packet, packet + 5), Bytes(b.begin() + 40, b.end()));
}

TEST(PcapBytes, LongPacketIsCutAtTheSnapLengthButKeepsItsLength)
{
    std::string path = temp_path("long.pcap");
    struct pcap_writer w;
    ASSERT_EQ(0, pcap_writer_open(&w, path.c_str(), PCAP_LINKTYPE_ETHERNET));
    Bytes big(70000, 0x5a);
    // A capture that kept 100 bytes of a 1500-byte frame ...
    EXPECT_EQ(0, pcap_writer_write(&w, 1, big.data(), 100, 1500));
    // ... and a packet longer than the snap length: only PCAP_SNAPLEN kept.
    EXPECT_EQ(0, pcap_writer_write(&w, 2, big.data(), big.size(), big.size()));
    EXPECT_EQ(2u, w.packets);
    ASSERT_EQ(0, pcap_writer_close(&w));

    Bytes b = read_file(path);
    ASSERT_EQ(24u + 16u + 100u + 16u + PCAP_SNAPLEN, b.size());
    EXPECT_EQ(100u, le32(b, 24 + 8)) << "incl_len: the bytes in the file";
    EXPECT_EQ(1500u, le32(b, 24 + 12)) << "orig_len: the packet's real length";
    size_t second = 24 + 16 + 100;
    EXPECT_EQ(2u, le32(b, second + 4)) << "ts_usec";
    EXPECT_EQ((uint32_t)PCAP_SNAPLEN, le32(b, second + 8));
    EXPECT_EQ(70000u, le32(b, second + 12));

    // Writing to a closed writer is an error, not a crash.
    EXPECT_EQ(-EBADF, pcap_writer_write(&w, 3, big.data(), 10, 10));
}

}  // namespace
