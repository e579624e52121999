#include "collector/cli/cli_table.hpp"

#include <algorithm>

#include "common/report/output_sinks.hpp"

namespace codepulse::collector {

std::string render_text_table(const std::vector<std::vector<std::string>>& raw) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(raw.size());
  for (const auto& row : raw) {
    rows.emplace_back();
    for (const std::string& cell : row)
      rows.back().push_back(report::terminal_text(cell));
  }
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

}  // namespace codepulse::collector
