// The tracker's side of commits bound to their author (issue 22): it queues
// only commits its own author wrote or committed, counts teammates' without
// sending them, drops quietly what the collector refuses as not its author's,
// and sends strings without control characters, so nothing is quarantined.
#include <catch2/catch.hpp>
#include <ctime>
#include <set>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/flow/git_scan.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

const GitPerson kDev{"Dev", "dev@acme.example"};
const GitPerson kTea{"Tea", "tea@acme.example"};

int64_t today() {
  return (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
}

// Three commits: Dev's own, Tea's that Dev committed (a cherry-pick, an
// applied patch), and Tea's alone.
struct TeamRepo {
  explicit TeamRepo(const std::string& root) : repo(root) {
    const int64_t day = today();
    repo.write("a.txt", "one\n");
    own = repo.commit("PROJ-1 mine", day - 3, 0, kDev);
    repo.write("b.txt", "two\n");
    repo.git({"add", "-A"}, day - 2, 0, kDev);
    repo.git({"commit", "-q", "-m", "PROJ-2 applied", "--author=Tea <TEA@acme.example>"}, day - 2,
             0, kDev);
    applied = trim_sha(repo.git({"rev-parse", "HEAD"}));
    repo.write("c.txt", "three\n");
    teammates = repo.commit("PROJ-3 hers", day - 1, 0, kTea);
  }
  static std::string trim_sha(std::string s) {
    while (!s.empty() && s.back() == '\n')
      s.pop_back();
    return s;
  }
  GitRepoBuilder repo;
  std::string own, applied, teammates;
};

std::set<std::string> queued_shas(LocalStore& store) {
  auto queued = CommitStore(store.database()).unshipped(1000);
  REQUIRE(queued);
  std::set<std::string> out;
  for (const auto& q : *queued)
    out.insert(q.commit.sha);
  return out;
}

}  // namespace

TEST_CASE("the git scan queues only commits its author wrote or committed, counting the others",
          "[git][identity]") {
  TempDir dir;
  TeamRepo team(dir / "app");
  auto store = LocalStore::open(dir / "state");
  REQUIRE(store);
  REQUIRE(CommitStore(store->database()).note_repo(team.repo.root(), "local/app"));
  const int64_t now = GitRepoBuilder::day_ms(today());

  SECTION("the configured author, compared without case") {
    GitScanOptions o;
    o.identities = {"Dev@ACME.example"};
    auto stats = GitScan(store->database(), o).run(now);
    REQUIRE(stats);
    CHECK(stats->problems.empty());
    CHECK(stats->commits_new == 2);
    CHECK(stats->commits_by_others == 1);
    CHECK(queued_shas(*store) == std::set<std::string>{team.own, team.applied});
  }
  SECTION("else the repository's user.email; none at all reads nothing until one is set") {
    GitScanOptions o;
    o.repo_user_email = true;
    auto none = GitScan(store->database(), o).run(now);
    REQUIRE(none);
    REQUIRE(none->problems.size() == 1);
    CHECK(none->problems[0].find("no identity") != std::string::npos);
    CHECK(none->commits_new == 0);
    CHECK(none->commits_by_others == 0);
    team.repo.git({"config", "user.email", "dev@acme.example"});
    auto stats = GitScan(store->database(), o).run(now);
    REQUIRE(stats);
    CHECK(stats->problems.empty());
    CHECK(stats->commits_new == 2);
    CHECK(stats->commits_by_others == 1);
    CHECK(queued_shas(*store) == std::set<std::string>{team.own, team.applied});
  }
  SECTION("the global user.email when the repository sets none") {
    GitScanOptions o;
    o.repo_user_email = true;
    o.global_user_email = "tea@acme.example";
    auto stats = GitScan(store->database(), o).run(now);
    REQUIRE(stats);
    CHECK(stats->commits_new == 2);  // Tea wrote two, Dev committed one of them
    CHECK(stats->commits_by_others == 1);
    CHECK(queued_shas(*store) == std::set<std::string>{team.applied, team.teammates});
  }
  auto counted = CommitStore(store->database()).stats();
  REQUIRE(counted);
  CHECK(counted->by_others == 1);
  // A later pass reads nothing new and counts nobody twice.
  GitScanOptions again;
  again.identities = {"dev@acme.example"};
  auto later = GitScan(store->database(), again).run(now);
  REQUIRE(later);
  CHECK(later->commits_by_others == 0);
}

