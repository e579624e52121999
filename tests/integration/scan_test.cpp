// The scanner on real files in temporary folders with a real SQLite store.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/log_lines.hpp"
#include "tests/support/scan_fixture.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/flow/scanner.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::AssistantSpec;
using codepulse::test::TempDir;

namespace {

using Fixture = codepulse::test::ScanFixture;

AssistantSpec spec(const std::string& id, long long output, const std::string& req = "") {
  AssistantSpec s;
  s.message_id = id;
  s.request_id = req.empty() ? "req_" + id : req;
  s.output = output;
  s.uuid = "line-" + id + "-" + std::to_string(output);
  return s;
}

AssistantSpec spec_sidechain(const std::string& id, long long output, const std::string& req) {
  AssistantSpec s = spec(id, output, req);
  s.sidechain = true;
  return s;
}

// A subagent's request with one Edit call, toolu_se.
AssistantSpec subagent_edit() {
  AssistantSpec s = spec_sidechain("msg_se", 20, "req_msg_se");
  s.tool_json = codepulse::test::tool_use_block(
      "toolu_se", "Edit",
      R"({"file_path":"/home/dev/src/app/src/main.cpp","old_string":"a","new_string":"b"})");
  return s;
}

// The subagent's own file for `edit`: the request, then its result (+2 -1).
std::string subagent_edit_lines(const AssistantSpec& edit) {
  return assistant_line(edit) + "\n" +
         codepulse::test::tool_result_line(
             "toolu_se", "ok",
             R"({"filePath":"/x","structuredPatch":[{"lines":["+a","+b","-c"]}]})") +
         "\n";
}

// `what` over the stored tool calls (t) of records (r) `where` it holds.
int64_t tool_int(Fixture& f, const std::string& what, const std::string& where) {
  return f.sql_int("SELECT " + what + " FROM usage_records r, json_each(r.tools) t WHERE " + where);
}

}  // namespace

TEST_CASE("a second scan reads nothing old again", "[scan]") {
  Fixture f;
  std::string log;
  for (int i = 0; i < 20; ++i)
    log += assistant_line(spec("msg_" + std::to_string(i), 10 + i)) + "\n";
  codepulse::test::write_file(f.file("-home-dev-app/s1.jsonl"), log);
  const ScanStats first = f.scan();
  CHECK(first.files == 1);
  CHECK(first.records_new == 20);
  CHECK(first.lines == 20);
  CHECK(first.bytes_read == static_cast<int64_t>(log.size()));
  const ScanStats second = f.scan();
  CHECK(second.files == 1);
  CHECK(second.bytes_read == 0);
  CHECK(second.lines == 0);
  CHECK(second.records_new == 0);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 20);
}

TEST_CASE("appended lines are read from the stored offset", "[scan]") {
  Fixture f;
  const std::string a = assistant_line(spec("msg_a", 5)) + "\n";
  const std::string path = f.file("p/s.jsonl");
  codepulse::test::write_file(path, a);
  f.scan();
  const std::string b = assistant_line(spec("msg_b", 6)) + "\n";
  codepulse::test::append_file(path, b);
  const ScanStats s = f.scan();
  CHECK(s.bytes_read == static_cast<int64_t>(b.size()));
  CHECK(s.records_new == 1);
  CHECK(f.sql_int("SELECT offset FROM tail_files") == static_cast<int64_t>(a.size() + b.size()));
}

TEST_CASE("a half-written last line is left for the next run", "[scan]") {
  Fixture f;
  const std::string full = assistant_line(spec("msg_a", 5)) + "\n";
  const std::string next = assistant_line(spec("msg_b", 7));
  const std::string path = f.file("p/s.jsonl");
  codepulse::test::write_file(path, full + next.substr(0, 100));
  ScanStats s1 = f.scan();
  CHECK(s1.records_new == 1);
  CHECK(s1.malformed_lines == 0);
  CHECK(f.sql_int("SELECT offset FROM tail_files") == static_cast<int64_t>(full.size()));
  codepulse::test::append_file(path, next.substr(100) + "\n");
  ScanStats s2 = f.scan();
  CHECK(s2.records_new == 1);
  CHECK(s2.malformed_lines == 0);
  CHECK(f.sql_int("SELECT sum(output) FROM usage_records") == 12);
}

