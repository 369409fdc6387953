#include "libbpf_log.h"

#include <cstdarg>
#include <cstdio>

#include <bpf/libbpf.h>

namespace zc {

namespace {

bool g_verbose = false;
thread_local LibbpfLogCapture *g_capture = nullptr;
thread_local std::string *g_capture_text = nullptr;

int print(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (level == LIBBPF_DEBUG && !g_verbose)
    return 0;
  char buf[2048];
  va_list copy;
  va_copy(copy, args);
  std::vsnprintf(buf, sizeof(buf), fmt, copy);
  va_end(copy);
  if (g_verbose)
    std::fputs(buf, stderr);
  if (g_capture_text && level != LIBBPF_DEBUG)
    g_capture_text->append(buf);
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
