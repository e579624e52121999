// codepulse-tracker scan over Copilot CLI OpenTelemetry exports. Copilot CLI
// needs GitHub sign-in or a model provider to run, so these logs are built in
// the shape @github/copilot 1.0.102 writes (tests/support/copilot_otel_lines.hpp,
// as observed from the real CLI in BYOK offline mode against a local mock):
// totals per day and model, the assistant, incremental reads, a file created
// later, COPILOT_OTEL_FILE_EXPORTER_PATH, bad lines, privacy canaries, and
// ccusage 20.0.24's reading of the same files.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "tests/support/copilot_otel_lines.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/report_rows.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

const std::string kCanary = "CANARY_COPILOT_E2E_41c9";
const std::string kSession1 = "6f1b6a4e-0d5c-4b7e-9c61-2a8f0e3d9b10";
const std::string kSession2 = "0c2d9e1f-7a3b-4c5d-8e6f-1a2b3c4d5e6f";
constexpr int64_t kDay1 = 1796439394;  // 2026-12-05T02:56:34Z
constexpr int64_t kDay2 = kDay1 + 86'400;

CopilotChatSpan chat(const std::string& trace, const std::string& span, const std::string& id,
                     int64_t input, int64_t output, int64_t cache_read, int64_t cache_write) {
  CopilotChatSpan c = copilot_chat(span, id, input, output, cache_read, cache_write);
  c.trace = trace;
  c.conversation = kSession1;
  c.end_s = kDay1;
  return c;
}

// Day 1: one claude-sonnet-4.5 turn of three model calls with tools, in the
// order Copilot CLI writes them (a call's tool spans before its chat span).
std::string day1_turn(const std::string& repo) {
  const std::string t = "11111111111111111111111111111111";
  CopilotToolSpan create;
  create.trace = t;
  create.span = "f001";
  create.name = "create";
  create.call_id = "toolu_0_1";
  create.file_path = repo + "/src/new_file.txt";
  create.conversation = kSession1;
  CopilotToolSpan bash = create;
  bash.span = "f002";
  bash.name = "bash";
  bash.call_id = "toolu_1_0";
  bash.file_path.clear();
  bash.command = "git add -A && git commit -m '" + kCanary + " message'";
  CopilotAgentSpan agent;
  agent.trace = t;
  agent.input = 7830;
  agent.output = 220;
  agent.conversation = kSession1;
  agent.end_s = kDay1 + 1;
  return copilot_tool_line(create, kCanary) + "\n" +
         copilot_chat_line(chat(t, "c001", "msg_a1", 1230, 40, 200, 30), kCanary) + "\n" +
         copilot_tool_line(bash, kCanary) + "\n" +
         copilot_chat_line(chat(t, "c002", "msg_a2", 2000, 50, 900, 0), kCanary) + "\n" +
         copilot_chat_line(chat(t, "c003", "msg_a3", 2400, 70, 1100, 0), kCanary) + "\n" +
         copilot_agent_line(agent, kCanary) + "\n";
}

// Day 2: a gpt-5.4 call with reasoning, then a turn whose chat span lost its
// usage (github/copilot-cli#4860): only its invoke_agent total counts.
std::string day2_turns() {
  CopilotChatSpan b =
      chat("22222222222222222222222222222222", "c101", "resp_b1", 5000, 300, 4000, 0);
  b.model = "gpt-5.4";
  b.reasoning = 120;
  b.conversation = kSession2;
  b.end_s = kDay2;
  CopilotChatSpan bare = b;
  bare.trace = "33333333333333333333333333333333";
  bare.span = "c201";
  bare.usage = false;
  CopilotAgentSpan agent;
  agent.trace = bare.trace;
  agent.input = 900;
  agent.output = 90;
  agent.conversation = kSession2;
  agent.end_s = kDay2 + 5;
  return copilot_chat_line(b, kCanary) + "\n" + copilot_chat_line(bare, kCanary) + "\n" +
         copilot_agent_line(agent, kCanary) + "\n" + copilot_metric_line() + "\n";
}

