// A full scan read on a second thread (flow/scan_reader.hpp) stores exactly
// what the one-thread scan stores: every row of every table, the counts and
// the problems, on a generated corpus and on the cases where the reader
// cannot decide alone (tool results for calls made in another file or in an
// earlier scan, the last line without its newline), with bad, oversized and
// torn lines, line provenance on, and chunks cut after every request.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "tests/corpus/generator.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/flow/scanner.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::AssistantSpec;
using codepulse::test::TempDir;

namespace {

// A time of this run (rows record when they were made): not compared.
std::string cell(std::string_view text, int64_t now_ms) {
  int64_t v = 0;
  const bool number = !text.empty() && text.size() <= 18 &&
                      text.find_first_not_of("0123456789") == std::string_view::npos;
  if (number) v = std::stoll(std::string(text));
  if (number && v > now_ms - 3'600'000 && v < now_ms + 3'600'000) return "(now)";
  return std::string(text);
}

// Every row of every table, each as its columns' text, sorted per table;
// the store's random device id left out.
std::string dump_store(LocalStore& store) {
  const int64_t now_ms = now_utc_ms();
  sql::Database& db = store.database();
  auto tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
  REQUIRE(tables);
  std::vector<std::string> names;
  while (true) {
    auto row = tables->step();
    REQUIRE(row);
    if (!*row) break;
    names.emplace_back(tables->text(0));
  }
  std::string out;
  for (const std::string& name : names) {
    if (name == "tracker_meta") continue;
    auto rows = db.prepare("SELECT * FROM \"" + name + "\"");
    REQUIRE(rows);
    std::vector<std::string> lines;
    while (true) {
      auto row = rows->step();
      REQUIRE(row);
      if (!*row) break;
      std::string line;
      for (int c = 0; c < rows->columns(); ++c) {
        line += rows->is_null(c) ? std::string("NULL") : cell(rows->text(c), now_ms);
        line += '|';
      }
      lines.push_back(std::move(line));
    }
    std::sort(lines.begin(), lines.end());
    out += "== " + name + " (" + std::to_string(lines.size()) + " rows)\n";
    for (const std::string& l : lines)
      out += l + "\n";
  }
  return out;
}

struct Outcome {
  std::string rows;
  std::string stats;
  std::vector<std::string> problems;
};

std::string stats_text(const ScanStats& s) {
  return "files " + std::to_string(s.files) + " bytes " + std::to_string(s.bytes_read) + " lines " +
         std::to_string(s.lines) + " new " + std::to_string(s.records_new) + " advisors " +
         std::to_string(s.advisor_records_new) + " updated " + std::to_string(s.records_updated) +
         " dup " + std::to_string(s.duplicates) + " malformed " +
         std::to_string(s.malformed_lines) + " synthetic " + std::to_string(s.synthetic_lines) +
         " skipped " + std::to_string(s.skipped_files) + " reset " + std::to_string(s.files_reset) +
         " unpriced " + std::to_string(s.unpriced_records) + " results " +
         std::to_string(s.tool_results) + " changes " + std::to_string(s.changes_fingerprinted);
}

ScanOptions scan_options(const std::vector<std::string>& projects, bool parallel) {
  ScanOptions o;
  o.projects_dirs = projects;
  o.strip.author = "dev@example.com";
  o.line_key = std::string(32, 'k');
  o.limits.max_line_bytes = 64 * 1024;
  o.parallel = parallel;
  o.parallel_chunk_requests = 1;  // a chunk per request: every hand-over path taken
  return o;
}

// Scans `projects` into the store in `state`, on one thread or two.
Outcome scan(const std::vector<std::string>& projects, const std::string& state, bool parallel) {
  auto store = LocalStore::open(state);
  REQUIRE(store);
  Scanner scanner(*store, Pricer::builtin(), scan_options(projects, parallel));
  auto stats = scanner.scan_all();
  REQUIRE(stats);
  Outcome out;
  out.stats = stats_text(*stats);
  for (const Problem& p : scanner.problems())
    out.problems.push_back(p.path + ": " + p.message);
  out.rows = dump_store(*store);
  return out;
}

AssistantSpec request(const std::string& id, const std::string& tool_json = "") {
  AssistantSpec s;
  s.message_id = id;
  s.request_id = "req_" + id;
  s.uuid = "line-" + id;
  s.output = 10 + static_cast<long long>(id.size());
  s.tool_json = tool_json;
  return s;
}

std::string edit_call(const std::string& id, const std::string& file) {
  return codepulse::test::tool_use_block(
      id, "Edit",
      R"({"file_path":"/home/dev/src/app/)" + file +
          R"(","old_string":"int a = 1;","new_string":"int a = 2;\nint b = 3;\nreturn a + b;"})");
}

std::string commit_call(const std::string& id) {
  return codepulse::test::tool_use_block(id, "Bash", R"({"command":"git commit -m wip"})");
}

std::string patch_result(const std::string& id, const std::string& uuid) {
  return codepulse::test::tool_result_line(
      id, "ok", R"({"filePath":"/x","structuredPatch":[{"lines":["+a","+b","-c"," d"]}]})", uuid);
}

