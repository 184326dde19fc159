"""Lab 5's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 5,
    "name": "tcp-handshake",
    "marked": True,
    "tests": [
        # Part A: the three-way handshake (the active side, simultaneous open)
        {
            "target": "//tests/tcp:tcp_open_test",
            "cases": {
                "TcpOpen.ActiveOpenSendsSynThenAcksTheSynAck": 6,
                "TcpOpen.SimultaneousOpenAgainstAScriptedPeer": 4,
                "TcpOpen.SimultaneousOpenBetweenTwoStacks": 3,
                "TcpOpen.HandshakeBetweenTwoStacksTakesOneRoundTrip": 5,
            },
        },
        {"target": "//tests/script:active_open", "script": "tests/script/tcp/active_open.pkt", "points": 4},
        {"target": "//tests/script:simultaneous_open", "script": "tests/script/tcp/simultaneous_open.pkt", "points": 4},
        {"target": "//tests/script:blocking_connect", "script": "tests/script/tcp/blocking_connect.pkt", "points": 3},
        # Part B: the four-way close, half-close and CLOSE-WAIT
        {
            "target": "//tests/tcp:tcp_close_test",
            "cases": {
                "TcpClose.StackClosesFirst": 5,
                "TcpClose.PeerClosesFirstAndStackSendsDataBeforeItsFin": 5,
                "TcpClose.CloseWaitLastsUntilTheApplicationCloses": 5,
                "TcpClose.SimultaneousCloseGoesThroughClosing": 4,
                "TcpClosePair.HalfCloseWithDataStillFlowingTheOtherWay": 4,
            },
        },
        {"target": "//tests/script:close_active", "script": "tests/script/tcp/close_active.pkt", "points": 4},
        {"target": "//tests/script:close_passive", "script": "tests/script/tcp/close_passive.pkt", "points": 4},
        {"target": "//tests/script:close_simultaneous", "script": "tests/script/tcp/close_simultaneous.pkt", "points": 3},
        {"target": "//tests/script:half_close_peer", "script": "tests/script/tcp/half_close_peer.pkt", "points": 4},
        # Part C: TIME-WAIT and SO_REUSEADDR
        {
            "target": "//tests/tcp:tcp_timewait_test",
            "cases": {
                "TcpTimeWait.LastsExactlyTwoMsl": 5,
                "TcpTimeWait.MslIsConfigurable": 2,
                "TcpTimeWait.RetransmittedFinIsAckedAgainAndRestartsTheTimer": 5,
                "TcpTimeWait.OldDuplicateSynIsAnsweredWithAnAck": 2,
                "TcpTimeWait.NewSynBeyondTheOldConnectionReopensIt": 2,
                "TcpTimeWait.ConnectToATupleInTimeWaitFails": 2,
            },
        },
        {"target": "//tests/script:timewait_msl", "script": "tests/script/tcp/timewait_msl.pkt", "points": 3},
        {"target": "//tests/script:timewait_lost_ack", "script": "tests/script/tcp/timewait_lost_ack.pkt", "points": 3},
        {"target": "//tests/script:reuseaddr_timewait", "script": "tests/script/tcp/reuseaddr_timewait.pkt", "points": 3},
        {
            "target": "//tests/tcp:tcp_reuseaddr_test",
            "cases": {
                "TcpReuseAddr.RebindingAPortInTimeWaitFailsWithoutTheOption": 3,
                "TcpReuseAddr.RebindingAPortInTimeWaitWorksWithTheOption": 3,
            },
        },
    ],
}
