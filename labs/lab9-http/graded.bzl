"""Lab 9's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module.
"marked": False until the lab regions are marked in apps/http/ (see
labs/README.md, "Status")."""

LAB = {
    "number": 9,
    "name": "http",
    "marked": False,
    "tests": [
        # Part A: answering requests
        {
            "target": "//tests/http:http_server_test",
            "cases": {
                "HttpServer.IndexHeadAndStatus": 10,
                "HttpServer.MalformedRequestsGetTheirStatusAndTheServerGoesOn": 10,
                # Part B: keep-alive
                "HttpServer.Http11KeepsOneConnectionForTwoRequests": 15,
                "HttpServer.Http10IsAShortConnection": 10,
                "HttpServer.PipelinedRequestsAreAnsweredInOrder": 15,
                "HttpServer.IdleKeepAliveConnectionIsClosedAfterTheTimeout": 15,
                "HttpServer.RequestLimitClosesTheConnection": 10,
                "HttpServer.LargeFileArrivesIntact": 5,
            },
        },
        # Part C: what happens when you open a URL
        {
            "target": "//tests/http:open_url_test",
            "cases": {
                "OpenUrl.PhasesComeInTheSeedsOrder": 10,
            },
        },
    ],
}
