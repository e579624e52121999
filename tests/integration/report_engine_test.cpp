// The report engine on a generated data set in a real collector store:
// on random nestings, every level's children add up exactly to their parent
// and the root to the data set's totals; filters, --top, granularity and the
// per-turn file attribution keep those sums.
#include <catch2/catch.hpp>
#include <random>

#include "collector/report/store_report.hpp"
#include "collector/store/store.hpp"
#include "common/pricing/record_pricing.hpp"
#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"
#include "common/report/usage_source.hpp"
#include "common/sqlite.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using codepulse::test::TempDir;

namespace {

constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01

struct Totals {
  int64_t input = 0, output = 0, cache_create = 0, cache_read = 0, cost = 0, list_cost = 0;
  bool operator==(const Totals&) const = default;
};

Totals of(const report::Metrics& m) {
  return {m.input, m.output, m.cache_create, m.cache_read, m.cost_nanos, m.list_cost_nanos};
}

// A few hundred records: several models, repos, authors, sessions and turns;
// tool calls changing or reading files with line counts; 0-3 task keys.
std::vector<std::pair<std::string, proto::WireRecord>> dataset(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* models[] = {"claude-opus-4-6", "claude-sonnet-4-5-20250929",
                          "claude-haiku-4-5-20251001", "us.anthropic.claude-opus-5-5-v1"};
  std::vector<std::pair<std::string, proto::WireRecord>> out;
  for (int i = 0; i < 400; ++i) {
    proto::WireRecord w;
    w.record_uid = "u" + std::to_string(i);
    UsageRecord& r = w.usage;
    r.timestamp_ms = kT0 + pick(90) * 86'400'000LL + pick(86'400'000);
    r.session_id = "s" + std::to_string(pick(30));
    r.turn_id = "t" + std::to_string(i / 3);  // about three requests per turn
    r.model = models[pick(4)];
    if (pick(10) == 0) r.model = "gateway-model-x";  // an unpriced model
    r.input = pick(5000);
    r.output = pick(20000);
    r.cache_create_5m = pick(90000);
    r.cache_read = pick(900000);
    r.inference_geo = pick(4) == 0 ? "us" : "global";
    r.fast = pick(8) == 0;
    r.web_search_requests = pick(6) == 0 ? pick(3) : 0;
    r.repo = "github.com/acme/r" + std::to_string(pick(4));
    r.branch = pick(3) == 0 ? "main" : "feature/x";
    const int tasks = pick(4);
    for (int t = 0; t < tasks; ++t)
      r.task_keys += (t ? "," : "") + std::string("PROJ-") + std::to_string(pick(6));
    const int tools = pick(4);
    for (int t = 0; t < tools; ++t) {
      ToolUse u;
      u.tool_use_id = "toolu_" + std::to_string(i) + "_" + std::to_string(t);
      u.name = pick(2) ? "Edit" : "Read";
      u.path = "src/f" + std::to_string(pick(12)) + ".cpp";
      u.action = u.name == "Edit" ? FileAction::kChange : FileAction::kRead;
      u.lines_added = pick(2) ? pick(200) : 0;
      u.lines_removed = pick(50);
      r.tools.push_back(u);
    }
    out.emplace_back("dev" + std::to_string(pick(5)) + "@acme.example", std::move(w));
  }
  return out;
}

// The records as the collector decodes them from one batch.
proto::DecodedBatch as_batch(const std::string& batch_id,
                             const std::vector<proto::WireRecord>& recs) {
  proto::BatchHeader h;
  h.tracker_version = "0.1.0";
  h.device_id = "d";
  h.batch_id = batch_id;
  h.record_count = static_cast<int64_t>(recs.size());
  auto decoded = proto::decode_json(proto::encode_json(h, recs), {});
  REQUIRE(decoded);
  return std::move(decoded).value();
}

// Children add up exactly to their parent, at every level.
void check_sums(const report::ReportNode& n, const std::string& path) {
  if (n.children.empty()) return;
  report::Metrics sum;
  for (const auto& c : n.children) {
    sum.input += c.metrics.input;
    sum.output += c.metrics.output;
    sum.cache_create += c.metrics.cache_create;
    sum.cache_read += c.metrics.cache_read;
    sum.cost_nanos += c.metrics.cost_nanos;
    sum.list_cost_nanos += c.metrics.list_cost_nanos;
    check_sums(c, path + "/" + c.key);
  }
  INFO(path);
  CHECK(of(sum) == of(n.metrics));
}

}  // namespace

