// fuzz_http.cc — the HTTP/1.1 message parser (RFC 9112): request heads,
// response heads, the request-target as a safe path, and the chunked
// decoder fed in pieces. The first input byte picks the piece size.
#include <cstring>
#include <string>

#include "apps/http/http_parser.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t piece = (size_t)data[0] % 16 + 1;
    data++;
    size--;

    http_request req;
    int rc = http_parse_request(data, size, &req);
    FUZZ_CHECK(rc <= (int)size, "request head %d of %zu bytes", rc, size);
    if (rc > 0) {
        FUZZ_CHECK(memchr(req.target, 0, sizeof req.target) != nullptr, "target unterminated");
        FUZZ_CHECK(req.fields <= HTTP_MAX_FIELDS, "%u fields", req.fields);
        char path[256];
        int prc = http_target_to_path(req.target, path, sizeof path);
        if (prc == 0)
            FUZZ_CHECK(path[0] == '/' && strstr(path, "/..") == nullptr && strstr(path, "/.") == nullptr,
                       "unsafe path \"%s\" from \"%s\"", path, req.target);
    } else if (rc < 0) {
        FUZZ_CHECK(http_reason(-rc)[0] != '\0', "status %d without a reason", -rc);
    }
    // The same bytes arriving in two parts: the head is found at the same place.
    if (rc > 0 && size > 1) {
        int partial = http_parse_request(data, (size_t)rc - 1, &req);
        FUZZ_CHECK(partial <= 0, "head found %d bytes early", rc - partial);
    }

    http_response_head resp;
    rc = http_parse_response(data, size, &resp);
    FUZZ_CHECK(rc <= (int)size, "response head %d of %zu bytes", rc, size);
    if (rc > 0)
        FUZZ_CHECK(resp.status >= 100 && resp.status <= 599, "status %d", resp.status);

    // The target parser on the bytes as a string (up to the first NUL).
    std::string target((const char *)data, strnlen((const char *)data, size));
    char path[64];
    int prc = http_target_to_path(target.c_str(), path, sizeof path);
    if (prc == 0)
        FUZZ_CHECK(path[0] == '/' && strstr(path, "/..") == nullptr, "unsafe path \"%s\"", path);

    // The chunked decoder, fed `piece` bytes at a time.
    http_chunked c;
    http_chunked_init(&c);
    size_t off = 0, body = 0;
    for (int guard = 0; off < size && !c.done; guard++) {
        FUZZ_CHECK(guard < 100000, "chunked decoder makes no progress at %zu", off);
        size_t n = std::min(piece, size - off);
        size_t used = 0;
        const uint8_t *d = nullptr;
        size_t dlen = 0;
        if (http_chunked_step(&c, data + off, n, &used, &d, &dlen) < 0)
            break;
        FUZZ_CHECK(used <= n, "used %zu of %zu", used, n);
        if (dlen > 0)
            FUZZ_CHECK(d >= data + off && d + dlen <= data + off + n, "data span outside input");
        body += dlen;
        FUZZ_CHECK(used > 0 || c.done, "no byte used");
        off += used;
    }
    FUZZ_CHECK(body <= size, "more body than input");
    return 0;
}
