"""Lab 1's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 1,
    "name": "physical",
    "marked": True,
    "tests": [
        # Part A: the Internet checksum (stack/core/checksum.c)
        {
            "target": "//tests/core:checksum_test",
            "cases": {
                "Checksum.Rfc1071WorkedExample": 10,
                "Checksum.OddLengthPadsTheLastByteOnTheRight": 10,
                "Checksum.EndAroundCarryAcrossManyWords": 10,
                "Checksum.MatchesTextbookAtEveryLengthAndAlignment": 10,
                "Checksum.RealIpv4HeaderVerifiesToZero": 10,
                "Checksum.UdpPseudoHeaderMatchesHandComputation": 10,
            },
        },
        # Part B: pcap records (stack/phy/pcap.c)
        {
            "target": "//tests/phy:pcap_test",
            "cases": {
                "Pcap.RawIpCaptureReadsBackExactly": 10,
                "Pcap.EthernetCaptureReadsBackExactly": 10,
                "Pcap.TraceOfASimulatedLinkWritesTruncatedRecords": 10,
            },
        },
        {
            "target": "//labs/lab1-physical:pcap_bytes_test",
            "cases": {
                "PcapBytes.RecordHeaderIsLittleEndianSecondsMicrosecondsLengths": 5,
                "PcapBytes.LongPacketIsCutAtTheSnapLengthButKeepsItsLength": 5,
            },
        },
    ],
}
