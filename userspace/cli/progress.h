// Progress of long commands (compare, sweep, verify) on standard error:
// "[3/26] sendfile, 64 MiB in 4 KiB chunks ... ok, 1.2 s". Shown on a
// terminal, or anywhere with -v; a script reading standard error otherwise
// gets only what went wrong.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace zc {

// -v: progress even when standard error is not a terminal.
void set_verbose_progress(bool verbose);

class Progress {
public:
  explicit Progress(std::size_t total);
  void begin(const std::string &what);
  void end(const std::string &outcome);

private:
  std::size_t total_;
  std::size_t done_ = 0;
  bool shown_;
  std::chrono::steady_clock::time_point began_;
};

} // namespace zc
