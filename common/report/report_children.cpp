// A report node's children: look-ups by key (report.hpp defines the rest).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "common/report/report.hpp"

namespace codepulse::report {

const ReportNode& ReportChildren::at(std::string_view key) const {
  for (const ReportNode& n : nodes_)
    if (n.key == key) return n;
  throw std::out_of_range("no report node '" + std::string(key) + "'");
}

ReportNode& ReportChildren::at(std::string_view key) {
  for (ReportNode& n : nodes_)
    if (n.key == key) return n;
  throw std::out_of_range("no report node '" + std::string(key) + "'");
}

size_t ReportChildren::count(std::string_view key) const {
  return static_cast<size_t>(std::count_if(nodes_.begin(), nodes_.end(),
                                           [key](const ReportNode& n) { return n.key == key; }));
}

}  // namespace codepulse::report
