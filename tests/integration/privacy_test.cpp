// Privacy: logs full of canary strings; after a scan no canary appears in any
// file of the state folder (database, WAL, anything else) nor in any report.
#include <catch2/catch.hpp>

#include "common/sqlite.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

constexpr const char* kCanaries[] = {
    "CANARY-PROMPT-7f3a",      "CANARY-ANSWER-91bc",      "CANARY-THINKING-5d2e",
    "CANARY-TOOLINPUT-c4a8",   "CANARY-BASHCMD-0e6f",     "CANARY-OLDSTR-2b9d",
    "CANARY-NEWSTR-8a1c",      "CANARY-FILEBODY-4f7e",    "CANARY-RESULT-6c3b",
    "CANARY-PATCH-1d8a",       "CANARY-SUMMARY-9e4f",     "CANARY-QUEUE-3a6d",
    "CANARY-LASTPROMPT-7b2c",  "CANARY-SYSTEM-5e9a",      "CANARY-HOOKCMD-0c7f",
    "CANARY-AGENTPROMPT-8d3e", "CANARY-HOMEDIR-2f5b",     "CANARY-TITLE-6a8c",
    "CANARY-STDOUT-4b1d",      "CANARY-OUTSIDEPATH-9c2a", "CANARY-ERRORTEXT-3e7b",
};

std::string canary_logs() {
  const std::string cwd = "/home/CANARY-HOMEDIR-2f5b/src/app";
  std::string log;
  log += user_prompt_line("u1", "Please fix CANARY-PROMPT-7f3a", "s-1", cwd) + "\n";
  AssistantSpec a;
  a.cwd = cwd;
  a.message_id = "msg_c1";
  a.request_id = "req_c1";
  a.text = "Sure: CANARY-ANSWER-91bc";
  log += assistant_line(a) + "\n";
  std::string thinking = assistant_line(a);
  thinking.replace(thinking.find(R"({"type":"text","text":")"), 23,
                   R"({"type":"thinking","signature":"sig","thinking":")");
  thinking.replace(thinking.find("Sure: CANARY-ANSWER-91bc"), 24, "CANARY-THINKING-5d2e");
  log += thinking + "\n";
  a.message_id = "msg_c2";
  a.request_id = "req_c2";
  a.tool_json = tool_use_block(
      "toolu_c2", "Edit",
      R"({"file_path":")" + cwd +
          R"(/src/main.cpp","old_string":"CANARY-OLDSTR-2b9d","new_string":"CANARY-NEWSTR-8a1c"})");
  log += assistant_line(a) + "\n";
  log +=
      tool_result_line(
          "toolu_c2", "CANARY-RESULT-6c3b",
          R"({"filePath":")" + cwd +
              R"(/src/main.cpp","oldString":"CANARY-OLDSTR-2b9d","newString":"CANARY-NEWSTR-8a1c","originalFile":"CANARY-FILEBODY-4f7e","structuredPatch":[{"oldStart":1,"oldLines":1,"newStart":1,"newLines":1,"lines":["-CANARY-PATCH-1d8a","+CANARY-PATCH-1d8a2"]}]})") +
      "\n";
  a.message_id = "msg_c3";
  a.request_id = "req_c3";
  a.tool_json = tool_use_block(
      "toolu_c3", "Bash",
      R"({"command":"git commit -m 'CANARY-BASHCMD-0e6f'","description":"CANARY-TOOLINPUT-c4a8"})");
  log += assistant_line(a) + "\n";
  log += tool_result_line(
             "toolu_c3", "CANARY-RESULT-6c3b",
             R"({"stdout":"[main 1a2b3c4] CANARY-STDOUT-4b1d\n","stderr":"CANARY-STDOUT-4b1d"})",
             "u-c3") +
         "\n";
  a.message_id = "msg_c4";
  a.request_id = "req_c4";
  a.tool_json =
      tool_use_block("toolu_c4", "Read", R"({"file_path":"/etc/CANARY-OUTSIDEPATH-9c2a/x.conf"})");
  log += assistant_line(a) + "\n";
  // The Read fails: only the flag is kept, never the error's text.
  std::string failed = tool_result_line("toolu_c4", "CANARY-ERRORTEXT-3e7b",
                                        R"("Error: CANARY-ERRORTEXT-3e7b")", "u-c4");
  failed.replace(failed.find(R"("type":"tool_result")"), 20,
                 R"("type":"tool_result","is_error":true)");
  log += failed + "\n";
  log += R"({"type":"summary","summary":"CANARY-SUMMARY-9e4f","leafUuid":"x"})"
         "\n";
  log +=
      R"({"type":"queue-operation","operation":"enqueue","timestamp":"2026-02-12T16:05:00.000Z","content":"CANARY-QUEUE-3a6d","sessionId":"s-1"})"
      "\n";
  log += R"({"type":"last-prompt","lastPrompt":"CANARY-LASTPROMPT-7b2c","sessionId":"s-1"})"
         "\n";
  log += R"({"type":"ai-title","aiTitle":"CANARY-TITLE-6a8c","sessionId":"s-1"})"
         "\n";
  log +=
      R"({"type":"system","subtype":"stop_hook_summary","content":"CANARY-SYSTEM-5e9a","hookInfos":[{"command":"CANARY-HOOKCMD-0c7f"}],"timestamp":"2026-02-12T16:05:00.000Z","uuid":"sys1","sessionId":"s-1"})"
      "\n";
  log +=
      R"({"parentUuid":"p","isSidechain":false,"cwd":")" + cwd +
      R"(","sessionId":"s-1","version":"2.1.38","type":"progress","data":{"message":{"type":"assistant","timestamp":"2026-02-12T16:06:00.000Z","message":{"model":"claude-haiku-4-5-20251001","id":"msg_sub1","type":"message","role":"assistant","content":[{"type":"text","text":"CANARY-ANSWER-91bc"}],"usage":{"input_tokens":2,"output_tokens":3,"cache_creation_input_tokens":0,"cache_read_input_tokens":10}},"requestId":"req_sub1","uuid":"u"},"normalizedMessages":[{"content":"CANARY-AGENTPROMPT-8d3e"}],"type":"agent_progress","prompt":"CANARY-AGENTPROMPT-8d3e","agentId":"a1"},"uuid":"u9","timestamp":"2026-02-12T16:06:00.001Z"})"
      "\n";
  return log;
}

