/*
 * open_url_demo — "what happens when you open http://www.tunlab.test/",
 * packet by packet, for the slides (the seed's 输入 URL 发生了什么):
 *
 *     bazel run //apps/http:open_url_demo [-- --pcap FILE] [-- --url URL] [--seed N]
 *
 * Two tunlab stacks on a simulated Ethernet link, in virtual time, so every
 * run prints the same trace. Prints the steps, then the whole trace like
 * tcpdump, and writes the client's view as a pcap for Wireshark.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/http/open_url.h"
#include "stack/dump/dump.h"
#include "stack/phy/pcap.h"

#define MAX_STEPS 64

int main(int argc, char **argv)
{
    const char *pcap = "/tmp/tunlab-open-url.pcap", *url = NULL;
    uint64_t seed = 1;
    struct open_url_result run;
    char steps[MAX_STEPS][OPEN_URL_STEP_LEN];
    size_t count;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pcap") == 0 && i + 1 < argc)
            pcap = argv[++i];
        else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            url = argv[++i];
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: open_url_demo [--pcap FILE] [--url URL] [--seed N]\n");
            return 2;
        }
    }
    if (open_url_run(seed, url, &run) < 0) {
        fprintf(stderr, "open_url_demo: cannot set up the two stacks\n");
        return 1;
    }
    printf("client 10.0.0.1 opens %s; server 10.0.0.2 runs DNS (tunlab.test) and HTTP\n"
           "(two tunlab stacks on a simulated Ethernet link, 1 ms each way, seed %llu)\n\n",
           url != NULL ? url : "http://www.tunlab.test/", (unsigned long long)seed);
    if (run.error != 0)
        printf("the fetch failed: %s\n\n", strerror(-run.error));
    else
        printf("HTTP %d, %llu body bytes: \"%.60s...\"\n\n", run.status,
               (unsigned long long)run.body_bytes, run.body_start);

    count = open_url_steps(run.trace, steps, MAX_STEPS);
    printf("The packets, in the order they were sent:\n");
    for (size_t i = 0; i < count && i < MAX_STEPS; i++)
        printf("  %2zu. %s\n", i + 1, steps[i]);
    printf("\nThe server is also the DNS server here, on the same link, so the ARP\n"
           "exchange comes first (for the DNS query); the TCP connection to the same\n"
           "address then finds the MAC in the ARP cache. With a web server elsewhere the\n"
           "client would ARP for its gateway instead (the seed's \"same subnet?\" test).\n");

    printf("\nThe whole trace (like tcpdump -n -S; both stacks):\n");
    dump_trace(run.trace, stdout);
    long n = pcap_write_trace(run.trace, pcap, PCAP_LINKTYPE_ETHERNET, "client");
    if (n < 0)
        fprintf(stderr, "open_url_demo: cannot write %s: %s\n", pcap, strerror((int)-n));
    else
        printf("\n%ld packets (the client's view) written to %s (tshark -r %s)\n", n, pcap, pcap);
    open_url_free(&run);
    return 0;
}
