#include "libbpf_log.h"

#include <cstdarg>
#include <cstdio>
#include <string>

#include <bpf/libbpf.h>

namespace zc {

namespace {

bool g_verbose = false;
thread_local LibbpfLogCapture *g_capture = nullptr;
thread_local std::string *g_capture_text = nullptr;

int print(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (level == LIBBPF_DEBUG && !g_verbose)
    return 0;
  // Whole: a verifier log comes as one message, and its last line (the
  // reason) is what an error reports.
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0)
    return 0;
  std::string text(static_cast<std::size_t>(n) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), fmt, args);
  text.pop_back();
  if (g_verbose)
    std::fputs(text.c_str(), stderr);
  if (g_capture_text && level != LIBBPF_DEBUG)
    g_capture_text->append(text);
  return 0;
}

struct Install {
  Install() { libbpf_set_print(print); }
};
const Install install_once;

} // namespace

void set_libbpf_verbose(bool verbose) { g_verbose = verbose; }

LibbpfLogCapture::LibbpfLogCapture() : previous_(g_capture) {
  g_capture = this;
  g_capture_text = &text_;
}

LibbpfLogCapture::~LibbpfLogCapture() {
  g_capture = previous_;
  g_capture_text = previous_ ? &previous_->text_ : nullptr;
}

} // namespace zc