TEST_CASE("a complete last line without its newline is taken once", "[scan]") {
  Fixture f;
  const std::string path = f.file("p/s.jsonl");
  codepulse::test::write_file(path, assistant_line(spec("msg_a", 5)));
  CHECK(f.scan().records_new == 1);
  codepulse::test::append_file(path, "\n" + assistant_line(spec("msg_b", 6)) + "\n");
  const ScanStats s = f.scan();
  CHECK(s.records_new == 1);
  CHECK(s.malformed_lines == 0);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 2);
}

TEST_CASE("streaming snapshots collapse to the one with the most tokens", "[scan][dedupe]") {
  Fixture f;
  std::string log;
  log += assistant_line(spec("msg_s", 8)) + "\n";  // placeholder output
  log += codepulse::test::user_prompt_line("u-tool", "tool result in between") + "\n";
  log += assistant_line(spec("msg_s", 8)) + "\n";
  log += assistant_line(spec("msg_s", 299)) + "\n";  // final
  codepulse::test::write_file(f.file("p/s.jsonl"), log);
  const ScanStats s = f.scan();
  CHECK(s.records_new == 1);
  CHECK(s.duplicates == 2);
  CHECK(f.sql_int("SELECT output FROM usage_records") == 299);
  CHECK(f.sql_int("SELECT revision FROM usage_records") == 1);
  // A smaller snapshot arriving later changes nothing.
  codepulse::test::append_file(f.file("p/s.jsonl"), assistant_line(spec("msg_s", 3)) + "\n");
  f.scan();
  CHECK(f.sql_int("SELECT output FROM usage_records") == 299);
  CHECK(f.sql_int("SELECT revision FROM usage_records") == 1);
}

TEST_CASE("a resumed session's copied history is counted once across files", "[scan][dedupe]") {
  Fixture f;
  std::string original, resumed;
  for (int i = 0; i < 5; ++i)
    original += assistant_line(spec("msg_" + std::to_string(i), 100)) + "\n";
  resumed = original;
  for (int i = 5; i < 8; ++i)
    resumed += assistant_line(spec("msg_" + std::to_string(i), 100)) + "\n";
  codepulse::test::write_file(f.file("p/a.jsonl"), original);
  codepulse::test::write_file(f.file("p/b.jsonl"), resumed);
  const ScanStats s = f.scan();
  CHECK(s.records_new == 8);
  CHECK(s.duplicates == 5);
  CHECK(f.sql_int("SELECT sum(output) FROM usage_records") == 800);
}

TEST_CASE("the main-session copy wins over a sidechain replay", "[scan][dedupe]") {
  Fixture f;
  AssistantSpec replay = spec("msg_main", 500, "req_btw");
  replay.sidechain = true;
  // The replay is read first (files sort before folders and "a" before "s"),
  // with more tokens; the main copy read later replaces it in the store.
  codepulse::test::write_file(f.file("p/a-replay.jsonl"), assistant_line(replay) + "\n");
  codepulse::test::write_file(f.file("p/s1.jsonl"),
                              assistant_line(spec("msg_main", 40, "req_main")) + "\n");
  ScanStats s = f.scan();
  CHECK(s.records_new == 1);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE dedupe_key = 'msg_main' || char(31) || "
                  "'req_main'") == 1);
  // Across runs too: a replay stored first is replaced by the main copy.
  codepulse::test::write_file(f.file("p/b-replay.jsonl"),
                              assistant_line(spec_sidechain("msg_two", 900, "req_btw2")) + "\n");
  f.scan();
  codepulse::test::write_file(f.file("p/s2.jsonl"),
                              assistant_line(spec("msg_two", 50, "req_main2")) + "\n");
  s = f.scan();
  CHECK(s.records_updated == 1);
  CHECK(f.sql_int("SELECT output FROM usage_records WHERE message_id = 'msg_two'") == 50);
  CHECK(f.sql_int("SELECT sidechain FROM usage_records WHERE message_id = 'msg_two'") == 0);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE message_id = 'msg_main'") == 1);
  CHECK(f.sql_int("SELECT sidechain FROM usage_records WHERE message_id = 'msg_main'") == 0);
  CHECK(f.sql_int("SELECT output FROM usage_records WHERE message_id = 'msg_main'") == 40);
}

