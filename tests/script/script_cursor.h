// script_cursor.h — the scanner the .pkt parser reads one logical line
// with: skip spaces, accept a character or a keyword, read a number, a
// word, a time. Every reader checks its bounds and throws Fail (line,
// column, a sentence) instead of reading past the line, so hostile input
// ends in an error message. Private to script_parser.cc.
#ifndef TUNLAB_TESTS_SCRIPT_SCRIPT_CURSOR_H
#define TUNLAB_TESTS_SCRIPT_SCRIPT_CURSOR_H

#include <cctype>
#include <cstdint>
#include <string>

#include "tests/script/script_parser.h"

namespace tscript {
namespace parse_detail {

constexpr int64_t kMaxSeconds = 100000000;   // a bound that keeps µs in int64

struct Fail {
    ParseError err;
};

[[noreturn]] inline void fail_at(int line, int column, const std::string& msg)
{
    throw Fail{ParseError{line, column, msg}};
}

class Cursor {
public:
    Cursor(const std::string& s, int line) : s_(s), line_(line) {}

    int line() const { return line_; }
    size_t pos() const { return i_; }

    void ws()
    {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' ||
                                  s_[i_] == '\r'))
            i_++;
    }
    bool eof()
    {
        ws();
        return i_ >= s_.size();
    }
    char peek()
    {
        ws();
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    // The character right here, without skipping spaces.
    char here() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    bool accept(char c)
    {
        if (peek() != c)
            return false;
        i_++;
        return true;
    }
    bool accept_str(const char* lit)
    {
        ws();
        size_t n = std::char_traits<char>::length(lit);
        if (s_.compare(i_, n, lit) != 0)
            return false;
        i_ += n;
        return true;
    }
    void expect(char c, const std::string& context)
    {
        if (!accept(c))
            fail(std::string("expected '") + c + "' " + context + ", found " + found());
    }
    // Is the next thing this keyword (followed by a non-word character)?
    bool at_keyword(const char* kw)
    {
        ws();
        size_t n = std::char_traits<char>::length(kw);
        if (s_.compare(i_, n, kw) != 0)
            return false;
        return i_ + n >= s_.size() || !is_word_char(s_[i_ + n]);
    }
    bool accept_keyword(const char* kw)
    {
        if (!at_keyword(kw))
            return false;
        i_ += std::char_traits<char>::length(kw);
        return true;
    }
    static bool is_word_char(char c)
    {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    }
    std::string word(const std::string& what)
    {
        ws();
        size_t start = i_;
        while (i_ < s_.size() && is_word_char(s_[i_]))
            i_++;
        if (start == i_)
            fail("expected " + what + ", found " + found());
        return s_.substr(start, i_ - start);
    }
    // Everything up to the next space.
    std::string token()
    {
        ws();
        size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ' ' && s_[i_] != '\t')
            i_++;
        return s_.substr(start, i_ - start);
    }
    // A decimal or 0x hex number no larger than max.
    uint64_t number(const std::string& what, uint64_t max)
    {
        ws();
        size_t start = i_;
        uint64_t v = 0;
        int base = 10;
        if (s_.compare(i_, 2, "0x") == 0 || s_.compare(i_, 2, "0X") == 0) {
            base = 16;
            i_ += 2;
        }
        size_t digits = 0;
        while (i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) {
            char c = s_[i_];
            if (base == 10 && !std::isdigit(static_cast<unsigned char>(c)))
                break;
            unsigned d = std::isdigit(static_cast<unsigned char>(c))
                             ? unsigned(c - '0')
                             : unsigned(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
            if (v > (max - d) / unsigned(base)) {
                i_ = start;
                fail(what + " is out of range (largest " + std::to_string(max) + ")");
            }
            v = v * unsigned(base) + d;
            i_++;
            digits++;
        }
        if (digits == 0) {
            i_ = start;
            fail("expected " + what + ", found " + found());
        }
        if (i_ < s_.size() && is_word_char(s_[i_])) {
            i_ = start;
            fail("expected " + what + ", found " + found());
        }
        return v;
    }
    // Seconds as packetdrill writes them: 0, 0.100, .1 -> microseconds.
    int64_t seconds(const std::string& what)
    {
        ws();
        if (here() == '-')
            fail("negative time");
        size_t start = i_;
        int64_t whole = 0;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
            whole = whole * 10 + (s_[i_] - '0');
            if (whole > kMaxSeconds) {
                i_ = start;
                fail(what + " is too large");
            }
            i_++;
        }
        bool have_whole = i_ > start;
        int64_t frac = 0;
        int frac_digits = 0;
        if (here() == '.' && i_ + 1 < s_.size() &&
            std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
            i_++;
            while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
                if (frac_digits == 6) {
                    if (s_[i_] != '0') {
                        i_ = start;
                        fail(what + " is finer than a microsecond");
                    }
                } else {
                    frac = frac * 10 + (s_[i_] - '0');
                    frac_digits++;
                }
                i_++;
            }
        } else if (!have_whole) {
            fail("expected " + what + ", found " + found());
        }
        while (frac_digits < 6) {
            frac *= 10;
            frac_digits++;
        }
        return whole * 1000000 + frac;
    }
    // "text" -> text (no escapes are interpreted; the quote is at the cursor).
    std::string quoted()
    {
        ws();
        size_t start = i_;
        size_t end = s_.find('"', i_ + 1);
        if (here() != '"' || end == std::string::npos)
            fail("unterminated string");
        i_ = end + 1;
        return s_.substr(start + 1, end - start - 1);
    }
    void expect_end(const std::string& context)
    {
        if (!eof())
            fail("unexpected " + found() + " " + context);
    }
    std::string found()
    {
        ws();
        if (i_ >= s_.size())
            return "end of line";
        size_t n = 0;
        while (i_ + n < s_.size() && n < 12 && s_[i_ + n] != ' ' && s_[i_ + n] != '\t')
            n++;
        if (n == 0)
            n = 1;
        return "'" + s_.substr(i_, n) + "'";
    }
    [[noreturn]] void fail(const std::string& msg) const
    {
        int extra_lines = 0;   // a joined line: count the breaks before the position
        for (size_t k = 0; k < i_ && k < s_.size(); k++)
            extra_lines += s_[k] == '\n';
        fail_at(line_ + extra_lines, static_cast<int>(column_of(i_)), msg);
    }

private:
    // Columns are counted within the physical line the position is on.
    size_t column_of(size_t pos) const
    {
        size_t nl = s_.rfind('\n', pos == 0 ? 0 : pos - 1);
        size_t col = (nl == std::string::npos || pos == 0) ? pos : pos - nl - 1;
        return col + 1;
    }

    const std::string& s_;
    int line_;
    size_t i_ = 0;
};

}  // namespace parse_detail
}  // namespace tscript

#endif