void expect_no_canary(const std::string& where, const std::string& text) {
  for (const char* c : kCanaries) {
    INFO(where << " contains " << c);
    CHECK(text.find(c) == std::string::npos);
  }
}

// The control of a check above: every one of `texts` is found.
void expect_all(const std::string& where, const std::string& text,
                const std::vector<std::string>& texts) {
  for (const std::string& t : texts) {
    INFO(where << " lacks " << t);
    CHECK(text.find(t) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("no canary reaches the store or a report", "[privacy]") {
  TempDir dir;
  write_file(dir / "claude/projects/-home-x-src-app/s-1.jsonl", canary_logs());
  const std::string state = dir / "state";
  auto scan =
      run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--json"});
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.out.find("\"records_new\":5") != std::string::npos);
  expect_no_canary("scan output", scan.out + scan.err);
  expect_no_canary("the state folder", folder_contents(state));
  for (const char* group : {"model,repo,file,author,task,date,session", "file", "session,file"}) {
    for (const char* format : {"table", "json", "csv"}) {
      auto r =
          run({tracker_bin(), "report", "--state", state, "--group-by", group, "--format", format});
      REQUIRE(r.exit_code == 0);
      expect_no_canary(std::string("report ") + group + " " + format, r.out + r.err);
    }
  }
  // The auditor's view: what the next batch would send, and its exact bytes.
  auto show = run({tracker_bin(), "queue", "show", "--state", state, "--json"});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("\"record_count\":5") != std::string::npos);
  expect_no_canary("queue show", show.out);
  auto exported = run({tracker_bin(), "queue", "export", dir / "batch.zst", "--state", state});
  REQUIRE(exported.exit_code == 0);
  CHECK(read_file(dir / "batch.zst.README").find("zstd -dc") != std::string::npos);
  auto decoded = run({tracker_bin(), "queue", "decode", dir / "batch.zst"});
  REQUIRE(decoded.exit_code == 0);
  CHECK(decoded.out.find("\"record_count\":5") != std::string::npos);
  CHECK(decoded.out.find("\"src/main.cpp\"") != std::string::npos);
  CHECK(decoded.out.find("\"error\":true") != std::string::npos);
  expect_no_canary("queue export (decompressed)", decoded.out);
  // What is kept instead: the repo-relative path and the commit sha.
  auto csv =
      run({tracker_bin(), "report", "--state", state, "--group-by", "file", "--format", "csv"});
  CHECK(csv.out.find("src/main.cpp") != std::string::npos);
  // A path outside the repository is kept only as "(outside)".
  CHECK(decoded.out.find("\"(outside)\"") != std::string::npos);

  // The control: each canary as a branch name, which is kept, is found by
  // the same read of the state folder.
  write_file(dir / "claude/projects/-control/control.jsonl",
             branch_lines({std::begin(kCanaries), std::end(kCanaries)}));
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet"})
              .exit_code == 0);
  expect_all("the state folder", folder_contents(state),
             {std::begin(kCanaries), std::end(kCanaries)});
}

