// The real binary: discovery from the environment, keyed hashing, author
// from git, reports in every format, and clear errors for bad flags.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/log_lines.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

std::string one_request(const std::string& id, const std::string& ts,
                        const std::string& model = "claude-opus-4-6",
                        const std::string& cwd = "/home/dev/src/app",
                        const std::string& branch = "main") {
  AssistantSpec s;
  s.message_id = id;
  s.request_id = "req_" + id;
  s.timestamp = ts;
  s.model = model;
  s.cwd = cwd;
  s.branch = branch;
  s.uuid = "u-" + id;
  return assistant_line(s) + "\n";
}

}  // namespace

TEST_CASE("scan finds every CLAUDE_CONFIG_DIR entry and the default places", "[cli][discover]") {
  TempDir home;
  write_file(home / "a/projects/p/s.jsonl", one_request("m1", "2026-02-01T10:00:00.000Z"));
  write_file(home / "b/projects/p/s.jsonl", one_request("m2", "2026-02-01T11:00:00.000Z"));
  write_file(home / ".claude/projects/p/s.jsonl", one_request("m3", "2026-02-01T12:00:00.000Z"));
  write_file(home / ".config/claude/projects/p/s.jsonl",
             one_request("m4", "2026-02-01T13:00:00.000Z"));
  const std::string env_home = "HOME=" + home.path();
  const std::string no_xdg = "XDG_CONFIG_HOME=";

  auto listed =
      run({tracker_bin(), "scan", "--state", home / "s1", "--json"},
          {env_home, no_xdg, "CLAUDE_CONFIG_DIR= " + home / "a" + " ,~/b/projects,,/nonexistent"});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find("\"files\":2,") != std::string::npos);

  auto defaults =
      run({tracker_bin(), "scan", "--state", home / "s2", "--json"}, {env_home, no_xdg});
  REQUIRE(defaults.exit_code == 0);
  CHECK(defaults.out.find("\"files\":2,") != std::string::npos);  // ~/.claude and ~/.config/claude

  auto none = run({tracker_bin(), "scan", "--state", home / "s3"},
                  {env_home, "CLAUDE_CONFIG_DIR=/nonexistent"});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("CLAUDE_CONFIG_DIR is set but none of its entries has a projects/ folder") !=
        std::string::npos);
}

TEST_CASE("the state folder and database are private to the user", "[cli][privacy]") {
  TempDir dir;
  write_file(dir / "logs/p/s.jsonl", one_request("m1", "2026-02-01T10:00:00.000Z"));
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "state"})
              .exit_code == 0);
  struct stat st {};
  REQUIRE(::stat((dir / "state").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat((dir / "state/tracker.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("author comes from git's user.email unless given", "[cli][strip]") {
  TempDir home;
  write_file(home / ".gitconfig", "[user]\n\tname = Dev\n\temail = dev@acme.example\n");
  write_file(home / "logs/p/s.jsonl", one_request("m1", "2026-02-01T10:00:00.000Z"));
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", home / "logs", "--state", home / "st"},
              {"HOME=" + home.path(), "XDG_CONFIG_HOME="})
              .exit_code == 0);
  auto r = run(
      {tracker_bin(), "report", "--state", home / "st", "--group-by", "author", "--format", "csv"});
  CHECK(r.out.find("dev@acme.example,") != std::string::npos);
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", home / "logs", "--state", home / "st2",
               "--author", "ci-bot"})
              .exit_code == 0);
  auto r2 = run({tracker_bin(), "report", "--state", home / "st2", "--group-by", "author",
                 "--format", "csv"});
  CHECK(r2.out.find("ci-bot,") != std::string::npos);
}

TEST_CASE("records name the repository by its origin and files relative to its root",
          "[cli][strip][git]") {
  TempDir dir;
  const std::string repo = dir / "work/api";
  make_dirs(repo + "/src/sub");
  REQUIRE(run({"git", "init", "-q", repo}).exit_code == 0);
  REQUIRE(run({"git", "-C", repo, "remote", "add", "origin",
               "https://user:secret@github.com/acme/api.git"})
              .exit_code == 0);
  AssistantSpec s;
  s.cwd = repo + "/src/sub";  // started in a subfolder
  s.branch = "feature/PROJ-123-speedup";
  s.tool_json =
      tool_use_block("toolu_1", "Edit", R"({"file_path":")" + repo + R"(/src/main.cpp"})");
  write_file(dir / "logs/p/s.jsonl", assistant_line(s) + "\n");
  REQUIRE(
      run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "st"}).exit_code ==
      0);
  auto r = run({tracker_bin(), "report", "--state", dir / "st", "--group-by", "repo,task,file",
                "--format", "csv"});
  CHECK(r.out.find("github.com/acme/api,PROJ-123,src/main.cpp,") != std::string::npos);
  CHECK(folder_contents(dir / "st").find("secret") == std::string::npos);
  // The control: "secret" as a branch name, which is kept, is found.
  write_file(dir / "control/p/s.jsonl", branch_lines({"secret"}));
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "control", "--state", dir / "st"})
              .exit_code == 0);
  CHECK(folder_contents(dir / "st").find("secret") != std::string::npos);
}