TEST_CASE("on random nestings every level adds up exactly to its parent", "[report][property]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  Totals truth;
  {
    auto store = collector::open_sqlite_store(db);
    REQUIRE(store);
    std::map<std::string, std::vector<proto::WireRecord>> by_author;
    for (auto& [author, w] : dataset(7)) {
      truth.input += w.usage.input;
      truth.output += w.usage.output;
      truth.cache_create += w.usage.cache_create_5m;
      truth.cache_read += w.usage.cache_read;
      const PricedUsage priced = Pricer::builtin()->price(to_price(w.usage));
      truth.cost += priced.org_nanos.value_or(0);
      truth.list_cost += priced.list_nanos.value_or(0);
      by_author[author].push_back(w);
    }
    for (auto& [author, recs] : by_author) {
      const auto decoded = as_batch("b-" + author, recs);
      REQUIRE(decoded.rejected.empty());
      REQUIRE((*store)->ingest(author, decoded));
    }
  }
  auto conn = sql::Database::open(db, false);
  REQUIRE(conn);
  const std::vector<std::string> dims = {"model", "repo", "file",    "author", "task",
                                         "epic",  "date", "session", "branch"};
  std::mt19937_64 rng(11);
  for (int round = 0; round < 40; ++round) {
    std::vector<std::string> order = dims;
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(1 + rng() % 5);
    std::string group_by;
    for (const auto& d : order)
      group_by += (group_by.empty() ? "" : ",") + d;
    report::Params params = {{"group_by", group_by}};
    if (round % 3 == 1) params.emplace_back("top", std::to_string(1 + rng() % 3));
    if (round % 4 == 2) params.emplace_back("granularity", round % 8 == 2 ? "week" : "month");
    if (round % 5 == 3) params.emplace_back("metric", "cache_hit_ratio");
    INFO(group_by);
    auto request = report::parse_report_params(params);
    REQUIRE(request);
    auto r = report::build_report(*conn, request->query);
    REQUIRE(r);
    CHECK(of(r->root.metrics) == truth);  // the root is the unfiltered total
    CHECK(r->root.metrics.records == 400);
    check_sums(r->root, "");
    // Every format renders it.
    CHECK(report::render_json(*r).find("\"totals\"") != std::string::npos);
    CHECK(report::render_csv(*r).find(order.front() + ",") == 0);
  }
}