TEST_CASE("through a real collector: own commits stored, none quarantined, old others dropped",
          "[git][identity][shipping]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@acme.example");
  c.start();
  TeamRepo team(dir / "app");
  test::AssistantSpec a;
  a.cwd = team.repo.root();
  test::write_file(dir / "claude/projects/-app/s.jsonl", test::assistant_line(a) + "\n");
  const std::string state = dir / "state";
  const CommandResult scan = run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state",
                                  state, "--author", "dev@acme.example"});
  INFO(scan.out << scan.err);
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.out.find("2 new commits, 1 commit by others not sent") != std::string::npos);
  // A teammate's commit queued by a tracker from before the rule.
  {
    auto store = LocalStore::open(state);
    REQUIRE(store);
    CommitRecord old;
    old.repo = "local/app";
    old.sha = "0123456789abcdef0123456789abcdef01234567";
    old.author_email = old.committer_email = "pat@acme.example";
    old.author_ms = old.committer_ms = GitRepoBuilder::day_ms(today() - 4);
    old.branch = "main";
    REQUIRE(CommitStore(store->database()).add(old));
  }
  const CommandResult flush = run({tracker_bin(), "flush", "--state", state, "--collector", c.url(),
                                   "--ca-file", c.ca(), "--token-file", token, "--timeout", "20"});
  INFO(flush.out << flush.err);
  REQUIRE(flush.exit_code == 0);
  CHECK(c.record_count() == 1);
  CHECK(test::db_text(c.db(), "SELECT count(*) FROM commits") == "2");
  CHECK(test::db_text(c.db(),
                      "SELECT count(*) FROM commits WHERE sha = '" + team.teammates + "'") == "0");
  const std::string db = state + "/tracker.db";
  CHECK(test::db_text(db, "SELECT count(*) FROM git_commits WHERE quarantined = 1") == "0");
  CHECK(test::db_text(db, "SELECT count(*) FROM git_commits WHERE shipped = 0") == "0");
  CHECK(test::db_text(db, "SELECT count(*) FROM git_commits") == "2");  // the old one dropped
  const CommandResult status = run({tracker_bin(), "status", "--state", state});
  INFO(status.out);
  CHECK(status.out.find("Commits: 2 queued (0 unshipped, 0 quarantined); 2 commits by others "
                        "not sent.") != std::string::npos);
  CHECK(status.out.find("Quarantined") == std::string::npos);
  const CommandResult json = run({tracker_bin(), "status", "--state", state, "--json"});
  CHECK(json.out.find("\"by_others_not_sent\":1,\"not_ours_dropped\":1") != std::string::npos);
}

TEST_CASE("control characters in a path and a branch reach the collector as U+FFFD, tokens kept",
          "[strings][shipping]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@acme.example");
  c.start();
  const std::string cwd = dir / "app";
  test::make_dirs(cwd + "/.git/objects");
  test::write_file(cwd + "/.git/HEAD", "ref: refs/heads/main\n");
  test::AssistantSpec a;
  a.cwd = cwd;
  a.branch = "feature/PROJ-9\x1b[31m\tx";
  a.input = 1234;
  a.tool_json =
      test::tool_use_block("toolu_ctl", "Edit",
                           R"({"file_path":")" + test::json_escape(cwd + "/src/a\tb\nc\x1b.cpp") +
                               R"(","old_string":"x","new_string":"y"})");
  test::write_file(dir / "claude/projects/-app/s.jsonl", test::assistant_line(a) + "\n");
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet",
               "--author", "dev@acme.example"})
              .exit_code == 0);
  const CommandResult flush = run({tracker_bin(), "flush", "--state", state, "--collector", c.url(),
                                   "--ca-file", c.ca(), "--token-file", token, "--timeout", "20"});
  INFO(flush.out << flush.err);
  REQUIRE(flush.exit_code == 0);
  CHECK(c.record_count() == 1);
  CHECK(test::db_text(state + "/tracker.db",
                      "SELECT count(*) FROM usage_records WHERE quarantined_revision > 0") == "0");
  const std::string report = c.report_json("branch,file");
  INFO(report);
  CHECK(report.find("feature/PROJ-9\xEF\xBF\xBD[31m\xEF\xBF\xBDx") != std::string::npos);
  CHECK(report.find("src/a\xEF\xBF\xBD"
                    "b\xEF\xBF\xBD"
                    "c\xEF\xBF\xBD.cpp") != std::string::npos);
  CHECK(test::db_text(c.db(), "SELECT input FROM usage_records") == "1234");
}
