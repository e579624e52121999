// The Gemini CLI readers on lines in the exact shape Gemini CLI 0.61.0
// writes (notes/issue21-observed.md; tests/corpus/gemini_lines.hpp).
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/hashing.hpp"
#include "common/record/assistant.hpp"
#include "tests/corpus/gemini_lines.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/gemini_project.hpp"
#include "tracker/parse/gemini_record.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
namespace gl = codepulse::bench::gemini;

namespace {

// Observed lines (notes/issue21-observed.md, Gemini CLI 0.61.0), verbatim
// but for the session_context text and the second tool call's fileDiff.
const char* const kObserved[] = {
    R"({"sessionId":"57f4bfd7-c828-4632-8fee-e7e1adee14a9","projectHash":"16ac6ce1de6e646b8f0d7471d3cd395127810f724c396e72011d074738bbc441","startTime":"2026-12-05T02:29:58.401Z","lastUpdated":"2026-12-05T02:29:58.401Z","kind":"main"})",
    R"({"$set":{"messages":[{"id":"d04923d38bb0f6017037e74183378ef4","timestamp":"2026-12-05T02:29:58.401Z","type":"user","content":[{"text":"<session_context>\nThis is the Gemini CLI.\n</session_context>"}]}],"lastUpdated":"2026-12-05T02:29:58.401Z"}})",
    R"({"id":"f8d24ef1-e5f5-4db5-a754-9bbc8376d3cb","timestamp":"2026-12-05T02:29:58.526Z","type":"user","content":[{"text":"Write notes.md"}]})",
    R"({"$set":{"lastUpdated":"2026-12-05T02:29:58.526Z"}})",
    R"({"id":"7fef1a63-6ff4-455c-bfbb-b66431479215","timestamp":"2026-12-05T02:29:58.682Z","type":"gemini","content":"","thoughts":[],"tokens":{"input":2000,"output":90,"cached":1200,"thoughts":40,"tool":15,"total":2145},"model":"gemini-3.1-pro-preview"})",
    R"({"$set":{"lastUpdated":"2026-12-05T02:29:58.682Z"}})",
    R"({"id":"7fef1a63-6ff4-455c-bfbb-b66431479215","timestamp":"2026-12-05T02:29:58.682Z","type":"gemini","content":"","thoughts":[],"tokens":{"input":2000,"output":90,"cached":1200,"thoughts":40,"tool":15,"total":2145},"model":"gemini-3.1-pro-preview","toolCalls":[{"id":"write_file__write_file_1796437798563_0","name":"write_file","args":{"file_path":"/tmp/explore/gm/work/notes.md","content":"CANARY_FILE\n"},"result":[{"functionResponse":{"id":"write_file__write_file_1796437798563_0","name":"write_file","response":{"output":"Successfully created and wrote to new file: /tmp/explore/gm/work/notes.md. Here is the updated code:\nCANARY_FILE\n"}}}],"status":"success","timestamp":"2026-12-05T02:29:58.745Z","resultDisplay":{"fileDiff":"Index: notes.md\n+CANARY_FILE\n","fileName":"notes.md","filePath":"/tmp/explore/gm/work/notes.md","originalContent":"","newContent":"CANARY_FILE\n","diffStat":{"model_added_lines":1,"model_removed_lines":0,"model_added_chars":11,"model_removed_chars":0,"user_added_lines":0,"user_removed_lines":0,"user_added_chars":0,"user_removed_chars":0},"isNewFile":true,"isBuildFile":false},"description":"Writing to notes.md","displayName":"WriteFile","renderOutputAsMarkdown":true}]})",
    R"({"id":"73669809-9074-401c-bbbb-9c01de02fa3f","timestamp":"2026-12-05T02:29:58.756Z","type":"user","content":[{"functionResponse":{"id":"write_file__write_file_1796437798563_0","name":"write_file","response":{"output":"Successfully created and wrote to new file: /tmp/explore/gm/work/notes.md. Here is the updated code:\nCANARY_FILE\n"}}}]})",
    R"({"$set":{"lastUpdated":"2026-12-05T02:29:58.756Z"}})",
    R"({"id":"4464c5bb-aa9d-4da5-a1ab-54ff33cdcac6","timestamp":"2026-12-05T02:29:58.776Z","type":"gemini","content":"Done CANARY_ANSWER","thoughts":[],"tokens":{"input":2300,"output":30,"cached":1800,"thoughts":0,"tool":0,"total":2330},"model":"gemini-3.1-pro-preview"})",
    R"({"$set":{"lastUpdated":"2026-12-05T02:29:58.776Z"}})",
};

constexpr const char* kPath =
    "/home/dev/.gemini/tmp/work/chats/session-2026-12-05T02-29-57f4bfd7.jsonl";

// A .jsonl reader fed lines as the scanner feeds them: those it wants,
// from a padded buffer.
struct Feed {
  std::unique_ptr<JsonlLogReader> reader = make_jsonl_reader(LogFormat::kGeminiJsonl);
  std::vector<RequestLine> out;
  std::vector<LogLineResult> results;  // of the lines parsed
  int skipped = 0;
  std::string buf;