TEST_CASE("keyed hashing hides paths and branches", "[cli][privacy]") {
  TempDir dir;
  AssistantSpec s;
  s.branch = "secret-branch-PROJ-9";
  s.tool_json =
      tool_use_block("toolu_1", "Read", R"({"file_path":"/home/dev/src/app/secret_plan.md"})");
  write_file(dir / "logs/p/s.jsonl", assistant_line(s) + "\n");
  write_file(dir / "key", "0123456789abcdef0123456789abcdef\n");
  ::chmod((dir / "key").c_str(), 0644);
  auto loose = run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "st",
                    "--hash-key-file", dir / "key"});
  CHECK(loose.exit_code == 1);
  CHECK(loose.err.find("readable by others; run: chmod 600") != std::string::npos);
  ::chmod((dir / "key").c_str(), 0600);
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "st",
               "--hash-key-file", dir / "key"})
              .exit_code == 0);
  const std::string all = folder_contents(dir / "st");
  CHECK(all.find("secret_plan") == std::string::npos);
  CHECK(all.find("secret-branch") == std::string::npos);
  // The control: without the key, the same read finds both.
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "plain"})
              .exit_code == 0);
  const std::string plain = folder_contents(dir / "plain");
  CHECK(plain.find("secret_plan") != std::string::npos);
  CHECK(plain.find("secret-branch") != std::string::npos);
  auto r = run({tracker_bin(), "report", "--state", dir / "st", "--group-by", "task,file",
                "--format", "csv"});
  CHECK(r.out.find("PROJ-9,h:") != std::string::npos);  // task keys stay readable
}

TEST_CASE("reports nest dimensions in every format with days in a time zone", "[cli][report]") {
  TempDir dir;
  std::string log;
  log += one_request("m1", "2026-03-28T22:30:00.000Z");  // 2026-03-28 UTC, 03-28 Berlin (23:30)
  log += one_request("m2", "2026-03-28T23:30:00.000Z");  // 2026-03-28 UTC, 03-29 Berlin
  log += one_request("m3", "2026-03-30T10:00:00.000Z", "claude-haiku-4-5-20251001");
  log += one_request("m4", "2026-03-30T11:00:00.000Z", "gateway-model-x");  // unpriced
  write_file(dir / "logs/p/s.jsonl", log);
  auto scan = run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "st"});
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.err.find("1 record uses models without a known price") != std::string::npos);

  auto utc = run({tracker_bin(), "report", "--state", dir / "st", "--format", "csv"});
  CHECK(utc.out.rfind(
            "date,model,input,output,cache_create,cache_read,total_tokens,cost_usd,"
            "list_cost_usd,effective_cost_usd,cost_nanos,list_cost_nanos,effective_cost_nanos,"
            "cost_complete,unpriced_records,"
            "records,cache_hit_ratio,sessions,active_days,cost_per_session,"
            "cost_per_session_nanos,cost_per_active_day,cost_per_active_day_nanos\n",
            0) == 0);
  // The unpriced model's costs are empty, never 0, with its unpriced record beside.
  CHECK(utc.out.find("2026-03-30,gateway-model-x,3,10,100,1000,1113,,,,,,,false,1,1,") !=
        std::string::npos);
  CHECK(utc.out.find("2026-03-28,claude-opus-4-6,6,20,200,2000,2226,") != std::string::npos);
  auto berlin = run(
      {tracker_bin(), "report", "--state", dir / "st", "--tz", "Europe/Berlin", "--format", "csv"});
  CHECK(berlin.out.find("2026-03-28,claude-opus-4-6,3,10,100,1000,1113,") != std::string::npos);
  CHECK(berlin.out.find("2026-03-29,claude-opus-4-6,3,10,100,1000,1113,") != std::string::npos);

  auto since = run({tracker_bin(), "report", "--state", dir / "st", "--since", "2026-03-29",
                    "--until", "20260330", "--group-by", "model", "--format", "json"});
  REQUIRE(since.exit_code == 0);
  CHECK(since.out.find("\"totals\":{\"input\"") != std::string::npos);
  CHECK(since.out.find("\"records\":2,") != std::string::npos);  // m3, m4
  CHECK(since.out.find("\"unpriced_records\":1") != std::string::npos);
  CHECK(since.out.find(R"("unpriced":[{"model":"gateway-model-x","requests":1,"tokens":1113}])") !=
        std::string::npos);

  auto table = run({tracker_bin(), "report", "--state", dir / "st", "--group-by", "model,date"});
  CHECK(table.out.find("model > date") != std::string::npos);
  CHECK(table.out.find("TOTAL") != std::string::npos);
  CHECK(table.out.find("  2026-03-28") != std::string::npos);
  CHECK(table.out.find("1 request of model gateway-model-x unpriced (1,113 tokens)") !=
        std::string::npos);
}

TEST_CASE("bad flags and values get one clear line and exit code 2", "[cli]") {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"scan", "--bogus"}, "unknown option '--bogus'"},
      {{"scan", "--state"}, "option '--state' needs a value"},
      {{"scan", "--max-line-bytes", "12"},
       "--max-line-bytes: key 'max_line_bytes': expected a size"},
      {{"report", "--group-by", "model,colour"}, "unknown dimension 'colour'"},
      {{"report", "--group-by", "model,model"}, "dimension 'model' is given twice"},
      {{"report", "--format", "xml"}, "--format: expected table, json or csv"},
      {{"report", "--since", "last tuesday"}, "--since: expected YYYY-MM-DD"},
      {{"report", "--tz", "Mars/Olympus"}, "--tz:"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {tracker_bin()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run(argv);
    INFO(c.message);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
  auto no_store = run({tracker_bin(), "report", "--state", dir / "nothing"});
  CHECK(no_store.exit_code == 1);
  CHECK(no_store.err.find("run 'codepulse-tracker scan' first") != std::string::npos);
  CHECK(run({tracker_bin(), "--version"}).out.rfind("codepulse-tracker ", 0) == 0);
  CHECK(run({tracker_bin(), "scan", "--help"}).exit_code == 0);
}
