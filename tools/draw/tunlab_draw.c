/*
 * tunlab_draw.c — the tunlab-draw command: draw a saved trace or a pcap.
 *
 *   tunlab-draw ladder      --trace run.trace -o handshake.svg
 *   tunlab-draw ladder-text --trace run.trace
 *   tunlab-draw seqplot     --pcap client.pcap --conn 10.0.0.1:40000>10.0.0.2:80 -o seq.svg
 *   tunlab-draw cwnd        --trace run.trace -o cwnd.svg
 *   tunlab-draw dump        --trace run.trace
 *
 * Exit status: 0 done, 1 the input could not be read or drawn (the message
 * names the file and line), 2 bad arguments (with the usage).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/dump/dump.h"
#include "tools/draw/draw_input.h"
#include "tools/draw/ladder.h"
#include "tools/draw/plots.h"
#include "tools/draw/trace_file.h"

#define EXIT_INPUT 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: tunlab-draw COMMAND (--trace FILE | --pcap FILE) [options]\n"
    "\n"
    "commands:\n"
    "  ladder        ladder (sequence) diagram, SVG\n"
    "  ladder-text   the same ladder as fixed-width text\n"
    "  seqplot       time-sequence plot of one direction of a TCP connection, SVG\n"
    "  cwnd          cwnd and ssthresh over time (from the trace's variables), SVG\n"
    "  dump          every event, one line each, tcpdump style\n"
    "\n"
    "input (exactly one):\n"
    "  --trace FILE  a trace saved by trace_file_save (format: tools/draw/trace_file.h)\n"
    "  --pcap FILE   a pcap capture: nodes are the IP addresses; one capture point,\n"
    "                so each packet's receive time is its capture time\n"
    "\n"
    "options:\n"
    "  -o FILE           write here instead of standard output\n"
    "  --conn A:P>B:Q    one connection, e.g. 10.0.0.1:40000>10.0.0.2:80\n"
    "                    (seqplot, cwnd: the data that A sends)\n"
    "  --nodes a,b       ladders: these timelines, in this order\n"
    "  --absolute        absolute sequence numbers (default: relative to each ISN)\n"
    "  --win WHEN        ladders: print win= on changes (default), always or never\n"
    "  --notes           ladders: write the stack's notes beside the timelines\n"
    "  --title TEXT      the figure's heading\n"
    "  -h, --help        this text\n";

struct args {
    const char *command;
    const char *trace_path, *pcap_path, *out_path;
    const char *conn, *nodes, *title;
    bool absolute, notes;
    enum label_window window;
};

static int usage_error(const char *fmt, const char *what)
{
    fputs("tunlab-draw: ", stderr);
    fprintf(stderr, fmt, what);
    fputs("\n\n", stderr);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

static bool is_command(const char *s)
{
    static const char *const commands[] = {"ladder", "ladder-text", "seqplot", "cwnd", "dump"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(s, commands[i]) == 0)
            return true;
    return false;
}

/* Returns -1 when the arguments are good, else the exit status. */
static int parse_args(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    a->window = LABEL_WIN_CHANGES;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **value = NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(arg, "--absolute") == 0) {
            a->absolute = true;
            continue;
        }
        if (strcmp(arg, "--notes") == 0) {
            a->notes = true;
            continue;
        }
        if (strcmp(arg, "--trace") == 0)
            value = &a->trace_path;
        else if (strcmp(arg, "--pcap") == 0)
            value = &a->pcap_path;
        else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0)
            value = &a->out_path;
        else if (strcmp(arg, "--conn") == 0)
            value = &a->conn;
        else if (strcmp(arg, "--nodes") == 0)
            value = &a->nodes;
        else if (strcmp(arg, "--title") == 0)
            value = &a->title;
        if (value != NULL || strcmp(arg, "--win") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", arg);
            const char *v = argv[++i];
            if (value == NULL) {
                if (strcmp(v, "changes") == 0)
                    a->window = LABEL_WIN_CHANGES;
                else if (strcmp(v, "always") == 0)
                    a->window = LABEL_WIN_ALWAYS;
                else if (strcmp(v, "never") == 0)
                    a->window = LABEL_WIN_NEVER;
                else
                    return usage_error("--win takes changes, always or never, not '%s'", v);
                continue;
            }
            if (*value != NULL)
                return usage_error("%s given twice", arg);
            *value = v;
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0')
            return usage_error("unknown option '%s'", arg);
        if (a->command != NULL)
            return usage_error("unexpected argument '%s' (one command only)", arg);
        if (!is_command(arg))
            return usage_error("unknown command '%s'", arg);
        a->command = arg;
    }
    if (a->command == NULL)
        return usage_error("%s", "no command given");
    if ((a->trace_path == NULL) == (a->pcap_path == NULL))
        return usage_error("%s", "give exactly one input: --trace FILE or --pcap FILE");
    bool ladder = strncmp(a->command, "ladder", 6) == 0;
    if (!ladder && (a->nodes != NULL || a->notes))
        return usage_error("--nodes and --notes apply to ladders, not to '%s'", a->command);
    return -1;
}

