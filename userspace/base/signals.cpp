#include "signals.h"

#include <csignal>
#include <cstring>

namespace zc {

std::string signal_name(int signal) {
  if (const char *abbrev = sigabbrev_np(signal))
    return std::string("SIG") + abbrev;
  // Real-time signals by glibc's numbering, as programs name them (the
  // C library keeps the kernel's first two for itself).
  if (signal >= SIGRTMIN && signal <= SIGRTMAX)
    return "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
  return "signal " + std::to_string(signal);
}

} // namespace zc
