// Gemini CLI sessions through the real codepulse-tracker scan and report:
// exact totals per day and model, the assistant, repository and session
// dimensions, incremental reading, the legacy .json rewritten in place, and
// where the logs are found.
#include <catch2/catch.hpp>

#include "tests/corpus/gemini_lines.hpp"
#include "tests/support/gemini_tree.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;
namespace gl = codepulse::bench::gemini;

namespace {

constexpr int64_t kDay1 = 1796428800000;  // 2026-12-05T00:00:00Z
constexpr int64_t kDay2 = kDay1 + 86'400'000;

gl::GeminiMessage message(const std::string& id, int64_t ts, gl::Tokens t,
                          const std::string& model) {
  gl::GeminiMessage m;
  m.id = id;
  m.ts_ms = ts;
  m.content = "an answer";
  m.tokens = t;
  m.model = model;
  return m;
}

gl::ToolCall write_call(const std::string& id, const std::string& path, int64_t added) {
  gl::ToolCall c;
  c.kind = gl::ToolCall::Kind::kWriteFile;
  c.id = id;
  c.path = path;
  c.text = "contents";
  c.added = added;
  return c;
}

// Two projects over two days: a session with tool calls and a checkpoint, a
// session with a subagent, and a legacy .json session resumed into a .jsonl.
struct TwoProjects {
  GeminiTree tree;
  GeminiRows expected;
  std::string app_chats = tree.project("app", "/src/app");
  // No .project_root: projects.json alone names its folder.
  std::string api_chats = tree.project("api", "/src/api", false);
  std::string s1 = app_chats + "/session-2026-12-05T10-00-aaaa1111.jsonl";

  void bill(const gl::GeminiMessage& m) {
    add_row(expected[(m.ts_ms < kDay2 ? "2026-12-05|" : "2026-12-06|") + m.model],
            gemini_row(m.tokens));
  }

