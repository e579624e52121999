// Outcomes on the chosen cost basis, and what they say when the spend is
// partly or wholly unpriced; durations as hours and as exact seconds.
#include <catch2/catch.hpp>

#include "common/report/outcome_report.hpp"
#include "common/report/usage_cube.hpp"
#include "tests/support/org_rates.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kT0 = 1'795'132'800'000 + 8 * kHour;  // 2026-11-20 08:00 UTC
constexpr int64_t kDollar = 1'000'000'000;
const std::string kShaA = "aaaaaaa1111111111111111111111111111111111";
const std::string kShaB = "bbbbbbb2222222222222222222222222222222222";

// A record of `session` whose Bash call committed `sha`.
UsageFact committing(int64_t id, const std::string& session, const std::string& model,
                     int64_t input, const std::string& sha) {
  UsageFact f;
  f.record_id = id;
  f.author = "dev@acme.example";
  f.session = session;
  f.model = model;
  f.repo = "github.com/acme/api";
  f.branch = "main";
  f.turn_id = "t" + std::to_string(id);
  f.ts_ms = kT0 + id * kHour;
  f.input = input;
  if (!sha.empty()) {
    ToolUse git;
    git.tool_use_id = "toolu_" + std::to_string(id);
    git.name = "Bash";
    git.git_commit = true;
    git.result_seen = true;
    git.commit_sha = sha.substr(0, 7);
    f.tools.push_back(git);
  }
  return f;
}

CommitRecord commit(const std::string& sha, int64_t ts, int64_t added) {
  CommitRecord c;
  c.repo = "github.com/acme/api";
  c.sha = sha;
  c.author_email = "dev@acme.example";
  c.committer_email = c.author_email;
  c.author_ms = ts;
  c.committer_ms = ts;
  c.branch = "main";
  c.files = {{"src/a.cpp", added, 0}};
  return c;
}