TEST_CASE("lines without requestId are keyed by message id alone", "[scan][dedupe]") {
  Fixture f;
  AssistantSpec a = spec("msg_gw", 5);
  a.request_id.clear();
  AssistantSpec b = a;
  b.output = 50;
  codepulse::test::write_file(f.file("p/s.jsonl"),
                              assistant_line(a) + "\n" + assistant_line(b) + "\n");
  CHECK(f.scan().records_new == 1);
  CHECK(f.sql_int("SELECT output FROM usage_records") == 50);
}

TEST_CASE("truncation, replacement and rewrites are read again without double counting", "[scan]") {
  Fixture f;
  const std::string path = f.file("p/s.jsonl");
  const std::string two =
      assistant_line(spec("msg_1", 1)) + "\n" + assistant_line(spec("msg_2", 2)) + "\n";
  codepulse::test::write_file(path, two);
  f.scan();
  SECTION("truncated") {
    codepulse::test::write_file(path, assistant_line(spec("msg_3", 3)) + "\n");
    const ScanStats s = f.scan();
    CHECK(s.files_reset == 1);
    CHECK(s.records_new == 1);
  }
  SECTION("replaced by another file under the same name") {
    const std::string other = f.file("p/other.tmp");
    codepulse::test::write_file(other, two + assistant_line(spec("msg_4", 4)) + "\n");
    REQUIRE(::rename(other.c_str(), path.c_str()) == 0);
    const ScanStats s = f.scan();
    CHECK(s.files_reset == 1);
    CHECK(s.records_new == 1);
    CHECK(s.duplicates == 2);
  }
  SECTION("rewritten in place with a different head") {
    std::string rewritten = assistant_line(spec("msg_9", 9)) + "\n" + two;
    codepulse::test::write_file(path, rewritten);
    const ScanStats s = f.scan();
    CHECK(s.files_reset == 1);
    CHECK(s.records_new == 1);
  }
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 3);
}

TEST_CASE("a renamed file keeps its offset", "[scan]") {
  Fixture f;
  const std::string path = f.file("p/s.jsonl");
  codepulse::test::write_file(path, assistant_line(spec("msg_1", 1)) + "\n");
  f.scan();
  REQUIRE(::rename(path.c_str(), f.file("p/renamed.jsonl").c_str()) == 0);
  const ScanStats s = f.scan();
  CHECK(s.bytes_read == 0);
  CHECK(s.files_reset == 0);
  CHECK(f.sql_int("SELECT count(*) FROM tail_files") == 1);
}

TEST_CASE("files that are not transcripts are never read", "[scan]") {
  Fixture f;
  const std::string line = assistant_line(spec("msg_x", 1)) + "\n";
  codepulse::test::write_file(f.file("p/s/subagents/workflows/wf/journal.jsonl"), line);
  codepulse::test::write_file(f.file("p/s/subagents/agent-a.meta.json"), line);
  codepulse::test::write_file(f.file("history.jsonl"), line);
  codepulse::test::write_file(f.file("p/s/tool-results/x.txt"), line);
  const ScanStats s = f.scan();
  CHECK(s.files == 0);
  CHECK(s.records_new == 0);
}

