// xml_check.cc — see xml_check.h.
#include "tests/draw/xml_check.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <sys/stat.h>

namespace drawtest {
namespace {

bool NameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}
bool NameChar(char c) { return NameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  XmlDoc Run() {
    std::vector<int> open;
    bool root_done = false;
    if (s_.compare(0, 5, "<?xml") == 0) {
      size_t end = s_.find("?>");
      if (end == std::string::npos) return Fail("unterminated XML declaration");
      i_ = end + 2;
    }
    while (i_ < s_.size()) {
      if (s_.compare(i_, 4, "<!--") == 0) {
        size_t end = s_.find("-->", i_ + 4);
        if (end == std::string::npos) return Fail("unterminated comment");
        i_ = end + 3;
      } else if (s_.compare(i_, 2, "<!") == 0 || s_.compare(i_, 2, "<?") == 0) {
        return Fail("DOCTYPE, CDATA or processing instruction not expected");
      } else if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        std::string name;
        if (!Name(&name)) return Fail("bad closing tag name");
        SkipSpace();
        if (i_ >= s_.size() || s_[i_] != '>') return Fail("closing tag </" + name + " not ended");
        i_++;
        if (open.empty() || doc_.elements[open.back()].name != name)
          return Fail("closing tag </" + name + "> does not match the open element");
        open.pop_back();
        if (open.empty()) root_done = true;
      } else if (s_[i_] == '<') {
        if (root_done) return Fail("a second root element");
        i_++;
        XmlElement e;
        if (!Name(&e.name)) return Fail("bad tag name");
        bool self_closing = false;
        for (;;) {
          bool spaced = SkipSpace();
          if (i_ >= s_.size()) return Fail("tag <" + e.name + " not ended");
          if (s_[i_] == '>') { i_++; break; }
          if (s_.compare(i_, 2, "/>") == 0) { i_ += 2; self_closing = true; break; }
          if (!spaced) return Fail("attributes of <" + e.name + "> not separated by space");
          std::string an, av;
          if (!Name(&an)) return Fail("bad attribute name in <" + e.name + ">");
          SkipSpace();
          if (i_ >= s_.size() || s_[i_] != '=') return Fail("attribute " + an + " without =");
          i_++;
          SkipSpace();
          if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) return Fail("attribute " + an + " not quoted");
          char q = s_[i_++];
          size_t end = s_.find(q, i_);
          if (end == std::string::npos) return Fail("unterminated attribute " + an);
          std::string raw = s_.substr(i_, end - i_);
          if (raw.find('<') != std::string::npos) return Fail("'<' in attribute " + an);
          if (!Unescape(raw, &av)) return Fail("bad entity in attribute " + an + ": " + raw);
          if (e.attrs.count(an)) return Fail("duplicate attribute " + an + " in <" + e.name + ">");
          e.attrs[an] = av;
          i_ = end + 1;
        }
        e.parent = open.empty() ? -1 : open.back();
        doc_.elements.push_back(e);
        if (!self_closing) open.push_back(static_cast<int>(doc_.elements.size()) - 1);
        else if (open.empty()) root_done = true;
      } else {
        size_t end = s_.find('<', i_);
        if (end == std::string::npos) end = s_.size();
        std::string raw = s_.substr(i_, end - i_), text;
        if (!Unescape(raw, &text)) return Fail("bad entity in text: " + raw.substr(0, 40));
        if (raw.find('>') != std::string::npos && raw.find("]]>") != std::string::npos)
          return Fail("']]>' in text");
        if (open.empty()) {
          for (char c : raw)
            if (!Space(c)) return Fail("text outside the root element");
        } else {
          doc_.elements[open.back()].text += text;
        }
        i_ = end;
      }
    }
    if (!open.empty()) return Fail("element <" + doc_.elements[open.back()].name + "> not closed");
    if (doc_.elements.empty()) return Fail("no root element");
    return doc_;
  }

 private:
  XmlDoc Fail(const std::string& why) {
    std::ostringstream msg;
    msg << why << " (at byte " << i_ << ")";
    XmlDoc bad;
    bad.error = msg.str();
    return bad;
  }

  bool SkipSpace() {
    size_t start = i_;
    while (i_ < s_.size() && Space(s_[i_])) i_++;
    return i_ > start;
  }

  bool Name(std::string* out) {
    if (i_ >= s_.size() || !NameStart(s_[i_])) return false;
    size_t start = i_;
    while (i_ < s_.size() && NameChar(s_[i_])) i_++;
    *out = s_.substr(start, i_ - start);
    return true;
  }

  static bool Unescape(const std::string& raw, std::string* out) {
    out->clear();
    for (size_t k = 0; k < raw.size(); k++) {
      if (raw[k] != '&') {
        *out += raw[k];
        continue;
      }
      size_t semi = raw.find(';', k);
      if (semi == std::string::npos) return false;
      std::string ent = raw.substr(k + 1, semi - k - 1);
      if (ent == "amp") *out += '&';
      else if (ent == "lt") *out += '<';
      else if (ent == "gt") *out += '>';
      else if (ent == "quot") *out += '"';
      else if (ent == "apos") *out += '\'';
      else if (ent.size() > 1 && ent[0] == '#') {
        char* end = nullptr;
        long v = ent[1] == 'x' ? std::strtol(ent.c_str() + 2, &end, 16)
                               : std::strtol(ent.c_str() + 1, &end, 10);
        if (end == nullptr || *end != '\0' || v <= 0 || v > 0x10FFFF) return false;
        *out += v < 128 ? static_cast<char>(v) : '?';
      } else {
        return false;
      }
      k = semi;
    }
    return true;
  }

  const std::string& s_;
  size_t i_ = 0;
  XmlDoc doc_;
};

}  // namespace

XmlDoc ParseXml(const std::string& text) { return Parser(text).Run(); }

bool HasClass(const XmlElement& e, const std::string& cls) {
  auto it = e.attrs.find("class");
  if (it == e.attrs.end()) return false;
  std::istringstream words(it->second);
  std::string w;
  while (words >> w)
    if (w == cls) return true;
  return false;
}

std::vector<const XmlElement*> ByClass(const XmlDoc& doc, const std::string& cls) {
  std::vector<const XmlElement*> out;
  for (const XmlElement& e : doc.elements)
    if (HasClass(e, cls)) out.push_back(&e);
  return out;
}

std::string XmlLint(const std::string& path, bool* ran) {
  struct stat st;
  *ran = stat("/usr/bin/xmllint", &st) == 0;
  if (!*ran) return "";
  std::string cmd = "/usr/bin/xmllint --noout '" + path + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "cannot run xmllint";
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (status != 0 && out.empty()) out = "xmllint failed";
  return status == 0 ? "" : out;
}

}  // namespace drawtest