// Neither the store's files (tracker.db and its -wal) nor `queue show` hold
// any canary of the content attributes, tool arguments, events or the
// session's name.
void check_no_canary(const std::string& state) {
  const std::string all = folder_contents(state);
  REQUIRE(all.size() > 1000);
  CHECK(all.find("CANARY") == std::string::npos);
  auto q = run({tracker_bin(), "queue", "show", "--state", state, "--json"});
  REQUIRE(q.exit_code == 0);
  CHECK(q.out.find("\"copilot-cli\"") != std::string::npos);
  CHECK(q.out.find("CANARY") == std::string::npos);
}

}  // namespace

TEST_CASE("copilot-cli: scan --assistant-dir reads exact totals, incrementally",
          "[integration][copilot]") {
  TempDir dir;
  const std::string otel = dir / "otel";
  const std::string state = dir / "state";
  write_file(otel + "/copilot-otel-1.jsonl",
             day1_turn("/work/repo") + R"({"type":"span","traceId":)" + "\n" + day2_turns());
  // Another tool's file in the folder: not a Copilot export.
  write_file(otel + "/notes.jsonl", "{\"type\":\"assistant\",\"message\":{}}\n");
  const std::vector<std::string> scan = {tracker_bin(),     "scan",
                                         "--state",         state,
                                         "--assistant-dir", "copilot-cli=" + otel,
                                         "--set",           "assistants=copilot-cli"};
  auto first = run(scan, {"HOME=" + (dir / "home")});
  REQUIRE(first.exit_code == 0);
  CHECK(first.err.find("copilot-otel-1.jsonl") != std::string::npos);  // the broken line
  CHECK(first.err.find("without gen_ai.usage") != std::string::npos);
  CHECK(first.err.find("notes.jsonl") != std::string::npos);  // another tool's file
  CHECK(first.err.find("not an OpenTelemetry span") != std::string::npos);
  auto rows = tracker_report_rows(state);
  check_report_row(rows, "2026-12-05|claude-sonnet-4.5", 3, 3400, 160, 30, 2200);
  check_report_row(rows, "2026-12-06|gpt-5.4", 2, 1900, 390, 0, 4000);
  CHECK(rows.size() == 2);
  check_report_row(tracker_report_rows(state, "assistant,model"), "copilot-cli|claude-sonnet-4.5",
                   3, 3400, 160, 30, 2200);

  // Appended lines and a file created later: only they are read.
  CopilotChatSpan more = chat("44444444444444444444444444444444", "c301", "msg_c1", 600, 6, 100, 0);
  append_file(otel + "/copilot-otel-1.jsonl", copilot_chat_line(more, kCanary) + "\n");
  CopilotChatSpan later = more;
  later.span = "c302";
  later.response_id = "msg_c2";
  write_file(otel + "/sub/copilot-otel-2.jsonl", copilot_chat_line(later, kCanary) + "\n");
  REQUIRE(run(scan, {"HOME=" + (dir / "home")}).exit_code == 0);
  REQUIRE(run(scan, {"HOME=" + (dir / "home")}).exit_code == 0);  // a no-op
  rows = tracker_report_rows(state);
  check_report_row(rows, "2026-12-05|claude-sonnet-4.5", 5, 4400, 172, 30, 2400);
  check_no_canary(state);
}

