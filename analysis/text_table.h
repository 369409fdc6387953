// Plain-text tables with aligned columns, for terminal reports.
#pragma once

#include <string>
#include <vector>

namespace zc::analysis {

class TextTable {
public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
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