std::string commit_result(const std::string& id, const std::string& sha, const std::string& uuid) {
  return codepulse::test::tool_result_line(
      id, "ok", R"({"stdout":"[main )" + sha + R"(] wip\n","stderr":""})", uuid);
}

void require_same(const Outcome& one, const Outcome& two) {
  CHECK(one.stats == two.stats);
  CHECK(one.problems == two.problems);
  CHECK(one.rows == two.rows);
}

}  // namespace

TEST_CASE("a scan read on a second thread stores what a one-thread scan stores",
          "[scan][parallel]") {
  TempDir dir;
  const std::string projects = dir / "claude/projects";
  const std::string app = projects + "/-home-dev-src-app/";
  using codepulse::test::append_file;
  using codepulse::test::assistant_line;
  using codepulse::test::write_file;

  // First run: a call left waiting for its result, answered by a file the
  // second run finds (pending from before that scan).
  write_file(app + "a0.jsonl", assistant_line(request("msg_old", commit_call("toolu_old"))) + "\n");
  TempDir state_one, state_two;
  const Outcome first_one = scan({projects}, state_one.path(), false);
  const Outcome first_two = scan({projects}, state_two.path(), true);
  require_same(first_one, first_two);

  // a1: calls answered in the same file (the reader parses them), calls
  // answered in a2 (the writer reads those again), a turn, bad lines.
  std::string a1 = codepulse::test::user_prompt_line("turn-1", "please edit") + "\n";
  a1 += assistant_line(request("msg_e1", edit_call("toolu_e1", "src/one.cpp"))) + "\n";
  a1 += patch_result("toolu_e1", "res-e1") + "\n";
  a1 += assistant_line(request("msg_e2", edit_call("toolu_e2", "src/two.cpp"))) + "\n";
  a1 += assistant_line(request("msg_c1", commit_call("toolu_c1"))) + "\n";
  a1 += "{\"type\":\"assistant\",\"message\":{\"usage\":\n";  // torn
  a1 += "not json at all\n";
  a1 +=
      "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\""
      ":\"toolu_nobody\"}]}\n";  // a result no one waits for, torn
  AssistantSpec split = request("msg_split", edit_call("toolu_s", "src/three.cpp"));
  a1 += assistant_line(split) + "\n";
  split.uuid = "line-msg_split-2";
  split.output = 99;
  split.tool_json = "";
  a1 += assistant_line(split) + "\n";  // the same request streamed again
  write_file(app + "a1.jsonl", a1);

  // a2: answers for a1's calls and for the first run's call; an oversized
  // line; the last line a complete result without its newline.
  std::string a2 = commit_result("toolu_c1", "1a2b3c4", "res-c1") + "\n";
  a2 += commit_result("toolu_old", "9f8e7d6", "res-old") + "\n";
  a2 += "{\"type\":\"user\",\"pad\":\"" + std::string(100 * 1024, 'x') + "\"}\n";
  a2 += assistant_line(request("msg_after_long")) + "\n";
  a2 += patch_result("toolu_s", "res-s") + "\n";
  a2 += patch_result("toolu_e2", "res-e2");  // no newline: complete, taken
  write_file(app + "a2.jsonl", a2);

  // a3: a prompt and requests, and an incomplete last line (left for later).
  std::string a3 = codepulse::test::user_prompt_line("turn-3", "more") + "\n";
  for (int i = 0; i < 5; ++i)
    a3 += assistant_line(request("msg_a3_" + std::to_string(i))) + "\n";
  a3 += "{\"type\":\"assistant\",\"mess";
  write_file(app + "a3.jsonl", a3);

  // And a generated corpus around them.
  bench::CorpusOptions corpus;
  corpus.seed = 11;
  corpus.target_bytes = 3u << 20;
  corpus.root = dir / "generated";
  bench::generate_corpus(corpus);

  const std::vector<std::string> both = {projects, corpus.root + "/projects"};
  const Outcome one = scan(both, state_one.path(), false);
  const Outcome two = scan(both, state_two.path(), true);
  require_same(one, two);
  // The cases above happened as intended (one-thread scan as the reference).
  auto store = LocalStore::open(state_two.path());
  REQUIRE(store);
  auto count = [&](const char* q) {
    auto v = store->database().scalar(q);
    REQUIRE(v);
    return *v;
  };
  CHECK(count("SELECT count(*) FROM usage_records r, json_each(r.tools) t "
              "WHERE t.value->>'sha' IN ('1a2b3c4', '9f8e7d6')") == 2);
  CHECK(count("SELECT count(*) FROM usage_records r, json_each(r.tools) t "
              "WHERE t.value->>'id' IN ('toolu_e1','toolu_e2','toolu_s') "
              "AND t.value->>'added' = 2") == 3);
  CHECK(count("SELECT count(*) FROM usage_records WHERE turn_id = 'turn-1'") >= 3);
  CHECK(count("SELECT count(*) FROM usage_records WHERE message_id = 'msg_after_long'") == 1);
  CHECK(one.stats.find("malformed 0 ") == std::string::npos);

  // Appends after the parallel scan: both read on from the same offsets.
  append_file(app + "a3.jsonl", "sage\":1}\n" + assistant_line(request("msg_a3_late")) + "\n");
  append_file(app + "a1.jsonl", assistant_line(request("msg_a1_late")) + "\n");
  require_same(scan(both, state_one.path(), false), scan(both, state_two.path(), true));
}

