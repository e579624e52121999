// Reports carry two costs, the organisation's rates and list prices, exactly
// on every query path; --cost (cost=) picks the one that counts; unpriced usage
// is listed per model and never shown as $0 (docs/REPORT-ENGINE.md).
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "common/report/report.hpp"
#include "common/report/report_args.hpp"
#include "common/report/usage_cube.hpp"
#include "tests/support/org_rates.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kT0 = 1'795'132'800'000;  // 2026-11-20 00:00 UTC
constexpr int64_t kDollar = 1'000'000'000;

UsageFact fact(int64_t id, const std::string& model, int64_t input, int64_t output = 0) {
  UsageFact f;
  f.record_id = id;
  f.author = "dev@acme.example";
  f.session = "s" + std::to_string(id % 3);
  f.model = model;
  f.repo = "github.com/acme/api";
  f.turn_id = "t" + std::to_string(id);
  f.ts_ms = kT0 + id * 60'000;
  f.input = input;
  f.output = output;
  return f;
}

// Opus: list $1.00, org $0.50. Haiku: list $0.40, org $1.60. Two unpriced
// models: 3 requests of 1,500 tokens and 1 of 2,000.
UsageCube small_cube() {
  UsageCube cube(test::org_rates_pricer());
  cube.add(fact(1, "claude-opus-4-6", 200'000));            // list 1.00, org 0.50
  cube.add(fact(2, "claude-haiku-4-5-20251001", 400'000));  // list 0.40, org 1.60
  for (int64_t id = 3; id <= 5; ++id)
    cube.add(fact(id, "gateway-model-x", 1000, 500));
  cube.add(fact(6, "glm-4.6", 1500, 500));
  return cube;
}

Report query(const UsageCube& cube, Params params,
             UsageCube::Strategy strategy = UsageCube::Strategy::kAuto) {
  auto request = parse_report_params(params);
  REQUIRE(request);
  auto r = cube.query(request->query, {}, strategy);
  REQUIRE(r);
  return std::move(r).value();
}

std::vector<std::string> keys(const Report& r) {
  // The order the renderers use: the CSV's first column.
  std::vector<std::string> out;
  const std::string csv = render_csv(r);
  size_t pos = csv.find('\n') + 1;
  while (pos < csv.size()) {
    out.push_back(csv.substr(pos, csv.find(',', pos) - pos));
    pos = csv.find('\n', pos) + 1;
  }
  return out;
}

void check_both_costs_add_up(const ReportNode& n, const std::string& path) {
  if (n.children.empty()) return;
  int64_t org = 0, list = 0;
  for (const ReportNode& c : n.children) {
    org += c.metrics.cost_nanos;
    list += c.metrics.list_cost_nanos;
    check_both_costs_add_up(c, path + "/" + c.key);
  }
  INFO(path);
  CHECK(org == n.metrics.cost_nanos);
  CHECK(list == n.metrics.list_cost_nanos);
}

}  // namespace

TEST_CASE("list and organisation costs: exact totals, children add up on every path",
          "[report][cost]") {
  const auto pricer = test::org_rates_pricer();
  UsageCube cube(pricer);
  std::mt19937_64 rng(17);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* models[] = {"claude-opus-4-6", "claude-haiku-4-5-20251001",
                          "claude-sonnet-4-5-20250929", "gateway-model-x"};
  int64_t org = 0, list = 0, unpriced = 0;
  for (int64_t id = 1; id <= 300; ++id) {
    UsageFact f = fact(id, models[pick(4)], pick(50'000), pick(9'000));
    f.session = "s" + std::to_string(pick(7));
    f.turn_id = "t" + std::to_string(id / 2);
    f.ts_ms = kT0 + pick(20) * 86'400'000LL + pick(86'400'000);
    f.cache_read = pick(300'000);
    f.repo = "github.com/acme/r" + std::to_string(pick(3));
    f.task_keys = pick(2) ? "PROJ-" + std::to_string(pick(4)) : "";
    if (pick(3)) {
      ToolUse t;
      t.tool_use_id = "toolu_" + std::to_string(id);
      t.name = "Edit";
      t.path = "src/f" + std::to_string(pick(5)) + ".cpp";
      t.action = FileAction::kChange;
      t.result_seen = true;
      t.lines_added = pick(40);
      f.tools.push_back(t);
    }
    const PricedUsage p = pricer->price(f.to_price());
    org += p.org_nanos.value_or(0);
    list += p.list_nanos.value_or(0);
    unpriced += p.list_nanos ? 0 : 1;
    cube.add(f);
  }
  REQUIRE(org != list);  // the overrides matter
  REQUIRE(unpriced > 0);
  for (const char* group_by :
       {"model", "model,repo,file", "task,file,date", "date,session,model", "repo,task"}) {
    for (const char* top : {"", "2"}) {
      for (const char* basis : {"org", "list"}) {
        Params params = {{"group_by", group_by}, {"cost", basis}};
        if (*top) params.emplace_back("top", top);
        INFO(group_by << " top " << top << " cost " << basis);
        const Report hashed = query(cube, params, UsageCube::Strategy::kHash);
        const Report sorted = query(cube, params, UsageCube::Strategy::kSort);
        const Report halves = query(cube, params, UsageCube::Strategy::kSortTwoThreads);
        CHECK(hashed.root.metrics.cost_nanos == org);
        CHECK(hashed.root.metrics.list_cost_nanos == list);
        CHECK(hashed.root.metrics.unpriced_records == unpriced);
        check_both_costs_add_up(hashed.root, "");
        check_both_costs_add_up(sorted.root, "");
        CHECK(render_json(hashed) == render_json(sorted));
        CHECK(render_json(halves) == render_json(sorted));
        REQUIRE(hashed.unpriced.size() == 1);
        CHECK(hashed.unpriced[0].model == "gateway-model-x");
        CHECK(hashed.unpriced[0].requests == unpriced);
      }
    }
  }
}

TEST_CASE("the cost basis, --cost list or org, picks the cost that sorts, cuts and divides",
          "[report][cost]") {
  const UsageCube cube = small_cube();
  const Report org = query(cube, {{"group_by", "model"}});
  const Report list = query(cube, {{"group_by", "model"}, {"cost", "list"}});
  CHECK(org.query.cost_basis == CostBasis::kOrg);
  CHECK(list.query.cost_basis == CostBasis::kList);
  // Haiku costs the organisation more, Opus more at list; unpriced models last.
  CHECK(keys(org) == std::vector<std::string>{"claude-haiku-4-5-20251001", "claude-opus-4-6",
                                              "gateway-model-x", "glm-4.6"});
  CHECK(keys(list) == std::vector<std::string>{"claude-opus-4-6", "claude-haiku-4-5-20251001",
                                               "gateway-model-x", "glm-4.6"});
  CHECK(org.root.metrics.cost_nanos == 2 * kDollar + kDollar / 10);       // 0.50 + 1.60
  CHECK(org.root.metrics.list_cost_nanos == kDollar + 4 * kDollar / 10);  // 1.00 + 0.40
  // --top 1 keeps the largest on the chosen basis; the fold keeps both sums.
  for (const char* basis : {"org", "list"}) {
    const Report top = query(cube, {{"group_by", "model"}, {"top", "1"}, {"cost", basis}});
    INFO(basis);
    REQUIRE(top.root.children.size() == 2);
    CHECK(top.root.children.count(std::string(basis) == "org" ? "claude-haiku-4-5-20251001"
                                                              : "claude-opus-4-6") == 1);
    check_both_costs_add_up(top.root, "");
  }
  // Money ratios follow the basis: 3 sessions.
  const std::string org_json = render_json(org), list_json = render_json(list);
  CHECK(org_json.find(R"("cost_basis":"org")") != std::string::npos);
  CHECK(list_json.find(R"("cost_basis":"list")") != std::string::npos);
  CHECK(org_json.find(R"("totals":{"input":604500,"output":2000,"cache_create":0,"cache_read":0,)"
                      R"("total_tokens":606500,"cost_usd":2.100000,"list_cost_usd":1.400000,)"
                      R"("effective_cost_usd":2.100000,)"
                      R"("cost_nanos":2100000000,"list_cost_nanos":1400000000,)"
                      R"("effective_cost_nanos":2100000000,)"
                      R"("cost_complete":false,"unpriced_records":4,"records":6,)") !=
        std::string::npos);
  CHECK(org_json.find(R"("cost_per_session":0.700000,"cost_per_session_nanos":700000000)") !=
        std::string::npos);
  CHECK(list_json.find(R"("cost_per_session":0.466667,"cost_per_session_nanos":466666666)") !=
        std::string::npos);
  // The table's cost column is the chosen one.
  CHECK(render_table(org).find("  Cost\n") != std::string::npos);
  CHECK(render_table(list).find("  List cost\n") != std::string::npos);
  CHECK(render_table(list).find("$1.00") != std::string::npos);
}

TEST_CASE("unpriced usage is listed per model and never shown as $0", "[report][cost]") {
  const UsageCube cube = small_cube();
  const Report r = query(cube, {{"group_by", "model,repo"}});
  CHECK(r.unpriced ==
        std::vector<UnpricedModel>{{"gateway-model-x", 3, 4500}, {"glm-4.6", 1, 2000}});
  CHECK(r.root.metrics.unpriced_records == 4);
  const Metrics& gateway = r.root.children.at("gateway-model-x").metrics;
  CHECK(gateway.all_unpriced());
  CHECK_FALSE(gateway.known_cost(CostBasis::kOrg));
  CHECK_FALSE(gateway.cost_per_session_nanos());
  CHECK(gateway.sort_value(Metric::kCostUsd) == INT64_MIN);
  CHECK(r.root.children.at("claude-opus-4-6").metrics.cost_complete());

  SECTION("JSON: the range's unpriced models, null costs, unpriced_records on every row") {
    const std::string json = render_json(r);
    CHECK(json.find(R"("unpriced":[{"model":"gateway-model-x","requests":3,"tokens":4500},)"
                    R"({"model":"glm-4.6","requests":1,"tokens":2000}])") != std::string::npos);
    CHECK(json.find(R"({"key":"gateway-model-x","input":3000,"output":1500,"cache_create":0,)"
                    R"("cache_read":0,"total_tokens":4500,"cost_usd":null,"list_cost_usd":null,)"
                    R"("effective_cost_usd":null,)"
                    R"("cost_nanos":null,"list_cost_nanos":null,"effective_cost_nanos":null,)"
                    R"("cost_complete":false,)"
                    R"("unpriced_records":3,"records":3,)") != std::string::npos);
    CHECK(json.find(R"("cost_per_session":null,"cost_per_session_nanos":null)") !=
          std::string::npos);
    CHECK(json.find(
              R"({"key":"claude-opus-4-6","input":200000,"output":0,"cache_create":0,)"
              R"("cache_read":0,"total_tokens":200000,"cost_usd":0.500000,)"
              R"("list_cost_usd":1.000000,"effective_cost_usd":0.500000,"cost_nanos":500000000,)"
              R"("list_cost_nanos":1000000000,"effective_cost_nanos":500000000,)"
              R"("cost_complete":true,"unpriced_records":0,)") != std::string::npos);
  }
  SECTION("CSV: empty costs with the unpriced count beside") {
    const std::string csv = render_csv(r);
    CHECK(csv.rfind(
              "model,repo,input,output,cache_create,cache_read,total_tokens,cost_usd,"
              "list_cost_usd,effective_cost_usd,cost_nanos,list_cost_nanos,effective_cost_nanos,"
              "cost_complete,unpriced_records,records,",
              0) == 0);
    CHECK(csv.find("\ngateway-model-x,github.com/acme/api,3000,1500,0,0,4500,,,,,,,false,3,3,") !=
          std::string::npos);
    CHECK(csv.find("\nclaude-opus-4-6,github.com/acme/api,200000,0,0,0,200000,0.500000,1.000000,"
                   "0.500000,500000000,1000000000,500000000,true,0,1,") != std::string::npos);
  }
  SECTION("table: 'unpriced' cells, a mark on partial costs, one line per model") {
    const std::string table = render_table(r);
    INFO(table);
    CHECK(table.find("$0.00") == std::string::npos);
    CHECK(table.find("gateway-model-x") != std::string::npos);
    CHECK(table.find("unpriced\n") != std::string::npos);
    CHECK(table.find("$2.10*\n") != std::string::npos);  // the total leaves out 4 requests
    CHECK(table.find("* partly priced: the cost (and what is computed from it) leaves out the "
                     "unpriced requests below.\n") != std::string::npos);
    CHECK(table.find("\n3 requests of model gateway-model-x unpriced (4,500 tokens)\n"
                     "1 request of model glm-4.6 unpriced (2,000 tokens)\n") != std::string::npos);
  }
  SECTION("filters narrow the list; a filtered-out model is not listed") {
    const Report only = query(cube, {{"group_by", "repo"}, {"where", "model=glm-4.6"}});
    CHECK(only.unpriced == std::vector<UnpricedModel>{{"glm-4.6", 1, 2000}});
    CHECK(only.root.metrics.all_unpriced());
    CHECK(render_json(only).find(R"("totals":{"input":1500,"output":500,"cache_create":0,)"
                                 R"("cache_read":0,"total_tokens":2000,"cost_usd":null,)") !=
          std::string::npos);
    const Report priced = query(cube, {{"group_by", "repo"}, {"where", "model=claude-opus-4-6"}});
    CHECK(priced.unpriced.empty());
    CHECK(render_json(priced).find(R"("unpriced":[])") != std::string::npos);
    CHECK(render_table(priced).find("unpriced") == std::string::npos);
  }
}

TEST_CASE("a split record's unpriced tokens follow its shares", "[report][cost]") {
  // One unpriced turn whose 1,000 input tokens go 3:1 to a.cpp and b.cpp.
  UsageCube cube;
  UsageFact f = fact(1, "gateway-model-x", 1000);
  for (auto [path, lines] : {std::pair{"a.cpp", 30}, std::pair{"b.cpp", 10}}) {
    ToolUse t;
    t.tool_use_id = std::string("toolu_") + path;
    t.name = "Edit";
    t.path = path;
    t.action = FileAction::kChange;
    t.result_seen = true;
    t.lines_added = lines;
    f.tools.push_back(t);
  }
  cube.add(f);
  for (auto strategy : {UsageCube::Strategy::kHash, UsageCube::Strategy::kSort}) {
    const Report b = query(cube, {{"group_by", "file"}, {"where", "file=b.cpp"}}, strategy);
    CHECK(b.unpriced == std::vector<UnpricedModel>{{"gateway-model-x", 1, 250}});
    CHECK(b.root.metrics.unpriced_records == 1);
    const Report both = query(cube, {{"group_by", "file"}}, strategy);
    CHECK(both.unpriced == std::vector<UnpricedModel>{{"gateway-model-x", 1, 1000}});
    CHECK(both.root.children.at("a.cpp").metrics.unpriced_records == 1);
    CHECK(both.root.children.at("a.cpp").metrics.all_unpriced());
  }
}

TEST_CASE("cost=, --cost: org, list or effective, anything else refused",
          "[report][cost][params]") {
  auto org = parse_report_params({{"cost", "org"}});
  REQUIRE(org);
  CHECK(org->query.cost_basis == CostBasis::kOrg);
  auto list = parse_report_params({{"cost", "list"}});
  REQUIRE(list);
  CHECK(list->query.cost_basis == CostBasis::kList);
  CHECK(parse_report_params({})->query.cost_basis == CostBasis::kOrg);
  auto effective = parse_report_params({{"cost", "effective"}});
  REQUIRE(effective);
  CHECK(effective->query.cost_basis == CostBasis::kEffective);
  auto bad = parse_report_params({{"cost", "retail"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "cost: expected org, list or effective, got 'retail'");

  auto flags = report_flags();
  REQUIRE(
      std::any_of(flags.begin(), flags.end(), [](const FlagSpec& f) { return f.name == "cost"; }));
  auto args = Args::parse({"--cost", "list"}, flags);
  REQUIRE(args);
  auto request = parse_report_args(*args);
  REQUIRE(request);
  CHECK(request->query.cost_basis == CostBasis::kList);
  auto refused = parse_report_args(*Args::parse({"--cost", "x"}, flags));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "--cost: expected org, list or effective, got 'x'");
}
