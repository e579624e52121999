// The daemon as a real process: live files, signals, a second instance,
// crashes at random moments, a full disk and a corrupt database.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>

#include "tests/support/git_repo.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

int64_t sql_int(const std::string& db, const std::string& query) {
  auto r = run({"sqlite3", "-readonly", db, query});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  return std::stoll(r.out);
}

std::string request(const std::string& id, long long output = 10) {
  AssistantSpec s;
  s.message_id = id;
  s.request_id = "req_" + id;
  s.output = output;
  s.uuid = "u-" + id + "-" + std::to_string(output);
  return assistant_line(s) + "\n";
}

struct Daemon {
  TempDir dir;
  std::string logs = dir / "claude/projects";
  std::string state = dir / "state";
  std::string db = state + "/tracker.db";
  std::vector<std::string> argv(std::vector<std::string> extra = {}) const {
    std::vector<std::string> a = {tracker_bin(), "run",  "--claude-dir", dir / "claude",
                                  "--state",     state,  "--debounce",   "50ms",
                                  "--author",    "dev@x"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::vector<std::string> env() const {
    return {"HOME=" + dir.path(), "XDG_CONFIG_HOME=" + dir / "cfg"};
  }
  int64_t records() const { return sql_int(db, "SELECT count(*) FROM usage_records"); }
};

}  // namespace

TEST_CASE("the daemon stores appended lines as they come and stops on SIGTERM", "[daemon]") {
  Daemon d;
  write_file(d.logs + "/p/s.jsonl", request("m1"));
  Process p(d.argv(), d.env(), d.dir / "run");
  REQUIRE(eventually(kPatienceMs, [&] { return d.records() == 1; }));
  append_file(d.logs + "/p/s.jsonl", request("m2"));
  CHECK(eventually(kPatienceMs, [&] { return d.records() == 2; }));
  // A subagent file in a folder created after start.
  write_file(d.logs + "/p/s/subagents/agent-a1.jsonl", request("m3"));
  CHECK(eventually(kPatienceMs, [&] { return d.records() == 3; }));
  // A later, larger snapshot of a stored request updates it.
  append_file(d.logs + "/p/s.jsonl", request("m2", 500));
  CHECK(eventually(kPatienceMs, [&] {
    return sql_int(d.db, "SELECT output FROM usage_records WHERE message_id='m2'") == 500;
  }));
  CHECK(sql_int(d.db, "SELECT revision FROM usage_records WHERE message_id='m2'") == 2);

  auto status = run({tracker_bin(), "status", "--state", d.state, "--json"}, d.env());
  CHECK(status.out.find("\"running\":true") != std::string::npos);
  CHECK(status.out.find("\"records\":3") != std::string::npos);

  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
  auto after = run({tracker_bin(), "status", "--state", d.state}, d.env());
  CHECK(after.out.find("is not running") != std::string::npos);
}

TEST_CASE("the daemon reads the commits of session repositories on its git thread",
          "[daemon][git]") {
  Daemon d;
  GitRepoBuilder repo(d.dir / "app");
  const int64_t today = (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
  repo.write("a.txt", "one\ntwo\n");
  // The daemon's author (--author dev@x) wrote them: it queues only its own.
  const GitPerson dev{"Dev", "dev@x"};
  repo.commit("PROJ-5 first", today - 2, 0, dev);
  repo.write("a.txt", "one\n");
  repo.commit("second", today - 1, 0, dev);
  AssistantSpec s;
  s.cwd = repo.root();
  write_file(d.logs + "/p/s.jsonl", assistant_line(s) + "\n");
  Process p(d.argv(), d.env(), d.dir / "run");
  REQUIRE(eventually(kPatienceMs,
                     [&] { return sql_int(d.db, "SELECT count(*) FROM git_commits") == 2; }));
  CHECK(sql_int(d.db, "SELECT count(*) FROM git_commits WHERE task_keys = 'PROJ-5'") == 1);
  CHECK(sql_int(d.db, "SELECT count(*) FROM git_commits WHERE reworked LIKE '%\"lines\":1%'") == 1);
  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
}

TEST_CASE("a projects folder created after start is picked up", "[daemon]") {
  Daemon d;  // nothing exists yet: a first-ever Claude Code run
  Process p(d.argv(), d.env(), d.dir / "run");
  REQUIRE(eventually(kPatienceMs, [&] { return d.records() == 0; }));
  write_file(d.logs + "/-home-dev-app/s.jsonl", request("first"));
  CHECK(eventually(kPatienceMs, [&] { return d.records() == 1; }));
  p.signal(SIGINT);
  CHECK(p.wait(kPatienceMs) == 0);
}

TEST_CASE("a second instance on the same state folder refuses to start", "[daemon]") {
  Daemon d;
  write_file(d.logs + "/p/s.jsonl", request("m1"));
  Process first(d.argv(), d.env(), d.dir / "first");
  REQUIRE(eventually(kPatienceMs, [&] { return d.records() == 1; }));
  auto second = run(d.argv(), d.env());
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("already running on " + d.state) != std::string::npos);
  CHECK(second.err.find("pid " + std::to_string(first.pid())) != std::string::npos);
}

TEST_CASE("SIGHUP reloads the configuration, a bad one is refused and the old kept",
          "[daemon][config]") {
  Daemon d;
  const std::string cfg = d.dir / "tracker.toml";
  write_file(cfg, "log_level = \"info\"\n");
  write_file(d.logs + "/p/s.jsonl", request("m1"));
  Process p(d.argv({"--config", cfg}), d.env(), d.dir / "run");
  REQUIRE(eventually(kPatienceMs, [&] { return d.records() == 1; }));
  write_file(cfg, "log_level = \"info\"\ndebounce = \"fast\"\n");
  p.signal(SIGHUP);
  CHECK(eventually(kPatienceMs, [&] {
    return p.err().find("configuration not reloaded") != std::string::npos;
  }));
  CHECK(p.err().find("key 'debounce'") != std::string::npos);
  write_file(cfg, "log_level = \"info\"\ndebounce = \"20ms\"\n");
  p.signal(SIGHUP);
  CHECK(eventually(kPatienceMs, [&] {
    return p.err().find("SIGHUP: configuration reloaded") != std::string::npos;
  }));
  append_file(d.logs + "/p/s.jsonl", request("m2"));
  CHECK(eventually(kPatienceMs, [&] { return d.records() == 2; }));
  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
}

TEST_CASE("bad configuration stops start-up naming file, line and key", "[daemon][config]") {
  Daemon d;
  const std::string cfg = d.dir / "tracker.toml";
  write_file(cfg, "debounce = \"200ms\"\nqueue_max_byte = 5\n");
  auto r = run(d.argv({"--config", cfg}), d.env());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(cfg + ":2: unknown key 'queue_max_byte'") != std::string::npos);
}

