// script_parser.h — reads a trace script (.pkt) into a tscript::Script.
//
// The grammar is packetdrill's for everything packetdrill covers (times,
// packets, system calls, `--option=value` header lines, // and /* */
// comments), plus tunlab's directives that start with '%' (README.md).
// The parser works line by line: one event per line, except that a line with
// an unclosed ( [ { continues on the next one, as long system calls do.
//
// Bad input never crashes it: every problem is a ParseError with the line
// and column and a sentence saying what was expected.
#ifndef TUNLAB_TESTS_SCRIPT_SCRIPT_PARSER_H
#define TUNLAB_TESTS_SCRIPT_SCRIPT_PARSER_H

#include <cstdint>
#include <string>

#include "tests/script/script_ast.h"

namespace tscript {

struct ParseError {
    int line = 0;     // 1-based
    int column = 0;   // 1-based, 0 when the whole line is meant
    std::string message;
};

// Parse a whole script. Returns true and fills *out, or false and fills *err.
bool parse_script(const std::string& text, Script* out, ParseError* err);

// Parse one event line (time and action), for tests and tools.
bool parse_event_line(const std::string& line, int line_no, Event* out, ParseError* err);

// "file:12:5: error: expected ':' after the start sequence number"
// followed by the offending line and a caret under the column.
std::string format_parse_error(const std::string& file, const std::string& text,
                               const ParseError& err);

// Helpers shared with the runner (they validate directive arguments).
// "1.5" -> 1500000; false on anything that is not a non-negative decimal
// number of seconds with at most 6 fractional digits.
bool parse_seconds(const std::string& s, int64_t* usec);
// "40000>8080" -> ports; false otherwise.
bool parse_port_pair(const std::string& s, uint16_t* src, uint16_t* dst);

}  // namespace tscript

#endif
