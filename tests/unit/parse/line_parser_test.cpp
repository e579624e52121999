#include "tracker/parse/line_parser.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/corpus/generator.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/parse_harness.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/parse/git_commit_command.hpp"
#include "tracker/parse/line_classifier.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::AssistantSpec;

using Harness = codepulse::test::ParseHarness;

TEST_CASE("assistant line yields a request with every usage field", "[parse]") {
  Harness h;
  AssistantSpec s;
  s.input = 7;
  s.output = 299;
  s.cache_5m = 5601;
  s.cache_1h = 40;
  s.cache_read = 29509;
  s.web_search = 2;
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  const RequestLine& r = p.request;
  CHECK(r.message_id == "msg_01");
  CHECK(r.request_id == "req_01");
  CHECK(r.model == "claude-opus-4-6");
  CHECK(r.timestamp_ms == 1770912313088);
  CHECK(r.tokens.input == 7);
  CHECK(r.tokens.output == 299);
  CHECK(r.tokens.cache_write_5m == 5601);
  CHECK(r.tokens.cache_write_1h == 40);
  CHECK(r.tokens.cache_read == 29509);
  CHECK(r.tokens.web_search_requests == 2);
  CHECK_FALSE(r.tokens.fast);
  CHECK(r.cwd == "/home/dev/src/app");
  CHECK(r.cc_version == "2.1.39");
  CHECK_FALSE(r.sidechain);
}

TEST_CASE("cache breakdown wins over a zero cache_creation_input_tokens", "[parse]") {
  Harness h;
  std::string line = assistant_line(AssistantSpec{});
  // Claude Code before 2.1.152 could write 0 here with a non-zero breakdown.
  const std::string from = R"("cache_creation_input_tokens":100)";
  line.replace(line.find(from), from.size(), R"("cache_creation_input_tokens":0)");
  const ParsedLine& p = h.parse(line);
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.tokens.cache_write_5m == 100);
}

TEST_CASE("old lines without a cache breakdown count all writes as 5-minute", "[parse]") {
  Harness h;
  const std::string line =
      R"({"type":"assistant","timestamp":"2025-06-01T10:00:00.000Z","sessionId":"s","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-20250514","usage":{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":300,"cache_read_input_tokens":4}}})";
  const ParsedLine& p = h.parse(line);
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.tokens.cache_write_5m == 300);
  CHECK(p.request.tokens.cache_write_1h == 0);
}

TEST_CASE("agent_progress lines carry a subagent request", "[parse]") {
  Harness h;
  const std::string line =
      R"({"parentUuid":"p","isSidechain":false,"cwd":"/w","sessionId":"s1","version":"2.1.38","type":"progress","data":{"message":{"type":"assistant","timestamp":"2026-02-10T21:58:17.856Z","message":{"model":"claude-haiku-4-5-20251001","id":"msg_sub","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_x","name":"Read","input":{"file_path":"/w/a.txt"}}],"usage":{"input_tokens":2,"cache_creation_input_tokens":2398,"cache_read_input_tokens":15584,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":2398},"output_tokens":3}},"requestId":"req_sub","uuid":"u"},"normalizedMessages":[],"type":"agent_progress","prompt":"SECRET PROMPT","agentId":"afb92ff"},"toolUseID":"agent_msg","parentToolUseID":"toolu_p","uuid":"u2","timestamp":"2026-02-10T21:58:17.857Z"})";
  const ParsedLine& p = h.parse(line);
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.from_progress);
  CHECK(p.request.sidechain);
  CHECK(p.request.message_id == "msg_sub");
  CHECK(p.request.request_id == "req_sub");
  CHECK(p.request.agent_id == "afb92ff");
  CHECK(p.request.timestamp_ms == 1770760697856);  // the subagent line's own time
  CHECK(p.request.tokens.cache_write_1h == 2398);
  REQUIRE(p.request.tools.size() == 1);
  CHECK(p.request.tools[0].file_path == "/w/a.txt");
}

