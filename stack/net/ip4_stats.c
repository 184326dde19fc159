/*
 * ip4_stats.c — the IP and ICMP counters printed like `netstat -s`.
 */
#include <inttypes.h>

#include "stack/net/icmp_priv.h"
#include "stack/net/ip4_priv.h"

#define LINE(out, n, text) fprintf(out, "    %" PRIu64 " " text "\n", (uint64_t)(n))
#define SUB(out, n, text) fprintf(out, "        %" PRIu64 " " text "\n", (uint64_t)(n))

void ip4_print_stats(const struct ip4 *ip, FILE *out)
{
    const struct ip4_stats *s = &ip->stats;
    const struct ip4_reass_stats *r = &ip->reass.stats;
    uint64_t bad_headers = s->in_too_short + s->in_bad_version + s->in_bad_ihl +
                           s->in_bad_total_len + s->in_bad_checksum + s->in_bad_options;

    fprintf(out, "Ip:\n");
    fprintf(out, "    Forwarding: 2 (host: datagrams not for us are dropped)\n");
    LINE(out, s->in_receives, "total packets received");
    LINE(out, bad_headers, "with invalid headers");
    SUB(out, s->in_too_short, "shorter than a header");
    SUB(out, s->in_bad_version, "with a version other than 4");
    SUB(out, s->in_bad_ihl, "with a bad header length");
    SUB(out, s->in_bad_total_len, "with a bad total length");
    SUB(out, s->in_bad_checksum, "with a bad header checksum");
    SUB(out, s->in_bad_options, "with malformed options");
    LINE(out, s->in_bad_source + s->in_not_for_us, "with invalid addresses");
    SUB(out, s->in_bad_source, "from a source that is not one host");
    SUB(out, s->in_not_for_us, "not for us");
    LINE(out, s->forwarded, "forwarded");
    LINE(out, s->in_unknown_protocol, "with unknown protocol");
    LINE(out, s->in_discards, "incoming packets discarded");
    LINE(out, s->in_delivers, "incoming packets delivered");
    LINE(out, s->out_requests, "requests sent out");
    LINE(out, s->out_transmits, "packets handed to devices");
    LINE(out, s->out_discards, "outgoing packets dropped");
    LINE(out, s->out_no_routes, "dropped because of missing route");
    LINE(out, s->out_arp_failed, "dropped because the next hop did not answer ARP");
    LINE(out, r->fragments, "fragments received");
    LINE(out, r->reassembled, "packets reassembled ok");
    LINE(out, r->failed, "packet reassemblies failed");
    SUB(out, r->timeouts, "timed out");
    SUB(out, r->overlaps, "with overlapping fragments (discarded, RFC 5722)");
    SUB(out, r->too_big, "longer than 65535 bytes");
    SUB(out, r->inconsistent, "with inconsistent ends");
    SUB(out, r->evicted, "evicted by the memory cap");
    LINE(out, r->duplicates, "duplicate fragments ignored");
    LINE(out, r->bad_fragments, "malformed fragments dropped");
    LINE(out, r->mem_drops, "fragments dropped for lack of memory");
    LINE(out, r->time_exceeded_asked, "reassembly timeouts reported (ICMP time exceeded)");
    LINE(out, r->datagrams_now, "datagrams being reassembled now");
    LINE(out, r->bytes_now, "bytes held for reassembly now");
    LINE(out, s->frag_oks, "fragmented ok");
    LINE(out, s->frag_fails, "fragmentations failed (DF set and too big)");
    LINE(out, s->frag_creates, "fragments created");
}

const char *icmp_type_name(uint8_t type)
{
    switch (type) {
    case ICMP_ECHO_REPLY: return "echo replies";
    case ICMP_DEST_UNREACH: return "destination unreachable";
    case ICMP_SOURCE_QUENCH: return "source quenches";
    case ICMP_REDIRECT: return "redirects";
    case ICMP_ECHO_REQUEST: return "echo requests";
    case ICMP_TIME_EXCEEDED: return "timeout in transit";
    case ICMP_PARAM_PROBLEM: return "wrong parameters";
    case ICMP_TIMESTAMP: return "timestamp requests";
    case ICMP_TIMESTAMP_REPLY: return "timestamp replies";
    default: return "other";
    }
}

static void print_histogram(FILE *out, const uint64_t counts[256])
{
    for (int t = 0; t < 256; t++)
        if (counts[t] != 0)
            fprintf(out, "        %s (type %d): %" PRIu64 "\n", icmp_type_name((uint8_t)t), t,
                    counts[t]);
}

void icmp_print_stats(const struct icmp *icmp, FILE *out)
{
    const struct icmp_stats *s = &icmp->stats;
    fprintf(out, "Icmp:\n");
    LINE(out, s->in_msgs, "ICMP messages received");
    LINE(out, s->in_too_short + s->in_bad_checksum, "input ICMP message failed");
    SUB(out, s->in_too_short, "too short");
    SUB(out, s->in_bad_checksum, "with a bad checksum");
    LINE(out, s->in_unknown_type, "of unknown type (discarded)");
    LINE(out, s->in_echo_ignored, "echo requests ignored (broadcast or bad source)");
    LINE(out, s->in_errors_delivered, "errors handed to their transport");
    LINE(out, s->in_error_bad_quote, "errors with an unusable quote");
    LINE(out, s->in_error_no_handler, "errors nobody was waiting for");
    LINE(out, s->in_echo_replies_unhandled, "echo replies with no ping client");
    fprintf(out, "    ICMP input histogram:\n");
    print_histogram(out, s->in_type);
    LINE(out, s->out_msgs, "ICMP messages sent");
    LINE(out, s->out_failed, "ICMP messages failed");
    LINE(out, s->err_suppressed_rate, "errors suppressed by the rate limit");
    LINE(out, s->err_suppressed_icmp_error, "errors not sent about an ICMP error");
    LINE(out, s->err_suppressed_broadcast, "errors not sent about a broadcast/multicast");
    LINE(out, s->err_suppressed_fragment, "errors not sent about a non-initial fragment");
    LINE(out, s->err_suppressed_source, "errors not sent to a source that is not one host");
    fprintf(out, "    ICMP output histogram:\n");
    print_histogram(out, s->out_type);
}