TEST_CASE("filters keep what matches, and only its share", "[report]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  auto store = collector::open_sqlite_store(db);
  REQUIRE(store);
  // One turn of two requests: the first edits a.cpp (30 lines), the second
  // b.cpp (10 lines); the turn's 3 requests' tokens go 3:1 to a and b.
  auto rec = [](const std::string& uid, const std::string& model, int64_t input,
                std::vector<ToolUse> tools) {
    proto::WireRecord w;
    w.record_uid = uid;
    w.usage.timestamp_ms = kT0;
    w.usage.session_id = "s1";
    w.usage.turn_id = "turn-1";
    w.usage.model = model;
    w.usage.input = input;
    w.usage.repo = "github.com/acme/api";
    w.usage.tools = std::move(tools);
    return w;
  };
  ToolUse a{"toolu_a", "Edit", "a.cpp", FileAction::kChange, false, true, 25, 5, ""};
  ToolUse b{"toolu_b", "Edit", "b.cpp", FileAction::kChange, false, true, 10, 0, ""};
  std::vector<proto::WireRecord> recs = {rec("u1", "claude-opus-4-6", 400, {a}),
                                         rec("u2", "claude-opus-4-6", 800, {b}),
                                         rec("u3", "claude-haiku-4-5-20251001", 1001, {})};
  REQUIRE((*store)->ingest("dev@acme.example", as_batch("b1", recs)));
  auto conn = sql::Database::open(db, false);
  REQUIRE(conn);
  auto run_report = [&](report::Params p) {
    auto request = report::parse_report_params(p);
    REQUIRE(request);
    auto r = report::build_report(*conn, request->query);
    REQUIRE(r);
    return std::move(r).value();
  };
  auto files = run_report({{"group_by", "file"}});
  REQUIRE(files.root.children.size() == 2);
  // 400 -> 300 + 100; 800 -> 600 + 200; 1001 -> 751 + 250 (remainder to the larger share).
  CHECK(files.root.children.at("a.cpp").metrics.input == 300 + 600 + 751);
  CHECK(files.root.children.at("b.cpp").metrics.input == 100 + 200 + 250);
  CHECK(files.root.metrics.input == 2201);
  auto only_b = run_report({{"group_by", "model"}, {"where", "file=b.cpp"}});
  CHECK(only_b.root.metrics.input == 550);
  auto haiku = run_report({{"group_by", "file"}, {"where", "model=claude-haiku-4-5-20251001"}});
  CHECK(haiku.root.metrics.input == 1001);
  auto either = run_report({{"group_by", "model"},
                            {"where", "model=claude-haiku-4-5-20251001"},
                            {"where", "model=claude-opus-4-6"}});
  CHECK(either.root.metrics.input == 2201);
  auto none = run_report({{"group_by", "model"}, {"where", "repo=github.com/acme/web"}});
  CHECK(none.root.metrics.input == 0);
  CHECK(none.root.children.empty());
  auto top = run_report({{"group_by", "file"}, {"top", "1"}, {"metric", "input"}});
  REQUIRE(top.root.children.size() == 2);
  CHECK(top.root.children.count("(others)") == 1);
  CHECK(top.root.children.at("(others)").metrics.input == 550);
  auto weeks = run_report({{"group_by", "date"}, {"granularity", "week"}});
  CHECK(weeks.root.children.count("2026-W01") == 1);  // 2026-01-01 is a Thursday of week 1
  auto months = run_report({{"group_by", "date"}, {"granularity", "month"}});
  CHECK(months.root.children.count("2026-01") == 1);
  CHECK(files.root.metrics.sessions == 1);
  CHECK(files.root.metrics.active_days == 1);
  // Priced by the collector from the tokens: opus-4-6 input $5 per million,
  // haiku-4-5 $1: (400 + 800) * 5,000 + 1001 * 1,000 nano-dollars, one session.
  CHECK(files.root.metrics.cost_per_session_nanos() == 7'001'000);
}

TEST_CASE("bad report parameters are refused with the valid choices", "[report]") {
  struct Case {
    report::Params params;
    const char* message;
  };
  const Case cases[] = {
      {{{"group_by", "model,colour"}}, "unknown dimension 'colour' (use model, repo"},
      {{{"group_by", "model,model"}}, "'model' is given twice"},
      {{{"metric", "speed"}}, "unknown metric 'speed' (use input"},
      {{{"where", "repo"}}, "where: expected DIMENSION=VALUE"},
      {{{"where", "colour=red"}}, "where: expected DIMENSION=VALUE"},
      {{{"since", "2026-13-45"}}, "since: expected YYYY-MM-DD"},
      {{{"since", "2026-02-01"}, {"until", "2026-01-01"}}, "since must be before until"},
      {{{"tz", "Mars/Olympus"}}, "tz:"},
      {{{"granularity", "hour"}}, "expected day, week or month"},
      {{{"top", "0"}}, "top: expected a number"},
      {{{"format", "xml"}}, "format: expected table, json or csv"},
      {{{"group_by", "repo'; DROP TABLE usage_records; --"}}, "unknown dimension"},
      {{{"colour", "red"}}, "unknown parameter 'colour'"},
  };
  for (const Case& c : cases) {
    auto r = report::parse_report_params(c.params);
    REQUIRE_FALSE(r);
    INFO(r.error().message);
    CHECK(r.error().message.find(c.message) != std::string::npos);
  }
  // A filter value with quotes or SQL is just a value that matches nothing.
  auto ok = report::parse_report_params({{"where", "repo=x' OR '1'='1"}});
  REQUIRE(ok);
  CHECK(ok->query.where.front().value == "x' OR '1'='1");
}

