// The day rollups against a real ClickHouse server: a day is read from its
// rollup once rolled and from its records once they change again, never
// from both; replaced rollups are deleted; a day whose records changed with
// no mark (a crash between the two), or a rolled day without its hours, is
// found and rolled again; databases of schema 1, 2 and 4 are upgraded with
// every day dirty. Every report total is read at both grains (quarter hours
// and hours) and from the task and file splits (whose shares add up to the
// groups'), their dirty days split inline and, as whole reports read them,
// once per query in a temporary table of its session, and must agree.
#include "collector/analytics/usage_rollup.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "collector/analytics/clickhouse_schema.hpp"
#include "collector/analytics/report_sql.hpp"
#include "collector/analytics/tsv_reply.hpp"
#include "collector/analytics/usage_export.hpp"
#include "collector/store/store.hpp"
#include "tests/support/clickhouse_server.hpp"
#include "tests/support/insight_records.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector::analytics;
using codepulse::test::ClickHouseServer;
using codepulse::test::TempDir;

namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'770'940'800'000;  // 2026-02-13T00:00:00Z

// `n` records from `first` on, over four days, a second apart within a day,
// of none, one, two or three tasks (a key named twice counts once).
std::vector<proto::WireRecord> records(int first, int n) {
  const char* task_keys[] = {"", "PROJ-1", "PROJ-1,PROJ-2", "PROJ-2,PROJ-3,PROJ-1",
                             "PROJ-2,,PROJ-2"};
  std::vector<proto::WireRecord> out;
  for (int i = first; i < first + n; ++i) {
    out.push_back(test::thousand_token_record(
        "uid-" + std::to_string(i), kT0 + (i % 4) * kDay + i * 1000,
        "session-" + std::to_string(i % 3), "claude-test-1", "github.com/acme/api"));
    out.back().usage.task_keys = task_keys[i % 5];
  }
  return out;
}

std::string one_line(ClickHouseClient& ch, const std::string& sql) {
  auto text = ch.execute(sql + " FORMAT TabSeparated");
  REQUIRE(text);
  return text->substr(0, text->find('\n'));
}

// The first line of `select` over the task (or file) split's rows of
// every day, the dirty days' split made once in a temporary table of the
// query's session (dirty_split), as whole reports read them.
std::string via_dirty_split(ClickHouseClient& ch, SplitKind kind, const std::string& select) {
  bool made = false;
  auto reply = query_rollups(ch, INT64_MIN, INT64_MAX, [&](const DayStates& days) {
    DirtySplit dirty = dirty_split(kind, ch.target().database, days, INT64_MIN, INT64_MAX, "1");
    made = !dirty.table.empty();
    CHECK(made == !days.dirty.empty());
    const std::string rows =
        kind == SplitKind::kFile
            ? file_rows(days, INT64_MIN, INT64_MAX, "1", dirty.table)
            : task_rows(days, INT64_MIN, INT64_MAX, "1", RollupGrain::kQuarterHour, dirty.table);
    return RollupQuery(std::move(dirty), select + rows + " FORMAT TabSeparated");
  });
  INFO((reply ? std::string() : reply.error().message));
  REQUIRE(reply);
  if (made) {
    // The table was the session's, and is gone with it.
    auto gone = ch.execute("SELECT count() FROM report_dirty_split");
    REQUIRE_FALSE(gone);
    CHECK_THAT(gone.error().message, Catch::Contains("report_dirty_split"));
  }
  return reply->substr(0, reply->find('\n'));
}

