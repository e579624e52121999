// Provider usage in the collector's store (a SQLite file and a PostgreSQL
// database): a day replaces what was stored for it, never adds to it; a bad
// day stores nothing of its import; cursors round trip; two imports of one
// day at once leave one of them whole.
#include <catch2/catch.hpp>
#include <thread>

#include "collector/store/store.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kT = 1'795'000'000'000;  // 2026-11-18

std::unique_ptr<Store> opened(const std::string& db) {
  auto s = open_store(db);
  REQUIRE(s);
  return std::move(s).value();
}

ProviderUsageRow usage(const std::string& day, const std::string& model, const std::string& key,
                       int64_t input) {
  ProviderUsageRow r;
  r.source = ProviderSource::kAnthropicMessages;
  r.day = day;
  r.model = model;
  r.workspace = "wrkspc_01";
  r.api_key = key;
  r.uncached_input = input;
  r.output = input / 10;
  r.cache_write_5m = 3;
  r.cache_write_1h = 4;
  r.cache_read = 5;
  r.web_search = 1;
  return r;
}

std::vector<ProviderUsageRow> rows_of(Store& store) {
  auto rows = store.load_provider_rows("2026-11-01", "2026-12-01");
  REQUIRE(rows);
  return std::move(rows).value();
}

}  // namespace

TEST_CASE("a provider day replaces what was stored for it and is never counted twice",
          "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  const ProviderDay d1{ProviderSource::kAnthropicMessages,
                       "2026-11-03",
                       {usage("2026-11-03", "claude-sonnet-4-5", "apikey_a", 1000),
                        usage("2026-11-03", "claude-sonnet-4-5", "apikey_b", 2000)}};
  const ProviderDay d2{ProviderSource::kAnthropicMessages,
                       "2026-11-04",
                       {usage("2026-11-04", "claude-opus-4-6", "apikey_a", 10)}};
  ProviderUsageRow cost;
  cost.source = ProviderSource::kAnthropicCost;
  cost.day = "2026-11-03";
  cost.model = "claude-sonnet-4-5";
  cost.line_item = "Claude Sonnet 4.5 Usage - Input Tokens";
  cost.cost_nanos = 12'345'678'900;
  const ProviderDay c1{ProviderSource::kAnthropicCost, "2026-11-03", {cost}};
  REQUIRE(store->replace_provider_days(
      {d1, d2, c1}, ProviderCursor{ProviderSource::kAnthropicMessages, "2026-11-04", kT}, "api",
      kT));
  CHECK(rows_of(*store) ==
        std::vector<ProviderUsageRow>{c1.rows[0], d1.rows[0], d1.rows[1], d2.rows[0]});

  // The same day again, changed: it replaces the stored one, row for row.
  const ProviderDay again{ProviderSource::kAnthropicMessages,
                          "2026-11-03",
                          {usage("2026-11-03", "claude-sonnet-4-5", "apikey_a", 1500)}};
  REQUIRE(store->replace_provider_days({again}, std::nullopt, "file export.json", kT + 1));
  REQUIRE(store->replace_provider_days({again}, std::nullopt, "file export.json", kT + 2));
  CHECK(rows_of(*store) == std::vector<ProviderUsageRow>{c1.rows[0], again.rows[0], d2.rows[0]});

  // An empty day is a covered day with no rows.
  REQUIRE(store->replace_provider_days({{ProviderSource::kAnthropicMessages, "2026-11-04", {}}},
                                       std::nullopt, "api", kT + 3));
  CHECK(rows_of(*store) == std::vector<ProviderUsageRow>{c1.rows[0], again.rows[0]});
  auto days = store->load_provider_days("2026-11-01", "2026-12-01");
  REQUIRE(days);
  REQUIRE(days->size() == 3);
  CHECK((*days)[0].source == ProviderSource::kAnthropicCost);
  CHECK((*days)[1].day == "2026-11-03");
  CHECK((*days)[1].origin == "file export.json");
  CHECK((*days)[1].imported_ms == kT + 2);
  CHECK((*days)[1].rows == 1);
  CHECK((*days)[2].day == "2026-11-04");
  CHECK((*days)[2].rows == 0);

  auto cursor = store->provider_cursor(ProviderSource::kAnthropicMessages);
  REQUIRE(cursor);
  CHECK(*cursor == ProviderCursor{ProviderSource::kAnthropicMessages, "2026-11-04", kT});
  auto none = store->provider_cursor(ProviderSource::kOpenaiCosts);
  REQUIRE(none);
  CHECK_FALSE(*none);
}