// S1: Opus ($2 list, $1 at the organisation's half price) commits A, then an
// unpriced request. S2: only unpriced requests, one commits B.
Result<Report> run(const std::string& cost) {
  UsageCube cube(test::org_rates_pricer());
  cube.add(committing(1, "S1", "claude-opus-4-6", 400'000, kShaA));
  cube.add(committing(2, "S1", "gateway-model-x", 1'000, ""));
  cube.add(committing(3, "S2", "gateway-model-x", 2'000, kShaB));
  OutcomeData data;
  data.commits.commits = {commit(kShaA, kT0 + 1 * kHour + 60'000, 10),
                          commit(kShaB, kT0 + 3 * kHour + 60'000, 20)};
  auto q = parse_report_params({{"group_by", "commit"}, {"cost", cost}, {"links", "exact"}});
  REQUIRE(q);
  return query_cube(cube, q->query, {},
                    [&data](int64_t, int64_t) -> Result<OutcomeData> { return data; });
}

}  // namespace

TEST_CASE("outcomes divide the chosen cost and say when it is partly priced", "[outcomes][cost]") {
  auto org = run("org");
  REQUIRE(org);
  const Metrics& a = org->root.children.at("aaaaaaa11111").metrics;
  const Metrics& b = org->root.children.at("bbbbbbb22222").metrics;
  // A has S1's spend: one priced request, one not.
  CHECK(a.records == 2);
  CHECK(a.unpriced_records == 1);
  CHECK_FALSE(a.cost_complete());
  CHECK(a.cost_nanos == kDollar);
  CHECK(a.list_cost_nanos == 2 * kDollar);
  CHECK(*a.cost_per_commit_nanos(CostBasis::kOrg) == kDollar);
  CHECK(*a.cost_per_commit_nanos(CostBasis::kList) == 2 * kDollar);
  CHECK(*a.leverage(LeverageWeights{}, CostBasis::kList) == Approx(10.0 / 2));
  // B has only unpriced spend: no cost, so no cost per commit and no leverage.
  CHECK(b.all_unpriced());
  CHECK_FALSE(b.cost_per_commit_nanos());
  CHECK_FALSE(b.reworked_cost_nanos());
  CHECK_FALSE(b.leverage(LeverageWeights{}));
  CHECK(b.sort_value(Metric::kCostPerCommit) == INT64_MIN);
  CHECK(org->unpriced == std::vector<UnpricedModel>{{"gateway-model-x", 2, 3000}});

  const std::string json = render_json(*org);
  CHECK(
      json.find(R"({"key":"aaaaaaa11111","input":401000,"output":0,"cache_create":0,)"
                R"("cache_read":0,"total_tokens":401000,"cost_usd":1.000000,)"
                R"("list_cost_usd":2.000000,"effective_cost_usd":1.000000,"cost_nanos":1000000000,)"
                R"("list_cost_nanos":2000000000,"effective_cost_nanos":1000000000,)"
                R"("cost_complete":false,)") != std::string::npos);
  CHECK(json.find(R"("cost_per_commit":1.000000,"cost_per_commit_nanos":1000000000,)") !=
        std::string::npos);
  CHECK(json.find(R"("cost_per_commit":null,"cost_per_commit_nanos":null,)") != std::string::npos);
  CHECK(json.find(R"("leverage":10.00)") != std::string::npos);  // 10 lines per org dollar

  auto list = run("list");
  REQUIRE(list);
  const std::string list_json = render_json(*list);
  CHECK(list_json.find(R"("cost_per_commit":2.000000,"cost_per_commit_nanos":2000000000,)") !=
        std::string::npos);
  CHECK(list_json.find(R"("leverage":5.00)") != std::string::npos);

  const std::string table = render_table(*org);
  INFO(table);
  CHECK(table.find("$1.00*") != std::string::npos);  // A's cost and cost per commit
  CHECK(table.find("10.00*") != std::string::npos);  // A's leverage, from a partial cost
  CHECK(table.find("  unpriced") != std::string::npos);
  CHECK(table.find("* partly priced") != std::string::npos);
  CHECK(table.find("2 requests of model gateway-model-x unpriced (3,000 tokens)") !=
        std::string::npos);
  const std::string csv = render_csv(*org);
  CHECK(csv.find("\nbbbbbbb22222,2000,0,0,0,2000,,,,,,,false,1,1,") != std::string::npos);
}

TEST_CASE("durations come as hours and as seconds to the millisecond", "[outcomes][cost]") {
  Report r;
  r.query.outcomes = true;
  r.query.group_by = {Dimension::kPr};
  Outcomes& o = r.root.metrics.outcomes;
  o.merged_prs = 2;
  o.cycle_ms = {8 * kHour, 8 * kHour + 1};  // median 8 h + 0.5 ms
  o.coding_ms = {1'234'567};
  o.pickup_ms = {0, 90'000, 90'001};  // p75: 90,000.5 ms
  const std::string json = render_json(r);
  CHECK(json.find(R"("pr_cycle_time_hours":8.00,"pr_cycle_time_seconds":28800.001,)"
                  R"("pr_cycle_time_hours_p75":8.00,"pr_cycle_time_seconds_p75":28800.001,)"
                  R"("coding_hours":0.34,"coding_seconds":1234.567,)"
                  R"("coding_hours_p75":0.34,"coding_seconds_p75":1234.567,)"
                  R"("pickup_hours":0.03,"pickup_seconds":90.000,)"
                  R"("pickup_hours_p75":0.03,"pickup_seconds_p75":90.001,)"
                  R"("review_hours":null,"review_seconds":null,)"
                  R"("review_hours_p75":null,"review_seconds_p75":null,)") != std::string::npos);
  const std::string csv = render_csv(r);
  CHECK(csv.find("pr_cycle_time_hours,pr_cycle_time_seconds,pr_cycle_time_hours_p75,"
                 "pr_cycle_time_seconds_p75,") != std::string::npos);
}