// Records, input tokens and cost as reports read them, and as the records say.
// Both grains must agree; the quarter hours' totals are returned.
std::string report_totals(ClickHouseClient& ch) {
  auto days = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(days);
  const std::string quarters =
      one_line(ch, "SELECT sum(records), sum(input), sum(cost_nanos) FROM " +
                       group_rows(*days, INT64_MIN, INT64_MAX, "1", RollupGrain::kQuarterHour));
  const std::string hours =
      one_line(ch, "SELECT sum(records), sum(input), sum(cost_nanos) FROM " +
                       group_rows(*days, INT64_MIN, INT64_MAX, "1", RollupGrain::kHour));
  CHECK(hours == quarters);
  // A range of whole hours, read at both grains.
  const int64_t since = kT0 + 3'600'000, until = kT0 + 3 * kDay + 7'200'000;
  CHECK(one_line(ch, "SELECT sum(records), sum(input) FROM " +
                         group_rows(*days, since, until, "1", RollupGrain::kHour)) ==
        one_line(ch, "SELECT sum(records), sum(input) FROM " +
                         group_rows(*days, since, until, "1", RollupGrain::kQuarterHour)));
  // The task split: each group's records at its first task's row, its
  // tokens and cost split to the unit over its tasks.
  CHECK(
      one_line(ch, "SELECT sum(if(task_index = 1, records, 0)), sum(input), sum(cost_nanos) FROM " +
                       task_rows(*days, INT64_MIN, INT64_MAX, "1")) == quarters);
  CHECK(one_line(ch,
                 "SELECT sum(if(task_index = 1, records, 0)), sum(input), sum(cost_nanos) FROM " +
                     task_rows(*days, INT64_MIN, INT64_MAX, "1", RollupGrain::kHour)) == quarters);
  // The file split: each group's records at its first task's and file's row.
  CHECK(one_line(ch,
                 "SELECT sum(if(task_index = 1 AND file_index = 1, records, 0)), sum(input), "
                 "sum(cost_nanos) FROM " +
                     file_rows(*days, INT64_MIN, INT64_MAX, "1")) == quarters);
  // Both splits with the dirty days' rows made once for the query.
  CHECK(via_dirty_split(ch, SplitKind::kFile,
                        "SELECT sum(if(task_index = 1 AND file_index = 1, records, 0)), "
                        "sum(input), sum(cost_nanos) FROM ") == quarters);
  CHECK(via_dirty_split(ch, SplitKind::kTask,
                        "SELECT sum(if(task_index = 1, records, 0)), sum(input), "
                        "sum(cost_nanos) FROM ") == quarters);
  for (RollupGrain grain : {RollupGrain::kQuarterHour, RollupGrain::kHour})
    CHECK(one_line(ch, "SELECT sum(if(task_index = 1, records, 0)), sum(input) FROM " +
                           task_rows(*days, since, until, "1", grain)) ==
          one_line(ch, "SELECT sum(records), sum(input) FROM " +
                           group_rows(*days, since, until, "1", RollupGrain::kQuarterHour)));
  return quarters;
}
std::string fact_totals(ClickHouseClient& ch) {
  return one_line(ch, "SELECT count(), sum(input), sum(cost_nanos) FROM usage_facts FINAL");
}

void wait_for_mutations(ClickHouseClient& ch) {
  for (int i = 0; i < 600; ++i) {
    if (one_line(ch, "SELECT count() FROM system.mutations WHERE database = " +
                         sql_literal(ch.target().database) + " AND is_done = 0") == "0")
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("ClickHouse's mutations did not finish within 30 s");
}

void roll_all(ClickHouseClient& ch);

// A store of `n` records (records(0, n)), all of them sent to a new
// database, and every day rolled up when `rolled`.
struct Exported {
  Exported(ClickHouseServer& server, int n, bool rolled = false)
      : store(collector::open_store(dir / "collector.db")),
        ch(codepulse::test::clickhouse_target(server.create_database_url())) {
    REQUIRE(store);
    REQUIRE((*store)->ingest("dev@acme.example", test::decoded_batch("b0", records(0, n))));
    REQUIRE(ensure_schema(ch));
    exporter = std::make_unique<UsageExporter>(ch, **store, test::flat_test_prices());
    REQUIRE(exporter->prepare());
    REQUIRE(exporter->export_range(INT64_MIN, INT64_MAX));
    if (rolled) roll_all(ch);
  }
  TempDir dir;
  Result<std::unique_ptr<collector::Store>> store;
  ClickHouseClient ch;
  std::unique_ptr<UsageExporter> exporter;
};

// A codepulse_schema table as an older collector made it, saying `version`.
void says_schema(ClickHouseClient& ch, int version) {
  REQUIRE(
      ch.execute("CREATE TABLE codepulse_schema (version UInt32, applied_ms Int64) ENGINE = "
                 "Log"));
  REQUIRE(ch.insert("codepulse_schema", "TabSeparated", std::to_string(version) + "\t0\n"));
}

// ensure_schema() brings the database to the current schema with its four
// days dirty.
void upgraded_with_every_day_dirty(ClickHouseClient& ch) {
  REQUIRE(ensure_schema(ch));
  auto version = schema_version(ch);
  REQUIRE(version);
  CHECK(*version == kClickHouseSchemaVersion);
  auto states = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(states);
  CHECK(states->clean.empty());
  CHECK(states->dirty.size() == 4);
}

// Rolls every dirty day up.
void roll_all(ClickHouseClient& ch) {
  auto due = days_to_roll(ch, std::chrono::seconds(0), 64);
  REQUIRE(due);
  for (int64_t day : *due)
    REQUIRE(roll_day(ch, day));
}

}  // namespace

