// A collector restored from a backup gets back everything its trackers had
// shipped after the backup: the real collector over HTTPS on 127.0.0.1 and
// the real tracker (scan, flush). Back up while serving, ship more, restore,
// and the totals (records, tokens by day and model, commits) are exactly what
// they were before the restore; a resend to a collector that lost nothing
// changes nothing.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>

#include "common/time.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

// What a team lead would read off the collector.
struct Totals {
  int64_t records = 0, commits = 0, commit_files = 0;
  std::string by_day_model;  // the report's CSV
  bool operator==(const Totals&) const = default;
};

Totals totals_of(const CollectorFixture& c) {
  Totals t;
  t.records = c.record_count();
  t.commits = std::stoll(db_text(c.db(), "SELECT count(*) FROM commits"));
  t.commit_files = std::stoll(db_text(c.db(), "SELECT count(*) FROM commit_files"));
  auto r = run(
      {collector_bin(), "report", "--db", c.db(), "--group-by", "date,model", "--format", "csv"});
  REQUIRE(r.exit_code == 0);
  t.by_day_model = r.out;
  return t;
}

// Appends `n` requests of today to the session log, numbered from `first`.
void add_requests(const std::string& log, const std::string& cwd, int first, int n) {
  std::string lines;
  for (int i = first; i < first + n; ++i) {
    AssistantSpec a;
    a.message_id = "msg_restore_" + std::to_string(i);
    a.request_id = "req_restore_" + std::to_string(i);
    a.uuid = "aaaaaaaa-0000-4000-8000-" + std::string(12 - std::to_string(i).size(), '0') +
             std::to_string(i);
    a.timestamp = format_iso8601_utc_ms(now_utc_ms() - 3'600'000 + i * 1000);
    a.model = i % 2 ? "claude-opus-4-6" : "claude-sonnet-4-5-20250929";
    a.input = 100 + i;
    a.output = 1000 + i;
    a.cwd = cwd;
    lines += assistant_line(a) + "\n";
  }
  if (first == 0)
    write_file(log, lines);  // and its folders
  else
    append_file(log, lines);
}

}  // namespace

TEST_CASE("a collector restored from a backup gets every record and commit back from its trackers",
          "[shipping][restore][e2e]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@acme.example");
  c.start();
  GitRepoBuilder repo(dir / "app");
  const int64_t today = (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
  const std::string log = dir / "claude/projects/-app/s.jsonl";
  const std::string state = dir / "state";
  auto scan = [&] {
    auto r = run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state,
                  "--quiet", "--author", "dev@acme.example"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  auto flush = [&] {
    auto r = run({tracker_bin(), "flush", "--state", state, "--timeout", "60", "--collector",
                  c.url(), "--ca-file", c.ca(), "--token-file", token});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  };

  // Before the backup: 5 requests and 2 commits.
  repo.write("a.txt", "one\ntwo\n");
  repo.commit("first", today - 2);
  repo.write("b.txt", "three\n");
  repo.commit("second", today - 1);
  add_requests(log, repo.root(), 0, 5);
  scan();
  flush();
  const Totals at_backup = totals_of(c);
  REQUIRE(at_backup.records == 5);
  REQUIRE(at_backup.commits == 2);

  // Backed up while serving.
  const std::string backup = dir / "backup.db";
  auto b = run({collector_bin(), "backup", "--db", c.db(), "--to", backup});
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK(b.out.find("store generation") != std::string::npos);

  // After it: 7 more requests and a commit.
  repo.write("a.txt", "one\n");
  repo.commit("third", today);
  add_requests(log, repo.root(), 5, 7);
  scan();
  flush();
  const Totals before_restore = totals_of(c);
  REQUIRE(before_restore.records == 12);
  REQUIRE(before_restore.commits == 3);

  // The restore: stop, put the copy in place, start. What came after the
  // backup is gone from the collector.
  c.stop();
  REQUIRE(std::rename(backup.c_str(), c.db().c_str()) == 0);
  std::remove((c.db() + "-wal").c_str());
  std::remove((c.db() + "-shm").c_str());
  c.start();
  CHECK(totals_of(c) == at_backup);
  CHECK(c.process().err().find("backup copy served for the first time") != std::string::npos);

  // The tracker learns the new generation and sends it all again.
  auto healed = flush();
  CHECK(healed.err.find("store generation changed") != std::string::npos);
  CHECK(totals_of(c) == before_restore);

  // A second resend to a collector that lost nothing (a new generation, no
  // backup time: everything the tracker holds) only counts duplicates.
  c.stop();
  auto marked = run({collector_bin(), "restored", "--db", c.db()});
  INFO(marked.err);
  REQUIRE(marked.exit_code == 0);
  c.start();
  auto resent = flush();
  CHECK(resent.out.find("Shipped 12 records") != std::string::npos);
  CHECK(totals_of(c) == before_restore);

  // A restart is no restore: nothing is sent.
  c.stop();
  c.start();
  auto quiet = flush();
  CHECK(quiet.out.find("Shipped 0 records") != std::string::npos);
  CHECK(totals_of(c) == before_restore);
  c.stop();
}
