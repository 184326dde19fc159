/*
 * session.c — the presentation/session slide: the fix for TCP 粘包/拆包.
 * The client frames three messages (5, 300 and 2000 bytes) with a 4-byte
 * length header (apps/framing) and sends them back to back; the server's
 * recv(700) cuts the stream wherever it likes, and the decoder still
 * returns the three messages whole.
 */
#include <string.h>

#include "apps/framing/framing.h"
#include "slides/scenarios/scenario.h"
#include "stack/socket/socket.h"

static int length_prefix(const char *out)
{
    static const size_t sizes[] = {5, 300, 2000};
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    struct framing_config cfg = framing_length_prefix(65536);
    struct framing_decoder dec;
    int lfd, cfd, afd, rc = -1, decoder_ready = 0;
    static uint8_t msg[2000], frame[2100], buf[700];
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (framing_decoder_init(&dec, &cfg) < 0) {
        scenario_fail("framing_decoder_init");
        goto done;
    }
    decoder_ready = 1;
    if (scenario_connect(p, 5000, 0, &lfd, &cfd, &afd) < 0)
        goto done;
    shim_run_for(p, MSEC(100));
    trace_clear(sim_world_trace(p->world));
    scenario_note(p, "client", "3 x send(): 4+5, 4+300, 4+2000 bytes");
    for (size_t i = 0; i < 3; i++) {
        memset(msg, 'a' + (int)i, sizes[i]);
        ssize_t n = framing_encode(&cfg, msg, sizes[i], frame, sizeof frame);
        if (n < 0 || socket_send(p->client, cfd, frame, (size_t)n, shim_now(p)) != n) {
            scenario_fail("framed send %zu failed", i);
            goto done;
        }
    }
    shim_run_for(p, MSEC(50));
    ssize_t n;
    while ((n = socket_recv(p->server, afd, buf, sizeof buf, shim_now(p))) > 0) {
        const uint8_t *m;
        size_t len;
        scenario_note(p, "server", "recv(700) = %zd", n);
        framing_feed(&dec, buf, (size_t)n);
        while (framing_next(&dec, &m, &len) == 1)
            scenario_note(p, "server", "  decoded: a message of %zu bytes ('%c'...)", len, m[0]);
    }
    shim_run_for(p, MSEC(50));
    rc = scenario_save(p, out);
done:
    if (decoder_ready)
        framing_decoder_free(&dec);
    shim_pair_free(p);
    return rc;
}

const struct scenario session_scenarios[] = {
    {"framing", "three length-prefixed messages, read 700 bytes at a time", length_prefix},
    {NULL, NULL, NULL},
};
