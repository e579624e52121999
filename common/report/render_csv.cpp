// The CSV report: one row per leaf with every level's key, for spreadsheets,
// then every column JSON gives a node (report_columns.hpp), in its order.
// Money as dollars and exact nano-dollars; no value (JSON's null) is an empty
// cell, so a leaf whose every record is unpriced has empty costs, with its
// unpriced_records beside them. Keys go through csv_text_cell.
#include <string>
#include <type_traits>
#include <vector>

#include "common/report/output_sinks.hpp"
#include "common/report/render_internal.hpp"
#include "common/report/report_columns.hpp"

namespace codepulse::report {
namespace {

void csv_rows(const Report& r, const ReportNode& n, std::vector<std::string>& path,
              std::string& out) {
  if (n.children.empty()) {
    for (size_t i = 0; i < r.query.group_by.size(); ++i)
      out += (i < path.size() ? csv_text_cell(path[i]) : std::string()) + ",";
    bool first = true;
    for_each_column(n.metrics, r.query, [&out, &first](const char*, const auto& v) {
      if (!first) out.push_back(',');
      first = false;
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<T, std::string>) {
        if (v != "null") out += v;  // JSON's null: an empty cell
      } else if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true" : "false";
      } else {
        out += std::to_string(v);
      }
    });
    out += "\n";
    return;
  }
  for (const ReportNode* c : ordered(r, n, path.size())) {
    path.push_back(c->key);
    csv_rows(r, *c, path, out);
    path.pop_back();
  }
}

}  // namespace

std::string render_csv(const Report& r) {
  std::string out;
  for (Dimension d : r.query.group_by)
    out += std::string(dimension_name(d)) + ",";
  const std::vector<std::string> names = column_names(r.query);
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? "," : "") + names[i];
  out += "\n";
  std::vector<std::string> path;
  csv_rows(r, r.root, path, out);
  return out;
}

}  // namespace codepulse::report
