// Reports from a real ClickHouse server equal the live cube's, to the
// nano-dollar and byte for byte as JSON: random nestings of every dimension
// the groups answer, filters, --top, ranges on quarter hours, time zones,
// granularities, cost bases, seats and a people directory, over days read
// from their rollups and days read from their records; and a range that is
// being re-priced is left to the store.
#include "collector/analytics/clickhouse_report.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "collector/analytics/clickhouse_levels.hpp"
#include "collector/analytics/clickhouse_schema.hpp"
#include "collector/analytics/tsv_reply.hpp"
#include "collector/analytics/usage_export.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "collector/store/store.hpp"
#include "common/report/outcome_report.hpp"
#include "common/report/report_cut.hpp"
#include "common/report/session_links.hpp"
#include "common/report/usage_cube.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/analytics_dataset.hpp"
#include "tests/support/clickhouse_server.hpp"
#include "tests/support/insight_records.hpp"
#include "tests/support/org_rates.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_prices.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector::analytics;
using codepulse::test::ClickHouseServer;
using codepulse::test::TempDir;

namespace {

// A store of `dataset`'s records, all of them sent to a new database of
// `server`, priced with the built-in prices.
struct ExportedStore {
  ExportedStore(ClickHouseServer& server,
                const std::map<std::string, std::vector<proto::WireRecord>>& dataset,
                size_t rows_per_insert)
      : store(collector::open_store(dir / "collector.db")),
        ch(codepulse::test::clickhouse_target(server.create_database_url())) {
    REQUIRE(store);
    for (auto& [author, recs] : dataset)
      REQUIRE((*store)->ingest(author, test::decoded_batch("b-" + author, recs)));
    REQUIRE(ensure_schema(ch));
    exporter = std::make_unique<UsageExporter>(ch, **store, pricer, rows_per_insert);
    REQUIRE(exporter->prepare());
    auto sent = exporter->export_range(INT64_MIN, INT64_MAX);
    REQUIRE(sent);
    rows_sent = *sent;
  }
  TempDir dir;
  Result<std::unique_ptr<collector::Store>> store;
  ClickHouseClient ch;
  const std::shared_ptr<const Pricer> pricer = Pricer::builtin();
  std::unique_ptr<UsageExporter> exporter;
  int64_t rows_sent = 0;
};

using codepulse::test::analytics_dataset;
using codepulse::test::kT0;
constexpr int64_t kDay = codepulse::test::kDayMs;

}  // namespace

