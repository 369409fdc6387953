// Byte sizes as users type them ("64M", "4KiB", "1048576") and as zctrace
// prints them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zc {

// Parses a positive byte count: digits, optionally followed by K, M, G or T
// (binary multiples; "KiB" and "KB" mean the same). Throws UsageError with a
// one-line reason on anything else, on zero and on overflow.
std::uint64_t parse_size(std::string_view text);

// "64 MiB", "4 KiB", "1000 B": exact binary units when they divide, else bytes.
std::string format_size(std::uint64_t bytes);

// "1 CPU copy", "2 CPU copies".
std::string count_of(long long n, const std::string &one, const std::string &many);

} // namespace zc