TEST_CASE("no text of the real fixture logs reaches the store", "[privacy][fixtures]") {
  auto fixtures = shared_fixtures();
  if (!fixtures) {
    CODEPULSE_SKIP("../shared/fixtures/claude-code not found");
  }
  TempDir dir;
  const std::string state = dir / "state";
  auto scan = run({tracker_bin(), "scan", "--claude-dir", *fixtures, "--state", state, "--quiet"});
  REQUIRE(scan.exit_code == 0);
  // Phrases from prompts, answers, code and paths in the real transcripts.
  const char* phrases[] = {"Work on bead spotter-dov", "defmodule",   "Very thorough exploration",
                           "/home/USER/projects",      "/home/marco", "SessionLive",
                           "Draft bead content"};
  const std::string all = folder_contents(state);
  REQUIRE(all.size() > 10000);
  for (const char* p : phrases) {
    INFO(p);
    CHECK(all.find(p) == std::string::npos);
  }
  // The control: each phrase as a branch name, which is kept, is found.
  write_file(dir / "control/p/control.jsonl",
             branch_lines({std::begin(phrases), std::end(phrases)}));
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "control", "--state", state, "--quiet"})
              .exit_code == 0);
  expect_all("the state folder", folder_contents(state), {std::begin(phrases), std::end(phrases)});
}

TEST_CASE("absolute paths of any shape never reach the store", "[privacy]") {
  TempDir dir;
  std::string log;
  auto add = [&](const std::string& id, const std::string& cwd, const std::string& file) {
    AssistantSpec a;
    a.message_id = id;
    a.request_id = "req_" + id;
    a.uuid = "u-" + id;
    a.cwd = cwd;
    a.tool_json =
        tool_use_block("toolu_" + id, "Read", R"({"file_path":")" + json_escape(file) + R"("})");
    log += assistant_line(a) + "\n";
  };
  add("w1", "C:\\Users\\alice\\secretproj", "C:\\Users\\alice\\secretproj\\src\\a.cpp");
  add("w2", "C:\\Users\\alice\\secretproj", "D:/other/taxes-2026.pdf");
  add("w3", "/", "/home/alice/Documents/taxes-2026.pdf");
  add("w4", "relative/dir", "/home/alice/secretproj/x.cpp");
  // A repository whose origin is a path on this machine.
  const std::string repo = dir / "secret-work/app";
  make_dirs(repo);
  REQUIRE(run({"git", "init", "-q", repo}).exit_code == 0);
  REQUIRE(run({"git", "-C", repo, "remote", "add", "origin", dir / "secret-work/upstream.git"})
              .exit_code == 0);
  add("w5", repo, repo + "/src/main.cpp");
  write_file(dir / "logs/p/s.jsonl", log);
  // With git_metadata on, the store keeps each repository's root folder (the
  // git scan needs it; it is never sent): checked below, separately.
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "st",
               "--git-metadata", "false"})
              .exit_code == 0);
  const std::string all = folder_contents(dir / "st");
  // The cwd's own folder name may appear ("local/secretproj" names a folder
  // without a repository, as specified); nothing else of any path may.
  CHECK(all.find("local/secretproj") != std::string::npos);
  const std::vector<std::string> secrets = {"alice",       "secretproj\\", "taxes-2026",
                                            "secret-work", "Users",        "Documents"};
  for (const std::string& secret : secrets) {
    INFO(secret);
    CHECK(all.find(secret) == std::string::npos);
  }
  auto csv = run({tracker_bin(), "report", "--state", dir / "st", "--group-by", "repo,file",
                  "--format", "csv"});
  CHECK(csv.out.find("local/upstream,src/main.cpp,") != std::string::npos);
  CHECK(csv.out.find("(outside)") != std::string::npos);
  // The control: each secret as a branch name, which is kept, is found.
  write_file(dir / "control/p/control.jsonl", branch_lines(secrets));
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "control", "--state", dir / "st",
               "--git-metadata", "false"})
              .exit_code == 0);
  expect_all("the state folder", folder_contents(dir / "st"), secrets);

  // git_metadata on: the repository root is kept in git_repos, and only there.
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "logs", "--state", dir / "st-git"})
              .exit_code == 0);
  CHECK(folder_contents(dir / "st-git").find("secret-work") != std::string::npos);
  auto db = codepulse::sql::Database::open(dir / "st-git/tracker.db", false);
  REQUIRE(db);
  CHECK(db->scalar("SELECT count(*) FROM git_repos").value() == 1);
  REQUIRE(db->exec("DELETE FROM git_repos; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);"));
  CHECK(folder_contents(dir / "st-git").find("secret-work") == std::string::npos);
}