TEST_CASE("reports from ClickHouse's groups equal the live cube's, byte for byte",
          "[analytics][clickhouse][report]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  ExportedStore x(*server, analytics_dataset(11), /*rows_per_insert=*/128);
  auto& store = x.store;
  ClickHouseClient& ch = x.ch;
  const auto pricer = x.pricer;
  UsageExporter& exporter = *x.exporter;
  CHECK(x.rows_sent == 800);
  // Every other day rolled up: reports read rollups and records together.
  {
    auto before = day_states(ch, INT64_MIN, INT64_MAX);
    REQUIRE(before);
    CHECK(before->clean.empty());
    REQUIRE(before->dirty.size() > 40);
    for (size_t i = 0; i < before->dirty.size(); i += 2) {
      auto rolled = roll_day(ch, before->dirty[i]);
      INFO((rolled ? std::string() : rolled.error().message));
      REQUIRE(rolled);
    }
    auto after = day_states(ch, INT64_MIN, INT64_MAX);
    REQUIRE(after);
    CHECK(after->clean.size() == (before->dirty.size() + 1) / 2);
    CHECK(after->dirty.size() == before->dirty.size() / 2);
  }

  // The live cube, as the collector keeps it: every record, seats and people.
  const auto people = test::analytics_directory();
  const report::SeatContext seat_context = test::analytics_seats();
  report::UsageCube live(pricer);
  report::EpicMap epics = {{"PROJ-1", "PROJ-100"}, {"PROJ-2", "PROJ-100"}, {"PROJ-3", "PROJ-200"}};
  {
    report::EpicMap ignored;
    REQUIRE(
        (*store)->read_usage(INT64_MIN, INT64_MAX, true, ignored, [&](const report::UsageFact& f) {
          live.add(f);
          return true;
        }));
  }
  live.compact();
  live.set_people(people);

  const std::vector<std::string> dims = {"model", "repo",    "author", "task",      "epic",
                                         "date",  "session", "branch", "assistant", "person",
                                         "team",  "group",   "org",    "level"};
  const std::vector<std::string> filters = {"task=PROJ-1",
                                            "epic=PROJ-100",
                                            "model=claude-opus-4-6",
                                            "repo=github.com/acme/r1",
                                            "branch=(no branch)",
                                            "author=dev2@acme.example",
                                            "assistant=claude-code",
                                            "team=api",
                                            "session=s3",
                                            "model=claude-opus-4-6-fast",
                                            "level=L2",
                                            "person=(no person)"};
  const char* metrics[] = {"cost_usd",           "records",
                           "cost_per_session",   "cache_hit_ratio",
                           "effective_cost_usd", "cost_per_active_day"};
  std::mt19937_64 rng(5);
  int answered = 0, with_turns = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> order = dims;
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(1 + rng() % 5);
    const std::string group_by = test::group_by_of(order);
    report::Params params = {{"group_by", group_by}};
    test::vary_report(params, round, rng, filters);
    if (round % 7 == 3) params.emplace_back("granularity", round % 2 ? "week" : "month");
    if (round % 6 == 5) params.emplace_back("cost", round % 4 == 1 ? "list" : "effective");
    if (round % 4 == 1) params.emplace_back("metric", metrics[rng() % 6]);
    const bool with_seats = round % 3 != 1;
    INFO("round " << round << ": " << test::described(params)
                  << (with_seats ? "with seats" : "no seats"));
    auto request = report::parse_report_params(params);
    REQUIRE(request);
    REQUIRE(groups_answer(request->query));

    live.set_seats(with_seats ? seat_context : report::SeatContext{});
    auto want = report::query_cube(live, request->query, epics, {});
    REQUIRE(want);
    auto got = grouped_report(ch, request->query, epics, pricer, *exporter.generations(),
                              with_seats ? &seat_context : nullptr, people);
    REQUIRE(got);
    REQUIRE(got->stale_reason.empty());
    REQUIRE(got->report);
    CHECK(report::render_json(*got->report) == report::render_json(*want));
    if (report::render_json(*got->report) != report::render_json(*want)) {
      std::ofstream("/tmp/got" + std::to_string(round) + ".json")
          << report::render_json(*got->report);
      std::ofstream("/tmp/want" + std::to_string(round) + ".json") << report::render_json(*want);
    }
    CHECK(got->report->root.metrics.cost_nanos == want->root.metrics.cost_nanos);
    CHECK(got->report->root.metrics.effective_cost_nanos ==
          want->root.metrics.effective_cost_nanos);
    CHECK(got->groups > 0);
    ++answered;
    with_turns += request->query.uses(report::Dimension::kTask) || with_seats;
  }
  CHECK(answered == 60);
  CHECK(with_turns > 10);

  SECTION(
      "reports of columns, dates, tasks and epics ClickHouse answers whole, equal to the "
      "live cube's") {
    live.set_seats(report::SeatContext{});
    const std::vector<std::string> columns = {"model",  "repo",      "author", "date", "session",
                                              "branch", "assistant", "task",   "epic"};
    const std::vector<std::string> column_filters = {
        "model=claude-opus-4-6", "repo=github.com/acme/r1",
        "branch=(no branch)",    "author=dev2@acme.example",
        "assistant=claude-code", "session=s3",
        "model=gateway-model-x", "branch=main",
        "assistant=codex",       "task=PROJ-1",
        "epic=PROJ-100",         "task=PROJ-3",
        "epic=(no epic)",        "task=(no task)"};
    const char* orders[] = {"cost_usd", "records", "cost_per_session", "cost_per_active_day",
                            "total_tokens"};
    int whole = 0, unpriced = 0, cut = 0, split = 0, epic_above_task = 0;
    for (int round = 0; round < 140; ++round) {
      std::vector<std::string> order = columns;
      std::shuffle(order.begin(), order.end(), rng);
      order.resize(round % 9 == 8 ? 0 : 1 + rng() % 4);
      const std::string group_by = test::group_by_of(order);
      report::Params params;
      if (!group_by.empty()) params.emplace_back("group_by", group_by);
      test::vary_report(params, round, rng, column_filters);
      if (round % 7 == 3 || round % 7 == 5)
        params.emplace_back("granularity", round % 2 ? "week" : "month");
      if (round % 6 == 5) params.emplace_back("cost", round % 4 == 1 ? "list" : "effective");
      if (round % 4 == 1) params.emplace_back("metric", orders[rng() % 5]);
      INFO("round " << round << ": " << test::described(params));
      auto request = report::parse_report_params(params);
      REQUIRE(request);
      request->query.max_nodes = 100'000;
      REQUIRE(levels_answer(request->query, false));
      CHECK_FALSE(levels_answer(request->query, true));  // seats need the groups
      auto want = report::query_cube(live, request->query, epics, {});
      REQUIRE(want);
      auto got = level_report(ch, request->query, *exporter.generations(), epics);
      REQUIRE(got);
      REQUIRE(got->stale_reason.empty());
      REQUIRE(got->report);
      const std::string got_json = report::render_json(*got->report);
      const auto& levels = request->query.group_by;
      const auto at = [&levels](report::Dimension d) {
        return std::find(levels.begin(), levels.end(), d) - levels.begin();
      };
      split += request->query.uses(report::Dimension::kTask) ||
               request->query.uses(report::Dimension::kEpic);
      epic_above_task += at(report::Dimension::kEpic) < at(report::Dimension::kTask);
      CHECK(got_json == report::render_json(*want));
      if (got_json != report::render_json(*want)) {
        std::ofstream("/tmp/levels-got" + std::to_string(round) + ".json") << got_json;
        std::ofstream("/tmp/levels-want" + std::to_string(round) + ".json")
            << report::render_json(*want);
      }
      ++whole;
      unpriced += !want->unpriced.empty();
      cut += request->query.top > 0;
    }
    CHECK(whole == 140);
    CHECK(unpriced > 30);
    CHECK(cut > 30);
    CHECK(split > 50);
    CHECK(epic_above_task > 10);
    // Not whole: file filters, people, seats, a floor or a narrower scope.
    for (report::Params p : {report::Params{{"group_by", "task,file"}, {"where", "file=src/a.cpp"}},
                             report::Params{{"group_by", "model"}, {"where", "team=api"}},
                             report::Params{{"group_by", "team,model"}}}) {
      auto request = report::parse_report_params(p);
      REQUIRE(request);
      CHECK_FALSE(levels_answer(request->query, false));
    }
    auto floored = report::parse_report_params({{"group_by", "model"}});
    REQUIRE(floored);
    floored->query.min_group_size = 3;
    CHECK_FALSE(levels_answer(floored->query, false));
  }

  SECTION("without a split, ClickHouse sends fewer groups than the cube holds") {
    auto request = report::parse_report_params({{"group_by", "date,model"}});
    REQUIRE(request);
    auto got = grouped_report(ch, request->query, epics, pricer, *exporter.generations());
    REQUIRE(got);
    REQUIRE(got->report);
    CHECK(got->groups < static_cast<int64_t>(live.group_count()));
    CHECK(got->report->root.metrics.records == 800);
    auto split = report::parse_report_params({{"group_by", "task,model"}});
    REQUIRE(split);
    auto by_turn = grouped_report(ch, split->query, epics, pricer, *exporter.generations());
    REQUIRE(by_turn);
    CHECK(by_turn->groups == static_cast<int64_t>(live.group_count()));
  }

  SECTION("new prices for one model re-price its rows only, and reports wait for them") {
    // Opus 4.6 half again as dear; every other model priced as before.
    const auto book = PriceBook::builtin();
    const auto dearer = std::make_shared<const Pricer>(
        book,
        std::vector<RateOverride>{test::override_from(
            R"({"id": 1, "scope": "family", "match": "claude-opus-4-6", "percent": 50})", *book)});
    UsageExporter next(ch, **store, dearer);
    REQUIRE(next.prepare());
    REQUIRE(next.generation() == 2);
    int64_t opus = 0;
    report::UsageCube repriced(dearer);
    {
      report::EpicMap ignored;
      REQUIRE((*store)->read_usage(INT64_MIN, INT64_MAX, true, ignored,
                                   [&](const report::UsageFact& f) {
                                     // fast mode's records too ("-fast")
                                     opus += f.model.starts_with("claude-opus-4-6");
                                     repriced.add(f);
                                     return true;
                                   }));
    }
    repriced.compact();
    REQUIRE(opus > 50);
    REQUIRE(opus < 700);
    // Both of ClickHouse's ways answer `query` as `cube` does.
    auto same_as_cube = [&](const report::UsageCube& cube, const report::ReportQuery& query,
                            std::shared_ptr<const Pricer> prices, const ModelGenerations& gens) {
      auto want = report::query_cube(cube, query, epics, {});
      REQUIRE(want);
      auto grouped = grouped_report(ch, query, epics, std::move(prices), gens);
      REQUIRE(grouped);
      INFO(grouped->stale_reason);
      REQUIRE(grouped->report);
      CHECK(report::render_json(*grouped->report) == report::render_json(*want));
      auto whole = level_report(ch, query, gens, epics);
      REQUIRE(whole);
      INFO(whole->stale_reason);
      REQUIRE(whole->report);
      CHECK(report::render_json(*whole->report) == report::render_json(*want));
    };
    // The other models' rows keep their generation: reports of them are
    // answered from ClickHouse at once, and priced as before.
    auto sonnet = report::parse_report_params(
        {{"group_by", "model,repo"}, {"where", "model=claude-sonnet-4-5-20250929"}});
    REQUIRE(sonnet);
    same_as_cube(repriced, sonnet->query, dearer, *next.generations());
    // Opus's rows are not yet re-priced: reports over them read the store.
    auto whole = report::parse_report_params({{"group_by", "model"}});
    REQUIRE(whole);
    auto mixed = grouped_report(ch, whole->query, epics, dearer, *next.generations());
    REQUIRE(mixed);
    CHECK_FALSE(mixed->report);
    CHECK_THAT(mixed->stale_reason,
               Catch::Contains(std::to_string(opus) + " records in the range priced before the "
                                                      "current prices (pricing generation 2)"));
    auto mixed_whole = level_report(ch, whole->query, *next.generations(), epics);
    REQUIRE(mixed_whole);
    CHECK_FALSE(mixed_whole->report);
    CHECK_THAT(mixed_whole->stale_reason,
               Catch::Contains(std::to_string(opus) + " records in the range"));
    // Heal sends Opus's rows and no other.
    auto healed = next.heal(0, kT0 + 400 * kDay);
    REQUIRE(healed);
    CHECK(healed->rows_sent == opus);
    CHECK(healed->days_cleared == 0);
    int64_t stale = 0;
    for (const DayDifference& d : healed->days) {
      CHECK(d.records_agree());
      stale += d.stale_rows;
    }
    CHECK(stale == opus);  // fast mode's rows too
    auto after = next.compare_days(0, kT0 + 400 * kDay);
    REQUIRE(after);
    CHECK(after->empty());
    same_as_cube(repriced, whole->query, dearer, *next.generations());
    // The old prices again: a newer generation (their rows must win over
    // the dearer ones), and again only Opus's rows are sent.
    UsageExporter back(ch, **store, pricer);
    REQUIRE(back.prepare());
    CHECK(back.generation() == 3);
    auto restored = back.heal(0, kT0 + 400 * kDay);
    REQUIRE(restored);
    CHECK(restored->rows_sent == opus);
    live.set_seats(report::SeatContext{});
    same_as_cube(live, whole->query, pricer, *back.generations());
  }

  SECTION("reports that split by file or need raw records are not the groups'") {
    for (report::Params p :
         {report::Params{{"group_by", "file"}},
          report::Params{{"group_by", "commit,file"}, {"outcomes", "true"}},
          report::Params{{"group_by", "model"}, {"since", "2026-01-10T10:07:00Z"}}}) {
      auto request = report::parse_report_params(p);
      REQUIRE(request);
      CHECK_FALSE(groups_answer(request->query));
      auto refused = grouped_report(ch, request->query, epics, pricer, *exporter.generations());
      REQUIRE_FALSE(refused);
    }
  }
}

