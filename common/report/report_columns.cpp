// The names of the report columns (report_columns.hpp).
#include "common/report/report_columns.hpp"

namespace codepulse::report {

std::vector<std::string> column_names(const ReportQuery& q) {
  std::vector<std::string> names;
  for_each_column(Metrics{}, q,
                  [&names](const char* name, const auto&) { names.emplace_back(name); });
  return names;
}

}  // namespace codepulse::report
