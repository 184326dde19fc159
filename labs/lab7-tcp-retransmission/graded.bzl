"""Lab 7's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 7,
    "name": "tcp-retransmission",
    "marked": True,
    "tests": [
        # Part A: RTT estimation and the retransmission timer
        {
            "target": "//tests/tcp:tcp_rtt_test",
            "cases": {
                "TcpRtt.HandshakeGivesTheFirstSample": 3,
                "TcpRtt.SmoothedEstimateFollowsTheSamples": 4,
                "TcpRtt.KarnsRuleAndRecoveryAfterLoss": 4,
                "TcpRtt.TwoStacksMeasureTheirLink": 3,
            },
        },
        {
            "target": "//tests/tcp:tcp_retrans_test",
            "cases": {
                "TcpRetrans.SynBacksOffThenConnectTimesOut": 4,
                "TcpRetrans.SynAckIsRetransmittedThenTheHalfOpenConnectionDies": 3,
                "TcpRetrans.FinIsRetransmittedUntilAcked": 3,
                "TcpRetrans.DataIsRetransmittedWithBackoffAndDeliveredOnce": 5,
                "TcpRetrans.DataGivesUpAfterRetries": 3,
            },
        },
        {
            "target": "//tests/tcp:tcp_timewait_test",
            "cases": {
                "TcpTimeWait.LostFinalAckBetweenTwoStacks": 3,
            },
        },
        {"target": "//tests/script:syn_retransmit", "script": "tests/script/tcp/syn_retransmit.pkt", "points": 3},
        {"target": "//tests/script:rto_backoff_karn", "script": "tests/script/tcp/rto_backoff_karn.pkt", "points": 4},
        # The persist timer backs off with the RTO too (lab 6 shows why it exists)
        {
            "target": "//tests/tcp:tcp_flow_test",
            "cases": {
                "TcpFlow.ZeroWindowIsProbedWithGrowingIntervals": 8,
            },
        },
        {"target": "//tests/script:zero_window_persist", "script": "tests/script/tcp/zero_window_persist.pkt", "points": 5},
        # Part B: congestion control (slow start, congestion avoidance, fast retransmit)
        {
            "target": "//tests/tcp:tcp_cong_test",
            "cases": {
                "TcpCong.SlowStartDoublesEveryRoundTrip": 7,
                "TcpCong.TimeoutThenSlowStartToSsthreshThenLinear": 6,
                "TcpCong.FastRetransmitAfterExactlyThreeDuplicateAcks": 6,
                "TcpCong.NewRenoPartialAckRetransmitsTheNextHole": 3,
            },
        },
        {"target": "//tests/script:slow_start", "script": "tests/script/tcp/slow_start.pkt", "points": 4},
        {"target": "//tests/script:fast_retransmit_newreno", "script": "tests/script/tcp/fast_retransmit_newreno.pkt", "points": 4},
        # Part C: keepalive
        {
            "target": "//tests/tcp:tcp_keepalive_test",
            "cases": {
                "TcpKeepalive.ProbesAfterTwoHoursEverySeventyFiveSecondsThenDrops": 5,
                "TcpKeepalive.AnAnswerKeepsTheConnection": 3,
                "TcpKeepalive.ConfigurableThroughSocketOptions": 3,
            },
        },
        {"target": "//tests/script:keepalive", "script": "tests/script/tcp/keepalive.pkt", "points": 4},
    ],
}