TEST_CASE("a task's total does not depend on whether the report asks for files", "[report]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  auto store = collector::open_sqlite_store(db);
  REQUIRE(store);
  // input 2, two tasks, two files of equal weight: every report gives each
  // task 1, whatever else it groups by.
  proto::WireRecord w;
  w.record_uid = "u1";
  w.usage.timestamp_ms = kT0;
  w.usage.session_id = "s";
  w.usage.turn_id = "t";
  w.usage.model = "claude-opus-4-6";
  w.usage.input = 2;
  w.usage.branch = "(others)";  // a real key named like the --top fold
  w.usage.task_keys = "PROJ-1,PROJ-2";
  w.usage.tools = {{"toolu_a", "Edit", "a.cpp", FileAction::kChange, false, true, 10, 0, ""},
                   {"toolu_b", "Edit", "b.cpp", FileAction::kChange, false, true, 10, 0, ""}};
  proto::WireRecord other = w;
  other.record_uid = "u2";
  other.usage.branch = "main";
  other.usage.task_keys = "";
  other.usage.input = 1;
  other.usage.turn_id = "t2";
  // A change whose result was not seen: its files share evenly.
  other.usage.tools = {{"toolu_c", "Edit", "c.cpp", FileAction::kChange, false, true, 90, 0, ""},
                       {"toolu_d", "Write", "d.cpp", FileAction::kChange, false, false, 0, 0, ""}};
  other.usage.input = 100;
  REQUIRE((*store)->ingest("dev@acme.example", as_batch("b1", {w, other})));
  auto conn = sql::Database::open(db, false);
  REQUIRE(conn);
  auto run_report = [&](report::Params p) {
    auto request = report::parse_report_params(p);
    REQUIRE(request);
    auto r = report::build_report(*conn, request->query);
    REQUIRE(r);
    return std::move(r).value();
  };
  auto by_task = run_report({{"group_by", "task"}});
  auto by_task_file = run_report({{"group_by", "task,file"}});
  for (const char* task : {"PROJ-1", "PROJ-2"}) {
    INFO(task);
    CHECK(by_task.root.children.at(task).metrics.input == 1);
    CHECK(by_task_file.root.children.at(task).metrics.input == 1);
  }
  auto files = run_report({{"group_by", "file"}, {"where", "branch=main"}});
  CHECK(files.root.children.at("c.cpp").metrics.input == 50);
  CHECK(files.root.children.at("d.cpp").metrics.input == 50);
  // --top with a real "(others)" key: the fold gets another name, sums stay exact.
  auto top = run_report({{"group_by", "branch"}, {"top", "1"}, {"metric", "records"}});
  CHECK(top.root.metrics.input == 102);
  int64_t sum = 0;
  for (const auto& c : top.root.children)
    sum += c.metrics.input;
  CHECK(sum == 102);
  CHECK(top.root.children.size() == 2);
}

TEST_CASE("epics come from task_epics, and split records follow their tasks", "[report]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  auto store = collector::open_sqlite_store(db);
  REQUIRE(store);
  auto rec = [](const std::string& uid, const std::string& tasks, int64_t input) {
    proto::WireRecord w;
    w.record_uid = uid;
    w.usage.timestamp_ms = kT0;
    w.usage.session_id = "s";
    w.usage.model = "claude-opus-4-6";
    w.usage.input = input;
    w.usage.task_keys = tasks;
    return w;
  };
  REQUIRE((*store)->ingest(
      "dev@acme.example",
      as_batch("b1", {rec("u1", "PROJ-1,PROJ-2", 10), rec("u2", "PROJ-3", 7), rec("u3", "", 5)})));
  {
    auto raw = sql::Database::open(db, false);
    REQUIRE(raw);
    REQUIRE(raw->exec(
        "INSERT INTO task_epics (task_key, epic_key, updated_ms) VALUES ('PROJ-1', 'PROJ-100', 0),"
        " ('PROJ-2', 'PROJ-100', 0), ('PROJ-3', 'PROJ-200', 0)"));
  }
  auto conn = sql::Database::open(db, false);
  REQUIRE(conn);
  auto request = report::parse_report_params({{"group_by", "epic,task"}});
  REQUIRE(request);
  auto r = report::build_report(*conn, request->query);
  REQUIRE(r);
  const auto& epics = r->root.children;
  REQUIRE(epics.size() == 3);
  CHECK(epics.at("PROJ-100").metrics.input == 10);   // both tasks of u1
  CHECK(epics.at("PROJ-100").metrics.records == 1);  // one record, counted once
  CHECK(epics.at("PROJ-100").children.at("PROJ-1").metrics.input == 5);
  CHECK(epics.at("PROJ-200").metrics.input == 7);
  CHECK(epics.at("(no epic)").children.at("(no task)").metrics.input == 5);
  auto filtered = report::parse_report_params({{"group_by", "task"}, {"where", "epic=PROJ-100"}});
  REQUIRE(filtered);
  auto f = report::build_report(*conn, filtered->query);
  REQUIRE(f);
  CHECK(f->root.metrics.input == 10);
  CHECK(f->root.children.size() == 2);
}

