"""The hidden tests (instructors only; make_starter.sh leaves labs/hidden/ out).

    tools/labs/grade.py run --hidden ...     adds these to each lab's grade,
                                             with Gradescope visibility
                                             "after_published"

Plain literals only: grade.py reads this file with Python's ast module."""

HIDDEN = [
    {"number": 1, "tests": [{"target": "//labs/hidden:hidden_test", "cases": {
        "Lab1Hidden.ChecksumOfACapturedIcmpEchoRequest": 5,
        "Lab1Hidden.EmptyRecordHasZeroLengths": 5,
    }}]},
    {"number": 2, "tests": [{"target": "//labs/hidden:hidden_test", "cases": {
        "Lab2Hidden.FortySixByteIsNotPaddedFortyFiveIs": 5,
        "Lab2Hidden.FrameForUsIsDeliveredWithItsSourceMac": 5,
    }}]},
    {"number": 3, "tests": [{"target": "//labs/hidden:hidden_test", "cases": {
        "Lab3Hidden.HeaderWithOptionsParsesAndItsChecksumCoversThem": 10,
    }}]},
    {"number": 4, "tests": [{"target": "//labs/hidden:hidden_test", "cases": {
        "Lab4Hidden.BackoffNeverOverflowsAndStopsAtTheCeiling": 5,
        "Lab4Hidden.SteadySamplesShrinkTheVariance": 5,
    }}]},
    {"number": 8, "tests": [{"target": "//labs/hidden:hidden_test", "cases": {
        "Lab8Hidden.EmptyMessagesAreMessagesToo": 5,
        "Lab8Hidden.DelimiterSplitRightBeforeAndAfterIt": 5,
    }}]},
]
