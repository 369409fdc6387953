#include "wrapped_output.h"

#include "text_table.h"

namespace zc {

WrappedOutput::WrappedOutput(std::ostream &stream) : stream_(stream), target_(stream.rdbuf(this)) {}

WrappedOutput::~WrappedOutput() {
  if (!line_.empty() && target_) { // a last line without its newline
    const std::string text = analysis::wrap_lines(line_);
    target_->sputn(text.data(), static_cast<std::streamsize>(text.size()));
  }
  sync();
  stream_.rdbuf(target_);
}

void WrappedOutput::emit_line() {
  const std::string text = analysis::wrap_lines(line_) + "\n";
  line_.clear();
  if (target_)
    target_->sputn(text.data(), static_cast<std::streamsize>(text.size()));
}

int WrappedOutput::overflow(int c) {
  if (c == traits_type::eof())
    return traits_type::not_eof(c);
  if (c == '\n')
    emit_line();
  else
    line_ += static_cast<char>(c);
  return c;
}

std::streamsize WrappedOutput::xsputn(const char *s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i)
    overflow(static_cast<unsigned char>(s[i]));
  return n;
}

int WrappedOutput::sync() {
  // A line not yet ended stays until its newline: wrapping needs it whole.
  return target_ ? target_->pubsync() : 0;
}

} // namespace zc