  explicit Feed(const std::string& path = kPath, const std::string& carried = "") {
    REQUIRE(reader);
    REQUIRE(reader->begin_file(path, carried));
  }
  LogLineResult line(const std::string& text) {
    if (!reader->wants(text)) {
      ++skipped;
      return {};
    }
    buf = text;
    buf.append(simdjson::SIMDJSON_PADDING, '\0');
    results.push_back(reader->parse(std::string_view(buf.data(), text.size()), buf.size(), out));
    return results.back();
  }
};

std::string header(const std::string& session = "s-1") {
  return gl::header_line(session, "hash", 1796437798000);
}

// A completed tool call: `where` is its path, or its command for a shell.
gl::ToolCall tool(gl::ToolCall::Kind kind, const std::string& id, const std::string& where,
                  const std::string& text) {
  gl::ToolCall c;
  c.kind = kind;
  c.id = id;
  (kind == gl::ToolCall::Kind::kShell ? c.command : c.path) = where;
  c.text = text;
  return c;
}

gl::GeminiMessage message(const std::string& id, gl::Tokens t,
                          const std::string& model = "gemini-2.5-pro") {
  gl::GeminiMessage m;
  m.id = id;
  m.ts_ms = 1796437798682;
  m.tokens = t;
  m.model = model;
  return m;
}

}  // namespace

TEST_CASE("gemini: the lines Gemini CLI 0.61.0 wrote give one request per message",
          "[parse][gemini]") {
  Feed f;
  for (const char* line : kObserved)
    f.line(line);
  // The header, the checkpoint, the prompt and the three gemini lines are
  // parsed; the four lastUpdated lines and the tool's response are not.
  CHECK(f.skipped == 5);
  REQUIRE(f.out.size() == 3);  // 7fef... twice (tokens, then tool calls), 4464...
  const RequestLine& first = f.out[0];
  CHECK(first.assistant == kGeminiCli);
  CHECK(first.message_id ==
        "57f4bfd7-c828-4632-8fee-e7e1adee14a9/7fef1a63-6ff4-455c-bfbb-b66431479215");
  CHECK(f.out[1].message_id == first.message_id);
  CHECK(first.session_id == "57f4bfd7-c828-4632-8fee-e7e1adee14a9");
  CHECK(first.model == "gemini-3.1-pro-preview");
  CHECK(first.timestamp_ms == 1796437798682);
  CHECK(first.turn_id == "f8d24ef1-e5f5-4db5-a754-9bbc8376d3cb");
  CHECK_FALSE(first.sidechain);
  CHECK(first.agent_id.empty());
  // input 2000 holds cached 1200; the tool-use prompt (15) is outside it;
  // thoughts (40) are output.
  CHECK(first.tokens.input == 2000 - 1200 + 15);
  CHECK(first.tokens.cache_read == 1200);
  CHECK(first.tokens.output == 90 + 40);
  CHECK(first.tokens.reasoning == 40);
  CHECK(first.tokens.cache_write_5m == 0);
  CHECK(first.tools.empty());
  REQUIRE(f.out[1].tools.size() == 1);
  const ToolCall& write = f.out[1].tools[0];
  CHECK(write.id == "write_file__write_file_1796437798563_0");
  CHECK(write.name == "write_file");
  CHECK(write.kind == ToolKind::kChange);
  CHECK(write.file_path == "/tmp/explore/gm/work/notes.md");
  CHECK(write.counted);
  CHECK(write.lines_added == 1);
  CHECK(write.lines_removed == 0);
  const RequestLine& last = f.out[2];
  CHECK(last.tokens.input == 500);
  CHECK(last.tokens.cache_read == 1800);
  CHECK(last.tokens.output == 30);
  CHECK(last.tokens.reasoning == 0);
}

