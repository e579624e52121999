// The analytics feed against a real SQLite store and a real ClickHouse
// server: commits reach ClickHouse; while it is down, ingest goes on and
// past the feed's limit records become days to heal (memory bounded); once
// it is back, nothing is missing.
#include "collector/serve/analytics_feed.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "collector/analytics/usage_rollup.hpp"
#include "collector/store/store.hpp"
#include "tests/support/clickhouse_server.hpp"
#include "tests/support/insight_records.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::ClickHouseServer;
using codepulse::test::TempDir;

namespace {

constexpr int64_t kT0 = 1'770'940'800'000;  // 2026-02-13T00:00:00Z

std::vector<proto::WireRecord> records(int first, int n) {
  std::vector<proto::WireRecord> out;
  for (int i = first; i < first + n; ++i)
    out.push_back(test::thousand_token_record(
        "uid-" + std::to_string(i), kT0 + (i % 4) * 86'400'000LL + i * 1000,
        "session-" + std::to_string(i % 3), "claude-test-1", "github.com/acme/api"));
  return out;
}

int64_t analytics_count(analytics::ClickHouseClient& ch) {
  auto text = ch.execute("SELECT count() FROM usage_facts FINAL FORMAT TabSeparated");
  REQUIRE(text);
  return std::stoll(*text);
}

template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

}  // namespace

TEST_CASE("the analytics feed sends commits, holds days while ClickHouse is down, and heals",
          "[analytics][clickhouse]") {
  if (!ClickHouseServer::shared()) CODEPULSE_SKIP(ClickHouseServer::why());
  auto server = ClickHouseServer::start_new();
  const auto target = test::clickhouse_target(server->create_database_url());
  TempDir dir;
  auto store = open_store(dir / "collector.db");
  REQUIRE(store);
  // Records stored before the feed starts are found by its first comparison.
  REQUIRE((*store)->ingest("dev@acme.example", test::decoded_batch("b0", records(0, 12))));
  auto pricing = PricingState::open(**store);
  REQUIRE(pricing);
  auto log = Logger::open(dir / "collector.log", LogLevel::kInfo, 600);
  REQUIRE(log);
  AnalyticsFeedOptions options;
  options.max_pending = 5;
  options.rollup_quiet = std::chrono::seconds(1);
  AnalyticsFeed feed(**store, **pricing, *log, target, options);
  REQUIRE(feed.start());
  auto position = feed.catch_up();
  REQUIRE(eventually([&] { return static_cast<bool>(position = feed.catch_up()); }));
  CHECK(position->generations->book() == 1);
  analytics::ClickHouseClient ch(target);
  CHECK(analytics_count(ch) == 12);

  // A commit is in ClickHouse once catch_up returns.
  REQUIRE((*store)->ingest("dev@acme.example", test::decoded_batch("b1", records(12, 3))));
  REQUIRE(feed.catch_up());
  CHECK(analytics_count(ch) == 15);

  server->stop();
  const auto down = std::chrono::steady_clock::now();
  // Ingest goes on; 3 commits of 4 records pass the feed's limit of 5.
  for (int b = 0; b < 3; ++b)
    REQUIRE((*store)->ingest("dev@acme.example",
                             test::decoded_batch("c" + std::to_string(b), records(20 + 4 * b, 4))));
  auto refused = feed.catch_up();
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::StartsWith("the store is unavailable: ") &&
                                          Catch::Contains("cannot be reached"));
  REQUIRE(eventually([&] { return feed.stats().pending_days > 0; }));
  const AnalyticsStats held = feed.stats();
  CHECK(held.pending_records <= 5);  // past the limit, days instead of records
  CHECK_FALSE(held.reachable);

  server->start();
  const auto back = std::chrono::steady_clock::now();
  REQUIRE(eventually([&] { return static_cast<bool>(feed.catch_up()); }));
  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  INFO("down " << ms(back - down) << " ms, caught up "
               << ms(std::chrono::steady_clock::now() - back) << " ms after");
  CHECK(analytics_count(ch) == 27);
  const AnalyticsStats after = feed.stats();
  CHECK(after.pending_days == 0);
  CHECK(after.pending_records == 0);
  CHECK(after.reachable);
  CHECK(after.heals >= 2);  // at start, and after it came back
  // Quiet for a second (the test's setting), every day is rolled up.
  REQUIRE(eventually([&] {
    auto states = analytics::day_states(ch, INT64_MIN, INT64_MAX);
    return states && states->dirty.empty() && states->clean.size() == 4;
  }));
  CHECK(feed.stats().rollups >= 4);
  feed.stop();
  // Stopped, it refuses rather than wait.
  CHECK_FALSE(feed.catch_up());
}