TEST_CASE("agent_progress lines carry a subagent's tool results, counts and failures", "[parse]") {
  Harness h;
  h.pending["toolu_edit"] = ToolKind::kChange;
  h.pending["toolu_read"] = ToolKind::kAnswered;
  // As Claude Code 2.1.38/39 streams them: data.message is the subagent's
  // user line, with toolUseResult after its message.
  const std::string edit =
      R"({"parentUuid":"p","isSidechain":false,"cwd":"/w","sessionId":"s1","version":"2.1.39","type":"progress","data":{"message":{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_edit","type":"tool_result","content":"SECRET file text"}]},"uuid":"u","timestamp":"2026-02-10T21:58:18.000Z","toolUseResult":{"filePath":"/w/a.txt","oldString":"SECRET","newString":"SECRET2","originalFile":"SECRET","structuredPatch":[{"oldStart":1,"oldLines":1,"newStart":1,"newLines":2,"lines":["-SECRET","+SECRET2","+more"]}],"userModified":false}},"normalizedMessages":[],"type":"agent_progress","prompt":"SECRET PROMPT","agentId":"afb92ff"},"toolUseID":"agent_msg","parentToolUseID":"toolu_p","uuid":"u2","timestamp":"2026-02-10T21:58:18.001Z"})";
  const ParsedLine& e = h.parse(edit);
  REQUIRE(e.kind == LineKind::kToolResult);
  CHECK(e.result.tool_use_id == "toolu_edit");
  CHECK(e.result.has_counts);
  CHECK(e.result.lines_added == 2);
  CHECK(e.result.lines_removed == 1);
  CHECK_FALSE(e.result.error);

  const std::string failed =
      R"({"parentUuid":"p","isSidechain":false,"cwd":"/w","sessionId":"s1","version":"2.1.39","type":"progress","data":{"message":{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"SECRET: no such file","is_error":true,"tool_use_id":"toolu_read"}]},"uuid":"u","timestamp":"2026-02-10T21:58:19.000Z","toolUseResult":"Error: SECRET"},"normalizedMessages":[],"type":"agent_progress","prompt":"SECRET PROMPT","agentId":"afb92ff"},"uuid":"u3","timestamp":"2026-02-10T21:58:19.001Z"})";
  const ParsedLine& f = h.parse(failed);
  REQUIRE(f.kind == LineKind::kToolResult);
  CHECK(f.result.tool_use_id == "toolu_read");
  CHECK(f.result.error);
  CHECK_FALSE(f.result.has_counts);

  // A result nobody waits for is passed over, as a user line's is.
  std::string other = failed;
  other.replace(other.find("toolu_read"), 10, "toolu_gone");
  CHECK(h.parse(other).kind == LineKind::kIgnored);
}

TEST_CASE("hook progress lines and other bookkeeping lines are ignored", "[parse]") {
  Harness h;
  CHECK(
      h.parse(
           R"({"type":"progress","data":{"type":"hook_progress","command":"echo hi"},"timestamp":"2026-02-10T21:58:17.857Z"})")
          .kind == LineKind::kIgnored);
  CHECK(h.parse(R"({"type":"summary","summary":"Fixing the build","leafUuid":"x"})").kind ==
        LineKind::kIgnored);
  CHECK(
      h.parse(
           R"({"type":"file-history-snapshot","messageId":"m","snapshot":{"trackedFileBackups":{}}})")
          .kind == LineKind::kIgnored);
}

TEST_CASE("synthetic and API-error lines are never counted", "[parse]") {
  Harness h;
  AssistantSpec s;
  s.model = "<synthetic>";
  CHECK(h.parse(assistant_line(s)).kind == LineKind::kSynthetic);
  std::string err = assistant_line(AssistantSpec{});
  err.insert(err.size() - 1, R"(,"isApiErrorMessage":true)");
  CHECK(h.parse(err).kind == LineKind::kSynthetic);
}

TEST_CASE("usage lines failing validation are invalid with a reason", "[parse]") {
  Harness h;
  AssistantSpec s;
  s.timestamp = "yesterday";
  const ParsedLine& bad_ts = h.parse(assistant_line(s));
  CHECK(bad_ts.kind == LineKind::kInvalid);
  CHECK(bad_ts.error == "unparsable timestamp");
  std::string neg = assistant_line(AssistantSpec{});
  neg.replace(neg.find(R"("output_tokens":10)"), 18, R"("output_tokens":-5)");
  CHECK(h.parse(neg).kind == LineKind::kInvalid);
  std::string no_model = assistant_line(AssistantSpec{});
  no_model.replace(no_model.find(R"("model":"claude-opus-4-6",)"), 26, "");
  CHECK(h.parse(no_model).kind == LineKind::kInvalid);
}

