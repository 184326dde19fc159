"""Lab 7's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module.
"marked": False until the lab regions are marked in stack/transport/tcp*.c
(see labs/README.md, "Status")."""

LAB = {
    "number": 7,
    "name": "tcp-retransmission",
    "marked": False,
    "tests": [
        # Part A: RTT estimation and the retransmission timer
        {
            "target": "//tests/tcp:tcp_rtt_test",
            "cases": {
                "TcpRtt.HandshakeGivesTheFirstSample": 4,
                "TcpRtt.SmoothedEstimateFollowsTheSamples": 6,
                "TcpRtt.KarnsRuleAndRecoveryAfterLoss": 6,
                "TcpRtt.TwoStacksMeasureTheirLink": 4,
            },
        },
        {
            "target": "//tests/tcp:tcp_retrans_test",
            "cases": {
                "TcpRetrans.SynBacksOffThenConnectTimesOut": 5,
                "TcpRetrans.SynAckIsRetransmittedThenTheHalfOpenConnectionDies": 4,
                "TcpRetrans.FinIsRetransmittedUntilAcked": 4,
                "TcpRetrans.DataIsRetransmittedWithBackoffAndDeliveredOnce": 8,
                "TcpRetrans.DataGivesUpAfterRetries": 4,
            },
        },
        {"target": "//tests/script:syn_retransmit", "script": "tests/script/tcp/syn_retransmit.pkt", "points": 5},
        # Part B: congestion control (slow start, congestion avoidance, fast retransmit)
        {
            "target": "//tests/tcp:tcp_cong_test",
            "cases": {
                "TcpCong.SlowStartDoublesEveryRoundTrip": 10,
                "TcpCong.TimeoutThenSlowStartToSsthreshThenLinear": 10,
                "TcpCong.FastRetransmitAfterExactlyThreeDuplicateAcks": 10,
                "TcpCong.NewRenoPartialAckRetransmitsTheNextHole": 5,
            },
        },
        # Part C: keepalive
        {
            "target": "//tests/tcp:tcp_keepalive_test",
            "cases": {
                "TcpKeepalive.ProbesAfterTwoHoursEverySeventyFiveSecondsThenDrops": 8,
                "TcpKeepalive.AnAnswerKeepsTheConnection": 4,
                "TcpKeepalive.ConfigurableThroughSocketOptions": 3,
            },
        },
    ],
}