TEST_CASE("gemini: wants() passes only what can matter", "[parse][gemini]") {
  Feed f;
  CHECK(f.reader->wants("anything at all"));  // the first line: the header or a problem
  f.line(header());
  CHECK_FALSE(f.reader->wants(gl::set_last_updated(1796437798682)));
  CHECK(f.reader->wants(gl::set_messages({}, 1796437798682)));
  CHECK(f.reader->wants(gl::set_summary("x")));
  CHECK(f.reader->wants(gl::user_prompt_json("u1", 1796437798682, "a prompt")));
  gl::ToolCall call;
  call.kind = gl::ToolCall::Kind::kReadFile;
  call.id = "c1";
  call.path = "a.txt";
  call.text = "contents";
  CHECK_FALSE(f.reader->wants(gl::function_response_json("u2", 1796437798682, {call})));
  gl::GeminiMessage m = message("m1", {100, 10, 0, 0, 0});
  CHECK(f.reader->wants(gl::gemini_json(m)));
  m.has_tokens = false;
  CHECK_FALSE(f.reader->wants(gl::gemini_json(m)));
  CHECK_FALSE(f.reader->wants(gl::rewind_to("m1")));
}

TEST_CASE("gemini: what carries to the next read", "[parse][gemini]") {
  std::string carried;
  {
    Feed f;
    f.line(header("sess-a"));
    f.line(gl::user_prompt_json("prompt-1", 1796437798600, "hello"));
    f.line(gl::gemini_json(message("m1", {100, 10, 0, 0, 0}, "gemini-3.8-flash")));
    carried = f.reader->carried();
    CHECK(carried.find("hello") == std::string::npos);  // ids and names only
  }
  Feed f(kPath, carried);
  // No header now: the session, model and turn carried over.
  CHECK_FALSE(f.reader->wants("{\"not\":\"a header\"}"));
  gl::GeminiMessage m = message("m2", {200, 20, 0, 0, 0});
  m.model.clear();  // a message without model keeps the last one
  f.line(gl::gemini_json(m));
  REQUIRE(f.out.size() == 1);
  CHECK(f.out[0].message_id == "sess-a/m2");
  CHECK(f.out[0].model == "gemini-3.8-flash");
  CHECK(f.out[0].turn_id == "prompt-1");

  auto reader = make_jsonl_reader(LogFormat::kGeminiJsonl);
  CHECK_FALSE(reader->begin_file(kPath, "codex-state"));
  CHECK(reader->begin_file(kPath, ""));
}

TEST_CASE("gemini: messages that bill nothing, and messages that cannot be read",
          "[parse][gemini]") {
  Feed f;
  f.line(header());
  gl::GeminiMessage pending = message("m0", {});
  pending.has_tokens = false;  // written before its usage arrived
  CHECK(f.line(gl::gemini_json(pending)).kind == LogLineKind::kIgnored);

  gl::GeminiMessage no_model = message("m1", {10, 1, 0, 0, 0}, "");
  const LogLineResult r1 = f.line(gl::gemini_json(no_model));
  CHECK(r1.kind == LogLineKind::kInvalid);
  CHECK(r1.error == "gemini message without model");

  const std::string bad_count =
      R"({"id":"m2","timestamp":"2026-12-05T02:29:58.682Z","type":"gemini","content":"","tokens":{"input":-5,"output":1,"cached":0,"thoughts":0,"tool":0,"total":1},"model":"gemini-2.5-pro"})";
  CHECK(f.line(bad_count).kind == LogLineKind::kInvalid);
  const std::string absurd =
      R"({"id":"m3","timestamp":"2026-12-05T02:29:58.682Z","type":"gemini","content":"","tokens":{"input":5000000000,"output":1},"model":"gemini-2.5-pro"})";
  CHECK(f.line(absurd).kind == LogLineKind::kInvalid);
  const std::string no_time =
      R"({"id":"m4","type":"gemini","content":"","tokens":{"input":5,"output":1},"model":"gemini-2.5-pro"})";
  CHECK(f.line(no_time).error == "gemini message without timestamp");
  // Torn lines are parsed (and reported), whatever they hold.
  const std::string torn = gl::gemini_json(message("m5", {10, 1, 0, 0, 0})).substr(0, 60);
  CHECK(f.line(torn).kind == LogLineKind::kMalformed);
  CHECK(f.line("garbage").kind == LogLineKind::kMalformed);
  CHECK(f.out.empty());

  // A corrupt byte inside some text loses nothing else.
  gl::GeminiMessage m = message("m6", {10, 1, 0, 0, 0});
  m.content = "caf\xC3 au lait";
  CHECK(f.line(gl::gemini_json(m)).kind == LogLineKind::kRequests);
  REQUIRE(f.out.size() == 1);
  CHECK(f.out[0].message_id == "s-1/m6");
}

