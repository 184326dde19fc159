// fixtures_capture.h — Capture(): what a FILE*-writing function writes, as
// a string (through a temporary file, which every libc has).
#ifndef TUNLAB_TESTS_DRAW_FIXTURES_CAPTURE_H
#define TUNLAB_TESTS_DRAW_FIXTURES_CAPTURE_H

#include <cstdio>
#include <string>

namespace drawtest {

template <typename F>
std::string Capture(F f) {
  FILE* tmp = std::tmpfile();
  if (tmp == nullptr) return "";
  f(tmp);
  std::fflush(tmp);
  std::rewind(tmp);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0) out.append(buf, n);
  std::fclose(tmp);
  return out;
}

}  // namespace drawtest

#endif