TEST_CASE("tool results attach line counts and commit shas to their request", "[scan]") {
  Fixture f;
  AssistantSpec edit = spec("msg_e", 20);
  edit.tool_json = codepulse::test::tool_use_block(
      "toolu_e", "Edit",
      R"({"file_path":"/home/dev/src/app/src/main.cpp","old_string":"a","new_string":"b"})");
  AssistantSpec commit = spec("msg_c", 20);
  commit.tool_json =
      codepulse::test::tool_use_block("toolu_c", "Bash", R"({"command":"git commit -m wip"})");
  const std::string path = f.file("p/s.jsonl");
  codepulse::test::write_file(path, codepulse::test::user_prompt_line("turn-1", "please edit") +
                                        "\n" + assistant_line(edit) + "\n");
  f.scan();  // the result arrives in a later run
  codepulse::test::append_file(
      path, codepulse::test::tool_result_line(
                "toolu_e", "ok",
                R"({"filePath":"/x","structuredPatch":[{"lines":["+a","+b","-c"," d"]}]})") +
                "\n" + assistant_line(commit) + "\n" +
                codepulse::test::tool_result_line(
                    "toolu_c", "ok", R"({"stdout":"[main 1a2b3c4] wip\n","stderr":""})", "bbbb-2") +
                "\n");
  const ScanStats s = f.scan();
  CHECK(s.tool_results == 2);
  CHECK(tool_int(f, "t.value->>'added'", "t.value->>'id' = 'toolu_e'") == 2);
  CHECK(tool_int(f, "t.value->>'removed'", "t.value->>'id' = 'toolu_e'") == 1);
  CHECK(tool_int(f, "count(*)", "t.value->>'path' = 'src/main.cpp' AND t.value->>'action' = 2") ==
        1);
  CHECK(tool_int(f, "count(*)", "t.value->>'sha' = '1a2b3c4'") == 1);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE turn_id='turn-1'") == 2);
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 0);
}

TEST_CASE(
    "a subagent's tool results streamed into its parent answer its calls, with or "
    "without its own file",
    "[scan]") {
  const bool with_file = GENERATE(false, true);
  INFO((with_file ? "the subagent's file is there" : "only the parent's copies"));
  Fixture f;
  const AssistantSpec edit = subagent_edit();
  AssistantSpec bash = spec("msg_sb", 20);
  bash.sidechain = true;
  bash.tool_json = codepulse::test::tool_use_block("toolu_sb", "Bash", R"({"command":"make"})");
  const std::string patch =
      R"({"filePath":"/x","structuredPatch":[{"lines":["+SECRET_A","+SECRET_B","-SECRET_C"]}]})";
  using codepulse::test::agent_progress_line;
  using codepulse::test::agent_progress_result_line;
  codepulse::test::write_file(
      f.file("p/s.jsonl"),
      agent_progress_line(edit, "a1") + "\n" +
          agent_progress_result_line("toolu_se", "SECRET_OK", patch, "a1") + "\n" +
          agent_progress_line(bash, "a1") + "\n" +
          agent_progress_result_line("toolu_sb", "SECRET_ERROR", R"("Error: SECRET_ERROR")", "a1",
                                     /*is_error=*/true) +
          "\n");
  if (with_file) {
    std::string failed = codepulse::test::tool_result_line("toolu_sb", "SECRET_ERROR",
                                                           R"("Error: SECRET_ERROR")", "bbbb-2");
    const std::string block = R"("type":"tool_result")";
    failed.replace(failed.find(block), block.size(), block + R"(,"is_error":true)");
    codepulse::test::write_file(
        f.file("p/s/subagents/agent-a1.jsonl"),
        assistant_line(edit) + "\n" +
            codepulse::test::tool_result_line("toolu_se", "SECRET_OK", patch, "bbbb-1") + "\n" +
            assistant_line(bash) + "\n" + failed + "\n");
  }
  const ScanStats s = f.scan();
  CHECK(s.records_new == 2);
  CHECK(s.tool_results == (with_file ? 4 : 2));
  CHECK(tool_int(f, "t.value->>'added'", "t.value->>'id' = 'toolu_se'") == 2);
  CHECK(tool_int(f, "t.value->>'removed'", "t.value->>'id' = 'toolu_se'") == 1);
  CHECK(tool_int(f, "t.value->>'error'", "t.value->>'id' = 'toolu_sb'") == 1);
  CHECK(tool_int(f, "count(*)", "t.value->>'seen' = 1") == 2);
  // Nothing waits: no call is left pending (each once written and never
  // removed, when the subagent's file answered it after the parent's copy).
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 0);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE tools LIKE '%SECRET%'") == 0);
}