TEST_CASE("copilot-cli: the file named by COPILOT_OTEL_FILE_EXPORTER_PATH, created later",
          "[integration][copilot]") {
  TempDir dir;
  const std::string file = dir / "elsewhere/copilot-otel.jsonl";
  const std::string state = dir / "state";
  make_dirs(dir / "elsewhere");
  // Beside it, a file that is no export of Copilot's: never read.
  write_file(dir / "elsewhere/other.jsonl", copilot_chat_line(chat("5", "9", "x", 9, 9, 0, 0), ""));
  // The session's folder, from COPILOT_HOME's session-state.
  GitRepoBuilder repo(dir / "gadgets");
  repo.git({"remote", "add", "origin", "git@github.com:acme/gadgets.git"});
  write_file(dir / "cphome/session-state/" + kSession2 + "/workspace.yaml",
             copilot_workspace_yaml(kSession2, repo.root(), "main", kCanary));
  const std::vector<std::string> env = {"HOME=" + (dir / "home"),
                                        "COPILOT_HOME=" + (dir / "cphome"),
                                        "COPILOT_OTEL_FILE_EXPORTER_PATH=" + file};
  const std::vector<std::string> scan = {tracker_bin(), "scan",        "--state",          state,
                                         "--assistant", "copilot-cli", "--max-line-bytes", "64KiB"};
  REQUIRE(run(scan, env).exit_code == 0);
  // A span longer than the line limit (a large captured prompt): reported
  // with its path, the lines around it kept.
  CopilotChatSpan big = chat("66666666666666666666666666666666", "c9", "msg_big", 9, 9, 0, 0);
  write_file(file,
             copilot_chat_line(big, kCanary + std::string(100'000, 'x')) + "\n" + day2_turns());
  auto second = run(scan, env);
  REQUIRE(second.exit_code == 0);
  CHECK(second.err.find("copilot-otel.jsonl") != std::string::npos);
  CHECK(second.err.find("longer than") != std::string::npos);
  auto rows = tracker_report_rows(state);
  check_report_row(rows, "2026-12-06|gpt-5.4", 2, 1900, 390, 0, 4000);
  CHECK(rows.size() == 1);
  check_report_row(tracker_report_rows(state, "repo,model"), "github.com/acme/gadgets|gpt-5.4", 2,
                   1900, 390, 0, 4000);
  check_no_canary(state);
}

TEST_CASE("copilot-cli: an export in ~/.copilot/otel takes its repository from session-state",
          "[integration][copilot]") {
  TempDir dir;
  const std::string home = dir / "home";
  GitRepoBuilder repo(dir / "widgets");
  repo.git({"remote", "add", "origin", "https://github.com/acme/widgets.git"});
  write_file(home + "/.copilot/session-state/" + kSession1 + "/workspace.yaml",
             copilot_workspace_yaml(kSession1, repo.root(), "feature/PROJ-7-x", kCanary));
  write_file(home + "/.copilot/otel/copilot-otel.jsonl", day1_turn(repo.root()));
  const std::string state = dir / "state";
  REQUIRE(
      run({tracker_bin(), "scan", "--state", state, "--assistant", "copilot-cli"}, {"HOME=" + home})
          .exit_code == 0);
  const auto rows = tracker_report_rows(state, "repo,task");
  check_report_row(rows, "github.com/acme/widgets|PROJ-7", 3, 3400, 160, 30, 2200);
  CHECK(rows.size() == 1);
  auto files =
      run({tracker_bin(), "report", "--state", state, "--group-by", "file", "--format", "csv"});
  CHECK(files.out.find("src/new_file.txt") != std::string::npos);
  check_no_canary(state);
}

TEST_CASE("copilot-cli: ccusage 20.0.24 reads the same export, with the documented differences",
          "[integration][copilot][ccusage]") {
  const auto ccusage = ccusage_bin();
  if (!ccusage) CODEPULSE_SKIP("ccusage not installed (packaging/install-peers.sh)");
  TempDir dir;
  const std::string home = dir / "home";
  write_file(home + "/.copilot/otel/copilot-otel.jsonl", day1_turn("/work/repo") + day2_turns());
  const std::string state = dir / "state";
  REQUIRE(
      run({tracker_bin(), "scan", "--state", state, "--assistant", "copilot-cli"}, {"HOME=" + home})
          .exit_code == 0);
  const auto ours = tracker_report_rows(state);
  auto cc =
      run({*ccusage, "copilot", "daily", "--json", "--offline", "--breakdown"}, {"HOME=" + home});
  REQUIRE(cc.exit_code == 0);
  const auto theirs = parse_ccusage_daily(cc.out);
  REQUIRE(theirs.size() == ours.size());
  for (const auto& [key, row] : ours) {
    INFO(key);
    REQUIRE(theirs.count(key) == 1);
    const DayModelRow& t = theirs.at(key);
    CHECK(t.output == row.output);
    CHECK(t.cache_read == row.cache_read);
    CHECK(t.cache_create == row.cache_create);
    // ccusage takes only the cache reads out of gen_ai.usage.input_tokens;
    // the cache writes are inside it too (OTel GenAI conventions; Copilot CLI
    // writes them so), which ccusage counts twice.
    CHECK(t.input == row.input + row.cache_create);
  }
}
