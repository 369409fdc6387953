#include "units.h"

#include <cctype>
#include <limits>

#include "error.h"

namespace zc {

namespace {

int shift_for_suffix(std::string_view suffix) {
  std::string s;
  for (char c : suffix)
    s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.empty() || s == "B")
    return 0;
  static constexpr std::string_view units = "KMGT";
  for (std::size_t i = 0; i < units.size(); ++i) {
    std::string letter(1, units[i]);
    if (s == letter || s == letter + "B" || s == letter + "IB")
      return static_cast<int>(10 * (i + 1));
  }
  return -1;
}

} // namespace

std::uint64_t parse_size(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  if (digits == 0)
    throw UsageError("bad size " + quoted +
                     ": expected a number of bytes with an optional K, M or G suffix");
  const int shift = shift_for_suffix(text.substr(digits));
  if (shift < 0)
    throw UsageError("bad size " + quoted + ": unknown unit '" + std::string(text.substr(digits)) +
                     "' (use K, M, G or T)");
  std::uint64_t value = 0;
  for (char c : text.substr(0, digits)) {
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      throw UsageError("bad size " + quoted + ": too large");
    value = value * 10 + digit;
  }
  if (value == 0)
    throw UsageError("bad size " + quoted + ": must be at least 1 byte");
  if (shift > 0 && value > (std::numeric_limits<std::uint64_t>::max() >> shift))
    throw UsageError("bad size " + quoted + ": too large");
  return value << shift;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr const char *names[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (unit < 4 && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + " " + names[unit];
}

std::string count_of(long long n, const std::string &one, const std::string &many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace zc