TEST_CASE("a call answered only in another copy of its request is not left pending", "[scan]") {
  // The parent streams the subagent's request but not the result; the
  // subagent's own file has both. Read in either order, the record gets
  // the result and nothing waits.
  const bool parent_first = GENERATE(true, false);
  INFO((parent_first ? "the parent's copy read first" : "the subagent's file read first"));
  Fixture f;
  const AssistantSpec edit = subagent_edit();
  const std::string parent = f.file("p/s.jsonl");
  const std::string own = f.file("p/s/subagents/agent-a1.jsonl");
  const std::string own_lines = subagent_edit_lines(edit);
  if (parent_first) {
    codepulse::test::write_file(parent, codepulse::test::agent_progress_line(edit, "a1") + "\n");
    f.scan();
    CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 1);
    codepulse::test::write_file(own, own_lines);
  } else {
    codepulse::test::write_file(own, own_lines);
    f.scan();
    codepulse::test::write_file(parent, codepulse::test::agent_progress_line(edit, "a1") + "\n");
  }
  f.scan();
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 1);
  CHECK(f.sql_int("SELECT t.value->>'added' FROM usage_records r, json_each(r.tools) t") == 2);
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 0);
}

TEST_CASE("a subagent's edit counted in its own file is not undone by the parent's bare copy",
          "[scan]") {
  // The parent's copy of the result carries no toolUseResult; the
  // subagent's own file has the patch. Both are read in one scan, and
  // again in two.
  const bool one_scan = GENERATE(true, false);
  INFO((one_scan ? "one scan" : "the subagent's file in a later scan"));
  Fixture f;
  const AssistantSpec edit = subagent_edit();
  codepulse::test::write_file(
      f.file("p/s.jsonl"),
      codepulse::test::agent_progress_line(edit, "a1") + "\n" +
          codepulse::test::agent_progress_result_line("toolu_se", "ok", R"("ok")", "a1") + "\n");
  const std::string own_lines = subagent_edit_lines(edit);
  if (one_scan) {
    codepulse::test::write_file(f.file("p/s/subagents/agent-a1.jsonl"), own_lines);
  } else {
    f.scan();
    CHECK(tool_int(f, "t.value->>'seen'", "t.value->>'id' = 'toolu_se'") == 1);
    CHECK(tool_int(f, "t.value->>'added'", "t.value->>'id' = 'toolu_se'") == 0);
    codepulse::test::write_file(f.file("p/s/subagents/agent-a1.jsonl"), own_lines);
  }
  f.scan();
  CHECK(tool_int(f, "t.value->>'added'", "t.value->>'id' = 'toolu_se'") == 2);
  CHECK(tool_int(f, "t.value->>'removed'", "t.value->>'id' = 'toolu_se'") == 1);
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 0);
}

