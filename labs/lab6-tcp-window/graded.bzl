"""Lab 6's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 6,
    "name": "tcp-window",
    "marked": True,
    "tests": [
        # Part A: the send window (P1, P2, P3) and flow control
        {
            "target": "//tests/tcp:tcp_flow_test",
            "cases": {
                "TcpFlow.TheSeedsWindow400Example": 22,
                "TcpFlow.ReceiverAdvertisesFreeSpaceAndAvoidsSillyWindows": 10,
                "TcpFlow.SlowReaderThrottlesAFastSender": 10,
            },
        },
        {"target": "//tests/script:flow_window400", "script": "tests/script/tcp/flow_window400.pkt", "points": 6},
        # Part B: the receive window and out-of-order segments
        {
            "target": "//tests/tcp:tcp_reass_test",
            "cases": {
                "TcpReass.TheSeedsExample": 18,
                "TcpReass.OutOfOrderFinWaitsForTheGap": 7,
                "TcpReass.ReorderingLinkDeliversTheStreamIntact": 7,
            },
        },
        {"target": "//tests/script:flow_window20", "script": "tests/script/tcp/flow_window20.pkt", "points": 6},
        # Small segments: Nagle, silly windows
        {
            "target": "//tests/tcp:tcp_delack_test",
            "cases": {
                "TcpNagle.SmallWritesAreCoalescedWhileOneIsUnacked": 5,
                "TcpNagle.FullSegmentsAreNeverHeld": 3,
            },
        },
        {"target": "//tests/script:nagle_sticky", "script": "tests/script/tcp/nagle_sticky.pkt", "points": 4},
        {"target": "//tests/script:half_close_stack", "script": "tests/script/tcp/half_close_stack.pkt", "points": 2},
    ],
}