  TwoProjects() {
    const int64_t t1 = kDay1 + 36'000'000;
    std::string log = gemini_session_start("aaaa1111-s1", t1, "/src/app");
    const std::string prompt = gl::user_prompt_json("p1", t1 + 1000, "write a.txt");
    log += prompt + "\n" + gl::set_last_updated(t1 + 1000) + "\n";
    gl::GeminiMessage m1 = message("m1", t1 + 2000, {2000, 90, 1200, 40, 15}, "gemini-2.5-pro");
    m1.calls = {write_call("c1", "/src/app/a.txt", 3)};
    gl::GeminiMessage m2 = message("m2", t1 + 3000, {2300, 30, 1800, 0, 0}, "gemini-2.5-pro");
    log += gemini_message_lines(m1) + gemini_message_lines(m2);
    m1.with_tool_calls = true;
    log += gl::set_messages({prompt, gl::gemini_json(m1), gl::gemini_json(m2)}, t1 + 4000) + "\n";
    write_file(s1, log);
    bill(m1);
    bill(m2);

    const int64_t t2 = kDay2 + 3'600'000;
    log = gemini_session_start("bbbb2222-s2", t2, "/src/api");
    gl::GeminiMessage m3 = message("m3", t2 + 1000, {5000, 100, 0, 0, 0}, "gemini-2.5-flash");
    gl::ToolCall invoke;
    invoke.kind = gl::ToolCall::Kind::kOther;
    invoke.name = "invoke_agent";
    invoke.id = "c3";
    invoke.agent_id = "cccc3333-sub";
    m3.calls = {invoke};
    log += gemini_message_lines(m3);
    write_file(api_chats + "/session-2026-12-06T01-00-bbbb2222.jsonl", log);
    bill(m3);
    gl::GeminiMessage m4 = message("m4", t2 + 1500, {700, 7, 100, 3, 0}, "gemini-2.5-flash");
    write_file(api_chats + "/bbbb2222-s2/cccc3333-sub.jsonl",
               gl::header_line("cccc3333-sub", "hash", t2 + 1200, true, {"/src/api"}) + "\n" +
                   gemini_message_lines(m4) + gl::set_summary("the subagent's result") + "\n");
    bill(m4);

    const int64_t t3 = kDay1 + 50'000'000;
    gl::GeminiMessage m5 = message("m5", t3, {1000, 10, 0, 0, 0}, "gemini-2.5-pro");
    write_file(
        app_chats + "/session-2026-12-05T13-53-dddd4444.json",
        gl::legacy_session_json("dddd4444-l", "hash", t3,
                                {gl::user_prompt_json("p5", t3 - 10, "hi"), gl::gemini_json(m5)}));
    gl::GeminiMessage m6 = message("m6", t3 + 60'000, {1100, 11, 0, 0, 0}, "gemini-2.5-pro");
    write_file(app_chats + "/session-2026-12-05T13-53-dddd4444.jsonl",
               gl::header_line("dddd4444-l", "hash", t3) + "\n" +
                   gl::user_prompt_json("p5", t3 - 10, "hi") + "\n" + gl::gemini_json(m5) + "\n" +
                   "{\"$set\":{\"sessionId\":\"dddd4444-l\"}}\n" + gemini_message_lines(m6));
    bill(m5);
    bill(m6);
  }
};

int64_t count_key(const std::string& report_json, const std::string& needle) {
  int64_t n = 0;
  for (size_t at = report_json.find(needle); at != std::string::npos;
       at = report_json.find(needle, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("gemini-cli: scan and report give each day's and model's exact totals",
          "[scan][gemini]") {
  TwoProjects p;
  const std::string stats = p.tree.scan();
  CHECK(GeminiTree::stat(stats, "files") == 5);
  CHECK(GeminiTree::stat(stats, "records_new") == 6);
  CHECK(GeminiTree::stat(stats, "malformed_lines") == 0);
  const GeminiRows rows = p.tree.rows();
  CHECK(rows == p.expected);
  // By hand: input less cached plus the tool-use prompt, output with thoughts.
  const GeminiRow day1 = rows.at("2026-12-05|gemini-2.5-pro");
  CHECK(day1 == GeminiRow{4, 815 + 500 + 1000 + 1100, 130 + 30 + 10 + 11, 3000});
  CHECK(rows.at("2026-12-06|gemini-2.5-flash") == GeminiRow{2, 5000 + 600, 100 + 10, 100});

  auto by = [&](const char* group) {
    auto r = run({tracker_bin(), "report", "--state", p.tree.state, "--group-by", group, "--format",
                  "json"});
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  const std::string assistants = by("assistant");
  CHECK(assistants.find("\"key\":\"gemini-cli\"") != std::string::npos);
  CHECK(count_key(assistants, "\"key\":") == 1);
  // The folders: from .project_root, and from projects.json alone.
  const std::string repos = by("repo");
  CHECK(repos.find("\"key\":\"local/app\"") != std::string::npos);
  CHECK(repos.find("\"key\":\"local/api\"") != std::string::npos);
  // Three sessions: the subagent's requests belong to its parent's.
  const std::string sessions = by("session");
  CHECK(sessions.find("\"key\":\"bbbb2222-s2\"") != std::string::npos);
  CHECK(sessions.find("cccc3333-sub") == std::string::npos);
  CHECK(count_key(sessions, "\"key\":") == 3);
  // The written file, relative to its project.
  CHECK(by("file").find("\"key\":\"a.txt\"") != std::string::npos);
}

TEST_CASE("gemini-cli: a rescan reads only the new bytes and counts nothing twice",
          "[scan][gemini]") {
  TwoProjects p;
  p.tree.scan();
  const std::string again = p.tree.scan();
  CHECK(GeminiTree::stat(again, "bytes_read") == 0);
  CHECK(GeminiTree::stat(again, "records_new") == 0);

  // The next message, then its copy with tool calls, as Gemini CLI appends them.
  gl::GeminiMessage m7 =
      message("m7", kDay1 + 40'000'000, {400, 4, 100, 0, 0}, "gemini-3.1-pro-preview");
  m7.calls = {write_call("c7", "/src/app/b.txt", 1)};
  const std::string added = gemini_message_lines(m7);
  append_file(p.s1, added);
  const std::string stats = p.tree.scan();
  CHECK(GeminiTree::stat(stats, "bytes_read") == static_cast<int64_t>(added.size()));
  CHECK(GeminiTree::stat(stats, "records_new") == 1);
  p.expected["2026-12-05|gemini-3.1-pro-preview"] = gemini_row(m7.tokens);
  CHECK(p.tree.rows() == p.expected);

  // The same message restated by a checkpoint: nothing new.
  m7.with_tool_calls = true;
  append_file(p.s1, gl::set_messages({gl::gemini_json(m7)}, m7.ts_ms + 500) + "\n" +
                        gl::rewind_to("m7") + "\n");
  const std::string restated = p.tree.scan();
  CHECK(GeminiTree::stat(restated, "records_new") == 0);
  CHECK(p.tree.rows() == p.expected);
}

TEST_CASE("gemini-cli: a legacy .json torn while rewritten is read again when complete",
          "[scan][gemini]") {
  GeminiTree tree;
  const std::string chats = tree.project("app", "/src/app");
  const std::string path = chats + "/session-2026-12-05T10-00-eeee5555.json";
  std::vector<std::string> messages = {
      gl::user_prompt_json("p1", kDay1 + 1000, "hi"),
      gl::gemini_json(message("m1", kDay1 + 2000, {900, 9, 0, 0, 0}, "gemini-2.5-pro"))};
  const std::string whole = gl::legacy_session_json("eeee5555-j", "hash", kDay1, messages);
  write_file(path, whole.substr(0, whole.size() / 2));
  auto r = run({tracker_bin(), "scan", "--assistant", "gemini-cli", "--assistant-dir",
                "gemini-cli=" + tree.gemini, "--state", tree.state, "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find(path + ": malformed document") != std::string::npos);
  CHECK(r.err.find("read again when it next changes") != std::string::npos);
  CHECK(GeminiTree::stat(r.out, "records_new") == 0);

  write_file(path, whole);
  CHECK(GeminiTree::stat(tree.scan(), "records_new") == 1);
  GeminiRows expected{{"2026-12-05|gemini-2.5-pro", GeminiRow{1, 900, 9, 0}}};
  CHECK(tree.rows() == expected);
  // Rewritten whole with one more message: only that one is new.
  messages.push_back(
      gl::gemini_json(message("m2", kDay1 + 3000, {800, 8, 0, 0, 0}, "gemini-2.5-pro")));
  write_file(path, gl::legacy_session_json("eeee5555-j", "hash", kDay1, messages));
  const std::string stats = tree.scan();
  CHECK(GeminiTree::stat(stats, "records_new") == 1);
  CHECK(GeminiTree::stat(stats, "files_reset") == 0);  // a rewrite is its way, not a problem
  expected["2026-12-05|gemini-2.5-pro"] = GeminiRow{2, 1700, 17, 0};
  CHECK(tree.rows() == expected);
  CHECK(GeminiTree::stat(tree.scan(), "bytes_read") == 0);
}

TEST_CASE("gemini-cli: logs are found from GEMINI_CLI_HOME and ccusage's GEMINI_DATA_DIR",
          "[scan][gemini]") {
  GeminiTree tree;
  const std::string chats = tree.project("app", "/src/app");
  write_file(
      chats + "/session-2026-12-05T10-00-ffff6666.jsonl",
      gemini_session_start("ffff6666-x", kDay1, "/src/app") +
          gemini_message_lines(message("m1", kDay1 + 5000, {100, 1, 0, 0, 0}, "gemini-2.5-pro")));
  // Not a log: a project's other folders are not entered.
  write_file(tree.gemini + "/tmp/app/tool-outputs/chats/session-x.jsonl", "not read\n");
  const std::string home = tree.dir / "home";
  const std::vector<std::vector<std::string>> envs = {
      {"GEMINI_CLI_HOME=" + home},
      {"GEMINI_DATA_DIR=" + tree.gemini + "/tmp"},  // ccusage's meaning: the tmp folder
      {"GEMINI_DATA_DIR=/nowhere," + tree.gemini},  // a list; a .gemini folder is taken too
      {"HOME=" + home}};
  for (const auto& env : envs) {
    INFO(env[0]);
    const std::string state = tree.dir / ("state-" + std::to_string(&env - envs.data()));
    auto r =
        run({tracker_bin(), "scan", "--assistant", "gemini-cli", "--state", state, "--json"}, env);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(GeminiTree::stat(r.out, "files") == 1);
    CHECK(GeminiTree::stat(r.out, "records_new") == 1);
  }
}
