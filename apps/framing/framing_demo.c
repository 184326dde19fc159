/*
 * framing_demo — the seed's "TCP 粘包、拆包" (messages sticking together and
 * splitting) made visible, then fixed with each framing codec, and UDP's
 * message boundaries by contrast ("UDP 会不会粘包").
 *
 *     bazel run //apps/framing:framing_demo
 *
 * Two tunlab stacks on a simulated link (1 ms each way, virtual time, so
 * every run prints the same thing). The client's sends and the server's
 * recv() results are printed side by side, with the TCP segments that
 * actually crossed the wire, so a student sees that TCP keeps bytes in
 * order but not the boundaries of the writes that produced them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apps/framing/demo_pair.h"
#include "apps/framing/framing.h"
#include "stack/dump/dump.h"
#include "stack/core/byteorder.h"
#include "stack/socket/socket.h"

#define PORT 5000
#define MAX_MSG 8192

struct demo {
    struct demo_pair *pair;
    int client_fd, server_fd;
    size_t trace_mark;   /* trace events already counted */
};

/* Data segments (or UDP datagrams and their fragments) the client sent
 * since the last call: "3 segments: 1460 1460 1080". */
static void print_wire(struct demo *d, int proto)
{
    const struct trace *t = demo_trace(d->pair);
    char sizes[512] = "";
    size_t used = 0;
    int count = 0;

    for (size_t i = d->trace_mark; i < t->count; i++) {
        const struct trace_event *ev = &t->events[i];
        const uint8_t *ip = ev->bytes;
        size_t ihl, payload;

        if (ev->kind != TRACE_PKT_OUT || strcmp(ev->node, "client") != 0 || ev->cap_len < 40 ||
            ip[9] != proto)
            continue;
        ihl = (size_t)(ip[0] & 0x0f) * 4;
        payload = be16_read(ip + 2) - ihl;
        if (proto == 6)
            payload -= (size_t)(ip[ihl + 12] >> 4) * 4;   /* minus the TCP header */
        if (payload == 0)
            continue;   /* a bare ACK */
        count++;
        if (used < sizeof(sizes) - 16)
            used += (size_t)snprintf(sizes + used, sizeof(sizes) - used, " %zu", payload);
    }
    d->trace_mark = t->count;
    printf("    on the wire: %d %s carrying data:%s\n", count,
           proto == 6 ? "TCP segment(s)" : "IP packet(s) (fragments)", sizes);
}

static void send_all(struct demo *d, const void *buf, size_t len)
{
    size_t off = 0;
    for (int tries = 0; off < len && tries < 1000; tries++) {
        ssize_t n = socket_send(d->pair->client, d->client_fd, (const uint8_t *)buf + off,
                                len - off, demo_now(d->pair));
        if (n > 0)
            off += (size_t)n;
        else
            demo_run_for(d->pair, usec_from_msec(1));   /* wait for send space */
    }
}

/* Read everything that arrives within `ms` milliseconds, `chunk` bytes per
 * recv() at most, printing what each call returned; each chunk also goes to
 * the decoder (NULL: none) and the messages it completes are printed. */
static void receive(struct demo *d, size_t chunk, int ms, struct framing_decoder *dec)
{
    static uint8_t buf[MAX_MSG];
    int call = 0;

    for (int step = 0; step < ms; step++) {
        demo_run_for(d->pair, usec_from_msec(1));
        for (;;) {
            ssize_t n = socket_recv(d->pair->server, d->server_fd, buf, chunk,
                                    demo_now(d->pair));
            if (n <= 0)
                break;
            call++;
            if (dec == NULL) {
                printf("    recv() #%d returned %4zd bytes: \"%.*s%s\"\n", call, n,
                       n > 40 ? 40 : (int)n, (const char *)buf, n > 40 ? "..." : "");
                continue;
            }
            printf("    recv() #%d returned %4zd bytes ->", call, n);
            size_t off = 0;
            int popped = 0;
            while (off < (size_t)n) {
                const uint8_t *msg;
                size_t len;
                int rc;
                off += framing_feed(dec, buf + off, (size_t)n - off);
                while ((rc = framing_next(dec, &msg, &len)) == 1) {
                    printf(" [%zu bytes \"%.*s\"]", len, len > 12 ? 12 : (int)len,
                           (const char *)msg);
                    popped++;
                }
                if (rc < 0) {
                    printf(" error: %s\n", framing_error_text(dec));
                    return;
                }
            }
            printf("%s (%zu bytes held)\n", popped ? "" : " no whole message yet",
                   framing_pending(dec));
        }
    }
}