TEST_CASE("torn and broken JSON lines are malformed", "[parse]") {
  Harness h;
  const std::string line = assistant_line(AssistantSpec{});
  CHECK(h.parse(line.substr(0, line.size() / 2)).kind == LineKind::kMalformed);
  CHECK(h.parse(line.substr(0, line.size() - 1)).kind == LineKind::kMalformed);
  CHECK(h.parse("not json at all").kind == LineKind::kMalformed);
  CHECK(h.parse(R"({"type":"user","message":)").kind == LineKind::kMalformed);
  CHECK(h.parse(line + "}").kind == LineKind::kMalformed);
  CHECK(h.parse("").kind == LineKind::kIgnored);
}

TEST_CASE("a broken token where a nullable count goes is an invalid line, not a crash",
          "[parse][fuzz]") {
  // Found by fuzz_log_line (docs/FUZZING.md): is_null() on a broken token
  // threw out of the parser and ended the program.
  Harness h;
  for (const char* field : {"cache_read_input_tokens", "cache_creation_input_tokens"}) {
    INFO(field);
    std::string line = assistant_line(AssistantSpec{});
    const std::string key = std::string("\"") + field + "\":";
    const size_t at = line.find(key);
    REQUIRE(at != std::string::npos);
    const size_t value = at + key.size();
    line.replace(value, line.find_first_of(",}", value) - value, "name0");
    const ParsedLine& parsed = h.parse(line);
    CHECK((parsed.kind == LineKind::kInvalid || parsed.kind == LineKind::kMalformed));
    CHECK_FALSE(parsed.error.empty());
  }
}

TEST_CASE("token counts over a billion make a line invalid", "[parse][fuzz]") {
  // Found by fuzz_log_line: such a count overflowed the price (pricing_test).
  Harness h;
  std::string line = assistant_line(AssistantSpec{});
  line.replace(line.find(R"("output_tokens":10)"), 18, R"("output_tokens":70999999999999255)");
  const ParsedLine& parsed = h.parse(line);
  CHECK(parsed.kind == LineKind::kInvalid);
  CHECK(parsed.error.find("over 10^9") != std::string::npos);
  std::string fine = assistant_line(AssistantSpec{});
  fine.replace(fine.find(R"("output_tokens":10)"), 18, R"("output_tokens":1000000000)");
  CHECK(h.parse(fine).kind == LineKind::kRequest);
}

TEST_CASE("invalid UTF-8 inside text does not lose the request", "[parse]") {
  Harness h;
  AssistantSpec s;
  s.text = std::string("caf\xC3") + "\xFF\xFE broken";
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.tokens.output == 10);
}

TEST_CASE("pretty-printed JSON lines are understood", "[parse]") {
  Harness h;
  const std::string line =
      R"({"type": "assistant", "timestamp": "2025-06-14T11:00:30Z", "sessionId": "s", "requestId": "r", "message": {"id": "m", "model": "claude-3-sonnet-20240229", "usage": {"input_tokens": 200, "output_tokens": 25}}})";
  const ParsedLine& p = h.parse(line);
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.tokens.input == 200);
}

TEST_CASE("a long line with usage at its end is found", "[parse]") {
  Harness h;
  AssistantSpec s;
  s.text = std::string(300000, 'x');
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.tokens.cache_read == 1000);
}

TEST_CASE("tool calls keep name, file path and git-commit flag only", "[parse]") {
  Harness h;
  AssistantSpec s;
  s.tool_json = codepulse::test::tool_use_block(
      "toolu_1", "Edit",
      R"({"file_path":"/home/dev/src/app/a.cpp","old_string":"SECRET_OLD","new_string":"SECRET_NEW"})");
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  REQUIRE(p.request.tools.size() == 1);
  CHECK(p.request.tools[0].id == "toolu_1");
  CHECK(p.request.tools[0].name == "Edit");
  CHECK(p.request.tools[0].kind == ToolKind::kChange);
  CHECK(p.request.tools[0].file_path == "/home/dev/src/app/a.cpp");

  s.tool_json = codepulse::test::tool_use_block(
      "toolu_2", "Bash",
      R"({"command":"git add -A && git commit -m \"SECRET\"","description":"x"})");
  CHECK(h.parse(assistant_line(s)).request.tools.at(0).kind == ToolKind::kGitCommit);
  s.tool_json = codepulse::test::tool_use_block("toolu_3", "mcp__plugin_x_github__create_issue",
                                                R"({"title":"t"})");
  CHECK(h.parse(assistant_line(s)).request.tools.at(0).name == "mcp:plugin_x_github/create_issue");
  s.tool_json = codepulse::test::tool_use_block(
      "toolu_4", "Skill", R"({"skill":"elixir:hex-docs-search","args":"SECRET"})");
  CHECK(h.parse(assistant_line(s)).request.tools.at(0).name == "skill:elixir:hex-docs-search");
}