TEST_CASE("reports with outcomes from ClickHouse's groups equal the live cube's, byte for byte",
          "[analytics][clickhouse][report]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  const test::OutcomeDataset data = test::outcome_dataset(3);
  ExportedStore x(*server, data.records, /*rows_per_insert=*/64);
  REQUIRE(x.rows_sent > 80);
  ClickHouseClient& ch = x.ch;
  UsageExporter& exporter = *x.exporter;
  // Every third day rolled up: the groups come from rollups and records.
  {
    auto days = day_states(ch, INT64_MIN, INT64_MAX);
    REQUIRE(days);
    for (size_t i = 0; i < days->dirty.size(); i += 3)
      REQUIRE(roll_day(ch, days->dirty[i]));
  }
  report::UsageCube live(x.pricer);
  {
    report::EpicMap ignored;
    REQUIRE((*x.store)->read_usage(INT64_MIN, INT64_MAX, true, ignored,
                                   [&](const report::UsageFact& f) {
                                     live.add(f);
                                     return true;
                                   }));
  }
  live.compact();
  live.set_people(test::analytics_directory());
  const report::EpicMap epics = {{"PROJ-1", "PROJ-100"}, {"PROJ-2", "PROJ-100"}};
  int reads = 0;
  const report::OutcomeReader reader = [&](int64_t since, int64_t until) {
    ++reads;
    return Result<report::OutcomeData>(test::outcomes_of(data.outcomes, since, until));
  };
  // The data links every way: reported shas (whole and cut), edits, branches.
  {
    const auto links = report::link_sessions(live.session_activity(), data.outcomes.commits.commits,
                                             report::LinkLevel::kWeak);
    int by_level[3] = {};
    for (const report::SessionCommitLink& l : links)
      ++by_level[static_cast<int>(l.level)];
    CHECK(by_level[0] > 3);
    CHECK(by_level[1] > 3);
    CHECK(by_level[2] > 3);
  }

  const std::vector<std::string> dims = {"model",  "repo", "author",   "date",   "session",
                                         "branch", "task", "epic",     "commit", "pr",
                                         "person", "team", "assistant"};
  const std::vector<std::string> filters = {"repo=github.com/acme/r1",
                                            "author=dev1@acme.example",
                                            "branch=main",
                                            "task=PROJ-1",
                                            "session=os5",
                                            "model=claude-opus-4-6",
                                            "team=api",
                                            "assistant=codex"};
  const char* metrics[] = {"commits",       "merged_prs",         "cost_per_commit",
                           "rework_rate",   "leverage",           "pr_cycle_time_hours",
                           "ai_line_share", "cost_per_merged_pr", "cost_usd"};
  const char* links[] = {"exact", "strong", "weak"};
  std::mt19937_64 rng(17);
  int answered = 0, with_commits = 0;
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> order = dims;
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(1 + rng() % 3);
    report::Params params = {{"group_by", test::group_by_of(order)}, {"outcomes", "true"}};
    test::vary_report(params, round, rng, filters);
    params.emplace_back("links", links[round % 3]);
    if (round % 2) params.emplace_back("metric", metrics[rng() % 9]);
    if (round % 5 == 2) params.emplace_back("cost", "list");
    INFO("round " << round << ": " << test::described(params));
    auto request = report::parse_report_params(params);
    REQUIRE(request);
    REQUIRE(request->query.wants_outcomes());
    REQUIRE(groups_answer(request->query));
    auto want = report::query_cube(live, request->query, epics, reader);
    REQUIRE(want);
    reads = 0;
    auto got = grouped_report(ch, request->query, epics, x.pricer, *exporter.generations(), nullptr,
                              test::analytics_directory(), reader);
    REQUIRE(got);
    REQUIRE(got->stale_reason.empty());
    REQUIRE(got->report);
    CHECK(reads == 1);
    const std::string got_json = report::render_json(*got->report);
    CHECK(got_json == report::render_json(*want));
    if (got_json != report::render_json(*want)) {
      std::ofstream("/tmp/outcome-got" + std::to_string(round) + ".json") << got_json;
      std::ofstream("/tmp/outcome-want" + std::to_string(round) + ".json")
          << report::render_json(*want);
    }
    ++answered;
    with_commits += want->root.metrics.outcomes.commits > 0;
  }
  CHECK(answered == 50);
  CHECK(with_commits > 25);

  // A range of its own: sessions outside it do not link, commits after it
  // within the link window do.
  auto ranged = report::parse_report_params({{"group_by", "author,commit"},
                                             {"since", "2026-01-08T00:00:00Z"},
                                             {"until", "2026-01-22T00:00:00Z"},
                                             {"links", "weak"}});
  REQUIRE(ranged);
  auto want = report::query_cube(live, ranged->query, epics, reader);
  REQUIRE(want);
  auto got = grouped_report(ch, ranged->query, epics, x.pricer, *exporter.generations(), nullptr,
                            test::analytics_directory(), reader);
  REQUIRE(got);
  REQUIRE(got->report);
  CHECK(report::render_json(*got->report) == report::render_json(*want));
  CHECK(want->root.metrics.outcomes.commits > 0);
}

