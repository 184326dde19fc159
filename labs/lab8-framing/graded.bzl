"""Lab 8's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 8,
    "name": "framing",
    "marked": True,
    "tests": [
        # Parts A and B: the encoder and the streaming decoder (apps/framing/)
        {
            "target": "//tests/framing:framing_codec_test",
            "cases": {
                "FramingCodec.LengthPrefixIsBigEndian": 10,
                "FramingCodec.EncoderRefusesWhatTheDecoderCouldNotSeparate": 10,
                "FramingCodec.EveryTwoWaySplitGivesBackTheMessages": 15,
                "FramingCodec.OneByteAtATime": 10,
                "FramingCodec.RandomMultiWaySplits": 15,
                "FramingCodec.OversizeLengthIsAClearStickyError": 10,
                "FramingCodec.MissingDelimiterAtTheLimitIsAClearError": 10,
                "FramingCodec.FeedStopsWhenAWholeFrameIsHeld": 5,
            },
        },
        # Part C: the codecs over real TCP (sticking and splitting happen)
        {
            "target": "//labs/lab8-framing:framing_tcp_test",
            "cases": {
                "FramingOverTcp.SmallWritesStickTogetherAndDecodeApart": 8,
                "FramingOverTcp.OneLargeMessageArrivesInPiecesAndDecodesWhole": 7,
            },
        },
    ],
}