TEST_CASE("gemini: the tokens rule", "[parse][gemini]") {
  GeminiMessage m;
  m.input = 2000;
  m.output = 90;
  m.cached = 1200;
  m.thoughts = 40;
  m.tool = 15;
  m.total = 2145;
  m.has_total = true;
  TokenCounts t = gemini_tokens(m);
  CHECK(t.input == 815);
  CHECK(t.cache_read == 1200);
  CHECK(t.output == 130);
  CHECK(t.reasoning == 40);
  // A writer that put cached outside input says so in its total.
  m.input = 800;
  m.total = 800 + 90 + 40 + 15 + 1200;
  t = gemini_tokens(m);
  CHECK(t.input == 815);
  CHECK(t.cache_read == 1200);
  // No total, or one that tells nothing: the API's meaning (cached inside).
  m.has_total = false;
  CHECK(gemini_tokens(m).input == 15);  // 800 - 1200 clamps at 0, + tool
  m.has_total = true;
  m.total = 0;
  CHECK(gemini_tokens(m).input == 15);
}

TEST_CASE("gemini: a checkpoint restates messages under their ids, a rewind bills nothing back",
          "[parse][gemini]") {
  Feed f;
  f.line(header());
  const std::string prompt = gl::user_prompt_json("p1", 1796437798600, "do it");
  const std::string m1 = gl::gemini_json(message("m1", {100, 10, 50, 0, 0}));
  f.line(prompt);
  f.line(m1);
  f.line(gl::rewind_to("p1"));
  f.line(
      gl::set_messages({gl::session_context_json(1796437798500, "/w"), prompt, m1}, 1796437798900));
  REQUIRE(f.out.size() == 2);
  CHECK(f.out[1].message_id == f.out[0].message_id);
  CHECK(f.out[1].turn_id == "p1");
  CHECK(f.out[1].tokens.input == f.out[0].tokens.input);
}

TEST_CASE("gemini: a first line that is no session header is another tool's file",
          "[parse][gemini]") {
  Feed f;
  const LogLineResult r = f.line(
      R"({"type":"assistant","message":{"id":"msg_1","usage":{"input_tokens":3,"output_tokens":4}}})");
  CHECK(r.kind == LogLineKind::kInvalid);
  CHECK(r.error.find("another tool") != std::string::npos);
  // A file whose first line is already a billed message is read as it is.
  Feed g;
  g.line(gl::gemini_json(message("m1", {10, 1, 0, 0, 0})));
  REQUIRE(g.out.size() == 1);
  CHECK(g.out[0].message_id == "session-2026-12-05T02-29-57f4bfd7/m1");  // no id: the file's name
}

TEST_CASE("gemini: a subagent's session is a sidechain of its parent", "[parse][gemini]") {
  Feed f("/h/.gemini/tmp/work/chats/parent-session/sub-session.jsonl");
  f.line(gl::header_line("sub-session", "hash", 1796437798000, true, {"/w"}));
  f.line(gl::gemini_json(message("m1", {500, 12, 0, 0, 0})));
  REQUIRE(f.out.size() == 1);
  CHECK(f.out[0].sidechain);
  CHECK(f.out[0].session_id == "parent-session");
  CHECK(f.out[0].agent_id == "sub-session");
  CHECK(f.out[0].message_id == "sub-session/m1");
  // kind "subagent" alone (not in a parent's folder) is a sidechain too.
  Feed g;
  g.line(gl::header_line("sub-2", "hash", 1796437798000, true, {"/w"}));
  g.line(gl::gemini_json(message("m1", {500, 12, 0, 0, 0})));
  REQUIRE(g.out.size() == 1);
  CHECK(g.out[0].sidechain);
  CHECK(g.out[0].agent_id == "sub-2");
  CHECK(g.out[0].session_id == "sub-2");
}

