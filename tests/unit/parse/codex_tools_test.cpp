// Codex tool calls reduced to ToolCalls (tracker/parse/codex_tools.hpp):
// git commits among shell commands, the files and line counts of a patch,
// and nothing of a command's or a patch's text kept.
#include "tracker/parse/codex_tools.hpp"

#include <catch2/catch.hpp>

#include "common/line_fingerprint.hpp"
#include "tests/corpus/json_text.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::bench::corpus::escaped;

namespace {

std::vector<ToolCall> calls(std::string_view type, std::string_view name, std::string_view text,
                            std::vector<std::string_view> command = {}) {
  CodexToolReader reader;
  std::vector<ToolCall> out;
  reader.add({type, name, "call_1", text, std::move(command)}, out);
  return out;
}

ToolKind exec_kind(const std::string& cmd) {
  const auto out = calls("function_call", "exec_command", "{\"cmd\":\"" + escaped(cmd) + "\"}");
  REQUIRE(out.size() == 1);
  return out[0].kind;
}

}  // namespace

TEST_CASE("a shell command is a git commit or another tool call", "[parse][codex]") {
  CHECK(exec_kind("git commit -m 'fix: CANARY_CMD'") == ToolKind::kGitCommit);
  CHECK(exec_kind("cd app && git add -A && git commit -qm x") == ToolKind::kGitCommit);
  CHECK(exec_kind("git -C /repo commit --amend --no-edit") == ToolKind::kGitCommit);
  CHECK(exec_kind("git status && git log -1") == ToolKind::kOther);
  CHECK(exec_kind("echo git commit") == ToolKind::kOther);
  // The older `shell` tool: the words, or bash -lc and a script.
  auto shell = calls("function_call", "shell",
                     R"({"command":["bash","-lc","git commit -m done"],"workdir":"/w"})");
  REQUIRE(shell.size() == 1);
  CHECK(shell[0].name == "shell");
  CHECK(shell[0].kind == ToolKind::kGitCommit);
  CHECK(calls("function_call", "shell", R"({"command":["git","commit","-m","x"]})")[0].kind ==
        ToolKind::kGitCommit);
  CHECK(calls("function_call", "shell_command", R"({"command":"git commit -m x"})")[0].kind ==
        ToolKind::kGitCommit);
  auto local = calls("local_shell_call", "", "", {"git", "commit", "-m", "x"});
  REQUIRE(local.size() == 1);
  CHECK(local[0].name == "local_shell");
  CHECK(local[0].kind == ToolKind::kGitCommit);
  // Nothing of the command is kept; a call without an id is nothing.
  for (const ToolCall& c :
       calls("function_call", "exec_command", R"({"cmd":"git commit -m CANARY_CMD"})")) {
    CHECK(c.file_path.empty());
    CHECK(c.id == "call_1");
    CHECK(c.name.find("CANARY") == std::string::npos);
  }
  CodexToolReader reader;
  std::vector<ToolCall> none;
  reader.add({"function_call", "exec_command", "", R"({"cmd":"git commit"})", {}}, none);
  CHECK(none.empty());
}

