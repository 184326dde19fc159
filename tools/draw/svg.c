/*
 * svg.c — the shared SVG frame and text helpers (see svg.h).
 */
#include "tools/draw/svg.h"

void svg_escaped(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: putc(c >= 0x20 && c < 0x7f ? (int)c : '?', out); break;
        }
    }
}

void svg_text(FILE *out, double x, double y, const char *anchor, const char *attrs,
              const char *s)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>", x, y, anchor,
            attrs[0] ? " " : "", attrs);
    svg_escaped(out, s);
    fputs("</text>\n", out);
}

void svg_begin(FILE *out, double width, double height, const char *title)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\" font-size=\"%d\">\n",
            width, height, width, height, SVG_FONT, SVG_FONT_SIZE);
    fputs("<title>", out);
    svg_escaped(out, title);
    fputs("</title>\n", out);
    fprintf(out, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
                 "fill=\"#ffffff\"/>\n",
            width, height);
}

void svg_end(FILE *out)
{
    fputs("</svg>\n", out);
}

void svg_arrowhead(FILE *out, const char *id, const char *color)
{
    fprintf(out,
            "<marker id=\"%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" "
            "markerHeight=\"10\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
            "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n",
            id, color);
}
