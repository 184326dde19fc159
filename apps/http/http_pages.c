/*
 * http_pages.c — the server's built-in pages: the index a student sees
 * first, and /status, the stack's own view of its sockets and counters
 * (the same printers as `./tunlab ss` and `./tunlab stats`).
 */
#define _GNU_SOURCE
#include "apps/http/http_server_internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "stack/transport/udp.h"

#define INDEX_MAX_FILES 50

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The top level of www_root, sorted, at most INDEX_MAX_FILES names. */
static void list_files(const char *root, FILE *out)
{
    char *names[INDEX_MAX_FILES];
    size_t count = 0;
    struct dirent *e;
    DIR *dir = root[0] != '\0' ? opendir(root) : NULL;

    if (dir == NULL) {
        fprintf(out, "<p>No document root is configured (tunlabd --www DIR serves one).</p>\n");
        return;
    }
    while ((e = readdir(dir)) != NULL && count < INDEX_MAX_FILES) {
        if (e->d_name[0] == '.')
            continue;
        names[count] = strdup(e->d_name);
        if (names[count] != NULL)
            count++;
    }
    closedir(dir);
    qsort(names, count, sizeof(names[0]), compare_names);
    fprintf(out, "<p>Files in the document root:</p>\n<ul>\n");
    for (size_t i = 0; i < count; i++) {
        /* Names are shown as links; only safe characters are left as they are. */
        fprintf(out, "<li><a href=\"/");
        for (const char *p = names[i]; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || strchr("-_.~", *p) != NULL)
                fputc(*p, out);
            else
                fprintf(out, "%%%02X", (unsigned char)*p);
        }
        fprintf(out, "\">");
        for (const char *p = names[i]; *p; p++) {
            if (*p == '<')
                fputs("&lt;", out);
            else if (*p == '&')
                fputs("&amp;", out);
            else
                fputc(*p, out);
        }
        fprintf(out, "</a></li>\n");
        free(names[i]);
    }
    fprintf(out, "</ul>\n");
}

char *http_page_index(struct http_server *srv, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);

    if (out == NULL)
        return NULL;
    fprintf(out,
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>tunlab</title></head><body>\n"
            "<h1>This page was served by your TCP/IP stack</h1>\n"
            "<p>Your browser (or curl) spoke to <b>tunlab</b>, a TCP/IP stack that runs as an\n"
            "ordinary program. The kernel handed every packet to it through a TUN or TAP\n"
            "device; everything above that &mdash; IPv4, TCP, this HTTP server &mdash; is\n"
            "tunlab's own code, one folder per layer.</p>\n"
            "<p>What happened to fetch this page:</p>\n<ol>\n"
            "<li>TCP three-way handshake: SYN, SYN+ACK, ACK, to port %u.</li>\n"
            "<li>Your client sent <code>GET / HTTP/1.1</code> with a <code>Host</code> field.</li>\n"
            "<li>The server answered <code>200 OK</code> with a <code>Content-Length</code>, so\n"
            "the client knows where this page ends without the connection closing.</li>\n"
            "<li>HTTP/1.1 keeps the connection open for the next request (keep-alive,\n"
            "%llu s idle, %u requests at most); HTTP/1.0 closes it after each response.</li>\n"
            "</ol>\n"
            "<p>See the stack's own view of its connections, right now:\n"
            "<a href=\"/status\">/status</a> (text) or <a href=\"/status.html\">/status.html</a>.\n"
            "Fetch them twice in one <code>curl -v</code> and see one connection reused.</p>\n",
            srv->cfg.port, (unsigned long long)(srv->cfg.idle_timeout / USEC_PER_SEC),
            srv->cfg.max_requests);
    list_files(srv->root, out);
    fprintf(out, "</body></html>\n");
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static void write_status(struct http_server *srv, FILE *out, usec_t now)
{
    fprintf(out, "tunlab status: the stack's own view, right now (like ss -tan and netstat -s)\n\n"
                 "TCP connections (this request's own connection is among them)\n");
    tcp_print_conns(srv->st->tcp, out, now);
    fprintf(out, "\nUDP sockets\n");
    udp_print_pcbs(srv->st->udp, out);
    fprintf(out, "\nHTTP server on port %u\n", srv->cfg.port);
    http_server_print_stats(srv, out);
    fprintf(out, "\nCounters of every layer\n");
    stack_print_stats(srv->st, out);
}

char *http_page_status(struct http_server *srv, bool html, size_t *len, usec_t now)
{
    char *text = NULL, *page = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);

    if (out == NULL)
        return NULL;
    write_status(srv, out, now);
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    if (!html) {
        *len = text_len;
        return text;
    }
    out = open_memstream(&page, len);
    if (out == NULL) {
        free(text);
        return NULL;
    }
    fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                 "<title>tunlab status</title></head><body>\n<pre>\n");
    for (size_t i = 0; i < text_len; i++) {
        if (text[i] == '<')
            fputs("&lt;", out);
        else if (text[i] == '>')
            fputs("&gt;", out);
        else if (text[i] == '&')
            fputs("&amp;", out);
        else
            fputc(text[i], out);
    }
    fprintf(out, "</pre>\n<p><a href=\"/\">back to the index</a></p>\n</body></html>\n");
    free(text);
    if (fclose(out) != 0) {
        free(page);
        return NULL;
    }
    return page;
}