TEST_CASE("a failed call of any tool is flagged on its request, the error text never kept",
          "[scan]") {
  Fixture f;
  AssistantSpec bash = spec("msg_b", 20);
  bash.tool_json = codepulse::test::tool_use_block("toolu_b", "Bash", R"({"command":"make"})");
  AssistantSpec read = spec("msg_r", 20);
  read.tool_json = codepulse::test::tool_use_block("toolu_r", "Read",
                                                   R"({"file_path":"/home/dev/src/app/a.cpp"})");
  const std::string path = f.file("p/s.jsonl");
  codepulse::test::write_file(path, assistant_line(bash) + "\n" + assistant_line(read) + "\n");
  f.scan();  // the results arrive in a later run: the calls wait for them
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 2);
  std::string failed = codepulse::test::tool_result_line("toolu_b", "SECRET_ERROR_TEXT",
                                                         R"("Error: SECRET_ERROR_TEXT")", "bbbb-1");
  const std::string block = R"("type":"tool_result")";
  failed.replace(failed.find(block), block.size(), block + R"(,"is_error":true)");
  codepulse::test::append_file(
      path, failed + "\n" +
                codepulse::test::tool_result_line("toolu_r", "1: int main", R"({"type":"text"})",
                                                  "bbbb-2") +
                "\n");
  const ScanStats s = f.scan();
  CHECK(s.tool_results == 2);
  CHECK(tool_int(f, "t.value->>'error'", "t.value->>'id' = 'toolu_b'") == 1);
  CHECK(tool_int(f, "count(*)", "t.value->>'id' = 'toolu_r' AND t.value->>'error' IS NULL") == 1);
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 0);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE tools LIKE '%SECRET%'") == 0);
}

TEST_CASE("bad input is counted and reported with its path, losing no valid record",
          "[scan][bad-input]") {
  Fixture f;
  const std::string good1 = assistant_line(spec("msg_g1", 1)) + "\n";
  const std::string good2 = assistant_line(spec("msg_g2", 2)) + "\n";
  const std::string torn = assistant_line(spec("msg_t", 3)).substr(0, 150) + "\n";
  std::string bad_utf8 = codepulse::test::user_prompt_line("u-bad", "x") + "\n";
  bad_utf8.replace(bad_utf8.find("\"x\""), 3, "\"\xC3\x28\xFF\"");
  codepulse::test::write_file(f.file("p/mixed.jsonl"),
                              good1 + torn + "{not json}\n" + bad_utf8 + "\n\n" + good2);
  codepulse::test::write_file(f.file("p/empty.jsonl"), "");
  // A 100 MB single line, with a valid record after it.
  {
    std::string huge = R"({"type":"user","message":{"role":"user","content":")";
    huge.append(100u << 20, 'a');
    huge += "\"}}\n";
    codepulse::test::write_file(f.file("p/huge.jsonl"),
                                huge + assistant_line(spec("msg_after_huge", 4)) + "\n");
  }
  codepulse::test::make_dirs(f.file("p/folder.jsonl"));  // a folder where a file was expected
  codepulse::test::write_file(f.file("p/locked.jsonl"), good1);
  ::chmod(f.file("p/locked.jsonl").c_str(), 0);
  codepulse::test::make_dirs(f.file("p/locked-dir"));
  codepulse::test::write_file(f.file("p/locked-dir/s.jsonl"), good1);
  ::chmod(f.file("p/locked-dir").c_str(), 0);
  const bool root = ::geteuid() == 0;  // root reads mode-000 files anyway

  auto store = LocalStore::open(f.state);
  REQUIRE(store);
  ScanOptions o;
  o.projects_dirs = {f.projects};
  o.limits.max_line_bytes = 64u << 20;
  Scanner s(*store, Pricer::builtin(), o);
  auto stats = s.scan_all();
  REQUIRE(stats);
  CHECK(stats->records_new == 3);      // good1 (once), good2, the one after the huge line
  CHECK(stats->malformed_lines == 3);  // torn, {not json}, 100 MB line
  CHECK(stats->skipped_files == (root ? 1 : 3));
  auto mentions = [&](const std::string& path_part, const std::string& what) {
    for (const auto& p : s.problems())
      if (p.path.find(path_part) != std::string::npos && p.message.find(what) != std::string::npos)
        return true;
    return false;
  };
  CHECK(mentions("mixed.jsonl", "truncated or broken"));
  CHECK(mentions("mixed.jsonl", "broken JSON"));
  CHECK(mentions("huge.jsonl", "bytes; skipped"));
  CHECK(mentions("folder.jsonl", "folder where a transcript file was expected"));
  if (!root) {  // as root, the next test makes these checks as an unprivileged user
    CHECK(mentions("locked.jsonl", "cannot open"));
    CHECK(mentions("locked-dir", "cannot open folder"));
  }
}

