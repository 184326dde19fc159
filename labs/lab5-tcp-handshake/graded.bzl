"""Lab 5's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module.
"marked": False until the lab regions are marked in stack/transport/tcp*.c
(see labs/README.md, "Status"): until then there is no starter to check."""

LAB = {
    "number": 5,
    "name": "tcp-handshake",
    "marked": False,
    "tests": [
        # Part A: the three-way handshake
        {
            "target": "//tests/tcp:tcp_open_test",
            "cases": {
                "TcpOpen.PassiveOpenAnswersSynWithSynAckAndWaitsForTheAck": 5,
                "TcpOpen.ActiveOpenSendsSynThenAcksTheSynAck": 5,
                "TcpOpen.SynAckAckingTheWrongSequenceIsAnsweredWithReset": 3,
                "TcpOpen.ResetAnsweringTheSynRefusesTheConnection": 3,
                "TcpOpen.HandshakeBetweenTwoStacksTakesOneRoundTrip": 4,
                "TcpOpen.SimultaneousOpenBetweenTwoStacks": 2,
            },
        },
        {"target": "//tests/script:passive_open", "script": "tests/script/tcp/passive_open.pkt", "points": 4},
        {"target": "//tests/script:active_open", "script": "tests/script/tcp/active_open.pkt", "points": 4},
        {"target": "//tests/script:handshake_old_duplicate_syn", "script": "tests/script/tcp/handshake_old_duplicate_syn.pkt", "points": 4},
        # Part B: the four-way close and CLOSE-WAIT
        {
            "target": "//tests/tcp:tcp_close_test",
            "cases": {
                "TcpClose.StackClosesFirst": 4,
                "TcpClose.PeerClosesFirstAndStackSendsDataBeforeItsFin": 4,
                "TcpClose.CloseWaitLastsUntilTheApplicationCloses": 4,
                "TcpClose.SimultaneousCloseGoesThroughClosing": 3,
                "TcpClosePair.ClientClosesFirstEveryStateInOrder": 7,
                "TcpClosePair.ServerClosesFirst": 3,
            },
        },
        {"target": "//tests/script:close_active", "script": "tests/script/tcp/close_active.pkt", "points": 4},
        {"target": "//tests/script:close_passive", "script": "tests/script/tcp/close_passive.pkt", "points": 4},
        {"target": "//tests/script:close_simultaneous", "script": "tests/script/tcp/close_simultaneous.pkt", "points": 3},
        # Part C: TIME-WAIT
        {
            "target": "//tests/tcp:tcp_timewait_test",
            "cases": {
                "TcpTimeWait.LastsExactlyTwoMsl": 5,
                "TcpTimeWait.RetransmittedFinIsAckedAgainAndRestartsTheTimer": 5,
                "TcpTimeWait.LostFinalAckBetweenTwoStacks": 5,
                "TcpTimeWait.OldDuplicateSynIsAnsweredWithAnAck": 5,
            },
        },
        {"target": "//tests/script:timewait_msl", "script": "tests/script/tcp/timewait_msl.pkt", "points": 3},
        {"target": "//tests/script:timewait_lost_ack", "script": "tests/script/tcp/timewait_lost_ack.pkt", "points": 3},
        {
            "target": "//tests/tcp:tcp_reuseaddr_test",
            "cases": {
                "TcpReuseAddr.RebindingAPortInTimeWaitFailsWithoutTheOption": 2,
                "TcpReuseAddr.RebindingAPortInTimeWaitWorksWithTheOption": 2,
            },
        },
    ],
}