static int load_input(const struct args *a, struct trace *t, char *caption, size_t caplen)
{
    char err[256];
    int rc;
    caption[0] = '\0';
    if (a->trace_path != NULL) {
        rc = trace_file_load(a->trace_path, t, err, sizeof err);
    } else {
        size_t skipped = 0;
        rc = draw_load_pcap(a->pcap_path, t, &skipped, err, sizeof err);
        if (skipped > 0)
            snprintf(caption, caplen, "%s (%zu frames neither IPv4 nor ARP left out)",
                     DRAW_PCAP_CAPTION, skipped);
        else
            snprintf(caption, caplen, "%s", DRAW_PCAP_CAPTION);
    }
    if (rc < 0) {
        fprintf(stderr, "tunlab-draw: %s\n", err);
        return EXIT_INPUT;
    }
    if (t->dropped > 0)
        fprintf(stderr, "tunlab-draw: warning: %llu events were not kept (trace limit)\n",
                (unsigned long long)t->dropped);
    return 0;
}

/* Draw into `out`. Returns 0 or an exit status, with a message printed. */
static int draw(const struct args *a, const struct trace *t, const char *caption, FILE *out)
{
    char err[256] = "";
    int rc = 0;
    struct plot_options popt = {a->conn, a->absolute, a->title, caption[0] ? caption : NULL};

    if (strcmp(a->command, "dump") == 0) {
        dump_trace(t, out);
    } else if (strcmp(a->command, "seqplot") == 0) {
        struct seqplot p;
        if ((rc = seqplot_build(t, &popt, &p, err, sizeof err)) == 0) {
            rc = seqplot_write_svg(&p, &popt, out);
            seqplot_free(&p);
        }
    } else if (strcmp(a->command, "cwnd") == 0) {
        struct cwnd_plot p;
        if ((rc = cwnd_plot_build(t, &popt, &p, err, sizeof err)) == 0) {
            rc = cwnd_plot_write_svg(&p, &popt, out);
            cwnd_plot_free(&p);
        }
    } else {
        struct ladder_options lopt = {
            .absolute = a->absolute, .window = a->window, .conn = a->conn, .nodes = a->nodes,
            .notes = a->notes, .title = a->title, .caption = caption[0] ? caption : NULL,
        };
        struct ladder l;
        if ((rc = ladder_build(t, &lopt, &l, err, sizeof err)) == 0) {
            rc = strcmp(a->command, "ladder") == 0 ? ladder_write_svg(&l, out)
                                                   : ladder_write_text(&l, out);
            ladder_free(&l);
        }
    }
    if (rc < 0) {
        fprintf(stderr, "tunlab-draw: %s\n", err[0] ? err : strerror(-rc));
        /* a bad --conn or --nodes is a bad argument; anything else is the input's */
        return rc == -EINVAL && (strncmp(err, "--", 2) == 0) ? EXIT_USAGE : EXIT_INPUT;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct args a;
    struct trace t;
    char caption[160];
    int status = parse_args(argc, argv, &a);

    if (status >= 0)
        return status;
    trace_init(&t, 0);
    status = load_input(&a, &t, caption, sizeof caption);
    if (status != 0)
        goto free_trace;

    FILE *out = stdout;
    if (a.out_path != NULL && strcmp(a.out_path, "-") != 0) {
        out = fopen(a.out_path, "w");
        if (out == NULL) {
            fprintf(stderr, "tunlab-draw: %s: %s\n", a.out_path, strerror(errno));
            status = EXIT_INPUT;
            goto free_trace;
        }
    }
    status = draw(&a, &t, caption, out);
    if (out != stdout) {
        if (fclose(out) != 0 && status == 0) {
            fprintf(stderr, "tunlab-draw: %s: write failed\n", a.out_path);
            status = EXIT_INPUT;
        }
        if (status != 0)
            remove(a.out_path);   /* no half-written picture */
    } else if (fflush(stdout) != 0 && status == 0) {
        status = EXIT_INPUT;
    }

free_trace:
    trace_destroy(&t);
    return status;
}
