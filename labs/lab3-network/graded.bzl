"""Lab 3's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 3,
    "name": "network",
    "marked": True,
    "tests": [
        # Part A: the IPv4 header checks (stack/net/ip4_hdr.c)
        {
            "target": "//tests/net:ip4_hdr_test",
            "cases": {
                "Ip4HdrTest.ParsesEveryField": 4,
                "Ip4HdrTest.FragmentFieldsAreInBytes": 3,
                "Ip4HdrTest.EmitThenParseRoundTrips": 3,
                "Ip4HdrTest.EachCheckHasItsOwnError": 5,
            },
        },
        {
            "target": "//tests/net:ip4_input_test",
            "cases": {
                "Ip4InputTest.LinkPaddingAfterTotalLengthIsTrimmed": 2,
                "Ip4InputTest.BadChecksumIsCountedAndNotAnswered": 2,
                "Ip4InputTest.IhlBelowFiveIsCounted": 2,
                "Ip4InputTest.IhlBeyondThePacketIsCounted": 2,
                "Ip4InputTest.TotalLengthBeyondTheDataIsCounted": 2,
                "Ip4InputTest.TotalLengthShorterThanHeaderIsCounted": 2,
                "Ip4InputTest.VersionOtherThanFourIsCounted": 2,
                "Ip4InputTest.TtlOfOneIsStillDeliveredToAHost": 2,
                "Ip4InputTest.RecordRouteOptionIsSkippedAndTheEchoAnswered": 2,
                "Ip4InputTest.UnknownProtocolGetsProtocolUnreachable": 2,
                "Ip4InputTest.DeliversToARegisteredTransportWithRxInfo": 3,
                # Part B: echo (stack/net/icmp.c)
                "Ip4InputTest.EchoRequestGetsTheExactReply": 7,
                "Ip4InputTest.EmptyAndOddSizedEchoesAreEchoedWhole": 3,
                "Ip4InputTest.BroadcastEchoIsIgnoredButDirectedBroadcastIsAccepted": 3,
            },
        },
        {
            "target": "//tests/net:icmp_test",
            "cases": {
                "IcmpTest.EchoRepliesAreNotRateLimited": 3,
                "IcmpTest.PingClientSendsEchoAndMeasuresTheRoundTrip": 4,
                "IcmpTest.PingReplyWithDamagedDataIsFlagged": 2,
                "IcmpTest.ErrorsReachTheTransportThatSentTheQuotedDatagram": 2,
            },
        },
        {
            "target": "//tests/net:ip4_ethernet_test",
            "cases": {
                "Ip4EthernetTest.EchoWaitsForArpThenLeavesToThePeerMac": 4,
                "Ip4EthernetTest.PaddedMinimumFrameIsTrimmedToTheTotalLength": 2,
            },
        },
        # Part C: fragment reassembly (stack/net/ip4_reass.c)
        {
            "target": "//tests/net:ip4_reass_test",
            "cases": {
                "Ip4ReassTest.InOrder": 5,
                "Ip4ReassTest.Reversed": 5,
                "Ip4ReassTest.ShuffledWithSeededOrders": 4,
                "Ip4ReassTest.ExactDuplicatesAreIgnored": 3,
                "Ip4ReassTest.OverlapDiscardsTheWholeDatagram": 3,
                "Ip4ReassTest.SameOffsetDifferentBytesIsAnOverlap": 2,
                "Ip4ReassTest.TwoDifferentEndsAreInconsistent": 2,
                "Ip4ReassTest.TimeoutAtExactlyThirtySecondsSendsTimeExceeded": 2,
                "Ip4ReassTest.SixtyThousandBytePingIsAnsweredInFragments": 4,
                "Ip4ReassTest.LargestPossibleDatagramIsReassembled": 2,
            },
        },
    ],
}