TEST_CASE("a day is read from its rollup once rolled and from its records once they change",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  Exported x(*server, 400);
  ClickHouseClient& ch = x.ch;

  auto fresh = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(fresh);
  CHECK(fresh->clean.empty());
  REQUIRE(fresh->dirty.size() == 4);
  CHECK(report_totals(ch) == "400\t400000\t400000000");
  CHECK(report_totals(ch) == fact_totals(ch));

  // A quiet period of an hour: nothing is quiet yet; of none: every day.
  auto quiet = days_to_roll(ch, std::chrono::hours(1), 64);
  REQUIRE(quiet);
  CHECK(quiet->empty());
  auto due = days_to_roll(ch, std::chrono::seconds(0), 64);
  REQUIRE(due);
  CHECK(*due == fresh->dirty);
  for (int64_t day : *due)
    REQUIRE(roll_day(ch, day));
  auto rolled = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(rolled);
  CHECK(rolled->dirty.empty());
  REQUIRE(rolled->clean.size() == 4);
  CHECK(report_totals(ch) == "400\t400000\t400000000");
  // Fewer rows than records: a quarter hour's records of a session are one
  // row (an hour's: no more).
  const int64_t quarter_rows = std::stoll(one_line(ch, "SELECT count() FROM usage_rollup"));
  CHECK(quarter_rows < 400);
  CHECK(std::stoll(one_line(ch, "SELECT count() FROM usage_rollup_hour")) <= quarter_rows);
  auto none = days_to_roll(ch, std::chrono::seconds(0), 64);
  REQUIRE(none);
  CHECK(none->empty());

  // New records of the second day: that day is dirty, read from records,
  // and so are the days either side (their file splits read its turns).
  REQUIRE((*x.store)->ingest("dev@acme.example", test::decoded_batch("b1", records(401, 1))));
  REQUIRE((*x.store)->ingest("dev@acme.example", test::decoded_batch("b2", records(405, 1))));
  REQUIRE(x.exporter->export_range(kT0 + kDay, kT0 + 2 * kDay));
  auto changed = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(changed);
  CHECK(changed->dirty == std::vector<int64_t>{kT0, kT0 + kDay, kT0 + 2 * kDay});
  CHECK(changed->clean.size() == 1);
  CHECK(report_totals(ch) == "402\t402000\t402000000");

  // Rolled again, the day's earlier rollup is replaced: a report that read
  // it learns so, and asks again.
  roll_all(ch);
  auto before = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(before);
  CHECK(before->clean.size() == 4);
  auto same = epochs_unchanged(ch, before.value(), INT64_MIN, INT64_MAX);
  REQUIRE(same);
  CHECK(*same);
  // (Epochs of one second order at random: the next second's is newer.)
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  REQUIRE(roll_day(ch, kT0 + kDay));
  auto replaced = epochs_unchanged(ch, before.value(), INT64_MIN, INT64_MAX);
  REQUIRE(replaced);
  CHECK_FALSE(*replaced);
  CHECK(report_totals(ch) == "402\t402000\t402000000");

  // Superseded rollups: two of the second day, one each of the days beside
  // it; kept while young, deleted after.
  auto young = collect_rollup_garbage(ch, std::chrono::hours(1));
  REQUIRE(young);
  CHECK(*young == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto old = collect_rollup_garbage(ch, std::chrono::seconds(0));
  REQUIRE(old);
  CHECK(*old == 4);
  wait_for_mutations(ch);
  CHECK(one_line(ch, "SELECT uniqExact(day, epoch) FROM usage_rollup") == "4");
  CHECK(one_line(ch, "SELECT uniqExact(day, epoch) FROM usage_rollup_hour") == "4");
  CHECK(one_line(ch, "SELECT uniqExact(day, epoch) FROM usage_rollup_task") == "4");
  CHECK(one_line(ch, "SELECT uniqExact(day, epoch) FROM usage_rollup_task_hour") == "4");
  CHECK(one_line(ch, "SELECT uniqExact(day, epoch) FROM usage_rollup_file") == "4");
  CHECK(report_totals(ch) == "402\t402000\t402000000");
  CHECK(report_totals(ch) == fact_totals(ch));
}

TEST_CASE("a day whose records changed without a mark is found and rolled again",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  Exported x(*server, 40, /*rolled=*/true);
  ClickHouseClient& ch = x.ch;
  auto verified = verify_rollups(ch);
  REQUIRE(verified);
  CHECK(verified->empty());

  // A collector that stopped between a day's records and its mark.
  REQUIRE(ch.insert("usage_facts", "JSONEachRow",
                    R"({"day":"2026-02-15","author":"dev@acme.example","record_id":9999,)"
                    R"("version":1048577,"ts_ms":1771113600000,"input":1000,"priced":1,)"
                    R"("cost_nanos":1000000,"list_cost_nanos":1000000})"
                    "\n"));
  CHECK(report_totals(ch) != fact_totals(ch));
  auto found = verify_rollups(ch);
  REQUIRE(found);
  CHECK(*found == std::vector<int64_t>{kT0 + 2 * kDay});
  auto states = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(states);
  CHECK(states->dirty == std::vector<int64_t>{kT0 + kDay, kT0 + 2 * kDay, kT0 + 3 * kDay});
  CHECK(report_totals(ch) == "41\t41000\t41000000");
  CHECK(report_totals(ch) == fact_totals(ch));

  // A rolled day whose hour rows are gone (a roll stopped between its two
  // grains, named by a collector that then crashed): found as well.
  REQUIRE(ch.execute("ALTER TABLE usage_rollup_hour DELETE WHERE day = '2026-02-13'"));
  wait_for_mutations(ch);
  auto hourless = verify_rollups(ch);
  REQUIRE(hourless);
  CHECK(*hourless == std::vector<int64_t>{kT0});

  // And one whose task split lost a group's first task (its records).
  roll_all(ch);
  REQUIRE(ch.execute(
      "ALTER TABLE usage_rollup_task DELETE WHERE day = '2026-02-16' AND task_index = 1 AND "
      "task = 'PROJ-2'"));
  wait_for_mutations(ch);
  auto taskless = verify_rollups(ch);
  REQUIRE(taskless);
  CHECK(*taskless == std::vector<int64_t>{kT0 + 3 * kDay});
  // Or whose split by hour lost its rows.
  roll_all(ch);
  REQUIRE(ch.execute("ALTER TABLE usage_rollup_task_hour DELETE WHERE day = '2026-02-14'"));
  wait_for_mutations(ch);
  auto task_hourless = verify_rollups(ch);
  REQUIRE(task_hourless);
  CHECK(*task_hourless == std::vector<int64_t>{kT0 + kDay});
}

TEST_CASE("a ClickHouse database of schema 1 is upgraded with every day of its records dirty",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  Exported x(*server, 10);
  ClickHouseClient& ch = x.ch;
  // What a collector of schema 1 left: records, and none of the rollups' tables.
  for (const char* t :
       {"usage_rollup", "usage_rollup_hour", "usage_rollup_task", "usage_rollup_task_hour",
        "rollup_epochs", "rollup_dirty", "codepulse_schema"})
    REQUIRE(ch.execute(std::string("DROP TABLE ") + t));
  says_schema(ch, 1);

  upgraded_with_every_day_dirty(ch);
  CHECK(report_totals(ch) == "10\t10000\t10000000");
}

namespace {

// A database of 40 records rolled up as a collector of schema `version`
// left it (without `dropped`), upgraded: every day dirty, read from its
// records, then rolled again at every grain.
void upgraded_and_rolled_again(ClickHouseServer& server, int version,
                               const std::vector<std::string>& dropped) {
  Exported x(server, 40, /*rolled=*/true);
  ClickHouseClient& ch = x.ch;
  for (const std::string& table : dropped)
    REQUIRE(ch.execute("DROP TABLE " + table));
  REQUIRE(ch.execute("DROP TABLE codepulse_schema"));
  says_schema(ch, version);
  // (The marks must come after the epochs' second to count.)
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  upgraded_with_every_day_dirty(ch);
  for (const std::string& table : dropped)
    CHECK(one_line(ch, "SELECT count() FROM " + table) == "0");
  CHECK(report_totals(ch) == "40\t40000\t40000000");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  roll_all(ch);
  auto rolled = day_states(ch, INT64_MIN, INT64_MAX);
  REQUIRE(rolled);
  CHECK(rolled->clean.size() == 4);
  CHECK(std::stoll(one_line(ch, "SELECT count() FROM usage_rollup_hour")) > 0);
  // Each record's group: one row per task of its set (1, 1, 2, 3, 1 over i % 5).
  CHECK(one_line(ch, "SELECT sum(records) FROM usage_rollup_task") == "64");
  CHECK(one_line(ch, "SELECT sum(records) FROM usage_rollup_task_hour") == "64");
  CHECK(report_totals(ch) == "40\t40000\t40000000");
  auto verified = verify_rollups(ch);
  REQUIRE(verified);
  CHECK(verified->empty());
}

}  // namespace

TEST_CASE("a ClickHouse database of schema 2 is upgraded with every day rolled again by the hour",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  // What a collector of schema 2 left: rolled days, no hour rollups.
  upgraded_and_rolled_again(*server, 2,
                            {"usage_rollup_hour", "usage_rollup_task", "usage_rollup_task_hour"});
}

TEST_CASE(
    "a ClickHouse database of schema 4 is upgraded with every day rolled again for the task "
    "split",
    "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  // What a collector of schema 4 left: rolled days of both grains, no task split.
  upgraded_and_rolled_again(*server, 4, {"usage_rollup_task", "usage_rollup_task_hour"});
}

TEST_CASE("facts written before they carried their files are sent again, and reports wait for them",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  Exported x(*server, 40, /*rolled=*/true);
  ClickHouseClient& ch = x.ch;
  // What a collector of schema 4 left: facts without their files.
  for (const char* column :
       {"files_known", "file_paths", "file_changes", "file_reads", "file_unknown", "file_lines"})
    REQUIRE(ch.execute(std::string("ALTER TABLE usage_facts DROP COLUMN ") + column));
  REQUIRE(ch.execute("DROP TABLE usage_rollup_task"));
  REQUIRE(ch.execute("DROP TABLE usage_rollup_task_hour"));
  REQUIRE(ch.execute("DROP TABLE usage_rollup_file"));
  REQUIRE(ch.execute("DROP TABLE codepulse_schema"));
  says_schema(ch, 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  upgraded_with_every_day_dirty(ch);
  CHECK(one_line(ch, "SELECT count() FROM usage_facts WHERE files_known = 0") == "40");
  // Every row is stale until sent again: the comparison finds every day,
  // and the heal sends each row (by id) with its files.
  UsageExporter next(ch, **x.store, test::flat_test_prices());
  REQUIRE(next.prepare());
  const int64_t from = kT0 - kDay, to = kT0 + 5 * kDay;
  auto differ = next.compare_days(from, to);
  INFO((differ ? std::string() : differ.error().message));
  REQUIRE(differ);
  CHECK(differ->size() == 4);
  for (const DayDifference& d : *differ) {
    CHECK(d.records_agree());
    CHECK(d.stale_rows == 10);
  }
  auto healed = next.heal(from, to);
  REQUIRE(healed);
  CHECK(healed->rows_sent == 40);
  CHECK(healed->days_cleared == 0);
  CHECK(one_line(ch, "SELECT count() FROM usage_facts FINAL WHERE files_known = 1") == "40");
  auto again = next.compare_days(from, to);
  REQUIRE(again);
  CHECK(again->empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  roll_all(ch);
  CHECK(report_totals(ch) == "40\t40000\t40000000");
  auto verified = verify_rollups(ch);
  REQUIRE(verified);
  CHECK(verified->empty());
}
