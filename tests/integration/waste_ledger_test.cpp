// The waste ledger (docs/WASTE.md) over hand-made records stored in a real
// store (SQLite and PostgreSQL): every rule's spend and the total counted by
// hand, the tool-error flag kept through the store, the CLI's shapes.
#include <catch2/catch.hpp>

#include "collector/report/waste_report.hpp"
#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/insight_records.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

// claude-test-1 at $1 per million input tokens (flat_test_prices): 1000 input
// tokens cost exactly $0.001 (1,000,000 nano-dollars).
constexpr int64_t kRequest = 1'000'000;  // nanos of one record below

constexpr int64_t kT0 = 1'793'700'000'000;  // 2026-11-03 10:00 UTC
constexpr int64_t kMinute = 60'000;
constexpr const char* kAuthor = "dev@acme.example";
constexpr const char* kRepo = "github.com/acme/api";
const std::string kSha1(40, 'a'), kSha2(40, 'b');

proto::WireRecord record(const std::string& uid, int64_t ts, const std::string& session,
                         const std::string& turn, std::vector<ToolUse> tools) {
  proto::WireRecord w = thousand_token_record(uid, ts, session, "claude-test-1", kRepo);
  w.usage.turn_id = turn;
  w.usage.branch = "main";
  w.usage.tools = std::move(tools);
  return w;
}

CommitRecord commit(const std::string& sha, int64_t ts, int64_t added) {
  CommitRecord c;
  c.repo = kRepo;
  c.sha = sha;
  c.author_email = kAuthor;
  c.committer_email = kAuthor;
  c.author_ms = ts;
  c.committer_ms = ts;
  c.branch = "main";
  c.files.push_back({"src/a.cpp", added, 0, false});
  return c;
}

// Session s1: three requests, linked to no commit (a); its last turn reads
// a.txt twice (c) and ends on a tool call (d). Session s2: Bash fails three
// times in a row in one turn (b), then commits kSha1 (100 lines), of which a
// later commit reworks 25 (e).
void store_scenario(Store& store) {
  ToolUse git = tool_call("s2-git", "Bash");
  git.git_commit = true;
  git.result_seen = true;
  git.commit_sha = kSha1;
  const std::vector<proto::WireRecord> records = {
      record("r1", kT0, "s1", "turn-a", {}),
      record("r2", kT0 + kMinute, "s1", "turn-b", {read_call("s1-r1", "a.txt")}),
      record("r3", kT0 + 2 * kMinute, "s1", "turn-b", {read_call("s1-r2", "a.txt")}),
      record("r4", kT0 + 3 * kMinute, "s2", "turn-c",
             {tool_call("s2-b1", "Bash", true), tool_call("s2-b2", "Bash", true)}),
      record("r5", kT0 + 4 * kMinute, "s2", "turn-c",
             {tool_call("s2-b3", "Bash", true), read_call("s2-r1", "b.txt")}),
      record("r6", kT0 + 5 * kMinute, "s2", "turn-c", {git}),
      record("r7", kT0 + 6 * kMinute, "s2", "turn-c", {}),
  };
  proto::DecodedBatch batch = decoded_batch("b1", records);
  batch.commits.push_back(commit(kSha1, kT0 + 5 * kMinute, 100));
  CommitRecord later = commit(kSha2, kT0 + 86'400'000, 30);
  later.parents = {kSha1};
  later.reworked.push_back({kSha1, "src/a.cpp", 25});
  batch.commits.push_back(later);
  REQUIRE(store.ingest(kAuthor, batch));
}

int64_t cost(const report::Report& r) {
  return r.root.metrics.cost_nanos;
}

int64_t rule_cost(const WasteLedger& w, WasteRule rule) {
  return cost(w.rules[static_cast<size_t>(rule)]);
}

}  // namespace

