// The real Gemini CLI (npm @google/gemini-cli 0.61.0) as a log writer: it runs
// offline against the mock Gemini API, writes a file and runs a shell command
// the mock asks for, and its chat file must hold what the mock served: each
// response's usage as its tokens, under the model asked for, and the calls.
#include <catch2/catch.hpp>
#include <map>

#include "common/hashing.hpp"
#include "tests/support/gemini_run.hpp"
#include "tests/support/json_lines.hpp"
#include "tests/support/mock_gemini_api.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tracker_totals.hpp"

using namespace codepulse::test;

namespace {

constexpr const char* kModel = "gemini-2.5-pro";
constexpr const char* kModelVersion = "gemini-2.5-pro-mock-001";
constexpr const char* kPrompt = "CANARY_GEMINI_PROMPT_2c8e";
constexpr const char* kFileBody = "CANARY_GEMINI_FILE_7a1f";
constexpr const char* kShellBody = "CANARY_GEMINI_SHELL_5e3b";
constexpr const char* kAnswer = "CANARY_GEMINI_ANSWER_9d4a";

// Text and a file write, a shell command, the answer; every number chosen.
std::vector<MockGeminiAnswer> script(const std::string& cwd) {
  std::vector<MockGeminiAnswer> s(3);
  s[0].parts = {MockGeminiPart::text_part("Writing the notes now."),
                MockGeminiPart::function_call("write_file",
                                              "{\"file_path\":" + json_quote(cwd + "/notes.md") +
                                                  ",\"content\":\"" + kFileBody + "\\n\"}")};
  s[0].usage = {9'000, 120, 6'000, 80, 40};
  s[1].parts = {MockGeminiPart::function_call(
      "run_shell_command", std::string(R"({"command":"printf )") + kShellBody +
                               R"( > shell.txt","description":"Write shell.txt"})")};
  s[1].usage = {9'500, 60, 8'800, 0, 0};
  s[2].parts = {MockGeminiPart::text_part(std::string("Done. ") + kAnswer)};
  s[2].usage = {9'800, 30, 9'000, 20, 0};
  for (MockGeminiAnswer& a : s)
    a.model_version = kModelVersion;
  return s;
}

// The args of the answer's function call, minified as the log holds them.
std::string served_args(const MockGeminiAnswer& a) {
  for (const MockGeminiPart& p : a.parts) {
    if (p.kind != MockGeminiPart::Kind::kFunctionCall) continue;
    simdjson::dom::parser parser;
    return simdjson::minify(parser.parse(p.text).value());
  }
  return "";
}

// A message line's tokens, as Gemini CLI writes them.
const std::vector<std::string> kTokens = {"input", "output", "cached", "thoughts", "tool", "total"};

// What each count of usageMetadata becomes: input is promptTokenCount (the
// cached tokens within it), output candidatesTokenCount (thoughts apart).
std::string expected(const MockGeminiUsage& u) {
  return counts_text(kTokens, {u.prompt_tokens, u.candidates_tokens, u.cached_tokens,
                               u.thoughts_tokens, u.tool_use_prompt_tokens, u.total()});
}

}  // namespace

