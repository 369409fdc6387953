#include "text_table.h"

#include <algorithm>
#include <cstdio>

namespace zc::analysis {

namespace {

// Display width of UTF-8 text: code points, CJK counted double.
std::size_t width(const std::string &s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    w += len == 3 ? 2 : 1;
    i += len;
  }
  return w;
}

} // namespace

std::string terminal_safe(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char esc[5];
      std::snprintf(esc, sizeof(esc), "\\x%02x", u);
      out += esc;
    } else {
      out += c;
    }
  }
  return out;
}

std::string TextTable::render() const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string> &row) {
    if (!row.empty() && !row[0].empty() && row[0][0] == '\x01')
      return;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], width(row[i]));
  };
  measure(header_);
  for (const auto &r : rows_)
    measure(r);
  auto line = [&](const std::vector<std::string> &row) {
    std::string out;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      out += row[i]; // cells are made terminal-safe when added
      if (i + 1 < row.size())
        out += std::string(widths[i] - width(row[i]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    return out + "\n";
  };
  std::string out = line(header_);
  for (const auto &r : rows_) {
    if (!r.empty() && !r[0].empty() && r[0][0] == '\x01')
      out += r[0].substr(1) + "\n";
    else
      out += line(r);
  }
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string thousands(unsigned long long v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

} // namespace zc::analysis
