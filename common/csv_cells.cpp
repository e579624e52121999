// RFC 4180 CSV cells (csv_cells.hpp).
#include "common/csv_cells.hpp"

namespace codepulse {

Result<std::vector<std::string>> next_csv_line(std::string_view text, size_t& pos, size_t line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c != '"') {
        cells.back().push_back(c);
      } else if (pos < text.size() && text[pos] == '"') {
        cells.back().push_back('"');
        ++pos;
      } else {
        quoted = false;
      }
    } else if (c == '"' && cells.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      cells.back().push_back(c);
    }
  }
  if (quoted) return make_error("line " + std::to_string(line) + ": a quoted cell is not closed");
  return cells;
}

}  // namespace codepulse