TEST_CASE("the waste ledger counts each rule by hand, and each record once in the total",
          "[collector][waste]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = open_store(target.db);
  REQUIRE(store);
  store_scenario(**store);
  const auto pricer = flat_test_prices();
  report::ReportQuery q;
  q.group_by = {report::Dimension::kSession};
  const int64_t now = kT0 + 10 * 86'400'000LL;
  auto w = waste_ledger(**store, q, WasteOptions{}, now, pricer);
  REQUIRE(w);
  // (a) s1's three requests.
  CHECK(rule_cost(*w, WasteRule::kNoCommit) == 3 * kRequest);
  CHECK(w->rules[0].root.children.size() == 1);
  CHECK(w->rules[0].root.children.count("s1") == 1);
  // (b) r4's two calls of two (all of it), r5's one call of two (half).
  CHECK(rule_cost(*w, WasteRule::kErrorLoop) == kRequest + kRequest / 2);
  // (c) r3's only call re-reads a.txt.
  CHECK(rule_cost(*w, WasteRule::kRepeatedRead) == kRequest);
  // (d) s1's last turn (r2, r3) ended on a tool call.
  CHECK(rule_cost(*w, WasteRule::kAbandoned) == 2 * kRequest);
  // (e) s2's four requests times 25/100 reworked lines.
  CHECK(rule_cost(*w, WasteRule::kRework) == 4 * kRequest / 4);
  // Total, each record at its largest share: r1-r3 whole (a), r4 whole (b),
  // r5 half (b), r6 and r7 a quarter (e).
  CHECK(cost(w->total) == 5 * kRequest);

  // Not yet judged: a week has not passed since s1's last request (a), nor
  // 30 minutes (d).
  auto early = waste_ledger(**store, q, WasteOptions{}, kT0 + 10 * kMinute, pricer);
  REQUIRE(early);
  CHECK(rule_cost(*early, WasteRule::kNoCommit) == 0);
  CHECK(rule_cost(*early, WasteRule::kAbandoned) == 0);
  CHECK(rule_cost(*early, WasteRule::kErrorLoop) == kRequest + kRequest / 2);

  // A higher loop threshold: three failures are no longer a loop.
  WasteOptions strict;
  strict.error_loop_errors = 4;
  auto w4 = waste_ledger(**store, q, strict, now, pricer);
  REQUIRE(w4);
  CHECK(rule_cost(*w4, WasteRule::kErrorLoop) == 0);
}

TEST_CASE("the waste ledger splits repeated reads by file and keeps the error flag stored",
          "[collector][waste]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = open_store(target.db);
  REQUIRE(store);
  store_scenario(**store);
  report::ReportQuery q;
  q.group_by = {report::Dimension::kFile};
  auto w = waste_ledger(**store, q, WasteOptions{}, kT0 + 10 * 86'400'000LL, flat_test_prices());
  REQUIRE(w);
  const report::Report& reads = w->rules[static_cast<size_t>(WasteRule::kRepeatedRead)];
  REQUIRE(reads.root.children.count("a.txt") == 1);
  CHECK(reads.root.children.at("a.txt").metrics.cost_nanos == kRequest);
  // The flags came back from the store as they went in.
  std::vector<ToolUse> failed;
  report::EpicMap epics;
  REQUIRE((*store)->read_usage(INT64_MIN, INT64_MAX, true, epics, [&](const report::UsageFact& f) {
    for (const ToolUse& t : f.tools)
      if (t.error) failed.push_back(t);
    return true;
  }));
  REQUIRE(failed.size() == 3);
  for (const ToolUse& t : failed)
    CHECK(t.name == "Bash");
}

TEST_CASE("codepulse-collector waste prints every rule and the total as JSON, CSV and a table",
          "[collector][waste][cli]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    auto store = open_store(db);
    REQUIRE(store);
    store_scenario(**store);
  }
  auto json = run({collector_bin(), "waste", "--db", db, "--by", "session", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  for (const char* rule : {"no_commit", "error_loop", "repeated_read", "abandoned", "rework"})
    CHECK(json.out.find(std::string("\"rule\":\"") + rule + "\"") != std::string::npos);
  CHECK(json.out.find("\"total\":") != std::string::npos);
  auto csv = run({collector_bin(), "waste", "--db", db, "--by", "session", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("rule,session,", 0) == 0);
  CHECK(csv.out.find("\nno_commit,s1,") != std::string::npos);
  CHECK(csv.out.find("\ntotal,s2,") != std::string::npos);
  auto table = run({collector_bin(), "waste", "--db", db});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("== error_loop:") != std::string::npos);
  auto bad = run({collector_bin(), "waste", "--db", db, "--error-loop-errors", "1"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("error-loop-errors") != std::string::npos);
}