TEST_CASE("tool results of tracked tools give line counts and commit shas", "[parse]") {
  Harness h;
  h.pending["toolu_e"] = ToolKind::kChange;
  h.pending["toolu_w"] = ToolKind::kChange;
  h.pending["toolu_c"] = ToolKind::kGitCommit;
  const ParsedLine& edit = h.parse(codepulse::test::tool_result_line(
      "toolu_e", "ok",
      R"({"filePath":"/x","oldString":"a","newString":"b","originalFile":"SECRET","structuredPatch":[{"oldStart":1,"oldLines":2,"newStart":1,"newLines":3,"lines":[" ctx","-gone","+new1","+new2"]}],"userModified":false})"));
  REQUIRE(edit.kind == LineKind::kToolResult);
  CHECK(edit.result.tool_use_id == "toolu_e");
  CHECK(edit.result.lines_added == 2);
  CHECK(edit.result.lines_removed == 1);

  const ParsedLine& create = h.parse(codepulse::test::tool_result_line(
      "toolu_w", "ok",
      R"({"type":"create","filePath":"/x","content":"a\nb\nc\n","structuredPatch":[],"originalFile":null})"));
  REQUIRE(create.kind == LineKind::kToolResult);
  CHECK(create.result.lines_added == 3);

  const ParsedLine& commit = h.parse(codepulse::test::tool_result_line(
      "toolu_c", "x",
      R"({"stdout":"[main (root-commit) 64f1b9a] feat: SECRET\n 1 file changed","stderr":"","interrupted":false})"));
  REQUIRE(commit.kind == LineKind::kToolResult);
  CHECK(commit.result.commit_sha == "64f1b9a");

  // Results of tools nobody waits for are skipped without parsing.
  CHECK(h.parse(codepulse::test::tool_result_line("toolu_other", "big output", R"({"stdout":"x"})"))
            .kind == LineKind::kIgnored);
}

TEST_CASE("a failed tool call's result gives the is_error flag, never its text", "[parse]") {
  Harness h;
  h.pending["toolu_b"] = ToolKind::kAnswered;
  h.pending["toolu_ok"] = ToolKind::kAnswered;
  h.pending["toolu_e"] = ToolKind::kChange;
  std::string failed = codepulse::test::tool_result_line("toolu_b", "SECRET: permission denied",
                                                         R"("Error: SECRET: permission denied")");
  const std::string block = R"("type":"tool_result")";
  failed.replace(failed.find(block), block.size(), block + R"(,"is_error":true)");
  const ParsedLine& p = h.parse(failed);
  REQUIRE(p.kind == LineKind::kToolResult);
  CHECK(p.result.tool_use_id == "toolu_b");
  CHECK(p.result.error);
  CHECK(p.result.lines_added == 0);
  CHECK(p.result.commit_sha.empty());

  const ParsedLine& ok =
      h.parse(codepulse::test::tool_result_line("toolu_ok", "fine", R"({"stdout":"SECRET"})"));
  REQUIRE(ok.kind == LineKind::kToolResult);
  CHECK_FALSE(ok.result.error);

  // A failed edit: the flag, and nothing counted.
  std::string edit = codepulse::test::tool_result_line("toolu_e", "Error: String not found",
                                                       R"("Error: String not found")");
  edit.replace(edit.find(block), block.size(), block + R"(,"is_error":true)");
  const ParsedLine& e = h.parse(edit);
  REQUIRE(e.kind == LineKind::kToolResult);
  CHECK(e.result.error);
  CHECK_FALSE(e.result.has_counts);
}

TEST_CASE("user prompts start turns, meta and tool results do not", "[parse]") {
  Harness h;
  const ParsedLine& p = h.parse(codepulse::test::user_prompt_line("uuid-prompt-1", "Fix the bug"));
  REQUIRE(p.kind == LineKind::kPrompt);
  CHECK(p.prompt_uuid == "uuid-prompt-1");
  std::string meta = codepulse::test::user_prompt_line("uuid-meta", "<command-name>");
  meta.insert(meta.size() - 1, R"(,"isMeta":true)");
  CHECK(h.parse(meta).kind == LineKind::kIgnored);
}

