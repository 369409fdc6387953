#include "signals.h"

#include <cstring>

namespace zc {

std::string signal_name(int signal) {
  if (const char *abbrev = sigabbrev_np(signal))
    return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signal);
}

} // namespace zc
