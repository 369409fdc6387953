// Standard output as zctrace's text reports reach it: each line longer than
// the text width (analysis::text_width, 100 unless --wide) wrapped at
// spaces as it is written, so that no report passes a 100-column terminal.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>

namespace zc {

class WrappedOutput : public std::streambuf {
public:
  // Wraps what `stream` is given from now on, until destroyed.
  explicit WrappedOutput(std::ostream &stream);
  ~WrappedOutput() override;
  WrappedOutput(const WrappedOutput &) = delete;
  WrappedOutput &operator=(const WrappedOutput &) = delete;

protected:
  int overflow(int c) override;
  std::streamsize xsputn(const char *s, std::streamsize n) override;
  int sync() override;

private:
  void emit_line(); // the line so far, wrapped, with its newline

  std::ostream &stream_;
  std::streambuf *target_;
  std::string line_;
};

} // namespace zc
