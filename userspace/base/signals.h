// Signals by name, for messages and JSON: "SIGSEGV", not 11.
#pragma once

#include <string>

namespace zc {

// "SIGSEGV" for 11; "signal 77" for a number the C library has no name for.
std::string signal_name(int signal);

} // namespace zc
