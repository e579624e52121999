// An RFC 4180 reader for the CSV sink tests (csv_cells.hpp).
#include "tests/support/csv_cells.hpp"

#include <stdexcept>

namespace codepulse::test {

std::vector<std::vector<std::string>> parse_csv(std::string_view csv) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    any = true;
    if (quoted) {
      if (c != '"') {
        cell.push_back(c);
      } else if (i + 1 < csv.size() && csv[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ++i;
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      cell.push_back(c);
    }
  }
  if (quoted) throw std::runtime_error("a quoted CSV cell is never closed");
  if (any) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace codepulse::test
