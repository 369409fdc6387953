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

// The words of `text`, split at each space.
std::vector<std::string> words_of(const std::string &text) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos)
      end = text.size();
    words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

// `text` in lines of at most `room` columns, broken at spaces (a word longer
// than that stays whole).
std::vector<std::string> wrap(const std::string &text, std::size_t room) {
  std::vector<std::string> lines;
  std::string line;
  for (const std::string &word : words_of(text)) {
    if (!line.empty() && width(line) + 1 + width(word) > room) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty() || lines.empty())
    lines.push_back(line);
  return lines;
}

// `text` in lines of at most `room` columns, each keeping its leading spaces.
std::vector<std::string> wrap_indented(const std::string &text, std::size_t room,
                                       std::size_t more_indent = 0) {
  const std::size_t lead =
      text.find_first_not_of(' ') == std::string::npos ? 0 : text.find_first_not_of(' ');
  if (width(text) <= room || lead + more_indent >= room)
    return {text};
  std::vector<std::string> lines = wrap(text.substr(lead), room - lead - more_indent);
  for (std::size_t i = 0; i < lines.size(); ++i)
    lines[i] = std::string(lead + (i ? more_indent : 0), ' ') + lines[i];
  return lines;
}

// `line` wrapped at `room`: a line of a term and its description ("  --size
// SIZE    bytes to move", two spaces or more between) continues under the
// description; any other under its own start, two further in.
std::vector<std::string> wrap_hanging(const std::string &line, std::size_t room) {
  if (width(line) <= room)
    return {line};
  const std::size_t lead = line.find_first_not_of(' ');
  if (lead == std::string::npos)
    return {line};
  const std::size_t gap = line.find("  ", lead);
  const std::size_t body = gap == std::string::npos ? gap : line.find_first_not_of(' ', gap);
  if (body == std::string::npos || body > room / 2)
    return wrap_indented(line, room, 2);
  std::vector<std::string> lines = wrap(line.substr(body), room - body);
  lines.front() = line.substr(0, body) + lines.front();
  for (std::size_t i = 1; i < lines.size(); ++i)
    lines[i] = std::string(body, ' ') + lines[i];
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
    const std::vector<std::string> parts = wrap_hanging(line, g_text_width);
    for (std::size_t i = 0; i < parts.size(); ++i)
      out += (i ? "\n" : "") + parts[i];
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

namespace {

bool is_section(const std::vector<std::string> &row) {
  return !row.empty() && !row[0].empty() && row[0][0] == '\x01';
}

// The longest word of `text`: a column can narrow to it and no further.
std::size_t longest_word(const std::string &text) {
  std::size_t longest = 0;
  for (const std::string &word : words_of(text))
    longest = std::max(longest, width(word));
  return longest;
}

} // namespace

std::string TextTable::render() const {
  const std::size_t n = header_.size();
  std::vector<std::size_t> widths(n, 0), floors(n, 1);
  auto measure = [&](const std::vector<std::string> &row) {
    if (is_section(row))
      return;
    for (std::size_t i = 0; i < row.size() && i < n; ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
      floors[i] = std::max(floors[i], longest_word(row[i]));
    }
  };
  measure(header_);
  for (const auto &r : rows_)
    measure(r);
  // Past the text width, the last column (a table's prose: a reason, a
  // claim) narrows first, to no less than kReadable; then the widest column
  // that can narrow does, to the next widest or by what is too much. None
  // narrows below its longest word: figures stay whole.
  constexpr std::size_t kReadable = 24;
  auto total = [&] {
    std::size_t t = n ? 2 * (n - 1) : 0;
    for (std::size_t w : widths)
      t += w;
    return t;
  };
  if (g_text_width && n && total() > g_text_width) {
    std::size_t &last = widths[n - 1];
    const std::size_t excess = total() - g_text_width;
    last = std::max({std::min(last, std::max(floors[n - 1], kReadable)), floors[n - 1],
                     last > excess ? last - excess : 0});
  }
  while (g_text_width && total() > g_text_width) {
    std::size_t widest = n, next = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (widths[i] > floors[i] && (widest == n || widths[i] > widths[widest]))
        widest = i;
    if (widest == n)
      break; // every column is down to its longest word
    for (std::size_t i = 0; i < n; ++i)
      if (i != widest && widths[i] > floors[i])
        next = std::max(next, widths[i]);
    const std::size_t excess = total() - g_text_width;
    std::size_t target =
        std::max({floors[widest], next, widths[widest] > excess ? widths[widest] - excess : 0});
    if (target >= widths[widest])
      target = widths[widest] - 1;
    widths[widest] = target;
  }
  auto line = [&](const std::vector<std::string> &row) {
    std::vector<std::vector<std::string>> cells;
    std::size_t height = 1;
    for (std::size_t i = 0; i < row.size() && i < n; ++i) {
      // cells are made terminal-safe when added
      cells.push_back(g_text_width ? wrap_indented(row[i], widths[i]) : std::vector{row[i]});
      height = std::max(height, cells.back().size());
    }
    std::string out;
    for (std::size_t k = 0; k < height; ++k) {
      std::string text;
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string cell = k < cells[i].size() ? cells[i][k] : "";
        text += cell;
        if (i + 1 < cells.size())
          text += std::string(widths[i] - std::min(widths[i], width(cell)) + 2, ' ');
      }
      while (!text.empty() && text.back() == ' ')
        text.pop_back();
      out += text + "\n";
    }
    return out;
  };
  std::string out = line(header_);
  for (const auto &r : rows_) {
    if (!is_section(r)) {
      out += line(r);
      continue;
    }
    const std::string title = r[0].substr(1);
    for (const std::string &l :
         g_text_width ? wrap_indented(title, g_text_width, 2) : std::vector{title})
      out += l + "\n";
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
