#include "text_table.h"

#include <algorithm>
#include <cstdio>
#include <vector>

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

std::size_t g_text_width = 100;

// `text` in lines of at most `room` columns, broken at spaces (a word longer
// than that stays whole).
std::vector<std::string> wrap(const std::string &text, std::size_t room) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos)
      end = text.size();
    const std::string word = text.substr(at, end - at);
    if (!line.empty() && width(line) + 1 + width(word) > room) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    at = end + 1;
  }
  if (!line.empty() || lines.empty())
    lines.push_back(line);
  return lines;
}

} // namespace

void set_text_width(std::size_t columns) { g_text_width = columns; }
std::size_t text_width() { return g_text_width; }

std::string wrap_lines(const std::string &text) {
  if (!g_text_width)
    return text;
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    const bool newline = end != std::string::npos;
    if (!newline)
      end = text.size();
    const std::string line = text.substr(at, end - at);
    if (width(line) <= g_text_width) {
      out += line;
    } else {
      const std::vector<std::string> parts = wrap(line, g_text_width - 2);
      for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i ? "\n  " : "") + parts[i];
    }
    if (newline)
      out += "\n";
    at = end + 1;
  }
  return out;
}

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
  // Where the last column starts; past the text width, its cells wrap
  // under it (when it leaves the last column room enough to be read).
  std::size_t last_start = 0;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i)
    last_start += widths[i] + 2;
  const std::size_t total = last_start + (widths.empty() ? 0 : widths.back());
  const bool wrap_last = g_text_width && total > g_text_width && last_start + 24 <= g_text_width;
  auto line = [&](const std::vector<std::string> &row) {
    std::string out;
    std::vector<std::string> more; // the last cell's continuation lines
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      std::string cell = row[i]; // cells are made terminal-safe when added
      if (wrap_last && i + 1 == widths.size()) {
        more = wrap(cell, g_text_width - last_start);
        cell = more.front();
        more.erase(more.begin());
      }
      out += cell;
      if (i + 1 < row.size())
        out += std::string(widths[i] - width(row[i]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    for (const std::string &m : more)
      out += "\n" + std::string(last_start, ' ') + m;
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
