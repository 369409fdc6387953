#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "text_table.h"

namespace zc {

namespace {
bool g_verbose = false;
}

void set_verbose_progress(bool verbose) { g_verbose = verbose; }

Progress::Progress(std::size_t total) : total_(total), shown_(g_verbose || isatty(STDERR_FILENO)) {}

void Progress::begin(const std::string &what) {
  ++done_;
  began_ = std::chrono::steady_clock::now();
  if (shown_)
    std::cerr << "[" << done_ << "/" << total_ << "] " << analysis::terminal_safe(what) << " ..."
              << std::flush;
}

void Progress::end(const std::string &outcome) {
  if (!shown_)
    return;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
  std::cerr << " " << analysis::terminal_safe(outcome) << ", " << analysis::fixed(s, 1) << " s"
            << std::endl;
}

} // namespace zc