TEST_CASE("the real Gemini CLI's chat file holds the calls and usage the mock served",
          "[real-assistants]") {
  const std::optional<std::string> gemini = gemini_cli_js();
  if (!gemini)
    CODEPULSE_SKIP(
        "Gemini CLI or node is not installed (packaging/install-peers.sh puts "
        "@google/gemini-cli 0.61.0 in build/peers; or set CODEPULSE_GEMINI_CLI)");

  const RunDirs dirs;
  const std::string& cwd = dirs.cwd;
  MockGeminiApi api(script(cwd));
  const GeminiRun run =
      run_gemini(*gemini, {dirs.home, cwd, api.base_url(), kModel,
                           std::string("Write notes.md and shell.txt. ") + kPrompt});
  require_success(run);
  CHECK(read_file(cwd + "/notes.md") == std::string(kFileBody) + "\n");
  CHECK(read_file(cwd + "/shell.txt") == kShellBody);

  // Only the mock was asked, once per answer, streaming, for the model
  // given with -m (so no routing call).
  const std::vector<MockGeminiServed> served = api.served();
  CHECK(api.remaining() == 0);
  REQUIRE(served.size() == 3);
  const std::string stream = std::string("/v1beta/models/") + kModel + ":streamGenerateContent";
  CHECK(api.requests() ==
        std::vector<MockRequest>(3, {"POST", stream + "?alt=sse", 200, kModel, true, true}));

  // Its result: the session id, the answer, usage by the modelVersion served.
  simdjson::dom::parser parser;
  simdjson::dom::element result;
  REQUIRE_FALSE(parser.parse(run.result.out).get(result));
  CHECK(json_str(result, "/response").find(kAnswer) != std::string::npos);
  CHECK(json_int(result, std::string("/stats/models/") + kModelVersion + "/tokens/prompt") ==
        9'000 + 9'500 + 9'800);

  // One chat file: ~/.gemini/tmp/<folder name>/chats/session-<time>-<id8>.jsonl,
  // the folder name recorded in projects.json.
  REQUIRE(run.chat_files.size() == 1);
  const std::string& path = run.chat_files[0];
  // (Parsed by hand: GCC 12's <regex> does not build warning-free under ASan.)
  const size_t tmp = path.rfind("/.gemini/tmp/");
  REQUIRE(tmp != std::string::npos);
  const std::string rest = path.substr(tmp + 13);  // <folder>/chats/session-...
  const size_t slash = rest.find('/');
  REQUIRE(slash != std::string::npos);
  CHECK(rest.substr(0, slash) == "app");
  const std::string file = rest.substr(slash);  // /chats/session-YYYY-MM-DDTHH-MM-<id8>.jsonl
  REQUIRE(file.size() == 15 + 16 + 1 + 8 + 6);
  CHECK(file.substr(0, 15) == "/chats/session-");
  CHECK(file.substr(25, 1) == "T");
  CHECK(file.ends_with(".jsonl"));
  CHECK(run.session_id.starts_with(file.substr(32, 8)));
  CHECK(read_file(run.gemini_dir + "/tmp/app/.project_root") == cwd);
  simdjson::dom::parser projects_parser;
  simdjson::dom::object projects;
  REQUIRE_FALSE(projects_parser.load(run.gemini_dir + "/projects.json")["projects"].get(projects));
  std::string_view slug;
  CHECK_FALSE(projects[cwd].get_string().get(slug));
  CHECK(slug == "app");

  const JsonLines log(path);
  CHECK(log.bad == 0);
  REQUIRE(!log.lines.empty());
  CHECK(read_file(path).find(kPrompt) != std::string::npos);
  const simdjson::dom::element header = log.lines[0];
  CHECK(json_str(header, "/sessionId") == run.session_id);
  CHECK(json_str(header, "/projectHash") == codepulse::sha256_hex(cwd));
  CHECK(json_str(header, "/kind") == "main");

  // A message line per response, written again with its tool calls when it
  // has any: the same id, the same tokens.
  std::vector<std::string> ids;
  std::map<std::string, std::vector<simdjson::dom::element>> by_id;
  for (simdjson::dom::element line : log.lines) {
    if (json_str(line, "/type") != "gemini") continue;
    const std::string id = json_str(line, "/id");
    if (by_id[id].empty()) ids.push_back(id);
    by_id[id].push_back(line);
  }
  REQUIRE(ids.size() == served.size());
  const char* tools[] = {"write_file", "run_shell_command", nullptr};
  for (size_t i = 0; i < served.size(); ++i) {
    INFO("response " << i << ", message " << ids[i]);
    const std::vector<simdjson::dom::element>& lines = by_id[ids[i]];
    CHECK(lines.size() == (tools[i] ? 2u : 1u));
    for (simdjson::dom::element line : lines) {
      CHECK(json_counts(line, "/tokens", kTokens) == expected(served[i].answer.usage));
      CHECK(json_str(line, "/model") == kModel);
    }
    CHECK_FALSE(json_has(lines.front(), "/toolCalls"));
    if (tools[i]) {
      CHECK(json_str(lines.back(), "/toolCalls/0/name") == tools[i]);
      CHECK(json_str(lines.back(), "/toolCalls/0/status") == "success");
      CHECK(json_text(lines.back(), "/toolCalls/0/args") == served_args(served[i].answer));
    }
  }
  CHECK(json_str(by_id[ids[0]].front(), "/content") == "Writing the notes now.");
  CHECK(json_str(by_id[ids[0]].back(), "/toolCalls/0/args/file_path") == cwd + "/notes.md");
  CHECK(json_str(by_id[ids[1]].back(), "/toolCalls/0/args/command") ==
        std::string("printf ") + kShellBody + " > shell.txt");
  CHECK(json_str(by_id[ids[2]].front(), "/content") == std::string("Done. ") + kAnswer);

  // codepulse reads the chat file: one record per response, input without
  // its cached part but with the tool-use prompt, thoughts inside output,
  // and no canary in anything it keeps.
  const std::string state = dirs.home + "/codepulse-state";
  const std::vector<std::string> args = {"--assistant", "gemini-cli", "--assistant-dir",
                                         "gemini-cli=" + dirs.home + "/.gemini"};
  const auto queued = scan_and_total(dirs.home, state, args, "gemini-cli");
  QueuedTotals want;
  for (const MockGeminiServed& s : served) {
    const MockGeminiUsage& u = s.answer.usage;
    ++want.records;
    want.input += u.prompt_tokens - u.cached_tokens + u.tool_use_prompt_tokens;
    want.cache_read += u.cached_tokens;
    want.output += u.candidates_tokens + u.thoughts_tokens;
    want.reasoning += u.thoughts_tokens;
  }
  CHECK(queued == std::map<std::string, QueuedTotals>{{kModel, want}});
  const std::string kept = folder_contents(state);
  for (const char* canary : {kPrompt, kFileBody, kShellBody, kAnswer})
    CHECK(kept.find(canary) == std::string::npos);
  CHECK(scan_and_total(dirs.home, state, args, "gemini-cli") == queued);
}
