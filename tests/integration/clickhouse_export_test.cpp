// Usage records from a real SQLite store into a real ClickHouse server:
// exactly once in effect (replays, revisions, lost and extra rows, new
// prices, an outage) and a schema from a newer collector refused.
#include <catch2/catch.hpp>

#include "collector/analytics/clickhouse_schema.hpp"
#include "collector/analytics/usage_export.hpp"
#include "collector/store/store.hpp"
#include "tests/support/clickhouse_server.hpp"
#include "tests/support/insight_records.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_prices.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector::analytics;
using codepulse::test::ClickHouseServer;
using codepulse::test::TempDir;

namespace {

constexpr const char* kAuthor = "dev@acme.example";
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'770'940'800'000;  // 2026-02-13T00:00:00Z

// n records over three UTC days, two models, one of them unpriced.
std::vector<proto::WireRecord> records(int n, int64_t revision = 1) {
  std::vector<proto::WireRecord> out;
  for (int i = 0; i < n; ++i) {
    const char* model = i % 5 == 4 ? "claude-unknown-9"
                        : i % 2    ? "claude-test-big"
                                   : "claude-test-1";
    auto w = test::thousand_token_record(
        "uid-" + std::to_string(i), kT0 + (i % 3) * kDay + i * 1000,
        "session-" + std::to_string(i % 4), model, "github.com/acme/api");
    w.revision = revision;
    w.usage.output = 10 * i + revision;
    w.usage.tools.push_back(test::tool_call("toolu_" + std::to_string(i), "Edit"));
    out.push_back(std::move(w));
  }
  return out;
}

struct Totals {
  int64_t records = 0, output = 0, cost = 0, list_cost = 0, unpriced = 0;
  bool operator==(const Totals&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Totals& t) {
  return os << "{records " << t.records << ", output " << t.output << ", cost " << t.cost
            << ", list " << t.list_cost << ", unpriced " << t.unpriced << "}";
}

// What the store holds, priced with `pricer`.
Totals store_totals(collector::Store& store, const Pricer& pricer) {
  Totals t;
  report::EpicMap epics;
  REQUIRE(store.read_usage(0, INT64_MAX, false, epics, [&](const report::UsageFact& f) {
    const PricedUsage p = pricer.price(f.to_price());
    ++t.records;
    t.output += f.output;
    t.cost += p.org_nanos.value_or(0);
    t.list_cost += p.list_nanos.value_or(0);
    t.unpriced += p.list_nanos ? 0 : 1;
    return true;
  }));
  return t;
}

// What ClickHouse holds under FINAL.
Totals analytics_totals(ClickHouseClient& ch) {
  auto text = ch.execute(
      "SELECT count(), sum(output), sum(cost_nanos), sum(list_cost_nanos), countIf(priced = 0) "
      "FROM usage_facts FINAL FORMAT TabSeparated");
  REQUIRE(text);
  Totals t;
  std::istringstream in(*text);
  in >> t.records >> t.output >> t.cost >> t.list_cost >> t.unpriced;
  return t;
}

// A book of flat-rate families: every token of a family at `usd` per million.
std::shared_ptr<const Pricer> flat_book(const std::string& revision,
                                        const std::vector<std::pair<std::string, int>>& families) {
  std::string json = R"({"format": 2, "revision": ")" + revision + R"(", "models": [)";
  for (size_t i = 0; i < families.size(); ++i) {
    const std::string r = std::to_string(families[i].second);
    json += (i ? ", " : "") + std::string(R"({"family": ")") + families[i].first +
            R"(", "periods": [{"input": )" + r + R"(, "output": )" + r + R"(, "cache_write_5m": )" +
            r + R"(, "cache_write_1h": )" + r + R"(, "cache_read": )" + r + "}]}";
  }
  return test::pricer_of(json + "]}");
}

int64_t raw_rows(ClickHouseClient& ch) {
  auto text = ch.execute("SELECT count() FROM usage_facts FORMAT TabSeparated");
  REQUIRE(text);
  return std::stoll(*text);
}

std::unique_ptr<collector::Store> store_with(const TempDir& dir,
                                             const std::vector<proto::WireRecord>& recs) {
  auto store = collector::open_store(dir / "collector.db");
  REQUIRE(store);
  auto r = (*store)->ingest(kAuthor, test::decoded_batch("b1", recs));
  REQUIRE(r);
  REQUIRE(r->records_new == static_cast<int64_t>(recs.size()));
  return std::move(store).value();
}

}  // namespace

TEST_CASE("usage records reach ClickHouse once in effect, priced to the nano-dollar",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  TempDir dir;
  auto store = store_with(dir, records(300));
  ClickHouseClient ch(codepulse::test::clickhouse_target(server->create_database_url()));
  REQUIRE(ensure_schema(ch));
  REQUIRE(ensure_schema(ch));  // a second collector, or a restart: nothing changes
  auto version = schema_version(ch);
  REQUIRE(version);
  CHECK(*version == kClickHouseSchemaVersion);

  const auto pricer = test::flat_test_prices();
  UsageExporter exporter(ch, *store, pricer, /*rows_per_insert=*/64);
  REQUIRE(exporter.prepare());
  CHECK(exporter.generation() == 1);
  auto sent = exporter.export_range(0, INT64_MAX);
  REQUIRE(sent);
  CHECK(*sent == 300);
  const Totals expected = store_totals(*store, *pricer);
  CHECK(expected.records == 300);
  CHECK(expected.unpriced == 60);
  CHECK(analytics_totals(ch) == expected);
  auto same = exporter.compare_days(0, kT0 + 10 * kDay);
  REQUIRE(same);
  CHECK(same->empty());

  SECTION("a replay adds rows but no record") {
    REQUIRE(exporter.export_range(0, INT64_MAX));
    CHECK(analytics_totals(ch) == expected);
    // Merged, the replayed rows are gone.
    REQUIRE(ch.execute("OPTIMIZE TABLE usage_facts FINAL"));
    CHECK(raw_rows(ch) == 300);
    CHECK(analytics_totals(ch) == expected);
    auto again = exporter.compare_days(0, kT0 + 10 * kDay);
    REQUIRE(again);
    CHECK(again->empty());
  }

  SECTION("a record's new revision replaces it on the day heal finds") {
    auto newer = records(3, 2);  // uid-0..2: one on each day
    auto r = store->ingest(kAuthor, test::decoded_batch("b2", newer));
    REQUIRE(r);
    CHECK(r->replaced == 3);
    auto days = exporter.compare_days(0, kT0 + 10 * kDay);
    REQUIRE(days);
    CHECK(days->size() == 3);
    auto healed = exporter.heal(0, kT0 + 10 * kDay);
    REQUIRE(healed);
    CHECK(healed->days.size() == 3);
    CHECK(healed->days_cleared == 0);
    const Totals now = store_totals(*store, *pricer);
    CHECK(now.output == expected.output + 3);
    CHECK(analytics_totals(ch) == now);
    // An older version sent after the newer (a stale replay) loses.
    auto older = exporter.compare_days(0, kT0 + 10 * kDay);
    REQUIRE(older);
    CHECK(older->empty());
  }

  SECTION("rows lost in ClickHouse are found by day and sent again") {
    REQUIRE(ch.execute("ALTER TABLE usage_facts DELETE WHERE record_id IN (4, 5, 6)"));
    for (int i = 0; i < 200 && analytics_totals(ch).records != 297; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    REQUIRE(analytics_totals(ch).records == 297);
    auto days = exporter.compare_days(0, kT0 + 10 * kDay);
    REQUIRE(days);
    REQUIRE(days->size() == 3);
    for (const DayDifference& d : *days)
      CHECK(d.store_records == d.analytics_records + 1);
    auto healed = exporter.heal(0, kT0 + 10 * kDay);
    REQUIRE(healed);
    CHECK(healed->rows_sent == 300);  // three whole days
    CHECK(analytics_totals(ch) == expected);
  }

  SECTION("rows ClickHouse has and the store has not are cleared with their day") {
    REQUIRE(ch.insert("usage_facts", "JSONEachRow",
                      "{\"day\":\"2026-02-14\",\"author\":\"ghost\",\"record_id\":999999,"
                      "\"version\":1048577,\"ts_ms\":1771027200000,\"input\":5,\"output\":5}\n"));
    auto days = exporter.compare_days(0, kT0 + 10 * kDay);
    REQUIRE(days);
    REQUIRE(days->size() == 1);
    CHECK(days->front().day_ms == kT0 + kDay);
    CHECK(days->front().analytics_records == days->front().store_records + 1);
    auto healed = exporter.heal(0, kT0 + 10 * kDay);
    REQUIRE(healed);
    CHECK(healed->days_cleared == 1);
    CHECK(analytics_totals(ch) == expected);
  }

  SECTION("new prices make a new generation, and heal re-prices the changed models' rows") {
    // claude-test-1 dearer; claude-test-big at the same rates and the
    // unknown model still unpriced, so their 180 rows are left as they are.
    const auto dearer =
        flat_book("insight-test-2", {{"claude-test-1", 2}, {"claude-test-big", 10}});
    UsageExporter repricer(ch, *store, dearer);
    REQUIRE(repricer.prepare());
    CHECK(repricer.generation() == 2);
    CHECK(repricer.generations()->of("claude-test-1") == 2);
    CHECK(repricer.generations()->of("claude-test-big") == 1);
    CHECK(repricer.generations()->of("claude-unknown-9") == 1);
    auto healed = repricer.heal(0, kT0 + 10 * kDay);
    REQUIRE(healed);
    CHECK(healed->days.size() == 3);
    CHECK(healed->rows_sent == 120);
    for (const DayDifference& d : healed->days) {
      CHECK(d.records_agree());
      CHECK(d.stale_rows == 40);
    }
    const Totals repriced = store_totals(*store, *dearer);
    CHECK(repriced.cost > expected.cost);
    CHECK(analytics_totals(ch) == repriced);
    // A restart with the same prices finds every model's generation again:
    // nothing to send.
    UsageExporter restarted(ch, *store, dearer);
    REQUIRE(restarted.prepare());
    CHECK(restarted.generation() == 2);
    CHECK(restarted.generations()->kept() == repricer.generations()->kept());
    auto quiet = restarted.compare_days(0, kT0 + 10 * kDay);
    REQUIRE(quiet);
    CHECK(quiet->empty());
    // The old prices put back are new again (generation 3): their rows win
    // over the dearer ones.
    UsageExporter old_prices(ch, *store, pricer);
    REQUIRE(old_prices.prepare());
    CHECK(old_prices.generation() == 3);
    CHECK(old_prices.generations()->of("claude-test-1") == 3);
    CHECK(old_prices.generations()->of("claude-test-big") == 1);
    auto back = old_prices.heal(0, kT0 + 10 * kDay);
    REQUIRE(back);
    CHECK(back->rows_sent == 120);
    CHECK(analytics_totals(ch) == expected);
  }

  SECTION("a database from before model generations keeps its rows when the prices are the same") {
    // Schema 3 had no model_generations: every row carries the book's
    // generation.
    REQUIRE(ch.execute("DROP TABLE model_generations"));
    REQUIRE(ensure_schema(ch));
    UsageExporter upgraded(ch, *store, pricer);
    REQUIRE(upgraded.prepare());
    CHECK(upgraded.generation() == 1);
    CHECK(upgraded.generations()->kept().empty());
    auto same_prices = upgraded.compare_days(0, kT0 + 10 * kDay);
    REQUIRE(same_prices);
    CHECK(same_prices->empty());
    auto rows = ch.execute("SELECT count() FROM model_generations FORMAT TabSeparated");
    REQUIRE(rows);
    CHECK(*rows == "3\n");
    // Other prices on such a database: no model's earlier prices are known,
    // so every row is priced again.
    REQUIRE(ch.execute("DROP TABLE model_generations"));
    REQUIRE(ensure_schema(ch));
    const auto dearer =
        flat_book("insight-test-4", {{"claude-test-1", 3}, {"claude-test-big", 10}});
    UsageExporter repriced(ch, *store, dearer);
    REQUIRE(repriced.prepare());
    CHECK(repriced.generation() == 2);
    auto healed = repriced.heal(0, kT0 + 10 * kDay);
    REQUIRE(healed);
    CHECK(healed->rows_sent == 300);
    CHECK(analytics_totals(ch) == store_totals(*store, *dearer));
  }

  SECTION("a model first seen after the start is recorded with the prices it was sent at") {
    auto later = records(1);
    later[0].record_uid = "uid-new-model";
    later[0].usage.message_id = "msg_uid-new-model";
    later[0].usage.request_id = "req_uid-new-model";
    later[0].usage.model = "claude-test-late";
    REQUIRE(store->ingest(kAuthor, test::decoded_batch("b3", later)));
    auto healed = exporter.heal(0, kT0 + 10 * kDay);
    REQUIRE(healed);
    CHECK(healed->rows_sent == 101);  // the first day, the new record with it
    auto rows = ch.execute(
        "SELECT model, generation FROM model_generations ORDER BY model FORMAT TabSeparated");
    REQUIRE(rows);
    CHECK(*rows ==
          "claude-test-1\t1\nclaude-test-big\t1\nclaude-test-late\t1\nclaude-unknown-9\t1\n");
    // A book that prices the late model, keeps claude-test-1 and drops
    // claude-test-big: only the late and the big model's rows are sent.
    const auto with_late =
        flat_book("insight-test-3", {{"claude-test-1", 1}, {"claude-test-late", 7}});
    UsageExporter next(ch, *store, with_late);
    REQUIRE(next.prepare());
    CHECK(next.generations()->of("claude-test-1") == 1);
    CHECK(next.generations()->of("claude-test-late") == 2);
    auto again = next.heal(0, kT0 + 10 * kDay);
    REQUIRE(again);
    CHECK(again->rows_sent == 121);
    REQUIRE(again->days.size() == 3);
    CHECK(again->days[0].stale_rows == 41);  // the big model's 40 and the late one
    CHECK(analytics_totals(ch) == store_totals(*store, *with_late));
  }
}

TEST_CASE("an export that meets ClickHouse down fails, and heal catches up after",
          "[analytics][clickhouse]") {
  if (!ClickHouseServer::why().empty()) CODEPULSE_SKIP(ClickHouseServer::why());
  auto server = ClickHouseServer::start_new();
  TempDir dir;
  auto store = store_with(dir, records(120));
  ClickHouseClient ch(codepulse::test::clickhouse_target(server->url("outage")),
                      {std::chrono::milliseconds(5000)});
  REQUIRE(ensure_schema(ch));
  const auto pricer = test::flat_test_prices();
  UsageExporter exporter(ch, *store, pricer, 50);
  REQUIRE(exporter.prepare());
  REQUIRE(exporter.export_range(kT0, kT0 + kDay));  // the first day only
  server->stop();
  auto down = exporter.export_range(0, INT64_MAX);
  REQUIRE_FALSE(down);
  CHECK_THAT(down.error().message, Catch::Contains("cannot connect"));
  CHECK_THAT(down.error().message, Catch::Contains("INSERT INTO usage_facts"));
  server->start();
  auto healed = exporter.heal(0, kT0 + 10 * kDay);
  REQUIRE(healed);
  CHECK(healed->days.size() == 2);  // the first day was there already
  CHECK(analytics_totals(ch) == store_totals(*store, *pricer));
}

TEST_CASE("a ClickHouse schema newer than the collector's is refused, nothing written",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  ClickHouseClient ch(codepulse::test::clickhouse_target(server->create_database_url()));
  REQUIRE(ensure_schema(ch));
  REQUIRE(ch.insert("codepulse_schema", "TabSeparated", "99\t0\n"));
  auto refused = ensure_schema(ch);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("schema 99, newer than this collector's " +
                                                      std::to_string(kClickHouseSchemaVersion)));
  CHECK_THAT(refused.error().message, Catch::Contains(ch.target().display()));
}