TEST_CASE("no canary in an advisor iteration or an inference_geo reaches the queue", "[privacy]") {
  // Only an advisor iteration's type, model and counts are read, and only an
  // inference_geo shaped like a region code is kept.
  const std::vector<std::string> canaries = {
      "CANARY-ADVICE-3e7a",   "CANARY-ADVPROMPT-5b1c",
      "CANARY-ADVSTOP-8d2f",  "CANARY-ADVNOTE-1a9e",
      "CANARY-ITERTEXT-6f4b", "CANARY-GEO-2c8d",
      "canary geo 7e3a",      "canarygeo9b5dxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};
  std::string log;
  AssistantSpec a;
  a.model = "claude-opus-5-5";
  a.timestamp = "2026-11-30T10:00:00.000Z";
  a.message_id = "msg_adv";
  a.request_id = "req_adv";
  a.inference_geo_json = "\"" + canaries[5] + "\"";
  a.iterations_json =
      R"([{"type":"message","input_tokens":3,"output_tokens":10,"content":")" + canaries[4] +
      R"("},{"type":"advisor_message","model":"claude-opus-5","content":[{"type":"text","text":")" +
      canaries[0] + R"("}],"prompt":")" + canaries[1] +
      R"(","input_tokens":900,"output_tokens":70,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0,"note":")" +
      canaries[3] + R"("},"stop_reason":")" + canaries[2] + R"("}])";
  log += assistant_line(a) + "\n";
  for (size_t i = 6; i < canaries.size(); ++i) {
    a.message_id = "msg_geo" + std::to_string(i);
    a.request_id = "req_geo" + std::to_string(i);
    a.inference_geo_json = "\"" + canaries[i] + "\"";
    a.iterations_json = "[]";
    log += assistant_line(a) + "\n";
  }
  TempDir dir;
  write_file(dir / "claude/projects/-home-x-src-app/s-1.jsonl", log);
  const std::string state = dir / "state";
  auto scan =
      run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--json"});
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.out.find("\"records_new\":4") != std::string::npos);  // 3 requests, 1 advisor call
  CHECK(scan.out.find("\"advisor_records_new\":1") != std::string::npos);
  auto show = run({tracker_bin(), "queue", "show", "--state", state, "--json"});
  REQUIRE(show.exit_code == 0);
  const std::string stored = folder_contents(state);
  for (const std::string& c : canaries) {
    INFO(c);
    CHECK(log.find(c) != std::string::npos);  // the control: in the log
    CHECK(stored.find(c) == std::string::npos);
    CHECK(show.out.find(c) == std::string::npos);
    CHECK((scan.out + scan.err).find(c) == std::string::npos);
  }
  // What is kept of them: the advisor's model and counts.
  CHECK(show.out.find("\"claude-opus-5\"") != std::string::npos);
  CHECK(show.out.find("\"iteration\":2") != std::string::npos);
}

TEST_CASE("PRIVACY.md lists every table of the tracker's local store", "[privacy][docs]") {
  TempDir dir;
  write_file(dir / "claude/projects/p/s.jsonl", "");
  auto scan = run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", dir / "state"},
                  {"HOME=" + dir.path()});
  REQUIRE(scan.exit_code == 0);
  auto db = codepulse::sql::Database::open_read_only(dir / "state/tracker.db", 1000);
  REQUIRE(db);
  auto names = db->prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
  REQUIRE(names);
  const std::string doc = read_file(source_dir() + "/docs/PRIVACY.md");
  int tables = 0;
  for (auto more = names->step(); more && *more; more = names->step()) {
    ++tables;
    const std::string name(names->text(0));
    INFO(name);
    CHECK(doc.find("| `" + name + "` |") != std::string::npos);
  }
  CHECK(tables >= 8);
}
