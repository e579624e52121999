// Effective cost (docs/METRICS.md): seats' monthly charges, pro-rated by
// days, spread over their holders' usage of the seat's assistant by list
// cost, exactly, under any grouping; API-billed usage keeps its cost; idle
// seats are listed, never spread. Every number is worked out by hand below.
#include <algorithm>
#include <catch2/catch.hpp>

#include "common/report/outcome_report.hpp"
#include "common/report/report.hpp"
#include "common/report/report_args.hpp"
#include "common/report/report_columns.hpp"
#include "common/report/seat_charges.hpp"
#include "common/report/usage_cube.hpp"
#include "common/time.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kDollar = 1'000'000'000;
constexpr int64_t kDayMs = 86'400'000;

int64_t day(int y, unsigned m, unsigned d) {
  return days_from_civil(CivilDate{y, m, d});
}

// claude-opus-4-6 lists input at $5 per million tokens: 1M input = $5.
UsageFact fact(int64_t id, const std::string& author, const std::string& repo, int64_t day_no,
               int64_t input, const std::string& assistant = "claude-code") {
  UsageFact f;
  f.record_id = id;
  f.author = author;
  f.session = author + "-s" + std::to_string(id);
  f.model = "claude-opus-4-6";
  f.repo = repo;
  f.turn_id = "t" + std::to_string(id);
  f.ts_ms = day_no * kDayMs + 10 * 3'600'000;
  f.input = input;
  f.assistant = assistant;
  return f;
}

SeatTerm seat(int64_t id, const std::string& plan, const std::string& assistant,
              const std::string& who, int64_t dollars, int64_t start, int64_t end = kOpenEnd) {
  return SeatTerm{id, plan, assistant, who, dollars * kDollar, start, end};
}

// November 2026 (30 days):
// - alice holds claude-max-20x ($200, the whole month); her claude-code
//   usage: 3M input in api on the 5th ($15) and 1M in web on the 25th ($5):
//   $20 of list cost, so api gets 200 x 15/20 = $150 and web $50. Her codex
//   usage (200k input, $1) is not the seat's assistant: it keeps its $1.
// - bob holds claude-team-premium ($150) from the 16th: 15 of 30 days, $75;
//   his 1M input ($5) in api carries all $75.
// - carol holds no seat: her 2M input ($10) is API-billed and keeps $10.
// - dave holds copilot-business ($19) and no copilot usage: an idle seat.
std::vector<UsageFact> november() {
  return {fact(1, "alice@acme.example", "api", day(2026, 11, 5), 3'000'000),
          fact(2, "alice@acme.example", "web", day(2026, 11, 25), 1'000'000),
          fact(3, "alice@acme.example", "api", day(2026, 11, 6), 200'000, "codex"),
          fact(4, "Bob@Acme.example", "api", day(2026, 11, 20), 1'000'000),
          fact(5, "carol@acme.example", "web", day(2026, 11, 10), 2'000'000)};
}

SeatContext november_seats() {
  SeatContext c;
  c.charges = std::make_shared<const SeatCharges>(std::vector<SeatTerm>{
      seat(1, "claude-max-20x", "claude-code", "alice@acme.example", 200, day(2026, 10, 1)),
      seat(2, "claude-team-premium", "claude-code", "bob@acme.example", 150, day(2026, 11, 16)),
      seat(3, "copilot-business", "copilot", "dave@acme.example", 19, day(2026, 9, 1))});
  return c;
}

ReportQuery query_of(Params params) {
  auto request = parse_report_params(params);
  REQUIRE(request);
  return request->query;
}

Report run(const UsageCube& cube, Params params) {
  auto r = cube.query(query_of(std::move(params)), {});
  REQUIRE(r);
  return std::move(r).value();
}

void check_children_add_up(const ReportNode& n) {
  if (n.children.empty()) return;
  int64_t sum = 0;
  for (const ReportNode& c : n.children) {
    sum += c.metrics.effective_cost_nanos;
    check_children_add_up(c);
  }
  CHECK(sum == n.metrics.effective_cost_nanos);
}

}  // namespace

