// `codepulse-tracker hook` in the real Claude Code (npm, offline, against the
// mock Messages API): installed with `hook install` into a temporary
// ~/.claude/settings.json, it fires on SessionStart and UserPromptSubmit; a
// warn state puts the warning in the transcript and the prompt goes through;
// an over + enforce state blocks the prompt (the mock gets no request for
// it) and the transcript shows why. The state file is written directly.
// Also the command by itself: its answers on standard input and its latency.
#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <utility>
#include <vector>

#include "common/time.hpp"
#include "tests/support/budget_fixtures.hpp"
#include "tests/support/claude_code_run.hpp"
#include "tests/support/mock_messages_api.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

// The transcripts a run wrote, all in one text.
std::string transcripts(const ClaudeCodeRun& r) {
  std::string all;
  for (const std::string& f : files_below(r.project_dir, "/", ".jsonl"))
    all += read_file(f);
  return all;
}

// The hook messages Claude Code kept in a transcript: (event, text) of each
// hook_system_message attachment.
std::vector<std::pair<std::string, std::string>> hook_messages(const std::string& transcript) {
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::parser parser;
  std::istringstream in(transcript);
  for (std::string line; std::getline(in, line);) {
    simdjson::dom::element doc;
    std::string_view type, event, content;
    if (parser.parse(line).get(doc) || doc["attachment"]["type"].get_string().get(type) ||
        type != "hook_system_message" || doc["attachment"]["hookEvent"].get_string().get(event) ||
        doc["attachment"]["content"].get_string().get(content))
      continue;
    out.emplace_back(std::string(event), std::string(content));
  }
  return out;
}

size_t message_posts(const MockMessagesApi& api) {
  size_t n = 0;
  for (const MockRequest& r : api.requests())
    n += r.method == "POST" && r.target.starts_with("/v1/messages") &&
         r.target.find("count_tokens") == std::string::npos;
  return n;
}

// `codepulse-tracker hook ARGS` with `input` on standard input.
CommandResult hook(const TempDir& dir, const std::string& input,
                   const std::vector<std::string>& args, std::vector<std::string> env = {}) {
  write_file(dir / "hook-input.json", input);
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" hook \"$@\" < \"$HOOK_INPUT\"",
                                   tracker_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  env.push_back("HOOK_INPUT=" + (dir / "hook-input.json"));
  env.push_back("HOME=" + dir.path());
  return run(argv, env);
}

const char* kPromptInput =
    R"({"session_id":"s","transcript_path":"/t.jsonl","cwd":"/w","hook_event_name":"UserPromptSubmit","prompt":"hi"})";

}  // namespace

