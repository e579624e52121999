// Git metadata through the real tracker binary: a session in a repository
// whose messages, files and diffs are full of canaries; `scan` queues its
// commits and no canary reaches the store, the batch or `queue show` — only
// the task key from a message survives.
#include <catch2/catch.hpp>
#include <ctime>

#include "common/zstd_codec.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

constexpr const char* kCanaries[] = {"CANARY_MSG_5a1f", "CANARY_CODE_77b2", "CANARY_DIFF_3c9e",
                                     "CANARY_BODY_e41d"};

void expect_no_canary(const std::string& where, const std::string& bytes) {
  for (const char* c : kCanaries) {
    INFO(where << " holds " << c);
    CHECK(bytes.find(c) == std::string::npos);
  }
}

// A repository with canaries in messages, contents and changed lines, and a
// Claude Code session that ran in it.
struct CanaryRepo {
  TempDir dir;
  GitRepoBuilder repo{dir / "app"};
  std::string first, second;

  CanaryRepo() {
    // `scan` reads the last 90 days of the real clock: commit a few days ago.
    const int64_t today = (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
    repo.write("src/main.cpp", "int main() {}  // CANARY_CODE_77b2\nline two\nline three\n");
    first = repo.commit(
        "PROJ-123 CANARY_MSG_5a1f\n\nCANARY_BODY_e41d\n\nCo-Authored-By: Claude "
        "<noreply@anthropic.com>",
        today - 3);
    repo.write("src/main.cpp", "int main() { return 0; }  // CANARY_DIFF_3c9e\nline two\n");
    second = repo.commit("CANARY_MSG_5a1f again", today - 2);
    AssistantSpec a;
    a.cwd = repo.root() + "/src";
    write_file(dir / "claude/projects/-app/s-1.jsonl", assistant_line(a) + "\n");
  }

  CommandResult scan(const std::vector<std::string>& extra = {},
                     const std::vector<std::string>& env = {}) const {
    std::vector<std::string> argv = {tracker_bin(),  "scan",     "--claude-dir",
                                     dir / "claude", "--state",  dir / "state",
                                     "--json",       "--author", "dev@acme.example"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv, env);
  }
};

}  // namespace

TEST_CASE("scan queues the commits of session repositories and no canary leaves them",
          "[git][privacy][cli]") {
  CanaryRepo r;
  const CommandResult scan = r.scan();
  INFO(scan.err);
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.out.find("\"commits_new\":2") != std::string::npos);
  expect_no_canary("scan output", scan.out + scan.err);
  expect_no_canary("the state folder", folder_contents(r.dir / "state"));

  // The exact bytes of the next batch: records and both commits.
  const std::string state = r.dir / "state";
  REQUIRE(
      run({tracker_bin(), "queue", "export", r.dir / "batch.zst", "--state", state}).exit_code ==
      0);
  const std::string bytes = read_file(r.dir / "batch.zst");
  auto json = codepulse::zstd_decompress(bytes, 64 << 20);
  REQUIRE(json);
  expect_no_canary("encoded batch", *json);
  auto batch = codepulse::proto::decode(bytes, {});
  REQUIRE(batch);
  REQUIRE(batch->commits.size() == 2);
  REQUIRE(batch->records.size() == 1);
  for (const auto& c : batch->commits) {
    CHECK(c.repo == "local/app");
    if (c.sha == r.first) {
      CHECK(c.task_keys == "PROJ-123");
      CHECK(c.ai_coauthor);
      REQUIRE(c.files.size() == 1);
      CHECK(c.files[0].path == "src/main.cpp");
      CHECK(c.files[0].added == 3);
    } else {
      CHECK(c.sha == r.second);
      REQUIRE(c.reworked.size() == 1);
      CHECK(c.reworked[0].original_sha == r.first);
      CHECK(c.reworked[0].lines == 2);
    }
  }

  auto show = run({tracker_bin(), "queue", "show", "--state", state});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("1 record and 2 commits") != std::string::npos);
  CHECK(show.out.find("commit " + r.second.substr(0, 12)) != std::string::npos);
  CHECK(show.out.find("reworked 2 lines of " + r.first.substr(0, 12) + " in src/main.cpp") !=
        std::string::npos);
  expect_no_canary("queue show", show.out);
  auto show_json = run({tracker_bin(), "queue", "show", "--state", state, "--json"});
  REQUIRE(show_json.exit_code == 0);
  CHECK(show_json.out.find("\"commit_count\":2") != std::string::npos);
  expect_no_canary("queue show --json", show_json.out);

  // A second scan finds nothing new.
  const CommandResult again = r.scan();
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("\"commits_new\":0") != std::string::npos);

  // The control: the canaries as a changed file's path, which is kept, are
  // found by the same read.
  std::string path;
  for (const char* c : kCanaries)
    path += std::string(path.empty() ? "" : "/") + c;
  r.repo.write(path, "control\n");
  r.repo.commit("control", (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400 - 1);
  const CommandResult control = r.scan();
  REQUIRE(control.exit_code == 0);
  CHECK(control.out.find("\"commits_new\":1") != std::string::npos);
  const std::string stored = folder_contents(r.dir / "state");
  for (const char* c : kCanaries) {
    INFO("the state folder lacks " << c);
    CHECK(stored.find(c) != std::string::npos);
  }
}

TEST_CASE("git_metadata = false reads no commits", "[git][cli]") {
  CanaryRepo r;
  const CommandResult scan = r.scan({"--git-metadata", "false"});
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.out.find("\"commits_new\":0") != std::string::npos);
  CHECK(scan.out.find("\"git_repos\":0") != std::string::npos);
}

TEST_CASE("without a git binary, scan warns and still stores the usage records", "[git][cli]") {
  CanaryRepo r;
  const CommandResult scan = r.scan({}, {"PATH=/nonexistent"});
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.out.find("\"records_new\":1") != std::string::npos);
  CHECK(scan.out.find("\"commits_new\":0") != std::string::npos);
  CHECK(scan.err.find("git metadata not read") != std::string::npos);
  CHECK(scan.err.find("cannot run git") != std::string::npos);
}
