// report: answers from the local store. Any nesting of the dimensions, every
// node carrying the same metrics; table, JSON tree or flat CSV.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/sqlite.hpp"
#include "common/tz.hpp"

namespace codepulse::tracker {

enum class Dimension { kModel, kRepo, kFile, kAuthor, kTask, kDate, kSession };

Result<std::vector<Dimension>> parse_dimensions(std::string_view list);
const char* dimension_name(Dimension d);

struct Metrics {
  int64_t input = 0, output = 0, cache_create = 0, cache_read = 0;
  int64_t cost_nanos = 0;        // sum over priced records
  int64_t records = 0;           // records contributing (a record split over files counts in each)
  int64_t unpriced_records = 0;  // records whose model has no price (cost not included)
  int64_t total_tokens() const { return input + output + cache_create + cache_read; }
  void add(const Metrics& o);
};

struct ReportNode {
  std::string key;
  Metrics metrics;
  std::map<std::string, ReportNode> children;
};

struct ReportQuery {
  std::vector<Dimension> group_by{Dimension::kDate, Dimension::kModel};
  std::optional<int64_t> since_ms, until_ms;  // [since, until)
  TimeZone tz = TimeZone::utc();
};

struct Report {
  std::vector<Dimension> group_by;
  ReportNode root;  // root.metrics are the totals
};

Result<Report> build_report(sql::Database& db, const ReportQuery& query);

std::string render_json(const Report& r);
std::string render_csv(const Report& r);
std::string render_table(const Report& r);

// "1,234,567"
std::string with_thousands(int64_t v);

}  // namespace codepulse::tracker