namespace {

// Says stop from the third question on (Scanner::set_interrupt takes a
// plain function).
std::atomic<int> interrupt_questions{0};
bool interrupt_after_two() {
  return ++interrupt_questions > 2;
}

}  // namespace

TEST_CASE("a scan on two threads stopped between files reads the rest next time",
          "[scan][parallel]") {
  TempDir dir;
  bench::CorpusOptions corpus;
  corpus.seed = 5;
  corpus.target_bytes = 2u << 20;
  corpus.root = dir / "generated";
  bench::generate_corpus(corpus);
  const std::vector<std::string> projects = {corpus.root + "/projects"};
  TempDir whole, stopped;
  const Outcome one = scan(projects, whole.path(), false);
  {
    auto store = LocalStore::open(stopped.path());
    REQUIRE(store);
    Scanner scanner(*store, Pricer::builtin(), scan_options(projects, true));
    interrupt_questions = 0;
    scanner.set_interrupt(&interrupt_after_two);
    auto stats = scanner.scan_all();
    REQUIRE(stats);
    CHECK(stats->records_new > 0);  // the first files are in
    CHECK(dump_store(*store) != one.rows);
  }
  const Outcome rest = scan(projects, stopped.path(), true);
  CHECK(rest.rows == one.rows);
}

namespace {

// Truncates shrink_path when the writer is about to start the second file
// (the reader, one chunk ahead, has read it whole by then).
std::string shrink_path;
std::atomic<int> shrink_questions{0};
bool shrink_second_file() {
  if (++shrink_questions == 2) REQUIRE(::truncate(shrink_path.c_str(), 0) == 0);
  return false;
}

}  // namespace

TEST_CASE(
    "a read error undoes only its file's part, whether or not that file had written to the "
    "store",
    "[scan][parallel][faults]") {
  // b.jsonl answers a call a.jsonl made; the writer reads that result again
  // from b.jsonl, which has shrunk to nothing by then: a read error. With a
  // batch of one record, b's records meet the store before the error (the
  // file's savepoint is opened and rolled back); with the default batch
  // nothing of b is written before it (no savepoint: its batch is dropped).
  const size_t batch = GENERATE(size_t{1}, size_t{20000});
  INFO("records per batch " << batch);
  TempDir dir;
  const std::string projects = dir / "projects";
  codepulse::test::make_dirs(projects + "/p");
  const std::string a = codepulse::test::assistant_line(request("a1", edit_call("toolu_x", "f.c")));
  const std::string b = codepulse::test::assistant_line(request("b1")) + "\n" +
                        codepulse::test::assistant_line(request("b2")) + "\n" +
                        patch_result("toolu_x", "res-x") + "\n" +
                        codepulse::test::assistant_line(request("b3")) + "\n";
  codepulse::test::write_file(projects + "/p/a.jsonl", a + "\n");
  codepulse::test::write_file(projects + "/p/b.jsonl", b);

  const std::string state = dir / "state";
  {
    auto store = LocalStore::open(state);
    REQUIRE(store);
    ScanOptions o = scan_options({projects}, true);
    o.parallel_chunk_requests = 512;  // both files in one chunk, read before any is written
    o.max_batch_records = batch;
    Scanner scanner(*store, Pricer::builtin(), o);
    shrink_path = projects + "/p/b.jsonl";
    shrink_questions = 0;
    scanner.set_interrupt(&shrink_second_file);
    auto stats = scanner.scan_all();
    REQUIRE(stats);
    CHECK(stats->skipped_files == 1);
    CHECK(stats->records_new == (batch == 1 ? 3 : 1));  // b1 and b2 were written, then undone
    REQUIRE(scanner.problems().size() == 1);
    CHECK(scanner.problems()[0].path == shrink_path);
    CHECK(scanner.problems()[0].message.find("shrank") != std::string::npos);
    auto count = [&](const char* sql) {
      auto n = store->database().scalar(sql);
      REQUIRE(n);
      return *n;
    };
    CHECK(count("SELECT count(*) FROM usage_records") == 1);  // a1 only
    CHECK(count("SELECT count(*) FROM pending_results WHERE tool_use_id = 'toolu_x'") == 1);
    CHECK(count("SELECT count(*) FROM tail_files WHERE path LIKE '%b.jsonl'") == 0);
  }
  // b.jsonl written again: read whole, its result answers a1's call, and the
  // store is what a scan that never met the error makes.
  codepulse::test::write_file(projects + "/p/b.jsonl", b);
  const Outcome after = scan({projects}, state, true);
  TempDir clean;
  const Outcome never = scan({projects}, clean.path(), false);
  CHECK(after.rows == never.rows);
  CHECK(after.rows.find("toolu_x") != std::string::npos);
  CHECK(after.rows.find("== pending_results (0 rows)") != std::string::npos);
}