TEST_CASE("git commit detection and sha extraction", "[parse]") {
  CHECK(is_git_commit_command("git commit -m x"));
  CHECK(is_git_commit_command("cd repo && git -C sub commit --amend"));
  CHECK_FALSE(is_git_commit_command("git log --grep commit"));  // "commit" is not a subcommand
  CHECK_FALSE(is_git_commit_command("echo git commit"));
  CHECK_FALSE(is_git_commit_command("git status"));
  CHECK(extract_commit_sha("[spotter-dov 64f1b9a] feat: x\n") == "64f1b9a");
  CHECK(extract_commit_sha("[main (root-commit) 0123456789abcdef0123456789abcdef01234567] x") ==
        "0123456789abcdef0123456789abcdef01234567");
  CHECK(extract_commit_sha("nothing to commit, working tree clean") == "");
  CHECK(extract_commit_sha("[main XYZ] x") == "");
}

TEST_CASE("a parser reading line after line answers each as a new parser would", "[parse]") {
  // The parser keeps its buffers from line to line (line_parser.cpp,
  // reset()): nothing of one line may stay in the next one's answer. Every
  // line of a generated corpus (requests with and without tools, results,
  // prompts, subagent progress, bad lines) against a fresh parser's answer.
  codepulse::test::TempDir dir;
  bench::CorpusOptions opts;
  opts.root = dir / "claude";
  opts.target_bytes = 1'500'000;
  opts.seed = 7;
  opts.include_web_search = true;
  opts.max_read_bytes = 2'000;
  bench::generate_corpus(opts);
  std::vector<std::string> all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(opts.root)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);)
      all.push_back(line);
  }
  // Then lines missing what the line before them had: a prompt without its
  // uuid (not a prompt), a request without cwd, branch, version or agent.
  const std::string ts = R"("timestamp":"2026-02-10T21:58:17.856Z")";
  all.push_back(R"({"type":"user","uuid":"u1",)" + ts +
                R"(,"message":{"role":"user","content":"hello"}})");
  all.push_back(R"({"type":"assistant","cwd":"/w","gitBranch":"PROJ-1-x","version":"2.1.39",)"
                R"("agentId":"a1","isSidechain":true,"sessionId":"s","requestId":"r1",)"
                R"("uuid":"u2",)" +
                ts +
                R"(,"message":{"id":"m1","model":"claude-opus-4-6","content":[],)"
                R"("usage":{"input_tokens":1,"output_tokens":2,"inference_geo":"us"}}})");
  all.push_back(R"({"type":"user",)" + ts + R"(,"message":{"role":"user","content":"hello"}})");
  all.push_back(R"({"type":"assistant","sessionId":"s","requestId":"r2",)" + ts +
                R"(,"message":{"id":"m2","model":"claude-opus-4-6","content":[],)"
                R"("usage":{"input_tokens":1,"output_tokens":2}}})");
  Harness reused;
  size_t lines = 0;
  std::map<LineKind, size_t> kinds;
  {
    for (const std::string& line : all) {
      Harness fresh;
      fresh.pending = reused.pending;
      const ParsedLine& want = fresh.parse(line);
      const ParsedLine& got = reused.parse(line);
      INFO("line " << lines);
      // What a caller reads of each kind (ParsedLine's comments).
      CHECK(got.kind == want.kind);
      CHECK(got.error == want.error);
      if (want.kind == LineKind::kRequest || want.kind == LineKind::kSynthetic ||
          want.kind == LineKind::kInvalid)
        CHECK(got.request == want.request);
      if (want.kind == LineKind::kToolResult) CHECK(got.result == want.result);
      if (want.kind == LineKind::kPrompt) CHECK(got.prompt_uuid == want.prompt_uuid);
      ++lines;
      ++kinds[want.kind];
      if (want.kind == LineKind::kRequest)  // the calls whose results are read next
        for (const ToolCall& t : want.request.tools)
          if (t.kind != ToolKind::kOther) reused.pending[t.id] = t.kind;
    }
  }
  CHECK(lines > 500);
  for (LineKind k : {LineKind::kRequest, LineKind::kToolResult, LineKind::kPrompt,
                     LineKind::kIgnored, LineKind::kMalformed})
    CHECK(kinds[k] > 0);
}
