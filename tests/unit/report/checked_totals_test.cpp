// Totals that cannot wrap (issue 22): checked sums saturate and say so, and
// the worst legal records give exact totals or an explicit error (never a
// negative or wrapped number).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/checked_sum.hpp"
#include "common/report/usage_cube.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/test_prices.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kT0 = 1'770'912'000'000;  // 2026-02-12T16:00:00Z, a quarter hour
constexpr int64_t kMax = proto::kMaxTokensPerField;

// Every rate at the most a price book allows ($1,000,000 per million
// tokens: 10^9 nano-dollars a token), so one record of the most tokens a
// record may claim (10^8 in each of five counts) costs 5 * 10^17, eighteen
// of them 9 * 10^18, and the nineteenth passes the int64 range (9.22 * 10^18).
std::shared_ptr<const Pricer> dear_prices() {
  return test::pricer_of(
      R"({"format": 2, "revision": "dear-1", "models": [{"family": "claude-dear-1",
      "periods": [{"input": 1000000, "output": 1000000, "cache_write_5m": 1000000,
                   "cache_write_1h": 1000000, "cache_read": 1000000}]}]})");
}

UsageFact worst_fact(int64_t i, const std::string& model, bool same_turn) {
  UsageFact f;
  f.record_id = i + 1;
  f.author = "dev@acme.example";
  f.session = same_turn ? "s" : "s" + std::to_string(i);
  f.turn_id = same_turn ? "t" : "t" + std::to_string(i);
  f.model = model;
  f.repo = "github.com/acme/api";
  f.ts_ms = kT0;
  f.input = kMax;
  f.output = kMax;
  f.cache_create = 2 * kMax;  // both cache writes at the maximum
  f.cache_create_1h = kMax;
  f.cache_read = kMax;
  return f;
}

ReportQuery by_author() {
  ReportQuery q;
  q.group_by = {Dimension::kAuthor};
  q.since_ms = kT0 - 86'400'000;
  q.until_ms = kT0 + 86'400'000;
  return q;
}

}  // namespace

TEST_CASE("checked sums saturate and say so", "[report][overflow]") {
  int64_t acc = INT64_MAX - 1;
  CHECK(add_checked(acc, 1));
  CHECK(acc == INT64_MAX);
  CHECK_FALSE(add_checked(acc, 1));
  CHECK(acc == INT64_MAX);
  acc = INT64_MIN + 1;
  CHECK_FALSE(add_checked(acc, -2));
  CHECK(acc == INT64_MIN);
  acc = 5;
  CHECK(add_checked(acc, -7));
  CHECK(acc == -2);
  // A node's total tokens saturate too (a query refuses such a node).
  Metrics m;
  m.input = m.cache_read = INT64_MAX / 2 + 1;
  CHECK(m.total_tokens() == INT64_MAX);
  m.cache_read = 7;
  CHECK(m.total_tokens() == INT64_MAX / 2 + 8);
}

TEST_CASE("the worst legal records give exact totals or an error, never a wrapped one",
          "[report][overflow]") {
  const auto strategy = GENERATE(UsageCube::Strategy::kHash, UsageCube::Strategy::kSort,
                                 UsageCube::Strategy::kSortTwoThreads);
  const bool same_turn = GENERATE(false, true);  // one group, or one group per record
  UsageCube cube(dear_prices());
  __extension__ __int128 exact = 0;
  for (int64_t i = 0; i < 18; ++i) {
    const UsageFact f = worst_fact(i, "claude-dear-1", same_turn);
    exact += *cube.pricer().price(f.to_price()).org_nanos;
    cube.add(f);
  }
  REQUIRE(exact == __extension__ static_cast<__int128>(9'000'000'000'000'000'000ULL));
  auto fits = cube.query(by_author(), {}, strategy);
  REQUIRE(fits);
  CHECK(fits->root.metrics.cost_nanos == 9'000'000'000'000'000'000);
  CHECK(fits->root.metrics.output == 18 * kMax);

  // The nineteenth passes the int64 range: the report is refused, not wrapped.
  cube.add(worst_fact(18, "claude-dear-1", same_turn));
  auto over = cube.query(by_author(), {}, strategy);
  REQUIRE_FALSE(over);
  CHECK(over.error().message.find("64-bit range") != std::string::npos);
}

TEST_CASE("a worst legal batch at list prices sums exactly", "[report][overflow]") {
  // 100,000 records (a batch's limit), every token count at its maximum,
  // at the builtin book's dearest common model.
  UsageCube cube;
  __extension__ __int128 exact = 0;
  for (int64_t i = 0; i < 100'000; ++i) {
    const UsageFact f = worst_fact(i % 1000, "claude-opus-4-1", true);
    exact += *cube.pricer().price(f.to_price()).org_nanos;
    cube.add(f);
  }
  auto r = cube.query(by_author(), {});
  REQUIRE(r);
  CHECK(r->root.metrics.cost_nanos > 0);
  CHECK(__extension__ static_cast<__int128>(r->root.metrics.cost_nanos) == exact);
  CHECK(r->root.metrics.input == 100'000 * kMax);
}