TEST_CASE(
    "the real Claude Code runs the installed hook: it warns, and it blocks at an enforced "
    "budget",
    "[integration][hook][claude-code]") {
  const std::optional<std::string> claude = claude_code_bin();
  if (!claude)
    CODEPULSE_SKIP(
        "no Claude Code binary (set CODEPULSE_CLAUDE_CODE or install @anthropic-ai/claude-code)");
  RunDirs dirs;
  const std::string state = dirs.dir / "state";
  make_dirs(state);
  auto installed = run({tracker_bin(), "hook", "install", "--state", state}, {"HOME=" + dirs.home});
  INFO(installed.out << installed.err);
  REQUIRE(installed.exit_code == 0);
  const std::string settings = read_file(dirs.home + "/.claude/settings.json");
  CHECK(settings.find("\"SessionStart\"") != std::string::npos);
  CHECK(settings.find("\"UserPromptSubmit\"") != std::string::npos);

  SECTION("warn: the warning is in the transcript and the prompt is answered") {
    REQUIRE(tracker::write_budget_state(state, budget_state(now_utc_ms(), {budget("warn")})));
    MockResponse answer;
    answer.blocks = {MockBlock::text_block("Hello from the mock.")};
    answer.usage = mock_usage(100, 10, 0, 0);
    MockMessagesApi api({answer});
    const ClaudeCodeRun r =
        run_claude_code(*claude, dirs.home, dirs.cwd, api.base_url(), "Say hello", {"Read"});
    require_success(r);
    CHECK(message_posts(api) == 1);
    CHECK(r.result.out.find("Hello from the mock.") != std::string::npos);
    const std::string t = transcripts(r);
    INFO(t);
    // Fired on both events: each put the warning in the transcript.
    const auto messages = hook_messages(t);
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].first == "SessionStart");
    CHECK(messages[1].first == "UserPromptSubmit");
    for (const auto& m : messages)
      CHECK(
          m.second.starts_with("codepulse: the team budget platform (month 2026-12-01 to "
                               "2026-12-31, effective cost): $412.30 of $500.00 spent (82 %)"));
  }

  SECTION("over + enforce: the prompt is blocked before it reaches the API") {
    REQUIRE(tracker::write_budget_state(
        state, budget_state(now_utc_ms(), {budget("over", true, "Ask Dana in #finops")})));
    MockResponse unused;
    unused.blocks = {MockBlock::text_block("This must not be served.")};
    unused.usage = mock_usage(100, 10, 0, 0);
    MockMessagesApi api({unused});
    const ClaudeCodeRun r = run_claude_code(*claude, dirs.home, dirs.cwd, api.base_url(),
                                            "Refactor everything", {"Read"});
    INFO(r.result.out << r.result.err);
    CHECK(message_posts(api) == 0);
    CHECK(api.remaining() == 1);
    CHECK(r.result.exit_code == 0);
    // What claude -p answers: the block and its reason, not the mock's text.
    const std::string result = output_field(r, "result");
    CHECK(
        result.starts_with("UserPromptSubmit operation blocked by hook:\ncodepulse: this "
                           "prompt is blocked"));
    CHECK(result.find("Ask Dana in #finops.") != std::string::npos);
    CHECK(result.find("time-limited override") != std::string::npos);
    CHECK(r.result.out.find("This must not be served.") == std::string::npos);
    // The transcript keeps the block as a system line, and the session
    // start's warning that prompts will be blocked.
    const std::string t = transcripts(r);
    INFO(t);
    CHECK(t.find("\"content\":\"UserPromptSubmit operation blocked by hook:\\ncodepulse: this "
                 "prompt is blocked") != std::string::npos);
    const auto messages = hook_messages(t);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].first == "SessionStart");
    CHECK(messages[0].second.find("New prompts will be blocked") != std::string::npos);
  }

  auto removed = run({tracker_bin(), "hook", "uninstall"}, {"HOME=" + dirs.home});
  CHECK(removed.exit_code == 0);
  CHECK(read_file(dirs.home + "/.claude/settings.json").find("codepulse") == std::string::npos);
}

TEST_CASE("codepulse-tracker hook answers from the state file and never fails Claude Code",
          "[integration][hook]") {
  TempDir dir;
  const std::string state = dir / "state";
  make_dirs(state);
  // No state: nothing to say.
  auto none = hook(dir, kPromptInput, {"--state", state});
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
  CHECK(none.err.empty());

  REQUIRE(tracker::write_budget_state(state, budget_state(now_utc_ms(), {budget("over", true)})));
  auto blocked = hook(dir, kPromptInput, {"--state", state});
  CHECK(blocked.exit_code == 0);
  CHECK(blocked.out.starts_with("{\"decision\":\"block\",\"reason\":\"codepulse: this prompt"));

  // Broken input, a broken state, a bad flag under Claude Code: exit 0.
  auto garbage = hook(dir, "{{{", {"--state", state});
  CHECK(garbage.exit_code == 0);
  CHECK(garbage.out.empty());
  CHECK(garbage.err == "codepulse-tracker hook: ignored: standard input is not JSON\n");
  write_file(state + "/budgets.json", "{\"received_ms\":");
  auto unreadable = hook(dir, kPromptInput, {"--state", state});
  CHECK(unreadable.exit_code == 0);
  CHECK(unreadable.out.empty());
  auto bad_flag = hook(dir, kPromptInput, {"--no-such-flag"}, {"CLAUDE_PROJECT_DIR=/w"});
  CHECK(bad_flag.exit_code == 0);
  auto bad_config =
      hook(dir, kPromptInput, {"--config", dir / "missing.toml"}, {"CLAUDE_PROJECT_DIR=/w"});
  CHECK(bad_config.exit_code == 0);
  CHECK(bad_config.out.empty());
  // From a terminal, a bad command line is still a usage error.
  auto by_hand = hook(dir, kPromptInput, {"--no-such-flag"});
  CHECK(by_hand.exit_code == 2);
}
