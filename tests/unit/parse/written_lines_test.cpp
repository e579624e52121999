// Line provenance at parse time (docs/PROVENANCE.md): the lines a change
// wrote, fingerprinted from Claude Code's Write, Edit, MultiEdit and
// NotebookEdit inputs and Codex's apply_patch, and carried with a Codex
// call whose usage comes in a later pass.
#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/support/log_lines.hpp"
#include "tracker/parse/codex_state.hpp"
#include "tracker/parse/codex_tools.hpp"
#include "tracker/parse/line_parser.hpp"

using namespace codepulse;
using namespace codepulse::tracker;

namespace {

const std::string kKey(32, '\x42');

std::vector<int64_t> prints(std::initializer_list<const char*> lines) {
  LineFingerprinter fp(kKey);
  std::vector<int64_t> out;
  for (const char* l : lines)
    out.push_back(*fp.fingerprint(l));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int64_t> sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The written lines of the single tool call of an assistant line.
std::vector<int64_t> written_by(const std::string& name, const std::string& input_json,
                                LineFingerprinter* fp) {
  test::AssistantSpec a;
  a.tool_json = test::tool_use_block("toolu_1", name, input_json);
  std::string line = test::assistant_line(a);
  const size_t len = line.size();
  line.append(simdjson::SIMDJSON_PADDING, ' ');
  LineParser parser;
  parser.set_fingerprinter(fp);
  const ParsedLine& p = parser.parse(std::string_view(line.data(), len), line.size(), {});
  REQUIRE(p.kind == LineKind::kRequest);
  REQUIRE(p.request.tools.size() == 1);
  return sorted(p.request.tools[0].written_lines);
}

}  // namespace

TEST_CASE("Claude Code's changing tools: the lines each wrote, as fingerprints", "[provenance]") {
  LineFingerprinter fp(kKey);
  CHECK(written_by("Write", R"({"file_path":"/r/a.py","content":"x = 1\n\ny = 2\n}\n"})", &fp) ==
        prints({"x = 1", "y = 2"}));
  CHECK(written_by("Edit",
                   R"({"file_path":"/r/a.py","old_string":"x = 1\ny = 2","new_string":)"
                   R"("x = 1\ny = 3\nz = 4","replace_all":false})",
                   &fp) == prints({"y = 3", "z = 4"}));
  CHECK(written_by("MultiEdit",
                   R"({"file_path":"/r/a.py","edits":[{"old_string":"a","new_string":"a\nb"},)"
                   R"({"old_string":"c","new_string":"d"}]})",
                   &fp) == prints({"b", "d"}));
  CHECK(written_by("NotebookEdit",
                   R"({"notebook_path":"/r/n.ipynb","cell_id":"c1","new_source":"import os",)"
                   R"("edit_mode":"replace"})",
                   &fp) == prints({"import os"}));
  // Not a change, or provenance off: nothing.
  CHECK(written_by("Read", R"({"file_path":"/r/a.py","content":"x = 1"})", &fp).empty());
  CHECK(written_by("Write", R"({"file_path":"/r/a.py","content":"x = 1"})", nullptr).empty());
}

TEST_CASE("Codex's apply_patch: the added lines of each file, carried across passes",
          "[provenance][codex]") {
  LineFingerprinter fp(kKey);
  std::vector<ToolCall> calls;
  add_codex_patch_calls(
      "*** Begin Patch\n*** Add File: src/new.py\n+def new():\n+    return 1\n"
      "*** Update File: src/old.py\n@@ def old():\n-    return 0\n+    return 2\n     pass\n"
      "*** End Patch\n",
      "call_1", calls, &fp);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].lines_added == 2);
  CHECK(sorted(calls[0].written_lines) == prints({"def new():", "return 1"}));
  CHECK(calls[1].written_lines == prints({"return 2"}));
  // Without a fingerprinter the counts stay, the lines are not kept.
  std::vector<ToolCall> plain;
  add_codex_patch_calls("*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\n", "call_2", plain);
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].lines_added == 1);
  CHECK(plain[0].written_lines.empty());

  // A call waiting for its usage keeps its lines in the carried state.
  CodexState s;
  s.thread_id = "thread";
  s.tools = calls;
  CodexState back;
  REQUIRE(decode_codex_state(encode_codex_state(s), back));
  REQUIRE(back.tools.size() == 2);
  CHECK(sorted(back.tools[0].written_lines) == prints({"def new():", "return 1"}));
  CHECK(back.tools[1].written_lines == prints({"return 2"}));
  // A state an older tracker carried (no lines after the calls) still reads.
  CodexState old = s;
  for (ToolCall& c : old.tools)
    c.written_lines.clear();
  std::string text = encode_codex_state(old);
  text.resize(text.size() - 4);  // the two "0," counts of lines
  REQUIRE(decode_codex_state(text, back));
  CHECK(back.tools[0].written_lines.empty());
  // A broken count is refused, not guessed.
  CHECK_FALSE(decode_codex_state(text + "x,", back));
}

TEST_CASE("a request older than the lines a scan keeps is not fingerprinted", "[provenance]") {
  LineFingerprinter fp(kKey);
  const int64_t logged = *parse_iso8601_utc_ms("2026-02-12T16:05:13.088Z");  // AssistantSpec's
  auto written = [&](const std::string& raw, int64_t since) {
    std::string line = raw;
    const size_t len = line.size();
    line.append(simdjson::SIMDJSON_PADDING, ' ');
    LineParser parser;
    parser.set_fingerprinter(&fp);
    parser.set_fingerprint_since(since);
    const ParsedLine& p = parser.parse(std::string_view(line.data(), len), line.size(), {});
    REQUIRE(p.kind == LineKind::kRequest);
    CHECK(p.request.timestamp_ms == logged);
    REQUIRE(p.request.tools.size() == 1);
    return sorted(p.request.tools[0].written_lines);
  };
  test::AssistantSpec a;
  a.tool_json = test::tool_use_block("toolu_1", "Write",
                                     R"({"file_path":"/r/a.py","content":"x = 1\ny = 2\n"})");
  const std::string line = test::assistant_line(a);
  CHECK(written(line, logged + 1).empty());                       // older: skipped
  CHECK(written(line, logged) == prints({"x = 1", "y = 2"}));     // not older: kept
  CHECK(written(line, INT64_MIN) == prints({"x = 1", "y = 2"}));  // no limit
  // A later "timestamp" key that is not the line's own (here: an old one
  // after it) is found out by the parse, and the line is read again.
  std::string misleading = line;
  misleading.insert(misleading.size() - 1, R"(,"x":{"timestamp":"2001-01-01T00:00:00Z"})");
  CHECK(written(misleading, logged) == prints({"x = 1", "y = 2"}));
}
