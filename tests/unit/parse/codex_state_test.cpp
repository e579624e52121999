// The Codex reader's carried state (tracker/parse/codex_state.hpp): every
// field survives its text form, and text it did not write is refused,
// whatever it holds, without a crash.
#include "tracker/parse/codex_state.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "tests/support/codex_harness.hpp"

using namespace codepulse;
using namespace codepulse::tracker;

namespace {

CodexState full_state() {
  ToolCall patch{.id = "call_patch_1#2",
                 .name = "apply_patch",
                 .file_path = "src/a b:c,d.c",
                 .kind = ToolKind::kChange,
                 .counted = true,
                 .lines_added = 12,
                 .lines_removed = 3,
                 .commit_sha = ""};
  ToolCall commit = patch;
  commit.id = "call_2";
  commit.name = "exec_command";
  commit.kind = ToolKind::kGitCommit;
  commit.counted = false;
  return CodexState{.thread_id = "01a24408-734c-7342-bc28-78a6a839e135",
                    .parent_thread = "p:with,separators|and\nnewline",
                    .subagent = true,
                    .created_ms = 1796437734220,
                    .cwd = "/home/dév/src/app 12:3,4",
                    .branch = "feat/PROJ-1",
                    .version = "0.169.0",
                    .model = "gpt-5.5",
                    .turn_id = "t",
                    .model_source = 2,
                    .metas = 2,
                    .replay = true,
                    .inherited = true,
                    .records = true,
                    .has_totals = true,
                    .totals = {4400, 2800, 700, 165, 35, 4565},
                    .tools = {patch, commit}};
}

}  // namespace

TEST_CASE("the carried state survives its text form", "[parse][codex]") {
  const CodexState s = full_state();
  const std::string text = encode_codex_state(s);
  CodexState back;
  REQUIRE(decode_codex_state(text, back));
  CHECK(encode_codex_state(back) == text);
  CHECK(back.parent_thread == s.parent_thread);
  CHECK(back.cwd == s.cwd);
  CHECK(back.totals == s.totals);
  REQUIRE(back.tools.size() == 2);
  CHECK(back.tools[0].file_path == "src/a b:c,d.c");
  CHECK(back.tools[1].kind == ToolKind::kGitCommit);
  CHECK(back.tools[1].name == "exec_command");
  CHECK_FALSE(back.tools[1].counted);
  CHECK(back.replay);
  CHECK(back.inherited);
  CodexState empty;
  REQUIRE(decode_codex_state(encode_codex_state(empty), back));
  CHECK(back.thread_id.empty());
  CHECK(back.tools.empty());
}

TEST_CASE("carried state the reader did not write is refused, never a crash", "[parse][codex]") {
  const std::string good = encode_codex_state(full_state());
  std::vector<std::string> bad = {"x",
                                  "cx1|",
                                  "cx2|" + good.substr(4),
                                  good + "1,",
                                  good.substr(0, good.size() - 1),
                                  "cx1|99999999999:abc",
                                  "cx1|-1:",
                                  "cx1|3:ab"};
  for (size_t cut = 0; cut < good.size(); cut += 3)
    bad.push_back(good.substr(0, cut));
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s = good;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e)
      s[rng() % s.size()] = static_cast<char>(rng() % 256);
    bad.push_back(s);
    std::string noise(rng() % 200, '\0');
    for (char& c : noise)
      c = static_cast<char>(rng() % 256);
    bad.push_back("cx1|" + noise);
  }
  int refused = 0;
  for (const std::string& s : bad) {
    CodexState st;
    if (!decode_codex_state(s, st)) {
      ++refused;
      continue;
    }
    // A mutation that still reads (a changed digit, a letter in a string)
    // is a well-formed state: it writes back text that reads the same.
    CodexState again;
    REQUIRE(decode_codex_state(encode_codex_state(st), again));
    CHECK(encode_codex_state(again) == encode_codex_state(st));
  }
  CHECK(refused > 2000);
  // Through the reader: refused, then a fresh start works.
  codepulse::test::CodexHarness h;
  CHECK_FALSE(h.reader.begin_file(h.path, "cx1|garbage"));
  CHECK(h.reader.begin_file(h.path, ""));
  CHECK(h.reader.carried().rfind("cx1|", 0) == 0);
}
