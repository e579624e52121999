// The analytics store over two ClickHouse servers: usage_facts and
// usage_rollup as Distributed tables over two shards on loopback (real
// servers, each started by the test with the cluster in its
// remote_servers). Every report answers byte for byte as from one server
// holding the same records; each shard holds part of them; a heal and the
// rollups' garbage collection reach both shards; and a database made for
// one layout is refused by the other.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "collector/analytics/clickhouse_levels.hpp"
#include "collector/analytics/clickhouse_report.hpp"
#include "collector/analytics/clickhouse_schema.hpp"
#include "collector/analytics/usage_export.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "collector/store/store.hpp"
#include "common/report/usage_cube.hpp"
#include "tests/support/analytics_dataset.hpp"
#include "tests/support/clickhouse_server.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector::analytics;
using codepulse::test::ClickHouseServer;
using codepulse::test::TempDir;

namespace {

int64_t count_of(ClickHouseClient& ch, const std::string& sql) {
  auto reply = ch.execute(sql + " FORMAT TabSeparated");
  REQUIRE(reply);
  return std::stoll(*reply);
}

// The rows of usage_facts_local on each shard.
std::vector<int64_t> rows_per_shard(const ClickHouseTarget& cluster, const std::string& table,
                                    const std::string& where = "1") {
  std::vector<int64_t> out;
  for (size_t i = 0; i < cluster.shards.size(); ++i) {
    ClickHouseClient shard(cluster.shard(i));
    out.push_back(count_of(shard, "SELECT count() FROM " + table + "_local WHERE " + where));
  }
  return out;
}

// The two servers, started on first use and shared by every run of the
// test case (a ClickHouse server takes seconds to stop).
std::vector<std::unique_ptr<ClickHouseServer>>& pair_of_servers() {
  static auto servers = ClickHouseServer::start_cluster("codepulse_pair", 2);
  return servers;
}

// The store, the single server's database and the cluster's, each sent
// every record and every third day rolled up: made once for the sections
// of the test case (each run of the case would otherwise send and roll it
// all again; under the sanitizers that passed ten minutes). The sections
// that change it leave it answering as before: a heal sends its day again,
// a roll replaces its day, a stopped shard is started again.
struct Pair {
  TempDir dir;
  std::unique_ptr<collector::Store> store;
  std::string shards;
  ClickHouseTarget cluster;
  std::unique_ptr<ClickHouseClient> one, two;
  std::unique_ptr<UsageExporter> one_exporter, two_exporter;
  DayStates days;
};

Pair& prepared_pair(ClickHouseServer& single,
                    std::vector<std::unique_ptr<ClickHouseServer>>& servers,
                    const std::shared_ptr<const Pricer>& pricer) {
  static std::unique_ptr<Pair> made;
  if (made) return *made;
  auto pair = std::make_unique<Pair>();
  const std::string database = "codepulse_pair_db";
  pair->shards = "&shard=" + servers[0]->address() + "&shard=" + servers[1]->address();
  pair->cluster =
      test::clickhouse_target(servers[0]->url(database) + "?cluster=codepulse_pair" + pair->shards);
  auto store = collector::open_store(pair->dir / "collector.db");
  REQUIRE(store);
  pair->store = std::move(*store);
  for (auto& [author, recs] : test::analytics_dataset(23))
    REQUIRE(pair->store->ingest(author, test::decoded_batch("b-" + author, recs)));

  pair->one =
      std::make_unique<ClickHouseClient>(test::clickhouse_target(single.create_database_url()));
  pair->two = std::make_unique<ClickHouseClient>(pair->cluster);
  ClickHouseClient& one = *pair->one;
  ClickHouseClient& two = *pair->two;
  REQUIRE(ensure_schema(one));
  REQUIRE(ensure_schema(two));
  REQUIRE(ensure_schema(two));  // again: nothing to do
  pair->one_exporter =
      std::make_unique<UsageExporter>(one, *pair->store, pricer, /*rows_per_insert=*/128);
  pair->two_exporter =
      std::make_unique<UsageExporter>(two, *pair->store, pricer, /*rows_per_insert=*/128);
  REQUIRE(pair->one_exporter->prepare());
  REQUIRE(pair->two_exporter->prepare());
  auto sent_one = pair->one_exporter->export_range(INT64_MIN, INT64_MAX);
  auto sent_two = pair->two_exporter->export_range(INT64_MIN, INT64_MAX);
  REQUIRE(sent_one);
  REQUIRE(sent_two);
  CHECK(*sent_one == 800);
  CHECK(*sent_two == 800);
  // Sent again: the same rows, replaced shard by shard.
  REQUIRE(pair->two_exporter->export_range(INT64_MIN, INT64_MAX));

  const auto per_shard = rows_per_shard(pair->cluster, "usage_facts");
  INFO("rows per shard: " << per_shard[0] << ", " << per_shard[1]);
  CHECK(per_shard[0] >= 300);  // 800 records, sharded by record id
  CHECK(per_shard[1] >= 300);
  CHECK(count_of(two, "SELECT count() FROM usage_facts FINAL") == 800);
  CHECK(count_of(two, "SELECT count() FROM usage_facts") >= 800);  // merges under way

  // Every third day rolled up on both.
  auto days = day_states(one, INT64_MIN, INT64_MAX);
  REQUIRE(days);
  REQUIRE(days->dirty.size() > 40);
  for (size_t i = 0; i < days->dirty.size(); i += 3) {
    REQUIRE(roll_day(one, days->dirty[i]));
    REQUIRE(roll_day(two, days->dirty[i]));
  }
  const auto rollup_rows = rows_per_shard(pair->cluster, "usage_rollup");
  CHECK(rollup_rows[0] > 0);
  CHECK(rollup_rows[1] > 0);
  CHECK(rollup_rows[0] + rollup_rows[1] == count_of(one, "SELECT count() FROM usage_rollup"));
  pair->days = std::move(*days);
  made = std::move(pair);
  return *made;
}

}  // namespace

