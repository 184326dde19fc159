// xml_check.h — a small, strict XML well-formedness checker and element
// list, so the SVG tests never depend only on an external tool: every tag
// closed in order, attributes quoted and unique, only the five predefined
// entities and character references, one root element.
#ifndef TUNLAB_TESTS_DRAW_XML_CHECK_H
#define TUNLAB_TESTS_DRAW_XML_CHECK_H

#include <map>
#include <string>
#include <vector>

namespace drawtest {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attrs;  // values unescaped
  std::string text;                          // direct text, unescaped
  int parent = -1;                           // index in XmlDoc::elements
};

struct XmlDoc {
  std::vector<XmlElement> elements;  // in document order; [0] is the root
  std::string error;                 // empty when well-formed
  bool ok() const { return error.empty(); }
};

XmlDoc ParseXml(const std::string& text);

// Elements whose class attribute holds the token `cls`.
std::vector<const XmlElement*> ByClass(const XmlDoc& doc, const std::string& cls);
bool HasClass(const XmlElement& e, const std::string& cls);

// "xmllint --noout" on a file: "" when it passes or is not installed
// (*ran says which), else its complaint.
std::string XmlLint(const std::string& path, bool* ran);

}  // namespace drawtest

#endif