TEST_CASE("a provider import with one bad day stores none of its days and keeps the cursor",
          "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  const ProviderDay good{ProviderSource::kOpenaiCompletions, "2026-11-05", {}};
  REQUIRE(store->replace_provider_days(
      {good}, ProviderCursor{ProviderSource::kOpenaiCompletions, "2026-11-05", kT}, "api", kT));

  ProviderUsageRow r = usage("2026-11-06", "gpt-5-codex", "key_1", 5);
  r.source = ProviderSource::kOpenaiCompletions;
  ProviderUsageRow twice = r;
  ProviderUsageRow huge = r;
  huge.api_key = "key_2";
  huge.output = kMaxProviderTokens + 1;
  ProviderUsageRow control = r;
  control.api_key = "key\x1b[31m";
  const std::vector<std::pair<ProviderDay, std::string>> bad = {
      {{ProviderSource::kOpenaiCompletions, "2026-11-06", {r, twice}}, "a second row for model"},
      {{ProviderSource::kOpenaiCompletions, "2026-11-06", {huge}}, "a count outside 0 to 10^15"},
      {{ProviderSource::kOpenaiCompletions, "2026-11-06", {control}}, "control characters"},
      {{ProviderSource::kOpenaiCompletions, "2026-11-31", {}}, "not a date"},
      {{ProviderSource::kOpenaiCosts, "2026-11-06", {r}}, "belongs to another source or day"},
  };
  for (const auto& [day, why] : bad) {
    INFO(why);
    const ProviderDay ok{ProviderSource::kOpenaiCompletions,
                         "2026-11-07",
                         {usage("2026-11-07", "gpt-5-codex", "key_1", 5)}};
    ProviderDay fixed = ok;
    fixed.rows[0].source = ProviderSource::kOpenaiCompletions;
    auto s = store->replace_provider_days(
        {fixed, day}, ProviderCursor{ProviderSource::kOpenaiCompletions, "2026-11-08", kT + 1},
        "api", kT + 1);
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find(why) != std::string::npos);
    CHECK(rows_of(*store).empty());
    auto cursor = store->provider_cursor(ProviderSource::kOpenaiCompletions);
    REQUIRE(cursor);
    REQUIRE(*cursor);
    CHECK((*cursor)->next_day == "2026-11-05");
  }
}

TEST_CASE("two imports of one provider day at once leave one of them whole",
          "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto a = opened(target.db);
  auto b = opened(target.db);  // another collector, or the CLI, on the same database
  std::vector<ProviderUsageRow> one, other;
  for (int i = 0; i < 50; ++i) {
    one.push_back(usage("2026-11-09", "claude-sonnet-4-5", "key_" + std::to_string(i), 100));
    other.push_back(usage("2026-11-09", "claude-opus-4-6", "key_" + std::to_string(i), 7));
  }
  for (int round = 0; round < 5; ++round) {
    Status sa, sb;
    std::thread ta([&] {
      sa = a->replace_provider_days({{ProviderSource::kAnthropicMessages, "2026-11-09", one}},
                                    std::nullopt, "api", kT);
    });
    std::thread tb([&] {
      sb = b->replace_provider_days({{ProviderSource::kAnthropicMessages, "2026-11-09", other}},
                                    std::nullopt, "file x.csv", kT);
    });
    ta.join();
    tb.join();
    // SQLite may answer one of them "busy"; neither may half-apply.
    CHECK((sa || sb));
    const auto rows = rows_of(*a);
    REQUIRE(rows.size() == 50);
    const std::string model = rows.front().model;
    for (const ProviderUsageRow& r : rows)
      CHECK(r.model == model);
  }
}
