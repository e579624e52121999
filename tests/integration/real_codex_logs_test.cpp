// The real Codex CLI (npm @openai/codex 0.169.0) as a log writer: it runs
// offline against the mock Responses API, runs a shell command and applies a
// patch the mock asks for, and its rollout must hold what the mock served:
// the model, the calls, and one token_usage_record and one token_count per
// response with the usage served (cache writes too).
#include <catch2/catch.hpp>

#include "tests/support/codex_run.hpp"
#include "tests/support/json_lines.hpp"
#include "tests/support/mock_responses_api.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tracker_totals.hpp"

using namespace codepulse::test;

namespace {

constexpr const char* kModel = "gpt-5.5";  // one Codex knows: it then offers apply_patch
constexpr const char* kPrompt = "CANARY_CODEX_PROMPT_4b1d";
constexpr const char* kShellBody = "CANARY_CODEX_SHELL_8e2a";
constexpr const char* kPatchBody = "CANARY_CODEX_PATCH_3f7c";
constexpr const char* kAnswer = "CANARY_CODEX_ANSWER_6d9b";

// A shell command, a patch, the answer; every number chosen, the third
// without a cache-write field at all.
std::vector<MockResponsesAnswer> script() {
  std::vector<MockResponsesAnswer> s(3);
  s[0].output = {MockOutputItem::function_call(
      "exec_command", std::string(R"({"cmd":"printf )") + kShellBody + R"( > shell.txt"})")};
  s[0].usage = {.input_tokens = 12'000,
                .cached_tokens = 3'000,
                .output_tokens = 800,
                .reasoning_tokens = 300,
                .cache_write_tokens = 7'000};
  s[1].output = {MockOutputItem::custom_tool_call(
      "apply_patch", std::string("*** Begin Patch\n*** Add File: notes.md\n+") + kPatchBody +
                         "\n*** End Patch\n")};
  s[1].usage = {.input_tokens = 15'000,
                .cached_tokens = 11'000,
                .output_tokens = 600,
                .reasoning_tokens = 0,
                .cache_write_tokens = 0};
  s[2].output = {MockOutputItem::message(std::string("Both written. ") + kAnswer)};
  s[2].usage = {.input_tokens = 17'000,
                .cached_tokens = 14'000,
                .output_tokens = 250,
                .reasoning_tokens = 50,
                .cache_write_tokens = std::nullopt};  // no field
  return s;
}

// The fields of the usage Codex writes (TokenUsage).
const std::vector<std::string> kUsage = {
    "input_tokens",  "cached_input_tokens",     "cache_write_input_tokens",
    "output_tokens", "reasoning_output_tokens", "total_tokens"};

// What they should be for a served usage, in kUsage's order.
std::vector<int64_t> served_usage(const MockResponsesUsage& u) {
  return {u.input_tokens,  u.cached_tokens,    u.cache_write_tokens.value_or(0),
          u.output_tokens, u.reasoning_tokens, u.input_tokens + u.output_tokens};
}

}  // namespace

TEST_CASE("the real Codex CLI's rollout holds the calls and usage the mock served",
          "[real-assistants]") {
  const std::optional<std::string> codex = codex_bin();
  if (!codex)
    CODEPULSE_SKIP(
        "Codex CLI is not installed (packaging/install-peers.sh puts @openai/codex 0.169.0 in "
        "build/peers; or set CODEPULSE_CODEX)");

  const RunDirs dirs;
  const std::string& cwd = dirs.cwd;
  MockResponsesApi api(script());
  const CodexRun run = run_codex(*codex, {dirs.home, cwd, api.base_url(), kModel,
                                          std::string("Write shell.txt and notes.md. ") + kPrompt});
  require_success(run);
  CHECK(run.result.out.find(kAnswer) != std::string::npos);
  CHECK(read_file(cwd + "/shell.txt") == kShellBody);
  CHECK(read_file(cwd + "/notes.md") == std::string(kPatchBody) + "\n");

  // Only the mock was asked, once per answer, streaming, for the model.
  const std::vector<MockResponsesServed> served = api.served();
  CHECK(api.remaining() == 0);
  REQUIRE(served.size() == 3);
  CHECK(api.requests() ==
        std::vector<MockRequest>(3, {"POST", "/v1/responses", 200, kModel, true, true}));

  // One rollout, sessions/YYYY/MM/DD/rollout-YYYY-MM-DDTHH-MM-SS-<session id>.jsonl
  // (local time; TZ=UTC here).
  REQUIRE(run.rollouts.size() == 1);
  const std::string& path = run.rollouts[0];
  // (Parsed by hand: GCC 12's <regex> does not build warning-free under ASan.)
  const size_t sessions = path.rfind("/sessions/");
  REQUIRE(sessions != std::string::npos);
  const std::string rest = path.substr(sessions + 10);  // YYYY/MM/DD/rollout-...
  REQUIRE(rest.size() == 19 + 20 + 36 + 6);
  CHECK(rest.substr(10, 9) == "/rollout-");
  CHECK(rest.substr(29, 1) == "T");
  CHECK(rest.ends_with(".jsonl"));
  CHECK(rest.substr(0, 4) + rest.substr(5, 2) + rest.substr(8, 2) ==
        rest.substr(19, 4) + rest.substr(24, 2) + rest.substr(27, 2));
  const std::string thread_id = rest.substr(39, 36);
  const JsonLines log(path);
  CHECK(log.bad == 0);
  REQUIRE(!log.lines.empty());
  CHECK(read_file(path).find(kPrompt) != std::string::npos);

  const simdjson::dom::element meta = log.lines[0];
  CHECK(json_str(meta, "/type") == "session_meta");
  CHECK(json_str(meta, "/payload/id") == thread_id);
  CHECK(json_str(meta, "/payload/cli_version") == "0.169.0");
  CHECK(json_str(meta, "/payload/cwd") == cwd);
  CHECK(json_str(meta, "/payload/model_provider") == "mock");
  CHECK(json_str(meta, "/payload/source") == "exec");

  // The calls as served; one token_usage_record and one token_count per
  // response, in order, with its usage and the running sums.
  std::vector<std::string> turn_models;
  std::vector<simdjson::dom::element> records, counts, function_calls, custom_calls;
  for (simdjson::dom::element line : log.lines) {
    const std::string type = json_str(line, "/type"), kind = json_str(line, "/payload/type");
    if (type == "turn_context") turn_models.push_back(json_str(line, "/payload/model"));
    if (type == "token_usage_record") records.push_back(line);
    if (type == "event_msg" && kind == "token_count") counts.push_back(line);
    if (type == "response_item" && kind == "function_call") function_calls.push_back(line);
    if (type == "response_item" && kind == "custom_tool_call") custom_calls.push_back(line);
  }
  CHECK(turn_models == std::vector<std::string>{kModel});
  REQUIRE(function_calls.size() == 1);
  CHECK(json_str(function_calls[0], "/payload/name") == "exec_command");
  CHECK(json_str(function_calls[0], "/payload/call_id") == served[0].call_ids.at(0));
  CHECK(json_str(function_calls[0], "/payload/arguments") == served[0].answer.output[0].text);
  REQUIRE(custom_calls.size() == 1);
  CHECK(json_str(custom_calls[0], "/payload/name") == "apply_patch");
  CHECK(json_str(custom_calls[0], "/payload/call_id") == served[1].call_ids.at(0));
  CHECK(json_str(custom_calls[0], "/payload/input") == served[1].answer.output[0].text);

  REQUIRE(records.size() == served.size());
  REQUIRE(counts.size() == served.size());
  std::vector<int64_t> sum(kUsage.size());
  for (size_t i = 0; i < served.size(); ++i) {
    INFO("response " << i << " " << served[i].response_id);
    const std::vector<int64_t> want = served_usage(served[i].answer.usage);
    for (size_t k = 0; k < sum.size(); ++k)
      sum[k] += want[k];
    CHECK(json_str(records[i], "/payload/response_id") == served[i].response_id);
    CHECK(json_str(records[i], "/payload/session_id") == thread_id);
    CHECK(json_counts(records[i], "/payload/usage", kUsage) == counts_text(kUsage, want));
    CHECK(json_counts(records[i], "/payload/turn_token_usage", kUsage) == counts_text(kUsage, sum));
    CHECK(json_counts(records[i], "/payload/thread_token_usage", kUsage) ==
          counts_text(kUsage, sum));
    CHECK(json_counts(counts[i], "/payload/info/last_token_usage", kUsage) ==
          counts_text(kUsage, want));
    CHECK(json_counts(counts[i], "/payload/info/total_token_usage", kUsage) ==
          counts_text(kUsage, sum));
  }

  // codepulse reads the rollout: one record per response, its tokens made
  // disjoint (cached and cache writes out of input; reasoning kept inside
  // output and counted beside it), and no canary in anything it keeps.
  const std::string state = dirs.home + "/codepulse-state";
  const auto queued = scan_and_total(
      dirs.home, state,
      {"--assistant", "codex", "--assistant-dir", "codex=" + dirs.home + "/.codex"}, "codex");
  QueuedTotals want;
  for (const MockResponsesServed& s : served) {
    const MockResponsesUsage& u = s.answer.usage;
    ++want.records;
    want.input += u.input_tokens - u.cached_tokens - u.cache_write_tokens.value_or(0);
    want.cache_read += u.cached_tokens;
    want.cache_write += u.cache_write_tokens.value_or(0);
    want.output += u.output_tokens;
    want.reasoning += u.reasoning_tokens;
  }
  CHECK(queued == std::map<std::string, QueuedTotals>{{kModel, want}});
  const std::string kept = folder_contents(state);
  for (const char* canary : {kPrompt, kShellBody, kPatchBody, kAnswer})
    CHECK(kept.find(canary) == std::string::npos);
  // Read again: nothing new.
  CHECK(
      scan_and_total(dirs.home, state,
                     {"--assistant", "codex", "--assistant-dir", "codex=" + dirs.home + "/.codex"},
                     "codex") == queued);
}