TEST_CASE("the live cube, fed by commits and replacements, answers as a rebuilt one", "[report]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = collector::open_store(target.db);
  REQUIRE(store);
  auto records = dataset(21);
  std::map<std::string, std::vector<proto::WireRecord>> first, second;
  for (size_t i = 0; i < records.size(); ++i)
    (i % 2 ? second : first)[records[i].first].push_back(records[i].second);
  for (auto& [author, recs] : first)
    REQUIRE((*store)->ingest(author, as_batch("a-" + author, recs)));
  // Follow from here: half the records come from the snapshot scan, the rest
  // (and the replacements) from the commits.
  report::UsageCube live;
  std::vector<collector::UsageChange> pending;
  REQUIRE((*store)->follow_usage(
      [&](const report::UsageFact& f) {
        live.add(f);
        return true;
      },
      [&](std::vector<collector::UsageChange>&& changes) {
        for (auto& c : changes)
          pending.push_back(std::move(c));
      }));
  CHECK(live.record_count() == static_cast<int64_t>(records.size() - records.size() / 2));
  for (auto& [author, recs] : second)
    REQUIRE((*store)->ingest(author, as_batch("b-" + author, recs)));
  // Replacements: a higher revision with other numbers, tools and task keys;
  // a stale one (lower revision) changes nothing.
  std::map<std::string, std::vector<proto::WireRecord>> revised;
  for (size_t i = 0; i < records.size(); i += 7) {
    proto::WireRecord w = records[i].second;
    w.revision = 2;
    w.usage.output += 1000;
    w.usage.task_keys = i % 14 ? "PROJ-9" : "";
    w.usage.tools.clear();
    w.usage.tools.push_back({"toolu_r" + std::to_string(i), "Write", "src/new.cpp",
                             FileAction::kChange, false, true, 7, 0, ""});
    revised[records[i].first].push_back(w);
  }
  for (auto& [author, recs] : revised)
    REQUIRE((*store)->ingest(author, as_batch("r-" + author, recs)));
  for (auto& [author, recs] : revised) {
    for (auto& w : recs)
      w.revision = 1;
    const auto r = (*store)->ingest(author, as_batch("s-" + author, recs));
    REQUIRE(r);
    CHECK(r->stale == static_cast<int64_t>(recs.size()));
  }
  // Every commit up to now has reached the follower (PostgreSQL: by a poll).
  REQUIRE((*store)->sync_usage());
  (*store)->unfollow_usage();
  int64_t replacements = 0;
  for (const auto& c : pending) {
    if (c.before) {
      ++replacements;
      live.add(*c.before, -1);
    }
    if (c.after) live.add(*c.after);
  }
  // SQLite hands over each commit; a PostgreSQL poll sees only the last
  // version of a record both added and replaced since the last poll, so
  // only the replaced records of the snapshot come with a version to take out.
  int64_t expected = 0;
  for (size_t i = 0; i < records.size(); i += 7)
    expected += target.postgres() ? (i % 2 == 0) : 1;
  CHECK(replacements == expected);
  CHECK(live.record_count() == static_cast<int64_t>(records.size()));
  for (const char* group_by : {"model,repo,file,author,date", "task,file", "file,session",
                               "epic,task,repo,file,author,date", "date,branch"}) {
    INFO(group_by);
    auto request = report::parse_report_params({{"group_by", group_by}, {"granularity", "week"}});
    REQUIRE(request);
    auto rebuilt = collector::build_report(**store, request->query);
    REQUIRE(rebuilt);
    const auto from_live = live.query(request->query, {}).value();
    CHECK(report::render_json(from_live) == report::render_json(*rebuilt));
    if (std::string(group_by) == "file,session")  // the replacements' file is there
      CHECK(from_live.root.children.count("src/new.cpp") == 1);
  }
  // A range on quarter hours is cut by the cube; its totals are the records'.
  auto ranged = report::parse_report_params(
      {{"group_by", "model"}, {"since", "2026-01-10"}, {"until", "2026-02-10"}});
  REQUIRE(ranged);
  REQUIRE(report::UsageCube::answers(ranged->query));
  auto direct = collector::build_report(**store, ranged->query);
  REQUIRE(direct);
  CHECK(of(live.query(ranged->query, {})->root.metrics) == of(direct->root.metrics));
  CHECK(live.query(ranged->query, {})->root.metrics.records == direct->root.metrics.records);
  auto odd =
      report::parse_report_params({{"group_by", "model"}, {"since", "2026-01-10T10:07:00Z"}});
  REQUIRE(odd);
  CHECK_FALSE(report::UsageCube::answers(odd->query));
}