TEST_CASE("a file or folder the user may not read is named and skipped, also under root",
          "[scan][bad-input]") {
  // Root reads mode-000 files anyway, so when the suite runs as root (as CI
  // does) the real tracker runs as the user nobody (setpriv) over files nobody
  // owns; otherwise as this user.
  TempDir tmp;
  const std::string dir = tmp / "home";
  const std::string projects = dir + "/claude/projects";
  codepulse::test::write_file(projects + "/p/ok.jsonl", assistant_line(spec("msg_ok", 1)) + "\n");
  codepulse::test::write_file(projects + "/p/locked.jsonl",
                              assistant_line(spec("msg_locked", 2)) + "\n");
  codepulse::test::write_file(projects + "/p/locked-dir/s.jsonl",
                              assistant_line(spec("msg_in_locked_dir", 3)) + "\n");
  std::vector<std::string> argv = {codepulse::test::tracker_bin()};
  if (::geteuid() == 0) {
    const std::string copy = dir + "/bin/codepulse-tracker";  // where nobody may run it
    codepulse::test::make_dirs(dir + "/bin");
    REQUIRE(codepulse::test::run({"cp", codepulse::test::tracker_bin(), copy}).exit_code == 0);
    REQUIRE(codepulse::test::run({"chown", "-R", "65534:65534", dir}).exit_code == 0);
    REQUIRE(::chmod(tmp.path().c_str(), 0711) == 0);
    argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copy};
  }
  REQUIRE(::chmod((projects + "/p/locked.jsonl").c_str(), 0) == 0);
  REQUIRE(::chmod((projects + "/p/locked-dir").c_str(), 0) == 0);
  for (const char* a : {"scan", "--json", "--claude-dir"})
    argv.push_back(a);
  argv.push_back(dir + "/claude");
  argv.push_back("--state");
  argv.push_back(dir + "/state");
  const auto r = codepulse::test::run(argv);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"records_new\":1,") != std::string::npos);
  CHECK(r.out.find("\"skipped_files\":2,") != std::string::npos);
  CHECK(r.err.find(projects + "/p/locked.jsonl: cannot open: Permission denied") !=
        std::string::npos);
  CHECK(r.err.find(projects + "/p/locked-dir: cannot open folder: Permission denied") !=
        std::string::npos);
}

TEST_CASE("a file truncated while it is being read loses nothing on the next scan",
          "[scan][bad-input]") {
  Fixture f;
  const std::string path = f.file("p/s.jsonl");
  std::string log;
  for (int i = 0; i < 2000; ++i)
    log += assistant_line(spec("msg_" + std::to_string(i), 1)) + "\n";
  codepulse::test::write_file(path, log);
  // Simulate the race: the store believes it read further than the file now is.
  f.scan();
  const std::string shorter = assistant_line(spec("msg_new", 1)) + "\n";
  REQUIRE(::truncate(path.c_str(), 0) == 0);
  codepulse::test::append_file(path, shorter);
  const ScanStats s = f.scan();
  CHECK(s.files_reset == 1);
  CHECK(s.records_new == 1);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 2001);
}