static void fill(char *buf, size_t len, char c, int number)
{
    int head = snprintf(buf, len + 1, "msg%d:", number);
    if (head > 0 && (size_t)head < len)
        memset(buf + head, c, len - (size_t)head);
}

static void part_no_framing(struct demo *d)
{
    static char big[4000];
    static const char *small[] = {"hello-1;", "hello-2;", "hello-3;", "hello-4;", "hello-5;"};

    printf("\n== 1. TCP without framing: the receiver cannot see the writes ==\n");
    printf("\n  a) five small send() calls of 8 bytes, one after the other (Nagle may\n"
           "     hold the later ones while the first is unacknowledged; the server\n"
           "     reads 10 ms later)\n");
    for (size_t i = 0; i < 5; i++) {
        socket_send(d->pair->client, d->client_fd, small[i], strlen(small[i]), demo_now(d->pair));
        printf("    send(\"%s\")\n", small[i]);
    }
    demo_run_for(d->pair, usec_from_msec(10));
    print_wire(d, 6);
    receive(d, 512, 1, NULL);
    printf("    -> the five messages stuck together (粘包): one read, no boundaries.\n");

    printf("\n  b) one send() of 4000 bytes; the server reads each millisecond with a\n"
           "     1000-byte buffer\n");
    fill(big, sizeof(big), 'x', 1);
    send_all(d, big, sizeof(big));
    printf("    send(4000 bytes)\n");
    receive(d, 1000, 200, NULL);
    print_wire(d, 6);
    printf("    -> one message split (拆包): by the MSS on the wire, by the buffer at recv().\n");
}

static void part_codec(struct demo *d, const struct framing_config *cfg)
{
    static const size_t sizes[] = {20, 3000, 5, 1500, 40};
    struct framing_decoder dec;
    static char msg[MAX_MSG];
    static uint8_t frame[MAX_MSG + 8];

    printf("\n  %s:", framing_kind_name(cfg->kind));
    if (cfg->kind == FRAMING_FIXED)
        printf(" every message is %zu bytes (short ones padded with zeros)\n", cfg->fixed_len);
    else if (cfg->kind == FRAMING_LENGTH_PREFIX)
        printf(" a 4-byte big-endian length before each message\n");
    else
        printf(" '\\n' after each message (which must not contain one)\n");
    if (framing_decoder_init(&dec, cfg) < 0)
        return;
    printf("    sends:");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        /* Fixed-length records are short by nature: 20 64 5 53 40. */
        size_t len = cfg->kind == FRAMING_FIXED && sizes[i] > cfg->fixed_len
                         ? sizes[i] % cfg->fixed_len + 5
                         : sizes[i];
        fill(msg, len, 'a' + (char)i, (int)i + 1);
        ssize_t n = framing_encode(cfg, msg, len, frame, sizeof(frame));
        if (n < 0)
            continue;
        send_all(d, frame, (size_t)n);
        printf(" %zu", len);
    }
    printf(" bytes of payload, framed, back to back\n");
    receive(d, 1024, 200, &dec);
    print_wire(d, 6);
    printf("    -> %llu messages out, each whole, however recv() cut the stream.\n",
           (unsigned long long)dec.messages);
    framing_decoder_free(&dec);
}