TEST_CASE("hashing and sorting aggregate to the same report", "[report][property]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    auto store = collector::open_sqlite_store(db);
    REQUIRE(store);
    std::map<std::string, std::vector<proto::WireRecord>> by_author;
    for (auto& [author, w] : dataset(5))
      by_author[author].push_back(w);
    for (auto& [author, recs] : by_author)
      REQUIRE((*store)->ingest(author, as_batch("b-" + author, recs)));
  }
  auto conn = sql::Database::open(db, false);
  REQUIRE(conn);
  REQUIRE(conn->exec(
      "INSERT INTO task_epics (task_key, epic_key, updated_ms) VALUES ('PROJ-1', 'PROJ-100', 0),"
      " ('PROJ-2', 'PROJ-100', 0), ('PROJ-3', 'PROJ-200', 0)"));
  // `packed` is the same cube with each session's groups put together
  // (UsageCube::compact): the records arrive with the 30 sessions
  // interleaved, so nearly every group moves.
  report::UsageCube cube, packed;
  auto fill = [&conn](report::UsageCube& c) {
    REQUIRE(report::scan_usage(*conn, INT64_MIN, INT64_MAX, true, [&](const report::UsageFact& f) {
      c.add(f);
      return true;
    }));
  };
  fill(cube);
  fill(packed);
  // Due when a tenth of the groups came after the last compaction (all of
  // them, never compacted) and there are at least as many as asked.
  CHECK(packed.compaction_due(1));
  CHECK_FALSE(packed.compaction_due(packed.group_count() + 1));
  packed.compact();
  CHECK_FALSE(packed.compaction_due(1));
  auto epics = report::load_epics(*conn);
  REQUIRE(epics);
  const std::vector<std::string> dims = {"model", "repo", "file",    "author", "task",
                                         "epic",  "date", "session", "branch"};
  const std::vector<std::string> filters = {"file=src/f3.cpp", "task=PROJ-1", "epic=PROJ-100",
                                            "model=claude-opus-4-6", "repo=github.com/acme/r1"};
  std::mt19937_64 rng(3);
  for (int round = 0; round < 40; ++round) {
    std::vector<std::string> order = dims;
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(1 + rng() % 6);
    std::string group_by;
    for (const auto& d : order)
      group_by += (group_by.empty() ? "" : ",") + d;
    report::Params params = {{"group_by", group_by}};
    if (round % 2 == 1) params.emplace_back("where", filters[rng() % filters.size()]);
    if (round % 3 == 2) params.emplace_back("top", std::to_string(1 + rng() % 3));
    if (round % 4 == 3) params.emplace_back("since", "2026-02-01");
    if (round % 5 == 4) params.emplace_back("tz", "Asia/Kathmandu");  // +05:45
    INFO(group_by << " round " << round);
    auto request = report::parse_report_params(params);
    REQUIRE(request);
    const auto hashed =
        cube.query(request->query, *epics, report::UsageCube::Strategy::kHash).value();
    const auto sorted =
        cube.query(request->query, *epics, report::UsageCube::Strategy::kSort).value();
    const auto halves =
        cube.query(request->query, *epics, report::UsageCube::Strategy::kSortTwoThreads).value();
    CHECK(report::render_json(hashed) == report::render_json(sorted));
    CHECK(report::render_json(halves) == report::render_json(sorted));
    for (auto strategy : {report::UsageCube::Strategy::kHash, report::UsageCube::Strategy::kSort,
                          report::UsageCube::Strategy::kSortTwoThreads})
      CHECK(report::render_json(packed.query(request->query, *epics, strategy).value()) ==
            report::render_json(sorted));
    check_sums(sorted.root, "");
    // And the report built from the database for the range agrees (with
    // files and a range, it sees only the turns' records a day around the
    // range: this data set's turns span months, so only without files).
    const bool files = group_by.find("file") != std::string::npos ||
                       (request->query.where.size() == 1 &&
                        request->query.where[0].dimension == report::Dimension::kFile);
    if (!files || !request->query.since_ms) {
      auto direct = report::build_report(*conn, request->query);
      REQUIRE(direct);
      CHECK(of(direct->root.metrics) == of(sorted.root.metrics));
      CHECK(direct->root.metrics.records == sorted.root.metrics.records);
    }
  }
  // Records folded in after the compaction find their groups again (each
  // record a second time: every key exists), and new groups go at the end.
  fill(cube);
  fill(packed);
  for (const char* group_by : {"session,model,date", "file,author", "task,repo,branch"}) {
    INFO(group_by);
    auto request = report::parse_report_params({{"group_by", group_by}});
    REQUIRE(request);
    const auto want = report::render_json(cube.query(request->query, *epics).value());
    CHECK(report::render_json(packed.query(request->query, *epics).value()) == want);
  }
  CHECK(packed.group_count() == cube.group_count());
  CHECK_FALSE(packed.compaction_due(1));  // no group is new
}