TEST_CASE("gemini: tool calls keep paths, commits and counts, never arguments", "[parse][gemini]") {
  Feed f;
  f.line(header());
  gl::GeminiMessage m = message("m1", {100, 10, 0, 0, 0});
  m.with_tool_calls = true;
  gl::ToolCall replace = tool(gl::ToolCall::Kind::kReplace, "c1", "src/a.cc", "CANARY_NEW");
  replace.added = 3;
  replace.removed = 2;
  gl::ToolCall commit = tool(gl::ToolCall::Kind::kShell, "c2", "git commit -am 'CANARY_MSG'",
                             "[main 1a2b3c4] CANARY_MSG\n 1 file changed");
  gl::ToolCall ls = tool(gl::ToolCall::Kind::kShell, "c3", "ls -la", "total 0");
  gl::ToolCall failed = tool(gl::ToolCall::Kind::kWriteFile, "c4", "/w/b.txt", "CANARY_B");
  failed.status = "error";
  failed.added = 9;
  gl::ToolCall read = tool(gl::ToolCall::Kind::kReadFile, "c5", "/w/c.txt", "CANARY_C");
  gl::ToolCall search = tool(gl::ToolCall::Kind::kOther, "c6", "", "CANARY_Q");
  search.name = "google_web_search";
  search.status = "cancelled";  // stopped by the user: no failure
  m.calls = {replace, commit, ls, failed, read, search};
  f.line(gl::gemini_json(m));
  REQUIRE(f.out.size() == 1);
  const std::vector<ToolCall>& t = f.out[0].tools;
  REQUIRE(t.size() == 6);
  CHECK((t[0].name == "replace" && t[0].kind == ToolKind::kChange && t[0].file_path == "src/a.cc"));
  CHECK((t[0].counted && t[0].lines_added == 3 && t[0].lines_removed == 2));
  CHECK((t[1].kind == ToolKind::kGitCommit && t[1].counted && t[1].commit_sha == "1a2b3c4"));
  CHECK((t[2].name == "run_shell_command" && t[2].kind == ToolKind::kOther));
  CHECK((t[3].kind == ToolKind::kChange && t[3].counted && t[3].lines_added == 0));
  CHECK((t[4].kind == ToolKind::kRead && t[4].file_path == "/w/c.txt" && !t[4].counted));
  CHECK((t[5].name == "google_web_search" && t[5].kind == ToolKind::kOther &&
         t[5].file_path.empty()));
  // Gemini CLI's status "error" is the call's failure (ToolUse::error): the
  // waste ledger's tool-error loops see it; success and cancelled are none.
  CHECK(t[3].failed);
  for (size_t i : {0, 1, 2, 4, 5})
    CHECK_FALSE(t[i].failed);
  for (const ToolCall& c : t) {
    CHECK(c.file_path.find("CANARY") == std::string::npos);
    CHECK(c.name.find("CANARY") == std::string::npos);
  }

  // read_many_files: one read per literal path, globs name no file.
  const std::string many =
      R"({"id":"m2","timestamp":"2026-12-05T02:29:58.682Z","type":"gemini","content":"","tokens":{"input":5,"output":1,"cached":0,"thoughts":0,"tool":0,"total":6},"model":"gemini-2.5-pro","toolCalls":[{"id":"r1","name":"read_many_files","args":{"include":["docs/a.md","src/**/*.ts","b.txt"]},"result":[],"status":"success"}]})";
  f.line(many);
  REQUIRE(f.out.size() == 2);
  REQUIRE(f.out[1].tools.size() == 2);
  CHECK((f.out[1].tools[0].id == "r1" && f.out[1].tools[0].file_path == "docs/a.md"));
  CHECK((f.out[1].tools[1].id == "r1#1" && f.out[1].tools[1].file_path == "b.txt"));
}

