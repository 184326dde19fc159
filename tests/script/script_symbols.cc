// script_symbols.cc — the names scripts use for constants, errnos and
// socket options, with Linux's values (see script_symbols.h).
#include "tests/script/script_symbols.h"

#include <cerrno>

namespace tscript {
namespace {

struct Symbol {
    const char* name;
    int64_t value;
};

// The names scripts use, with Linux's values (so expressions like
// O_RDWR|O_NONBLOCK and results like 0x802 read as on Linux).
const Symbol kSymbols[] = {
    {"AF_INET", 2}, {"PF_INET", 2}, {"AF_UNSPEC", 0}, {"AF_INET6", 10},
    {"SOCK_STREAM", 1}, {"SOCK_DGRAM", 2}, {"SOCK_NONBLOCK", kONonblock},
    {"SOCK_CLOEXEC", 02000000}, {"IPPROTO_IP", 0}, {"IPPROTO_TCP", 6}, {"IPPROTO_UDP", 17},
    {"SOL_SOCKET", 1}, {"SOL_TCP", 6}, {"SHUT_RD", 0}, {"SHUT_WR", 1}, {"SHUT_RDWR", 2},
    {"F_GETFL", 3}, {"F_SETFL", 4}, {"O_RDONLY", 0}, {"O_WRONLY", 1}, {"O_RDWR", kORdwr},
    {"O_NONBLOCK", kONonblock}, {"MSG_DONTWAIT", 0x40}, {"MSG_NOSIGNAL", 0x4000},
    // socket options: looked up by name in kOptions, values only for completeness
    {"SO_REUSEADDR", 2}, {"SO_ERROR", 4}, {"SO_SNDBUF", 7}, {"SO_RCVBUF", 8},
    {"SO_KEEPALIVE", 9}, {"SO_LINGER", 13}, {"TCP_NODELAY", 1}, {"TCP_KEEPIDLE", 4},
    {"TCP_KEEPINTVL", 5}, {"TCP_KEEPCNT", 6}, {"TCP_USER_TIMEOUT", 18},
};

struct ErrnoName {
    const char* name;
    int value;
};

const ErrnoName kErrnos[] = {
    {"EPERM", EPERM}, {"ENOENT", ENOENT}, {"EINTR", EINTR}, {"EIO", EIO},
    {"EBADF", EBADF}, {"EAGAIN", EAGAIN}, {"EWOULDBLOCK", EWOULDBLOCK}, {"ENOMEM", ENOMEM},
    {"EACCES", EACCES}, {"EFAULT", EFAULT}, {"EBUSY", EBUSY}, {"EEXIST", EEXIST},
    {"EINVAL", EINVAL}, {"EMFILE", EMFILE}, {"ENOSPC", ENOSPC}, {"EPIPE", EPIPE},
    {"ENOTSOCK", ENOTSOCK}, {"EDESTADDRREQ", EDESTADDRREQ}, {"EMSGSIZE", EMSGSIZE},
    {"EPROTOTYPE", EPROTOTYPE}, {"ENOPROTOOPT", ENOPROTOOPT},
    {"EPROTONOSUPPORT", EPROTONOSUPPORT}, {"EOPNOTSUPP", EOPNOTSUPP},
    {"EAFNOSUPPORT", EAFNOSUPPORT}, {"EADDRINUSE", EADDRINUSE},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL}, {"ENETDOWN", ENETDOWN}, {"ENETUNREACH", ENETUNREACH},
    {"ECONNABORTED", ECONNABORTED}, {"ECONNRESET", ECONNRESET}, {"ENOBUFS", ENOBUFS},
    {"EISCONN", EISCONN}, {"ENOTCONN", ENOTCONN}, {"ESHUTDOWN", ESHUTDOWN},
    {"ETIMEDOUT", ETIMEDOUT}, {"ECONNREFUSED", ECONNREFUSED}, {"EHOSTUNREACH", EHOSTUNREACH},
    {"EALREADY", EALREADY}, {"EINPROGRESS", EINPROGRESS},
};

const OptionName kOptions[] = {
    {"SO_REUSEADDR", 1, SOCK_OPT_REUSEADDR}, {"SO_RCVBUF", 1, SOCK_OPT_RCVBUF},
    {"SO_SNDBUF", 1, SOCK_OPT_SNDBUF}, {"SO_KEEPALIVE", 1, SOCK_OPT_KEEPALIVE},
    {"SO_LINGER", 1, SOCK_OPT_LINGER_ZERO}, {"SO_ERROR", 1, SOCK_OPT_ERROR},
    {"TCP_NODELAY", 6, SOCK_OPT_NODELAY}, {"TCP_KEEPIDLE", 6, SOCK_OPT_KEEPIDLE},
    {"TCP_KEEPINTVL", 6, SOCK_OPT_KEEPINTVL}, {"TCP_KEEPCNT", 6, SOCK_OPT_KEEPCNT},
    {"TCP_USER_TIMEOUT", 6, SOCK_OPT_USER_TIMEOUT},
};

}  // namespace

int errno_value(const std::string& name)
{
    for (const ErrnoName& e : kErrnos) {
        if (name == e.name)
            return e.value;
    }
    return -1;
}

std::string errno_name(int value)
{
    for (const ErrnoName& e : kErrnos) {
        if (e.value == value)
            return e.name;
    }
    return "E?" + std::to_string(value);
}

bool symbol_value(const std::string& name, int64_t* value)
{
    for (const Symbol& s : kSymbols) {
        if (name == s.name) {
            *value = s.value;
            return true;
        }
    }
    int e = errno_value(name);
    if (e < 0)
        return false;
    *value = e;
    return true;
}

const OptionName* option_by_name(const std::string& name)
{
    for (const OptionName& o : kOptions) {
        if (name == o.name)
            return &o;
    }
    return nullptr;
}

}  // namespace tscript
