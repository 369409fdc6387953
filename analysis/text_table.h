// Plain-text tables with aligned columns, for terminal reports.
#pragma once

#include <string>
#include <vector>

namespace zc::analysis {

// Text from outside zctrace (a program's name, its command line, a file
// name) for a terminal: control characters (an escape sequence could move
// the cursor, retitle the window or hide lines) are shown as \xNN.
std::string terminal_safe(const std::string &text);

// Tables wider than this many columns narrow their widest columns, whose
// cells wrap at spaces (never inside a word), and section lines wrap too
// (default 100; 0: never, as --wide asks).
void set_text_width(std::size_t columns);
std::size_t text_width();

// Each line of `text` longer than the text width broken at spaces: a term
// and its description (two spaces or more between) continues under the
// description, any other line two further in than its start.
std::string wrap_lines(const std::string &text);

// Every cell is made terminal_safe when it is added.
class TextTable {
public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) {
    for (std::string &cell : row)
      cell = terminal_safe(cell);
    rows_.push_back(std::move(row));
  }
  // A full-width line between rows (a section title).
  void section(std::string title) { rows_.push_back({"\x01" + std::move(title)}); }
  std::string render() const;

private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Figures as text: "n/a" for a missing value.
std::string fixed(double v, int decimals);
std::string thousands(unsigned long long v);

} // namespace zc::analysis
