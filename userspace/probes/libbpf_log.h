// libbpf's messages: kept quiet, and captured while an operation runs so that
// a failure can quote libbpf's own last word on it (for example a verifier
// rejection). `zctrace --verbose` prints them all to stderr as well.
#pragma once

#include <string>

namespace zc {

void set_libbpf_verbose(bool verbose);

// While alive, libbpf warnings and errors of this thread are appended here.
class LibbpfLogCapture {
public:
  LibbpfLogCapture();
  ~LibbpfLogCapture();
  LibbpfLogCapture(const LibbpfLogCapture &) = delete;
  LibbpfLogCapture &operator=(const LibbpfLogCapture &) = delete;
  const std::string &text() const { return text_; }

private:
  std::string text_;
  LibbpfLogCapture *previous_;
};

} // namespace zc