TEST_CASE("TabSeparated lines split into fields with ClickHouse's escapes undone", "[analytics]") {
  std::vector<std::string> f;
  REQUIRE(split_tsv_line("a\\tb\tc\\\\d\t\\'e\\n", 3, f));
  CHECK(f[0] == "a\tb");
  CHECK(f[1] == "c\\d");
  CHECK(f[2] == "'e\n");
  REQUIRE(split_tsv_line("\t\t", 3, f));
  CHECK(f[0].empty());
  CHECK(f[2].empty());
  CHECK_FALSE(split_tsv_line("a\tb", 3, f));
  CHECK_FALSE(split_tsv_line("a\tb\tc\td", 3, f));
  REQUIRE(split_tsv_line("x\\0y\\rz", 1, f));
  CHECK(f[0] == std::string("x\0y\rz", 5));
}

TEST_CASE("file reports ClickHouse answers whole equal the live cube's, byte for byte",
          "[analytics][clickhouse][report]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  const auto dataset = test::file_dataset(7);
  ExportedStore x(*server, dataset, /*rows_per_insert=*/100);
  auto& store = x.store;
  ClickHouseClient& ch = x.ch;
  const auto pricer = x.pricer;
  UsageExporter& exporter = *x.exporter;
  CHECK(x.rows_sent == 480);
  CHECK(std::stoll(*ch.execute("SELECT count() FROM usage_facts FINAL WHERE files_known = 1 "
                               "FORMAT TabSeparated")) == 480);
  CHECK(std::stoll(*ch.execute("SELECT sum(length(file_paths)) FROM usage_facts FINAL "
                               "FORMAT TabSeparated")) > 300);
  // Every other day rolled up: reports read the file split's rows and
  // dirty days' records split alike.
  const auto roll_every = [&ch](size_t step) {
    auto dirty = day_states(ch, INT64_MIN, INT64_MAX);
    REQUIRE(dirty);
    for (size_t i = 0; i < dirty->dirty.size(); i += step) {
      auto rolled = roll_day(ch, dirty->dirty[i]);
      INFO((rolled ? std::string() : rolled.error().message));
      REQUIRE(rolled);
    }
  };
  roll_every(2);
  report::EpicMap epics = {{"PROJ-1", "PROJ-100"}, {"PROJ-2", "PROJ-100"}, {"PROJ-3", "PROJ-200"}};
  // The live cube of every record, as the collector keeps it.
  const auto live_cube = [&store, &pricer]() {
    auto cube = std::make_unique<report::UsageCube>(pricer);
    report::EpicMap ignored;
    REQUIRE(
        (*store)->read_usage(INT64_MIN, INT64_MAX, true, ignored, [&](const report::UsageFact& f) {
          cube->add(f);
          return true;
        }));
    cube->compact();
    return cube;
  };
  auto live = live_cube();
  const auto same_as_live = [&](const report::ReportQuery& query) {
    auto want = report::query_cube(*live, query, epics, {});
    REQUIRE(want);
    auto got = level_report(ch, query, *exporter.generations(), epics);
    INFO((got ? std::string() : got.error().message));
    REQUIRE(got);
    INFO(got->stale_reason);
    REQUIRE(got->report);
    const std::string got_json = report::render_json(*got->report);
    CHECK(got_json == report::render_json(*want));
    if (got_json != report::render_json(*want)) {
      std::ofstream("/tmp/file-got.json") << got_json;
      std::ofstream("/tmp/file-want.json") << report::render_json(*want);
    }
    return want->root.children.size();
  };

  const std::vector<std::string> dims = {"model",  "repo",      "author", "date", "session",
                                         "branch", "assistant", "task",   "epic"};
  const std::vector<std::string> filters = {"model=claude-opus-4-6", "repo=github.com/acme/r1",
                                            "branch=(no branch)",    "author=dev2@acme.example",
                                            "task=PROJ-1",           "epic=PROJ-100",
                                            "task=(no task)",        "model=gateway-model-x"};
  std::mt19937_64 rng(11);
  int files_first = 0, files_under = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> order = dims;
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(rng() % 3);  // up to three levels, the file's among them
    const size_t at = rng() % (order.size() + 1);
    order.insert(order.begin() + static_cast<std::ptrdiff_t>(at), "file");
    report::Params params = {{"group_by", test::group_by_of(order)}};
    test::vary_report(params, round, rng, filters);
    if (round % 7 == 3) params.emplace_back("granularity", "week");
    if (round % 4 == 1) params.emplace_back("metric", round % 8 == 1 ? "records" : "cost_usd");
    INFO("round " << round << ": " << test::described(params));
    auto request = report::parse_report_params(params);
    REQUIRE(request);
    request->query.max_nodes = 100'000;
    REQUIRE(levels_answer(request->query, false));
    CHECK_FALSE(groups_answer(request->query));  // files were the store's before
    same_as_live(request->query);
    files_first += at == 0;
    files_under += at > 0;
  }
  INFO("file first " << files_first << ", under " << files_under);
  CHECK(files_first > 15);
  CHECK(files_under > 15);
  // A file filter would need each group's files, and a file report of four
  // levels runs to too many nodes: not whole.
  auto filtered = report::parse_report_params({{"group_by", "file"}, {"where", "file=src/a.cpp"}});
  REQUIRE(filtered);
  CHECK_FALSE(levels_answer(filtered->query, false));
  auto deep = report::parse_report_params({{"group_by", "model,repo,file,date"}});
  REQUIRE(deep);
  CHECK_FALSE(levels_answer(deep->query, false));
  auto three = report::parse_report_params({{"group_by", "model,file,date"}});
  REQUIRE(three);
  CHECK(levels_answer(three->query, false));

  // A tree past the node limit is refused as the cube refuses it, with
  // --top (after the cut) and without (before the tree is built).
  for (const char* top : {"", "2"}) {
    report::Params params = {{"group_by", "repo,file,author"}};
    if (*top) params.emplace_back("top", top);
    auto limited = report::parse_report_params(params);
    REQUIRE(limited);
    limited->query.max_nodes = 7;
    auto want = report::query_cube(*live, limited->query, epics, {});
    REQUIRE_FALSE(want);
    auto got = level_report(ch, limited->query, *exporter.generations(), epics);
    REQUIRE_FALSE(got);
    CHECK(got.error().message == want.error().message);
    CHECK_THAT(got.error().message, Catch::Contains("it has "));
  }

  // Deeper, with --top: asked level by level, only the kept parents'
  // children cross the wire, and the tree is the cube's cut.
  auto deep_top =
      report::parse_report_params({{"group_by", "model,repo,file,author,date"}, {"top", "2"}});
  REQUIRE(deep_top);
  REQUIRE(levels_answer(deep_top->query, false));
  same_as_live(deep_top->query);
  auto uncut = report::parse_report_params({{"group_by", "model,repo,file,author,date"}});
  REQUIRE(uncut);
  auto all_nodes = report::query_cube(*live, uncut->query, epics, {});
  REQUIRE(all_nodes);
  auto stepwise = level_report(ch, deep_top->query, *exporter.generations(), epics);
  REQUIRE(stepwise);
  REQUIRE(stepwise->report);
  INFO("sent " << stepwise->rows << " of " << report::count_nodes(all_nodes->root) << " nodes");
  CHECK(stepwise->rows * 3 < static_cast<int64_t>(report::count_nodes(all_nodes->root)));
  CHECK(stepwise->rows > static_cast<int64_t>(report::count_nodes(stepwise->report->root)) / 2);
  for (int round = 0; round < 24; ++round) {
    std::vector<std::string> order = dims;
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(3 + rng() % 3);  // four to six levels, the file's among them
    order.insert(order.begin() + static_cast<std::ptrdiff_t>(rng() % (order.size() + 1)), "file");
    report::Params params = {{"group_by", test::group_by_of(order)},
                             {"top", std::to_string(1 + rng() % 3)}};
    test::vary_report(params, round * 3, rng, filters);  // (its own --top: none)
    if (round % 3 == 1) params.emplace_back("metric", round % 2 ? "records" : "cost_usd");
    INFO("deep round " << round << ": " << test::described(params));
    auto request = report::parse_report_params(params);
    REQUIRE(request);
    request->query.max_nodes = 100'000;
    REQUIRE(levels_answer(request->query, false));
    same_as_live(request->query);
  }

  // Every file's total over the month, against the cube: the split adds up.
  auto by_file = report::parse_report_params({{"group_by", "file,task"}});
  REQUIRE(by_file);
  CHECK(same_as_live(by_file->query) > 5);

  SECTION("a record that adds a file to a turn across midnight re-splits the day before") {
    roll_every(1);  // every day rolled
    // Turn ft7 began at 23:50 on 2026-01-05 and ran past midnight; a late
    // record of it on 2026-01-06 edits a file the turn had not touched.
    std::string author;
    proto::WireRecord late;
    for (const auto& [a, recs] : dataset)
      for (const auto& r : recs)
        if (r.usage.turn_id == "ft7") {
          author = a;
          late = r;
        }
    REQUIRE_FALSE(author.empty());
    late.record_uid = "f-late";
    late.usage.timestamp_ms = kT0 + 5 * kDay + 25 * 60'000;  // 2026-01-06 00:25
    late.usage.tools = {test::tool_call("toolu_late", "Edit")};
    late.usage.tools[0].path = "src/late.cpp";
    late.usage.tools[0].action = FileAction::kChange;
    late.usage.tools[0].result_seen = true;
    late.usage.tools[0].lines_added = 300;
    REQUIRE((*store)->ingest(author, test::decoded_batch("f-late", {late})));
    REQUIRE(exporter.export_range(kT0 + 5 * kDay, kT0 + 6 * kDay));
    auto states = day_states(ch, INT64_MIN, INT64_MAX);
    REQUIRE(states);
    // The day of the record, and the day either side (the turn's first
    // records are on the day before).
    for (int64_t day : {kT0 + 4 * kDay, kT0 + 5 * kDay, kT0 + 6 * kDay})
      CHECK(std::find(states->dirty.begin(), states->dirty.end(), day) != states->dirty.end());
    live = live_cube();
    auto files_by_day = report::parse_report_params(
        {{"group_by", "date,file"}, {"since", "2026-01-05"}, {"until", "2026-01-08"}});
    REQUIRE(files_by_day);
    same_as_live(files_by_day->query);
    auto reply = report::query_cube(*live, files_by_day->query, epics, {});
    REQUIRE(reply);
    // The day before now has a share of src/late.cpp.
    REQUIRE(reply->root.children.count("2026-01-05") == 1);
    CHECK(reply->root.children.at("2026-01-05").children.count("src/late.cpp") == 1);
    // Rolled again, the same.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    roll_every(1);
    auto rolled = day_states(ch, INT64_MIN, INT64_MAX);
    REQUIRE(rolled);
    CHECK(rolled->dirty.empty());
    same_as_live(files_by_day->query);
    same_as_live(by_file->query);
  }
}