TEST_CASE("gemini: the legacy session-*.json document", "[parse][gemini]") {
  auto reader = make_document_reader(LogFormat::kGeminiJson);
  REQUIRE(reader);
  const std::string path = "/h/.gemini/tmp/work/chats/session-2026-01-02T03-04-abcdef12.json";
  auto parse = [&](const std::string& text, std::vector<RequestLine>& out) {
    std::string buf = text;
    buf.append(simdjson::SIMDJSON_PADDING, '\0');
    return reader->parse_document(path, std::string_view(buf.data(), text.size()), buf.size(), out);
  };
  gl::GeminiMessage m1 = message("m1", {1000, 10, 400, 5, 0});
  m1.with_tool_calls = true;
  gl::ToolCall write = tool(gl::ToolCall::Kind::kWriteFile, "c1", "a.txt", "CANARY");
  m1.calls = {write};
  const std::string doc = gl::legacy_session_json(
      "abcdef12-0000", "hash", 1796437798000,
      {gl::user_prompt_json("p1", 1796437798100, "hi"), gl::gemini_json(m1),
       gl::gemini_json(message("m2", {2000, 20, 0, 0, 0}, "gemini-2.5-flash"))});
  std::vector<RequestLine> out;
  const LogLineResult r = parse(doc, out);
  REQUIRE(r.kind == LogLineKind::kRequests);
  CHECK(r.error.empty());
  REQUIRE(out.size() == 2);
  CHECK(out[0].message_id == "abcdef12-0000/m1");
  CHECK(out[0].turn_id == "p1");
  CHECK(out[0].tokens.input == 600);
  CHECK(out[0].tokens.output == 15);
  CHECK(out[0].tools.size() == 1);
  CHECK(out[1].model == "gemini-2.5-flash");

  // Torn while rewritten: malformed, nothing taken (read again on its next change).
  out.clear();
  CHECK(parse(doc.substr(0, doc.size() / 2), out).kind == LogLineKind::kMalformed);
  CHECK(out.empty());
  // Another tool's JSON in chats/.
  CHECK(parse(R"({"version":1,"entries":[]})", out).kind == LogLineKind::kInvalid);
  // One unreadable message: the others are stored, the problem reported.
  std::string bad = gl::gemini_json(message("m3", {1000, 10, 0, 0, 0}));
  bad.replace(bad.find("\"input\":1000"), 12, "\"input\":-1");
  const std::string mixed =
      gl::legacy_session_json("abcdef12-0000", "hash", 1796437798000,
                              {gl::gemini_json(message("m1", {1000, 10, 0, 0, 0})), bad});
  const LogLineResult r2 = parse(mixed, out);
  CHECK(r2.kind == LogLineKind::kRequests);
  CHECK(r2.error.find("gemini message tokens with negative") == 0);
  CHECK(out.size() == 1);
}

TEST_CASE("gemini: a session's folder and project", "[parse][gemini]") {
  GeminiChatPath p = split_gemini_chat_path("/h/.gemini/tmp/work/chats/session-x.jsonl");
  CHECK(p.project_dir == "/h/.gemini/tmp/work");
  CHECK(p.parent_session.empty());
  CHECK(p.stem == "session-x");
  p = split_gemini_chat_path("/h/.gemini/tmp/chats/chats/parent/sub.jsonl");
  CHECK(p.project_dir == "/h/.gemini/tmp/chats");
  CHECK(p.parent_session == "parent");
  CHECK(p.stem == "sub");

  test::TempDir dir;
  const std::string tmp = dir / ".gemini/tmp";
  test::write_file(tmp + "/app/.project_root", "/src/app");
  test::write_file(dir / ".gemini/projects.json",
                   "{\n  \"projects\": {\n    \"/src/api\": \"api\",\n    \"/src/old\": "
                   "\"old\"\n  }\n}");
  test::make_dirs(tmp + "/api/chats");
  test::make_dirs(tmp + "/" + sha256_hex("/src/old") + "/chats");
  GeminiProjects projects;
  CHECK(projects.cwd_of(tmp + "/app") == "/src/app");
  CHECK(projects.cwd_of(tmp + "/api") == "/src/api");                        // projects.json
  CHECK(projects.cwd_of(tmp + "/" + sha256_hex("/src/old")) == "/src/old");  // a hash folder
  CHECK(projects.cwd_of(tmp + "/unknown").empty());
  test::write_file(tmp + "/unknown/.project_root", "/src/unknown\n");  // written later
  CHECK(projects.cwd_of(tmp + "/unknown") == "/src/unknown");
}
