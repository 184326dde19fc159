"""Lab 6's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module.
"marked": False until the lab regions are marked in stack/transport/tcp*.c
(see labs/README.md, "Status")."""

LAB = {
    "number": 6,
    "name": "tcp-window",
    "marked": False,
    "tests": [
        # Part A: the send window (SND.UNA, SND.NXT, SND.UNA + SND.WND)
        {
            "target": "//tests/tcp:tcp_flow_test",
            "cases": {
                "TcpFlow.TheSeedsWindow400Example": 20,
                "TcpFlow.ZeroWindowIsProbedWithGrowingIntervals": 10,
                "TcpFlow.ReceiverAdvertisesFreeSpaceAndAvoidsSillyWindows": 10,
                "TcpFlow.SlowReaderThrottlesAFastSender": 10,
            },
        },
        # Part B: the receive window and out-of-order segments
        {
            "target": "//tests/tcp:tcp_reass_test",
            "cases": {
                "TcpReass.TheSeedsExample": 20,
                "TcpReass.OutOfOrderFinWaitsForTheGap": 10,
                "TcpReass.ReorderingLinkDeliversTheStreamIntact": 10,
            },
        },
        {
            "target": "//tests/tcp:tcp_delack_test",
            "cases": {
                "TcpNagle.SmallWritesAreCoalescedWhileOneIsUnacked": 5,
                "TcpNagle.FullSegmentsAreNeverHeld": 5,
            },
        },
    ],
}
