// CSV carries what JSON carries: for each kind of report (usage; usage on
// list prices sorted by a ratio; outcomes; spend by commit and pull request)
// the CSV header is the dimensions and then exactly the keys of a JSON row,
// in order, and every leaf's cells equal its JSON values.
#include "common/report/report_columns.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include "tests/support/csv_cells.hpp"
#include "tests/support/hostile_report.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

// The leaves of the JSON tree, in document order (the CSV's row order).
void leaves(simdjson::dom::array rows, std::vector<simdjson::dom::object>& out) {
  for (simdjson::dom::element row : rows) {
    simdjson::dom::array children;
    if (!row["children"].get_array().get(children))
      leaves(children, out);
    else
      out.push_back(row.get_object().value_unsafe());
  }
}

// The CSV cell `cell` says what the JSON value `v` says.
void check_same(const std::string& name, const std::string& cell, simdjson::dom::element v) {
  INFO(name << ": CSV '" << cell << "', JSON " << simdjson::to_string(v));
  if (v.is_null()) {
    CHECK(cell.empty());
  } else if (v.is_bool()) {
    CHECK(cell == (v.get_bool().value() ? "true" : "false"));
  } else if (v.is_int64()) {
    CHECK(cell == std::to_string(v.get_int64().value()));
  } else {
    REQUIRE(v.is_double());
    REQUIRE_FALSE(cell.empty());
    CHECK(std::stod(cell) == v.get_double().value());
  }
}

}  // namespace

TEST_CASE("the CSV of every report kind has the JSON row's columns and values", "[report][csv]") {
  struct Kind {
    const char* name;
    ReportQuery q;
  };
  std::vector<Kind> kinds;
  ReportQuery usage;
  usage.group_by = {Dimension::kModel, Dimension::kRepo};
  kinds.push_back({"usage", usage});
  ReportQuery list = usage;
  list.cost_basis = CostBasis::kList;
  list.sort_by = Metric::kCostPerSession;
  kinds.push_back({"usage on list prices", list});
  ReportQuery outcomes;
  outcomes.group_by = {Dimension::kRepo};
  outcomes.outcomes = true;
  kinds.push_back({"outcomes", outcomes});
  ReportQuery spend;
  spend.group_by = {Dimension::kPr, Dimension::kCommit};
  kinds.push_back({"spend by pull request and commit", spend});

  for (const Kind& kind : kinds) {
    INFO(kind.name);
    auto r = test::hostile_report(kind.q);
    REQUIRE(r);
    const auto csv = test::parse_csv(render_csv(*r));
    const std::string json = render_json(*r);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(json).get(doc));

    // The header: the dimensions, then the column list.
    const std::vector<std::string> names = column_names(kind.q);
    REQUIRE(!csv.empty());
    const std::vector<std::string>& header = csv[0];
    const size_t dims = kind.q.group_by.size();
    REQUIRE(header.size() == dims + names.size());
    for (size_t d = 0; d < dims; ++d)
      CHECK(header[d] == dimension_name(kind.q.group_by[d]));
    CHECK(std::vector<std::string>(header.begin() + static_cast<std::ptrdiff_t>(dims),
                                   header.end()) == names);
    // The totals carry the same columns.
    std::vector<std::string> total_keys;
    simdjson::dom::object totals;
    REQUIRE_FALSE(doc["totals"].get_object().get(totals));
    for (auto field : totals)
      total_keys.emplace_back(field.key);
    CHECK(total_keys == names);

    // Each leaf: its JSON keys (but key, others, children) are the columns,
    // and each CSV cell says what its JSON value says.
    std::vector<simdjson::dom::object> json_leaves;
    simdjson::dom::array rows;
    REQUIRE_FALSE(doc["rows"].get_array().get(rows));
    leaves(rows, json_leaves);
    REQUIRE(json_leaves.size() == csv.size() - 1);
    REQUIRE(json_leaves.size() > 1);
    for (size_t i = 0; i < json_leaves.size(); ++i) {
      const std::vector<std::string>& row = csv[i + 1];
      REQUIRE(row.size() == header.size());
      std::vector<std::string> keys;
      for (auto field : json_leaves[i]) {
        const std::string key(field.key);
        if (key == "key" || key == "others" || key == "children") continue;
        keys.push_back(key);
        check_same(key, row[dims + keys.size() - 1], field.value);
      }
      CHECK(keys == names);
    }
  }
  // The fields CSV used to leave out are there.
  ReportQuery q;
  q.outcomes = true;
  const std::vector<std::string> names = column_names(q);
  for (const char* name :
       {"rework_rate_ai", "rework_rate_other", "reworked_cost_usd", "prs", "coding_hours",
        "coding_hours_p75", "pickup_hours", "pickup_hours_p75", "review_hours", "review_hours_p75",
        "cost_per_session", "cost_per_active_day"}) {
    INFO(name);
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
}
