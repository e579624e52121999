// Report rows for the tests that compare totals (report_rows.hpp).
#include "tests/support/report_rows.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <stdexcept>

namespace codepulse::test {

std::map<std::string, DayModelRow> tracker_report_rows(const std::string& state,
                                                       const std::string& group_by) {
  auto r =
      run({tracker_bin(), "report", "--state", state, "--group-by", group_by, "--format", "csv"});
  REQUIRE(r.exit_code == 0);
  return parse_day_model_csv(r.out);
}

std::map<std::string, DayModelRow> parse_ccusage_daily(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::padded_string text(json);
  simdjson::dom::element root;
  simdjson::dom::array days;
  if (parser.parse(text).get(root) || root["daily"].get_array().get(days))
    throw std::runtime_error("not a ccusage daily report");
  std::map<std::string, DayModelRow> rows;
  for (auto day : days) {
    std::string_view date;
    simdjson::dom::array models;
    // Claude's report names the day "period", the agents' reports "date".
    if ((day["period"].get_string().get(date) && day["date"].get_string().get(date)) ||
        day["modelBreakdowns"].get_array().get(models))
      throw std::runtime_error("unexpected ccusage day");
    for (auto m : models) {
      std::string_view name;
      double cost = 0;
      if (m["modelName"].get_string().get(name)) throw std::runtime_error("no modelName");
      DayModelRow& r = rows[std::string(date) + "|" + std::string(name)];
      if (m["inputTokens"].get_int64().get(r.input) ||
          m["outputTokens"].get_int64().get(r.output) ||
          m["cacheCreationTokens"].get_int64().get(r.cache_create) ||
          m["cacheReadTokens"].get_int64().get(r.cache_read) || m["cost"].get_double().get(cost))
        throw std::runtime_error("unexpected ccusage model breakdown");
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", cost);
      r.cost_cents = buf;
    }
  }
  return rows;
}

void check_report_row(const std::map<std::string, DayModelRow>& rows, const std::string& key,
                      int64_t requests, int64_t input, int64_t output, int64_t cache_create,
                      int64_t cache_read) {
  INFO(key);
  REQUIRE(rows.count(key) == 1);
  const DayModelRow& row = rows.at(key);
  CHECK(row.requests == requests);
  CHECK(row.input == input);
  CHECK(row.output == output);
  CHECK(row.cache_create == cache_create);
  CHECK(row.cache_read == cache_read);
}

}  // namespace codepulse::test
