// Figures as text for the terminal reports: "n/a" for a figure that was not
// measured, the evidence a figure rests on, times and rates.
#pragma once

#include <string>
#include <type_traits>

#include "account.h"
#include "text_table.h"

namespace zc::analysis {

template <typename T> std::string show(const Figure<T> &f, int decimals = 0) {
  if (!f.value)
    return "n/a";
  if constexpr (std::is_floating_point_v<T>)
    return fixed(*f.value, decimals);
  else
    return thousands(*f.value);
}

std::string evidence_text(const Evidence &ev);    // "tracepoint copies:sock_send_length"
std::string pair(const Count &a, const Count &b); // "12 / 3"
std::string ms(const Count &ns);                  // "12.5"
std::string throughput(const Ratio &bytes_per_s); // "1.25 GiB/s", "512.0 MiB/s"

} // namespace zc::analysis
