"""Lab 4's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 4,
    "name": "udp",
    "marked": True,
    "tests": [
        # Part A: UDP demultiplexing and port unreachable (stack/transport/udp.c)
        {
            "target": "//tests/udp:udp_input_test",
            "cases": {
                "UdpInput.DeliversPayloadAndSender": 7,
                "UdpInput.ZeroChecksumIsAcceptedAndPaddingIgnored": 3,
                "UdpInput.ExactAddressBeatsWildcardAndConnectedBeatsBoth": 8,
                "UdpInput.ClosedPortGetsExactPortUnreachable": 8,
                "UdpInput.NoPortUnreachableForBroadcast": 5,
                "UdpInput.PortUnreachableBecomesConnRefusedOnConnectedPcb": 4,
                "UdpInput.UnconnectedPcbIgnoresPortUnreachable": 3,
                "UdpInput.ReceiveQueueIsBoundedInBytes": 3,
                "UdpInput.EveryRandomDatagramIsCountedOnce": 3,
            },
        },
        {
            "target": "//tests/udp:udp_pcb_test",
            "cases": {
                "UdpPcb.OneSendIsOneDatagramIsOneReceive": 6,
                "UdpPcb.ShortBufferTruncatesTheDatagram": 3,
                "UdpPcb.NotifyRunsWhenADatagramIsQueued": 3,
            },
        },
        {
            "target": "//tests/udp:udp_echo_test",
            "cases": {
                "UdpEcho.EchoesEveryDatagramToItsSender": 5,
            },
        },
        # Part B: reliable UDP's RTO (apps/rudp/rudp_rtt.c)
        {
            "target": "//tests/rudp:rudp_unit_test",
            "cases": {
                "RudpRtt.Rfc6298Formulas": 10,
                "RudpRtt.ClampedAndBackedOff": 10,
            },
        },
        {
            "target": "//tests/rudp:rudp_transfer_test",
            "cases": {
                "RudpTransfer.CleanStopAndWaitStepByStep": 5,
                "RudpTransfer.LostPacketIsRetransmittedAfterRto": 5,
                "RudpTransfer.GivesUpWhenTheWireIsCut": 3,
                "StopAndWaitAndWindow/RudpLossy.OneMebibyteThroughLossDuplicationAndReordering/0": 3,
                "StopAndWaitAndWindow/RudpLossy.OneMebibyteThroughLossDuplicationAndReordering/1": 3,
            },
        },
    ],
}
