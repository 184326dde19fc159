/*
 * svg.h — the little SVG writing the drawings share: the document frame,
 * escaped text, and the look (a light background, monospace labels).
 *
 * Pictures are self-contained: no external fonts, scripts or style sheets;
 * colors are presentation attributes, which every viewer honours. Classes
 * and data-* attributes name what an element shows (class="arrow",
 * data-node="client"), so tests and readers can find them.
 */
#ifndef TUNLAB_TOOLS_DRAW_SVG_H
#define TUNLAB_TOOLS_DRAW_SVG_H

#include <stdio.h>

/* The font: whatever monospace face the viewer has. */
#define SVG_FONT "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace"
#define SVG_FONT_SIZE 13
/* Width of one character of a monospace face at SVG_FONT_SIZE (0.6 em). */
#define SVG_CHAR_W (0.6 * SVG_FONT_SIZE)

#define SVG_INK "#222222"
#define SVG_GRID "#dddddd"
#define SVG_MUTED "#666666"
#define SVG_LOST "#c0392b"
#define SVG_RETX "#d35400"

/* XML declaration, <svg> with its size, a <title> and a white background. */
void svg_begin(FILE *out, double width, double height, const char *title);
void svg_end(FILE *out);

/* A <marker> (write it inside <defs>) drawing a filled arrowhead whose tip
 * sits on the line's end: marker-end="url(#id)". */
void svg_arrowhead(FILE *out, const char *id, const char *color);

/* `s` with & < > " ' escaped, and bytes that are not printable ASCII
 * replaced by '?', so any trace text gives well-formed XML. */
void svg_escaped(FILE *out, const char *s);

/* <text> at (x, y) with the given anchor ("start", "middle", "end"), extra
 * attributes (may be ""), and escaped content. */
void svg_text(FILE *out, double x, double y, const char *anchor, const char *attrs,
              const char *s);

#endif
