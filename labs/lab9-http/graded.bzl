"""Lab 9's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 9,
    "name": "http",
    "marked": True,
    "tests": [
        {
            "target": "//tests/http:http_server_test",
            "cases": {
                # Part A: answering, and the Connection header it carries
                "HttpServer.IndexHeadAndStatus": 12,
                "HttpServer.MalformedRequestsGetTheirStatusAndTheServerGoesOn": 11,
                # Part B: keep-alive, short connections, pipelining, the limits
                "HttpServer.Http11KeepsOneConnectionForTwoRequests": 18,
                "HttpServer.Http10IsAShortConnection": 11,
                "HttpServer.PipelinedRequestsAreAnsweredInOrder": 18,
                "HttpServer.IdleKeepAliveConnectionIsClosedAfterTheTimeout": 18,
                "HttpServer.RequestLimitClosesTheConnection": 12,
            },
        },
    ],
}