TEST_CASE("a failed edit answers its tool call with nothing to count", "[scan]") {
  Fixture f;
  AssistantSpec edit = spec("msg_e", 20);
  edit.tool_json = codepulse::test::tool_use_block("toolu_fail", "Edit",
                                                   R"({"file_path":"/home/dev/src/app/a.cpp"})");
  std::string line = codepulse::test::tool_result_line(
      "toolu_fail", "Error: String to replace not found", "\"Error: String to replace not found\"");
  codepulse::test::write_file(f.file("p/s.jsonl"), assistant_line(edit) + "\n");
  f.scan();
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 1);
  codepulse::test::append_file(f.file("p/s.jsonl"), line + "\n");
  const ScanStats s = f.scan();
  CHECK(s.tool_results == 1);
  CHECK(f.sql_int("SELECT count(*) FROM pending_results") == 0);
}

namespace {

std::string journal_mode(LocalStore& store) {
  auto st = store.database().prepare("PRAGMA journal_mode");
  REQUIRE(st);
  auto row = st->step();
  REQUIRE(row);
  REQUIRE(*row);
  return std::string(st->text(0));
}

UsageRecord bare_record(const std::string& id) {
  UsageRecord r;
  r.message_id = id;
  r.request_id = "req_" + id;
  r.dedupe_key = r.message_id + "\x1f" + r.request_id;
  r.timestamp_ms = 1767225600000;
  r.model = "claude-sonnet-4-5";
  r.output = 5;
  return r;
}

}  // namespace

TEST_CASE("an empty store is filled with a rollback journal, then runs in WAL mode", "[scan]") {
  Fixture f;
  {
    auto store = LocalStore::open(f.state);
    REQUIRE(store);
    CHECK(journal_mode(*store) == "delete");  // empty: the bulk load writes pages once
  }
  std::string log;
  for (int i = 0; i < 5; ++i)
    log += assistant_line(spec("msg_j" + std::to_string(i), 10)) + "\n";
  codepulse::test::write_file(f.file("-home-dev-app/s1.jsonl"), log);
  CHECK(f.scan().records_new == 5);
  // Seen by a reader, which never sets the mode: the scan's commit did.
  auto reader = LocalStore::open(f.state, /*writer=*/false);
  REQUIRE(reader);
  CHECK(journal_mode(*reader) == "wal");
}

TEST_CASE("an empty store held open by a reader is filled in WAL mode", "[scan]") {
  Fixture f;
  { REQUIRE(LocalStore::open(f.state)); }  // an empty store, left in rollback mode
  // Another connection puts it in WAL mode and keeps it open: the writer
  // cannot leave WAL mode, and must neither fail nor wait for it.
  auto other = sql::Database::open(f.state + "/tracker.db", /*create=*/false);
  REQUIRE(other);
  REQUIRE(other->exec("PRAGMA journal_mode=WAL"));
  REQUIRE(other->scalar("SELECT count(*) FROM usage_records"));
  {
    auto store = LocalStore::open(f.state);
    REQUIRE(store);
    CHECK(journal_mode(*store) == "wal");
  }
  codepulse::test::write_file(f.file("-home-dev-app/s1.jsonl"),
                              assistant_line(spec("msg_w", 10)) + "\n");
  CHECK(f.scan().records_new == 1);
  CHECK(*other->scalar("SELECT count(*) FROM usage_records") == 1);
}

TEST_CASE("a bulk load killed before its commit leaves an empty store that fills again", "[scan]") {
  Fixture f;
  REQUIRE(LocalStore::prepare_state_dir(f.state));
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Writes a record into the empty store, then dies without committing.
    auto store = LocalStore::open(f.state);
    if (!store || !store->begin() || !store->upsert(bare_record("msg_lost"))) ::_exit(2);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(::access((f.state + "/tracker.db-journal").c_str(), F_OK) == 0);  // the hot journal
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 0);
  codepulse::test::write_file(f.file("-home-dev-app/s1.jsonl"),
                              assistant_line(spec("msg_kept", 10)) + "\n");
  CHECK(f.scan().records_new == 1);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE message_id = 'msg_lost'") == 0);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 1);
}