TEST_CASE("a Distributed table over two shards answers every report as one server does",
          "[analytics][clickhouse][cluster]") {
  ClickHouseServer* single = ClickHouseServer::shared();
  if (!single) CODEPULSE_SKIP(ClickHouseServer::why());
  auto& servers = pair_of_servers();
  const auto pricer = Pricer::builtin();
  Pair& pair = prepared_pair(*single, servers, pricer);
  const std::string& shards = pair.shards;
  const ClickHouseTarget& cluster = pair.cluster;
  ClickHouseClient& one = *pair.one;
  ClickHouseClient& two = *pair.two;
  UsageExporter& one_exporter = *pair.one_exporter;
  UsageExporter& two_exporter = *pair.two_exporter;
  const DayStates* days = &pair.days;
  const std::string database = "codepulse_pair_db";

  report::EpicMap epics = {{"PROJ-1", "PROJ-100"}, {"PROJ-2", "PROJ-100"}, {"PROJ-3", "PROJ-200"}};
  const auto people = test::analytics_directory();
  const report::SeatContext seats = test::analytics_seats();
  std::mt19937_64 rng(17);
  // The same answer from both, byte for byte as JSON, through the groups
  // (any dimension, seats, people) and as whole reports (levels).
  const auto same_answers = [&](int rounds) {
    const std::vector<std::string> dims = {"model", "repo",   "author",   "task",
                                           "epic",  "date",   "session",  "branch",
                                           "team",  "person", "assistant"};
    const std::vector<std::string> columns = {"model",   "repo",   "author",    "date", "task",
                                              "session", "branch", "assistant", "epic"};
    const std::vector<std::string> filters = {
        "task=PROJ-1",        "model=claude-opus-4-6",    "repo=github.com/acme/r1",
        "branch=(no branch)", "author=dev2@acme.example", "assistant=codex",
        "session=s3"};
    int compared = 0;
    for (int round = 0; round < rounds; ++round) {
      const bool whole = round % 2 == 1;
      std::vector<std::string> order = whole ? columns : dims;
      std::shuffle(order.begin(), order.end(), rng);
      order.resize(1 + rng() % 4);
      const std::string group_by = test::group_by_of(order);
      report::Params params = {{"group_by", group_by}};
      test::vary_report(params, round, rng, filters);
      if (round % 5 == 3) params.emplace_back("granularity", "week");
      INFO("round " << round << ": " << test::described(params));
      auto request = report::parse_report_params(params);
      REQUIRE(request);
      request->query.max_nodes = 100'000;
      const auto json = [](const auto& answer) {
        REQUIRE(answer);
        REQUIRE(answer->report);
        return report::render_json(*answer->report);
      };
      std::string a, b;
      if (whole) {
        REQUIRE(levels_answer(request->query, false));
        a = json(level_report(one, request->query, *one_exporter.generations(), epics));
        b = json(level_report(two, request->query, *two_exporter.generations(), epics));
      } else {
        REQUIRE(groups_answer(request->query));
        const report::SeatContext* s = round % 3 == 0 ? &seats : nullptr;
        a = json(grouped_report(one, request->query, epics, pricer, *one_exporter.generations(), s,
                                people));
        b = json(grouped_report(two, request->query, epics, pricer, *two_exporter.generations(), s,
                                people));
      }
      CHECK(a == b);
      CHECK(a.size() > 50);
      ++compared;
    }
    CHECK(compared == rounds);
  };
  SECTION("random reports, through the groups and whole") {
    same_answers(40);
  }

  // One server's total: every record priced once.
  auto total = report::parse_report_params({{"group_by", "model"}});
  REQUIRE(total);
  auto whole_two = level_report(two, total->query, *two_exporter.generations(), epics);
  REQUIRE(whole_two);
  REQUIRE(whole_two->report);
  CHECK(whole_two->report->root.metrics.records == 800);

  SECTION("a heal deletes a day's stray rows on every shard and sends the day again") {
    // Rows the store never had, on the day of 2026-01-11 (both shards).
    const int64_t day = test::kT0 + 10 * test::kDayMs;
    std::string rows;
    for (int i = 0; i < 6; ++i)
      rows += "{\"day\":\"2026-01-11\",\"author\":\"ghost@acme.example\",\"record_id\":" +
              std::to_string(900'000 + i) +
              ",\"version\":1,\"ts_ms\":" + std::to_string(day + 1000) +
              ",\"model\":\"claude-opus-4-6\",\"input\":5}\n";
    REQUIRE(two.insert("usage_facts", "JSONEachRow", rows));
    REQUIRE(mark_days_dirty(two, {day}));
    const auto stray = rows_per_shard(cluster, "usage_facts", "record_id >= 900000");
    CHECK(stray[0] > 0);
    CHECK(stray[1] > 0);
    auto healed = two_exporter.heal(test::kT0, test::kT0 + 120 * test::kDayMs);
    INFO((healed ? std::string() : healed.error().message));
    REQUIRE(healed);
    CHECK(healed->days_cleared == 1);
    CHECK(rows_per_shard(cluster, "usage_facts", "record_id >= 900000") ==
          std::vector<int64_t>{0, 0});
    auto after = two_exporter.compare_days(test::kT0, test::kT0 + 120 * test::kDayMs);
    REQUIRE(after);
    CHECK(after->empty());
    same_answers(6);
  }

  SECTION("superseded rollups are deleted from every shard") {
    const int64_t day = days->dirty[0];
    auto states = day_states(two, day, day + test::kDayMs);
    REQUIRE(states);
    REQUIRE(states->clean.size() == 1);
    const uint64_t old_epoch = states->clean[0].second;
    const std::string of_old = "epoch = " + std::to_string(old_epoch);
    const auto before = rows_per_shard(cluster, "usage_rollup", of_old);
    CHECK(before[0] + before[1] > 0);
    // Rolled again at once: the new epoch is current (it waits for a later
    // second than the old one's rather than order by its random bits).
    auto again = roll_day(two, day);
    REQUIRE(again);
    auto now_states = day_states(two, day, day + test::kDayMs);
    REQUIRE(now_states);
    REQUIRE(now_states->clean.size() == 1);
    CHECK(now_states->clean[0].second == *again);
    CHECK(*again > old_epoch);
    auto collected = collect_rollup_garbage(two, std::chrono::seconds(0));
    REQUIRE(collected);
    CHECK(*collected == 1);
    // A mutation, run in the background: gone from both shards soon.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (rows_per_shard(cluster, "usage_rollup", of_old) != std::vector<int64_t>{0, 0} &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(rows_per_shard(cluster, "usage_rollup", of_old) == std::vector<int64_t>{0, 0});
    same_answers(6);
  }

  SECTION("a database made for one layout is refused by the other, saying why") {
    // The cluster's database named without its cluster.
    ClickHouseClient plain(test::clickhouse_target(servers[0]->url(database)));
    auto refused = ensure_schema(plain);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("usage_facts is Distributed(") &&
                                            Catch::Contains("a cluster's table") &&
                                            Catch::Contains("?cluster=NAME"));
    // A database of one server named with a cluster.
    auto single_db = test::clickhouse_target("clickhouse://" + one.target().display() +
                                             "?cluster=codepulse_pair" + shards);
    ClickHouseClient as_cluster(single_db);
    auto wrong = ensure_schema(as_cluster);
    REQUIRE_FALSE(wrong);
    CHECK_THAT(wrong.error().message, Catch::Contains("was made for one server") &&
                                          Catch::Contains("not for cluster codepulse_pair"));
    // A cluster the servers do not know, or with another number of shards.
    ClickHouseClient unknown(
        test::clickhouse_target(servers[0]->url("elsewhere") + "?cluster=nowhere" + shards));
    auto none = ensure_schema(unknown);
    REQUIRE_FALSE(none);
    CHECK_THAT(none.error().message,
               Catch::Contains("has no cluster nowhere in its remote_servers configuration"));
    ClickHouseClient short_of_one(test::clickhouse_target(
        servers[0]->url("elsewhere") + "?cluster=codepulse_pair&shard=" + servers[0]->address()));
    auto fewer = ensure_schema(short_of_one);
    REQUIRE_FALSE(fewer);
    CHECK_THAT(fewer.error().message,
               Catch::Contains("cluster codepulse_pair has 2 shards; the analytics URL names 1"));
    // None of these wrote a table.
    CHECK(count_of(two,
                   "SELECT count() FROM system.tables WHERE database = 'elsewhere' AND "
                   "name LIKE 'usage%'") == 0);
  }

  SECTION("a shard that is down fails reports with its reason and fails nothing else") {
    servers[1]->stop();
    auto request = report::parse_report_params({{"group_by", "model"}});
    REQUIRE(request);
    auto failed = level_report(two, request->query, *two_exporter.generations(), epics);
    REQUIRE_FALSE(failed);
    CHECK_THAT(failed.error().message, Catch::Contains("ClickHouse at " + cluster.display()));
    servers[1]->start();
    auto back = level_report(two, request->query, *two_exporter.generations(), epics);
    REQUIRE(back);
    REQUIRE(back->report);
    CHECK(back->report->root.metrics.records == 800);
  }
}