TEST_CASE("records without a turn id stay their own turns, across authors", "[report]") {
  // Each is a turn of its own, keyed by author and record id: no pair of
  // (author, record id) may share another's files.
  report::UsageCube cube;
  auto fact = [](const std::string& author, int64_t id, const std::string& file) {
    report::UsageFact f;
    f.record_id = id;
    f.author = author;
    f.session = author + "-s";
    f.model = "claude-opus-4-6";
    f.ts_ms = kT0 + id * 60'000;
    f.input = 10;
    ToolUse t;
    t.tool_use_id = "toolu_" + author + std::to_string(id);
    t.name = "Edit";
    t.path = file;
    t.action = FileAction::kChange;
    t.result_seen = true;
    t.lines_added = 1;
    f.tools.push_back(t);
    return f;
  };
  cube.add(fact("a@acme.example", 1, "a.cpp"));
  for (int64_t id = 1; id <= 5000; ++id)
    cube.add(fact("b@acme.example", id, "b.cpp"));
  CHECK(cube.turn_count() == 5001);
  auto request = report::parse_report_params({{"group_by", "author,file"}});
  REQUIRE(request);
  const auto r = cube.query(request->query, {}).value();
  const auto& a = r.root.children.at("a@acme.example");
  REQUIRE(a.children.size() == 1);
  CHECK(a.children.at("a.cpp").metrics.input == 10);
  CHECK(r.root.children.at("b@acme.example").children.size() == 1);
}

TEST_CASE("a report over the node limit is refused before it is built", "[report]") {
  report::UsageCube cube;
  for (int i = 0; i < 50; ++i) {
    report::UsageFact f;
    f.record_id = i + 1;
    f.author = "dev@acme.example";
    f.session = "s" + std::to_string(i);
    f.model = "claude-opus-4-6";
    f.ts_ms = kT0 + i * 86'400'000LL;
    f.input = 1;
    cube.add(f);
  }
  auto request = report::parse_report_params({{"group_by", "session,date"}});
  REQUIRE(request);
  request->query.max_nodes = 99;  // 50 sessions, one day each: 100 nodes
  for (auto strategy : {report::UsageCube::Strategy::kHash, report::UsageCube::Strategy::kSort}) {
    auto refused = cube.query(request->query, {}, strategy);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.rfind(report::kTooManyNodes, 0) == 0);
    CHECK(refused.error().message.find("100 nodes") != std::string::npos);
  }
  request->query.max_nodes = 100;
  CHECK(cube.query(request->query, {}));
  // --top counts what is returned: 5 sessions and an "(others)" fold, each with its day.
  request->query.max_nodes = 12;
  request->query.top = 5;
  auto cut = cube.query(request->query, {});
  REQUIRE(cut);
  CHECK(cut->root.children.size() == 6);
}