TEST_CASE("a seat's month is pro-rated by days held, rounded half up to the nano",
          "[report][seats]") {
  const SeatTerm whole = seat(1, "p", "claude-code", "a@x", 200, day(2026, 10, 1));
  CHECK(seat_month(whole, month_index(day(2026, 11, 1))).charge_nanos == 200 * kDollar);
  // From the 16th of a 30-day month: 15 days, exactly half.
  const SeatTerm half = seat(2, "p", "claude-code", "a@x", 150, day(2026, 11, 16));
  const SeatMonth m = seat_month(half, month_index(day(2026, 11, 1)));
  CHECK(m.days_held == 15);
  CHECK(m.days_in_month == 30);
  CHECK(m.charge_nanos == 75 * kDollar);
  // Ending on 2026-12-02: 2 of 31 days of $20 = 1.290322580645... -> 1290322581.
  const SeatTerm ended = seat(3, "p", "claude-code", "a@x", 20, day(2026, 10, 1), day(2026, 12, 2));
  CHECK(seat_month(ended, month_index(day(2026, 12, 1))).charge_nanos == 1'290'322'581);
  CHECK(seat_month(ended, month_index(day(2027, 1, 1))).days_held == 0);
  // 15 nano-dollars for 1 of 30 days: 0.5 rounds up to 1.
  SeatTerm tiny = whole;
  tiny.monthly_nanos = 15;
  tiny.start_day = day(2026, 11, 30);
  CHECK(seat_month(tiny, month_index(day(2026, 11, 1))).charge_nanos == 1);
  CHECK(month_key(month_index(day(2026, 2, 28))) == "2026-02");
  CHECK(month_day_count(month_index(day(2028, 2, 1))) == 29);
}

TEST_CASE("seats are spread over their holders' usage by list cost, exactly, in any grouping",
          "[report][seats]") {
  UsageCube cube;
  for (const UsageFact& f : november())
    cube.add(f);
  cube.set_seats(november_seats());
  const Params nov = {{"since", "2026-11-01"}, {"until", "2026-11-30"}};

  Params by_author = nov;
  by_author.emplace_back("group_by", "author,assistant,repo");
  const Report r = run(cube, by_author);
  const auto& alice = r.root.children.at("alice@acme.example");
  CHECK(alice.children.at("claude-code").children.at("api").metrics.effective_cost_nanos ==
        150 * kDollar);
  CHECK(alice.children.at("claude-code").children.at("web").metrics.effective_cost_nanos ==
        50 * kDollar);
  CHECK(alice.children.at("codex").metrics.effective_cost_nanos == 1 * kDollar);
  CHECK(alice.children.at("codex").metrics.list_cost_nanos == 1 * kDollar);
  CHECK(r.root.children.at("Bob@Acme.example").metrics.effective_cost_nanos == 75 * kDollar);
  CHECK(r.root.children.at("carol@acme.example").metrics.effective_cost_nanos == 10 * kDollar);
  // Totals: 150 + 50 + 1 + 75 + 10 = $286 effective, $36 at list prices.
  CHECK(r.root.metrics.effective_cost_nanos == 286 * kDollar);
  CHECK(r.root.metrics.list_cost_nanos == 36 * kDollar);
  check_children_add_up(r.root);
  // dave's copilot seat found no usage: an idle seat, in no node.
  REQUIRE(r.idle_seats.size() == 1);
  CHECK(r.idle_seats[0] ==
        IdleSeat{3, "copilot-business", "copilot", "dave@acme.example", "2026-11", 19 * kDollar});
  // Seats ($200 + $75 + $19) and API-billed usage ($10 + $1) reconcile with
  // the effective total and the idle seats to the nano.
  CHECK(r.root.metrics.effective_cost_nanos + r.idle_seats[0].charge_nanos ==
        (200 + 75 + 19 + 10 + 1) * kDollar);

  // Any other grouping sums to the same total.
  for (const char* groups : {"repo", "model", "date", "repo,date,author", "assistant,author"}) {
    Params p = nov;
    p.emplace_back("group_by", groups);
    INFO(groups);
    for (auto strategy : {UsageCube::Strategy::kHash, UsageCube::Strategy::kSort}) {
      auto other = cube.query(query_of(p), {}, strategy);
      REQUIRE(other);
      CHECK(other->root.metrics.effective_cost_nanos == 286 * kDollar);
      check_children_add_up(other->root);
    }
  }
  Params repo = nov;
  repo.emplace_back("group_by", "repo");
  const Report by_repo = run(cube, repo);
  // api: alice 150 + her codex 1 + bob 75; web: alice 50 + carol 10.
  CHECK(by_repo.root.children.at("api").metrics.effective_cost_nanos == 226 * kDollar);
  CHECK(by_repo.root.children.at("web").metrics.effective_cost_nanos == 60 * kDollar);

  // --cost effective makes it THE cost; the metric sorts by it.
  Params eff = repo;
  eff.emplace_back("cost", "effective");
  eff.emplace_back("metric", "effective_cost_usd");
  const Report basis = run(cube, eff);
  CHECK(basis.query.cost_basis == CostBasis::kEffective);
  CHECK(render_table(basis).find("Effective cost") != std::string::npos);
  CHECK(render_table(basis).find("idle seat copilot-business of dave@acme.example (copilot) in "
                                 "2026-11: $19.00") != std::string::npos);
  const std::string json = render_json(basis);
  CHECK(json.find("\"effective_cost_usd\":286.000000") != std::string::npos);
  CHECK(json.find("\"effective_cost_nanos\":286000000000") != std::string::npos);
  CHECK(json.find("\"idle_seats\":[{\"seat_id\":3,\"plan\":\"copilot-business\"") !=
        std::string::npos);
  CHECK(render_csv(basis).find("effective_cost_usd") != std::string::npos);
}

TEST_CASE("a seat's remainder nanos go to its last part: parts add up to the charge",
          "[report][seats]") {
  // $100 over three equal parts: 33.333333333, 33.333333333, 33.333333334.
  UsageCube cube;
  for (int i = 0; i < 3; ++i)
    cube.add(fact(10 + i, "erin@acme.example", "repo" + std::to_string(i), day(2026, 11, 3 + i),
                  1'000'000));
  SeatContext c;
  c.charges = std::make_shared<const SeatCharges>(std::vector<SeatTerm>{
      seat(7, "claude-max-5x", "claude-code", "erin@acme.example", 100, day(2026, 11, 1))});
  cube.set_seats(c);
  const Report r =
      run(cube, {{"since", "2026-11-01"}, {"until", "2026-11-30"}, {"group_by", "repo"}});
  CHECK(r.root.metrics.effective_cost_nanos == 100 * kDollar);
  int64_t low = INT64_MAX, high = 0;
  for (const ReportNode& n : r.root.children) {
    low = std::min(low, n.metrics.effective_cost_nanos);
    high = std::max(high, n.metrics.effective_cost_nanos);
  }
  CHECK(low == 33'333'333'333);
  CHECK(high == 33'333'333'334);
  CHECK(r.idle_seats.empty());
}

TEST_CASE("a report over part of a month spreads each seat over the whole month's usage",
          "[report][seats]") {
  const std::vector<UsageFact> facts = november();
  UsageReader read = [&facts](int64_t since, int64_t until, bool, EpicMap&,
                              const std::function<bool(const UsageFact&)>& fn) -> Status {
    for (const UsageFact& f : facts)
      if (f.ts_ms >= since && f.ts_ms < until && !fn(f)) return make_error("stopped");
    return {};
  };
  const SeatContext seats = november_seats();
  // From the 20th: alice's web usage (the 25th) still carries $50 of her
  // $200, since her $15 on the 5th is outside the range but in the month.
  ReportQuery q =
      query_of({{"since", "2026-11-20"}, {"until", "2026-11-30"}, {"group_by", "author"}});
  auto r = build_report(read, q, {}, nullptr, &seats);
  REQUIRE(r);
  CHECK(r->root.children.at("alice@acme.example").metrics.effective_cost_nanos == 50 * kDollar);
  CHECK(r->root.children.at("Bob@Acme.example").metrics.effective_cost_nanos == 75 * kDollar);
  CHECK(r->root.metrics.effective_cost_nanos == 125 * kDollar);
  REQUIRE(r->idle_seats.size() == 1);
  // A filter on another dimension than author or assistant lists no idle seat.
  q.where.push_back({Dimension::kRepo, "web"});
  auto filtered = build_report(read, q, {}, nullptr, &seats);
  REQUIRE(filtered);
  CHECK(filtered->idle_seats.empty());
  // Without seats, effective cost is the organisation's.
  auto plain = build_report(read, query_of({{"since", "2026-11-01"}, {"until", "2026-11-30"}}));
  REQUIRE(plain);
  CHECK(plain->root.metrics.effective_cost_nanos == plain->root.metrics.cost_nanos);
  CHECK(plain->idle_seats.empty());
}

TEST_CASE("cost per commit, per merged PR and leverage have effective-cost variants",
          "[report][seats]") {
  Metrics m;
  m.records = 1;
  m.cost_nanos = 10 * kDollar;
  m.list_cost_nanos = 12 * kDollar;
  m.effective_cost_nanos = 40 * kDollar;
  m.outcomes.commits = 4;
  m.outcomes.merged_prs = 2;
  m.outcomes.lines_added = 400;
  CHECK(m.cost_per_commit_nanos(CostBasis::kEffective) == 10 * kDollar);
  CHECK(m.cost_per_merged_pr_nanos(CostBasis::kEffective) == 20 * kDollar);
  CHECK(m.leverage({}, CostBasis::kEffective) == Approx(10.0));
  CHECK(m.sort_value(Metric::kEffectiveCostPerCommit) == 10 * kDollar);
  auto request = parse_report_params({{"outcomes", "true"}});
  REQUIRE(request);
  const auto names = column_names(request->query);
  for (const char* name :
       {"effective_cost_usd", "effective_cost_nanos", "effective_cost_per_commit",
        "effective_cost_per_commit_nanos", "effective_cost_per_merged_pr",
        "effective_cost_per_merged_pr_nanos", "effective_leverage"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  for (const char* metric : {"effective_cost_usd", "effective_cost_per_commit",
                             "effective_cost_per_merged_pr", "effective_leverage"})
    CHECK(parse_report_params({{"metric", metric}}));
  // The outcome ratios on effective cost bring outcomes; the cost itself does not.
  CHECK(parse_report_params({{"metric", "effective_cost_per_commit"}})->query.wants_outcomes());
  CHECK(parse_report_params({{"metric", "effective_leverage"}})->query.wants_outcomes());
  CHECK_FALSE(parse_report_params({{"metric", "effective_cost_usd"}})->query.wants_outcomes());
}
