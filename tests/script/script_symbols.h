// script_symbols.h — the names a script may use as system call arguments
// and results: constants (SOCK_STREAM, O_NONBLOCK, SHUT_WR ...), errno names
// (EAGAIN ...) and socket options (SO_REUSEADDR -> enum sock_option). The
// values are Linux's, so expressions and results read as on Linux
// (fcntl(3, F_GETFL) = 0x802).
#ifndef TUNLAB_TESTS_SCRIPT_SCRIPT_SYMBOLS_H
#define TUNLAB_TESTS_SCRIPT_SCRIPT_SYMBOLS_H

#include <cstdint>
#include <string>

#include "stack/socket/socket.h"

namespace tscript {

constexpr int64_t kONonblock = 04000;   // Linux's O_NONBLOCK (and SOCK_NONBLOCK)
constexpr int64_t kORdwr = 2;

// A constant or an errno name; false if unknown.
bool symbol_value(const std::string& name, int64_t* value);

// "EAGAIN" -> EAGAIN; -1 if unknown.
int errno_value(const std::string& name);
// EAGAIN -> "EAGAIN" (the first name of that value); "E?N" if unknown.
std::string errno_name(int value);

// A socket option: its level (SOL_SOCKET 1, IPPROTO_TCP 6) and tunlab's
// enum sock_option.
struct OptionName {
    const char* name;
    int64_t level;
    enum sock_option opt;
};

// nullptr if the option is unknown to tunlab.
const OptionName* option_by_name(const std::string& name);

}  // namespace tscript

#endif