static void part_udp(struct demo *d)
{
    static const size_t sizes[] = {2000, 4000, 6000};
    static uint8_t buf[8192];
    struct sock_addr to = {DEMO_SERVER_ADDR, PORT}, any = {0, PORT};
    int cfd = socket_open(d->pair->client, SOCK_TYPE_DGRAM);
    int sfd = socket_open(d->pair->server, SOCK_TYPE_DGRAM);

    printf("\n== 3. UDP keeps message boundaries (UDP 不会粘包) ==\n");
    if (cfd < 0 || sfd < 0 || socket_bind(d->pair->server, sfd, &any) < 0)
        return;
    for (size_t i = 0; i < 3; i++) {
        memset(buf, 'A' + (int)i, sizes[i]);
        socket_sendto(d->pair->client, cfd, buf, sizes[i], &to, demo_now(d->pair));
        printf("    sendto(%zu bytes)\n", sizes[i]);
    }
    demo_run_for(d->pair, usec_from_msec(10));
    print_wire(d, 17);
    for (int i = 1; i <= 4; i++) {
        ssize_t n = socket_recvfrom(d->pair->server, sfd, buf, sizeof(buf), NULL,
                                    demo_now(d->pair));
        if (n < 0) {
            printf("    recvfrom() #%d: %s (nothing more)\n", i, socket_strerror((int)n));
            break;
        }
        printf("    recvfrom() #%d returned %zd bytes, all '%c'\n", i, n, buf[0]);
    }
    printf("    -> one sendto(), one datagram, one recvfrom(): the 6000-byte one\n"
           "       crossed as IP fragments (MTU 1500) and was reassembled whole.\n");
    socket_close(d->pair->client, cfd, demo_now(d->pair));
    socket_close(d->pair->server, sfd, demo_now(d->pair));
}

static int connect_pair(struct demo *d)
{
    struct sock_addr any = {0, PORT}, server = {DEMO_SERVER_ADDR, PORT};
    int lfd = socket_open(d->pair->server, SOCK_TYPE_STREAM);

    if (lfd < 0 || socket_bind(d->pair->server, lfd, &any) < 0 ||
        socket_listen(d->pair->server, lfd, 4, demo_now(d->pair)) < 0)
        return -1;
    d->client_fd = socket_open(d->pair->client, SOCK_TYPE_STREAM);
    if (d->client_fd < 0)
        return -1;
    socket_connect(d->pair->client, d->client_fd, &server, demo_now(d->pair));
    demo_run_for(d->pair, usec_from_msec(10));
    d->server_fd = socket_accept(d->pair->server, lfd, NULL, demo_now(d->pair));
    socket_close(d->pair->server, lfd, demo_now(d->pair));
    return d->server_fd < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct demo d = {0};
    struct framing_config codecs[3] = {
        framing_length_prefix(MAX_MSG),
        framing_fixed(64),
        framing_delimiter('\n', MAX_MSG),
    };

    d.pair = demo_pair_new(1, NETDEV_LINK_IP);
    if (d.pair == NULL || connect_pair(&d) < 0) {
        fprintf(stderr, "framing_demo: cannot set up the two stacks\n");
        demo_pair_free(d.pair);
        return 1;
    }
    d.trace_mark = demo_trace(d.pair)->count;
    printf("client 10.0.0.1 ── TCP port %d ──> server 10.0.0.2 (simulated link, 1 ms, MTU 1500)\n",
           PORT);
    part_no_framing(&d);
    printf("\n== 2. The same stream with framing: the receiver finds every message ==\n");
    for (int i = 0; i < 3; i++)
        part_codec(&d, &codecs[i]);
    part_udp(&d);
    socket_close(d.pair->client, d.client_fd, demo_now(d.pair));
    socket_close(d.pair->server, d.server_fd, demo_now(d.pair));
    demo_run_for(d.pair, usec_from_msec(100));
    if (argc > 1 && strcmp(argv[1], "--trace") == 0) {
        printf("\n== The whole trace (both stacks) ==\n");
        dump_trace(demo_trace(d.pair), stdout);
    }
    demo_pair_free(d.pair);
    return 0;
}