TEST_CASE("an apply_patch is its files, each with its added and removed lines", "[parse][codex]") {
  const std::string patch =
      "*** Begin Patch\n"
      "*** Add File: docs/new.md\n"
      "+CANARY_PATCH one\n"
      "+two\n"
      "*** Update File: src/app.c\n"
      "@@ int main() {\n"
      " keep CANARY_CONTEXT\n"
      "-old CANARY_REMOVED\n"
      "+new\n"
      "+newer\n"
      "*** End of File\n"
      "*** Delete File: src/gone.c\n"
      "*** Update File: src/old_name.c\n"
      "*** Move to: src/new_name.c\n"
      "@@\n"
      "-a\n"
      "-b\n"
      "*** End Patch\n";
  const auto out = calls("custom_tool_call", "apply_patch", patch);
  REQUIRE(out.size() == 4);
  const std::vector<std::tuple<std::string, std::string, int64_t, int64_t>> want = {
      {"call_1", "docs/new.md", 2, 0},
      {"call_1#2", "src/app.c", 2, 1},
      {"call_1#3", "src/gone.c", 0, 0},
      {"call_1#4", "src/new_name.c", 0, 2}};
  for (size_t i = 0; i < out.size(); ++i) {
    INFO(i);
    CHECK(out[i].id == std::get<0>(want[i]));
    CHECK(out[i].name == "apply_patch");
    CHECK(out[i].kind == ToolKind::kChange);
    CHECK(out[i].counted);
    CHECK(out[i].file_path == std::get<1>(want[i]));
    CHECK(out[i].lines_added == std::get<2>(want[i]));
    CHECK(out[i].lines_removed == std::get<3>(want[i]));
  }
  // The same patch as a function_call's input, or given to the shell.
  CHECK(calls("function_call", "apply_patch", "{\"input\":\"" + escaped(patch) + "\"}").size() ==
        4);
  const auto heredoc =
      calls("function_call", "exec_command",
            "{\"cmd\":\"" + escaped("apply_patch <<'EOF'\n" + patch + "EOF\n") + "\"}");
  REQUIRE(heredoc.size() == 4);
  CHECK(heredoc[1].file_path == "src/app.c");
  const auto shell =
      calls("function_call", "shell", "{\"command\":[\"apply_patch\",\"" + escaped(patch) + "\"]}");
  REQUIRE(shell.size() == 4);
  CHECK(shell[3].lines_removed == 2);
}

TEST_CASE("other tools keep their name, view_image reads its path", "[parse][codex]") {
  auto image = calls("function_call", "view_image", R"({"path":"/w/shot.png"})");
  REQUIRE(image.size() == 1);
  CHECK(image[0].kind == ToolKind::kRead);
  CHECK(image[0].file_path == "/w/shot.png");
  auto web = calls("function_call", "web_search", R"({"query":"CANARY_QUERY"})");
  REQUIRE(web.size() == 1);
  CHECK(web[0].kind == ToolKind::kOther);
  CHECK(web[0].name == "web_search");
  CHECK(web[0].file_path.empty());
  // Arguments that are not JSON: still the call, by its name.
  auto broken = calls("function_call", "exec_command", "{\"cmd\": CANARY");
  REQUIRE(broken.size() == 1);
  CHECK(broken[0].kind == ToolKind::kOther);
  CHECK(calls("custom_tool_call", std::string(300, 'n'), "x")[0].name.size() == 128);
}

TEST_CASE("a patch made over an hour before the provenance limit is counted, not fingerprinted",
          "[parse][codex][provenance]") {
  const std::string patch =
      "*** Begin Patch\n*** Add File: src/a.c\n+int a = 1;\n+int b = 2;\n*** End Patch\n";
  LineFingerprinter fp(std::string(32, 'k'));
  CodexToolReader reader;
  reader.set_fingerprinter(&fp);
  const int64_t since = 1'790'000'000'000;
  reader.set_fingerprint_since(since);
  const auto at = [&](int64_t ms) {
    std::vector<ToolCall> out;
    reader.add({"custom_tool_call", "apply_patch", "call_1", patch, {}}, out, ms);
    REQUIRE(out.size() == 1);
    CHECK(out[0].lines_added == 2);  // counted whatever its age
    CHECK(out[0].file_path == "src/a.c");
    return out[0].written_lines.size();
  };
  CHECK(at(since - 3'600'001) == 0);  // its request is older than the limit
  CHECK(at(since - 3'600'000) == 2);  // could join a request within it
  CHECK(at(since + 1) == 2);
  CHECK(at(0) == 2);  // time unknown: fingerprinted
  reader.set_fingerprint_since(INT64_MIN);
  CHECK(at(1) == 2);  // no limit
}