TEST_CASE("kill -9 at random moments neither loses nor duplicates a record",
          "[daemon][crash][release]") {
  Daemon d;
  std::mt19937 rng(12345);
  const int files = 3;
  make_dirs(d.logs + "/p");
  int next_id = 0;
  int64_t expected_output = 0;
  // 100 rounds here; bench/crash_rounds.sh runs 1000.
  const char* env_rounds = std::getenv("CODEPULSE_CRASH_ROUNDS");
  const int rounds = env_rounds ? std::atoi(env_rounds) : 100;
  for (int round = 0; round < rounds; ++round) {
    Process p(d.argv(), d.env(), d.dir / "crash");
    // The writer appends to several logs while the daemon runs: complete
    // requests, streaming snapshots (placeholder then final), and a torn
    // half line finished in the next round.
    for (int k = 0; k < 5; ++k) {
      const std::string id = "m" + std::to_string(next_id++);
      const std::string path = d.logs + "/p/s" + std::to_string(rng() % files) + ".jsonl";
      append_file(path, request(id, 3));
      append_file(path, request(id, 100 + next_id));
      expected_output += 100 + next_id;
    }
    // Half of a request line, finished in the next round (a writer caught
    // mid-write when the daemon dies).
    const std::string torn_id = "m" + std::to_string(next_id++);
    const std::string torn = request(torn_id, 7);
    const std::string torn_path = d.logs + "/p/torn.jsonl";
    append_file(torn_path, torn.substr(0, torn.size() / 2));
    expected_output += 7;
    ::usleep(static_cast<useconds_t>(rng() % 120'000));
    append_file(torn_path, torn.substr(torn.size() / 2));
    // The first daemon is killed only once it has stored something, so the
    // rounds below kill a daemon that works, not only one still starting
    // (a sanitizer build starts slower than any random moment here).
    if (round == 0) REQUIRE(eventually(kPatienceMs, [&] { return d.records() > 0; }));
    p.signal(SIGKILL);
    p.wait(2000);
  }
  // What the killed daemons stored: something, and no request twice.
  auto sum_output = [&] { return sql_int(d.db, "SELECT sum(output) FROM usage_records"); };
  auto distinct = [&] {
    return sql_int(d.db, "SELECT count(DISTINCT message_id) FROM usage_records");
  };
  const int64_t stored = d.records();
  CHECK(stored > 0);
  CHECK(stored <= next_id);
  CHECK(distinct() == stored);
  // Started once more and left to run, the daemon alone reaches the truth.
  {
    Process p(d.argv(), d.env(), d.dir / "last");
    CHECK(eventually(30000,
                     [&] { return d.records() == next_id && sum_output() == expected_output; }));
    p.signal(SIGTERM);
    CHECK(p.wait(10000) == 0);
  }
  CHECK(d.records() == next_id);
  CHECK(sum_output() == expected_output);
  CHECK(distinct() == next_id);
  // A fresh scan finds nothing the daemon missed, and changes nothing.
  auto scan =
      run({tracker_bin(), "scan", "--claude-dir", d.dir / "claude", "--state", d.state, "--json"},
          d.env());
  INFO(scan.err);
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.out.find("\"records_new\":0,") != std::string::npos);
  CHECK(scan.out.find("\"records_updated\":0,") != std::string::npos);
  CHECK(d.records() == next_id);
  CHECK(sum_output() == expected_output);
  CHECK(distinct() == next_id);
}

TEST_CASE("a full disk is logged, leaves the store consistent, and the daemon resumes",
          "[daemon][disk]") {
  Daemon d;
  write_file(d.logs + "/p/s.jsonl", request("m0"));
  {
    Process warm(d.argv(), d.env(), d.dir / "warm");  // the store exists before the disk fills
    REQUIRE(eventually(kPatienceMs, [&] { return d.records() == 1; }));
    warm.signal(SIGTERM);
    REQUIRE(warm.wait(kPatienceMs) == 0);
  }
  // New lines arrive, but the database may not grow: rounds fail until the
  // limit is lifted.
  std::string big;
  for (int i = 1; i <= 3000; ++i)
    big += request("full" + std::to_string(i));
  append_file(d.logs + "/p/s.jsonl", big);
  Process p(d.argv(), d.env(), d.dir / "full", 256 << 10);  // no file may grow past 256 KiB
  INFO(p.err());
  CHECK(eventually(kPatienceMs, [&] { return p.err().find("round failed") != std::string::npos; }));
  CHECK(p.running());
  CHECK(d.records() == 1);  // nothing half-written
  CHECK(run({"sqlite3", "-readonly", d.db, "PRAGMA integrity_check"}).out == "ok\n");
  p.allow_file_size();  // space returns
  CHECK(eventually(kPatienceMs, [&] { return d.records() == 3001; }));
  CHECK(eventually(kPatienceMs, [&] { return p.err().find("recovered") != std::string::npos; }));
  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
}

TEST_CASE("a corrupt database is moved aside and rebuilt from the logs", "[daemon][store]") {
  Daemon d;
  write_file(d.logs + "/p/s.jsonl", request("m1") + request("m2"));
  make_dirs(d.state);
  write_file(d.db, std::string(8192, 'x'));  // not a database
  Process p(d.argv(), d.env(), d.dir / "run");
  CHECK(eventually(kPatienceMs, [&] { return d.records() == 2; }));
  CHECK(p.err().find("was corrupt and was moved aside") != std::string::npos);
  bool moved = false;
  for (const auto& f : list_files(d.state))
    moved |= f.find("tracker.db.corrupt-") != std::string::npos;
  CHECK(moved);
}
