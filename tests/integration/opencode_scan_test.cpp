// The real `codepulse-tracker scan` over an OpenCode data folder
// (--assistant-dir opencode=DIR): databases made with OpenCode's own DDL and
// written as opencode-ai 1.18.33 writes them, legacy message files beside
// them, a writer at work while scans run, a locked and a corrupt database,
// and canaries in every text OpenCode keeps.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "common/pricing/pricer.hpp"
#include "common/record/assistant.hpp"
#include "tests/support/opencode_db.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/flow/scanner.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

// 2026-12-05 02:00 UTC and a day later.
constexpr int64_t kDay1 = 1796436000000;
constexpr int64_t kDay2 = kDay1 + 86400000;

struct Folder {
  TempDir dir;
  std::string data = dir / "share/opencode";
  std::string state = dir / "state";
  Folder() { make_dirs(data); }

  CommandResult scan() const {
    return run({tracker_bin(), "scan", "--assistant", "opencode", "--assistant-dir",
                "opencode=" + data, "--state", state, "--json", "--set", "git_metadata=false"});
  }
  std::map<std::string, DayModelRow> report() const {
    auto r = run(
        {tracker_bin(), "report", "--state", state, "--group-by", "date,model", "--format", "csv"});
    REQUIRE(r.exit_code == 0);
    return parse_day_model_csv(r.out);
  }
};

int64_t json_count(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  REQUIRE(at != std::string::npos);
  return std::stoll(json.substr(at + key.size() + 3));
}

// A turn of OpenCode: user message, assistant message, a step per entry of
// `steps` (each with a read call), the message's tokens the last step's.
void turn(OpenCodeDb& db, const std::string& session, const std::string& id, int64_t at,
          const std::vector<OcTokens>& steps, const std::string& model = "claude-sonnet-4-5",
          const std::string& cwd = "/w") {
  db.message(session, id + "u", at, oc_user_message(at));
  db.part(session, id + "u", "prt_" + id + "u", at, oc_text_part("go"));
  db.message(session, id + "a", at + 1,
             oc_assistant_message(id + "u", at + 1, cwd, OcTokens{}, model, "anthropic", false));
  int n = 0;
  for (const OcTokens& t : steps) {
    const std::string p = "prt_" + id + "a" + std::to_string(n++);
    db.part(session, id + "a", p + "0", at + 2, oc_step_start());
    db.part(
        session, id + "a", p + "1", at + 3,
        oc_tool_part("read", "toolu_" + p, "completed", R"({"filePath":")" + cwd + R"(/a.c"})"));
    db.part(session, id + "a", p + "2", at + 4, oc_step_finish(t));
  }
  db.message(session, id + "a", at + 1,
             oc_assistant_message(id + "u", at + 1, cwd, steps.back(), model, "anthropic"));
}

std::string state_bytes(const std::string& state) {
  std::string all;
  for (const std::string& f : list_files(state))
    all += read_file(f);
  return all;
}

}  // namespace

TEST_CASE("scan reads an OpenCode data folder: totals per day and model, then only what is new",
          "[opencode][scan]") {
  Folder f;
  {
    OpenCodeDb db(f.data + "/opencode.db");
    db.session("ses_1", "/w");
    db.session("ses_2", "/w", "ses_1", "sub job (@general subagent)");
    turn(db, "ses_1", "msg_1", kDay1, {{1500, 70, 0, 2400, 600}});
    turn(db, "ses_2", "msg_2", kDay1 + 5000, {{900, 15, 0, 0, 200}});
    turn(db, "ses_1", "msg_3", kDay2, {{300, 20, 10, 3900, 0}}, "gpt-5.5");
  }
  // A legacy file of a message the database holds (the database wins), and
  // one of a message it does not.
  write_file(
      f.data + "/storage/message/ses_1/msg_1a.json",
      R"({"id":"msg_1a","sessionID":"ses_1","role":"assistant","parentID":"msg_1u","path":{"cwd":"/w","root":"/w"},"tokens":{"input":1500,"output":70,"reasoning":0,"cache":{"write":600,"read":2400}},"modelID":"claude-sonnet-4-5","providerID":"anthropic","time":{"created":)" +
          std::to_string(kDay1 + 1) + "}}");
  write_file(
      f.data + "/storage/message/ses_0/msg_0a.json",
      R"({"id":"msg_0a","sessionID":"ses_0","role":"assistant","tokens":{"input":7,"output":3,"reasoning":0,"cache":{"write":0,"read":0}},"modelID":"claude-sonnet-4-5","providerID":"anthropic","time":{"created":)" +
          std::to_string(kDay1 + 9) + "}}");
  write_file(f.data + "/opencode.db.bak", "an old copy: never read");

  auto first = f.scan();
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(json_count(first.out, "records_new") == 4);
  CHECK(json_count(first.out, "skipped_files") == 0);
  auto rows = f.report();
  for (const auto& [key, row] : rows)
    UNSCOPED_INFO(key << ": " << row.requests << " requests");
  REQUIRE(rows.size() == 2);
  const DayModelRow& claude = rows.at("2026-12-05|claude-sonnet-4-5");
  CHECK(claude.requests == 3);
  CHECK(claude.input == 1500 + 900 + 7);
  CHECK(claude.output == 70 + 15 + 3);
  CHECK(claude.cache_create == 600 + 200);
  CHECK(claude.cache_read == 2400);
  const DayModelRow& gpt = rows.at("2026-12-06|gpt-5.5");
  CHECK(gpt.requests == 1);
  CHECK(gpt.output == 30);  // output 20 + reasoning 10
  CHECK(gpt.cache_read == 3900);
  CHECK_FALSE(gpt.cost_cents.empty());  // priced with our book

  auto by_assistant = run({tracker_bin(), "report", "--state", f.state, "--group-by",
                           "assistant,session", "--format", "csv"});
  CHECK(by_assistant.out.find("opencode,ses_1") != std::string::npos);
  CHECK(by_assistant.out.find("ses_2") == std::string::npos);  // the subagent's is its parent's

  // Nothing changed: nothing is read.
  auto again = f.scan();
  REQUIRE(again.exit_code == 0);
  CHECK(json_count(again.out, "bytes_read") == 0);
  CHECK(json_count(again.out, "records_new") == 0);

  // A new turn: read, and only it is new.
  {
    OpenCodeDb db(f.data + "/opencode.db", true);
    turn(db, "ses_1", "msg_4", kDay2 + 60000, {{11, 1}, {22, 2}});
  }
  auto third = f.scan();
  REQUIRE(third.exit_code == 0);
  CHECK(json_count(third.out, "records_new") == 2);  // a record per step
  CHECK(json_count(third.out, "bytes_read") < json_count(first.out, "bytes_read"));
  CHECK(f.report().at("2026-12-06|claude-sonnet-4-5").input == 33);
}

TEST_CASE("scan of an OpenCode database its writer is filling counts each call once",
          "[opencode][scan]") {
  Folder f;
  const std::string path = f.data + "/opencode.db";
  { OpenCodeDb made(path); }
  constexpr int kTurns = 120;
  std::atomic<bool> done{false};
  std::string failed;  // Catch's assertions are for this thread only
  std::thread writer([&] {
    try {
      OpenCodeDb db(path);
      db.session("ses_1", "/w");
      for (int n = 1; n <= kTurns; ++n)
        turn(db, "ses_1", "msg_" + std::to_string(1000 + n), kDay1 + n * 1000, {{n, 1}});
    } catch (const std::exception& e) {
      failed = e.what();
    }
    done = true;
  });
  int scans = 0;
  while (!done) {
    auto s = f.scan();
    REQUIRE(s.exit_code == 0);
    ++scans;
  }
  writer.join();
  REQUIRE(failed.empty());
  REQUIRE(f.scan().exit_code == 0);
  INFO("scans while it was written: " << scans);
  const DayModelRow row = f.report().at("2026-12-05|claude-sonnet-4-5");
  CHECK(row.requests == kTurns);
  CHECK(row.input == int64_t{kTurns} * (kTurns + 1) / 2);
}

TEST_CASE("a locked or corrupt OpenCode database is reported with its path, the rest is read",
          "[opencode][scan]") {
  Folder f;
  OpenCodeDb db(f.data + "/opencode.db");
  db.session("ses_1", "/w");
  turn(db, "ses_1", "msg_1", kDay1, {{100, 10}});
  write_file(f.data + "/opencode-beta.db", std::string(4096, '\x7f'));
  write_file(
      f.data + "/storage/message/ses_9/msg_9a.json",
      R"({"role":"assistant","tokens":{"input":5,"output":1,"reasoning":0,"cache":{"write":0,"read":0}},"modelID":"claude-sonnet-4-5","providerID":"anthropic","time":{"created":)" +
          std::to_string(kDay1) + "}}");
  write_file(f.data + "/storage/message/ses_9/msg_9b.json", R"({"role":"assistant","tok)");
  REQUIRE(db.db().exec("PRAGMA locking_mode = EXCLUSIVE"));
  REQUIRE(db.db().exec("BEGIN EXCLUSIVE"));

  auto locked = f.scan();
  INFO(locked.out << locked.err);
  REQUIRE(locked.exit_code == 0);
  CHECK(locked.err.find(f.data + "/opencode.db: ") != std::string::npos);
  CHECK(locked.err.find("database is locked") != std::string::npos);
  CHECK(locked.err.find(f.data + "/opencode-beta.db: ") != std::string::npos);
  CHECK(locked.err.find(f.data + "/storage/message/ses_9/msg_9b.json: malformed") !=
        std::string::npos);
  CHECK(json_count(locked.out, "records_new") == 1);  // the legacy message
  CHECK(json_count(locked.out, "skipped_files") == 2);

  // Unlocked and written again: read, from where it never got.
  REQUIRE(db.db().exec("COMMIT"));
  REQUIRE(db.db().exec("PRAGMA locking_mode = NORMAL"));
  turn(db, "ses_1", "msg_2", kDay1 + 1000, {{200, 20}});
  auto after = f.scan();
  REQUIRE(after.exit_code == 0);
  CHECK(json_count(after.out, "records_new") == 2);
  CHECK(f.report().at("2026-12-05|claude-sonnet-4-5").input == 305);
}

TEST_CASE("no text OpenCode keeps reaches the tracker's store or queue", "[opencode][privacy]") {
  Folder f;
  const std::vector<std::string> canaries = {
      "CANARY-PROMPT-3f1a",  "CANARY-SYSTEM-8c2d", "CANARY-ANSWER-5e7b",  "CANARY-THINK-1b9c",
      "CANARY-CMD-4d6e",     "CANARY-OUT-7a2f",    "CANARY-CONTENT-9e1d", "CANARY-OLD-2c8b",
      "CANARY-NEW-6f3a",     "CANARY-PATCH-0d5e",  "CANARY-DIFF-8b4c",    "CANARY-TITLE-3e9f",
      "CANARY-SUBTASK-7c1a", "CANARY-LEGACY-5b2d", "CANARY-ERROR-4a7e"};
  auto c = [&](size_t i) { return canaries[i]; };
  {
    OpenCodeDb db(f.data + "/opencode.db");
    db.session("ses_1", "/w", "", c(11));
    const int64_t at = kDay1;
    db.message("ses_1", "msg_u", at, oc_user_message(at, c(1), c(10)));
    db.part("ses_1", "msg_u", "prt_u", at, oc_text_part(c(0)));
    db.message("ses_1", "msg_a", at + 1,
               oc_assistant_message("msg_u", at + 1, "/w", {100, 10, 5, 0, 0}));
    db.part("ses_1", "msg_a", "prt_1", at + 2, oc_reasoning_part(c(3)));
    db.part("ses_1", "msg_a", "prt_2", at + 3, oc_text_part(c(2)));
    db.part(
        "ses_1", "msg_a", "prt_3", at + 4,
        oc_tool_part("bash", "toolu_b", "completed",
                     R"({"command":"echo )" + c(4) + R"( && git commit -m x","description":"d"})",
                     "[main abc1234] " + c(5), R"({"output":")" + c(5) + R"("})"));
    db.part("ses_1", "msg_a", "prt_4", at + 5,
            oc_tool_part("write", "toolu_w", "completed",
                         R"({"filePath":"/w/notes.md","content":")" + c(6) + R"(\n"})", c(5),
                         R"({"exists":false,"filepath":"/w/notes.md"})"));
    db.part("ses_1", "msg_a", "prt_5", at + 6,
            oc_tool_part("edit", "toolu_e", "completed",
                         R"({"filePath":"/w/notes.md","oldString":")" + c(7) +
                             R"(","newString":")" + c(8) + R"("})",
                         c(5),
                         R"({"diff":")" + c(9) + R"(","filediff":{"file":"/w/notes.md","patch":")" +
                             c(9) + R"(","additions":1,"deletions":1}})"));
    db.part(
        "ses_1", "msg_a", "prt_6", at + 7,
        oc_tool_part(
            "apply_patch", "call_p", "completed",
            R"({"patchText":"*** Begin Patch\n*** Add File: /w/b.md\n+)" + c(9) +
                R"(\n*** End Patch"})",
            c(5),
            R"({"diff":")" + c(9) +
                R"(","files":[{"filePath":"/w/b.md","relativePath":"b.md","type":"add","patch":")" +
                c(9) + R"(","additions":1,"deletions":0}]})"));
    db.part(
        "ses_1", "msg_a", "prt_7", at + 8,
        oc_tool_part("task", "toolu_t", "error",
                     R"({"description":"d","prompt":")" + c(12) + R"(","subagent_type":"general"})",
                     c(14)));
    db.part("ses_1", "msg_a", "prt_8", at + 9, oc_step_finish({100, 10, 5, 0, 0}));
    db.part("ses_1", "msg_a", "prt_9", at + 10, oc_patch_part("/w/notes.md"));
    db.message("ses_1", "msg_a", at + 1,
               oc_assistant_message("msg_u", at + 1, "/w", {100, 10, 5, 0, 0}));
  }
  write_file(
      f.data + "/storage/message/ses_0/msg_0a.json",
      R"({"id":"msg_0a","role":"assistant","system":[")" + c(13) +
          R"("],"tokens":{"input":1,"output":1,"reasoning":0,"cache":{"write":0,"read":0}},"modelID":"m","providerID":"p","time":{"created":1}})");
  auto scan = f.scan();
  INFO(scan.out << scan.err);
  REQUIRE(scan.exit_code == 0);
  CHECK(json_count(scan.out, "records_new") == 2);
  auto show = run({tracker_bin(), "queue", "show", "--state", f.state, "--json"});
  REQUIRE(show.exit_code == 0);
  const std::string stored = state_bytes(f.state);
  for (const std::string& canary : canaries) {
    INFO(canary);
    CHECK(stored.find(canary) == std::string::npos);
    CHECK(show.out.find(canary) == std::string::npos);
    CHECK((scan.out + scan.err).find(canary) == std::string::npos);
  }
  // What is kept instead: the files (relative to the session's folder), the
  // commit and its sha.
  CHECK(show.out.find("\"notes.md\"") != std::string::npos);
  CHECK(show.out.find("\"b.md\"") != std::string::npos);
  CHECK(show.out.find("\"abc1234\"") != std::string::npos);
}

TEST_CASE(
    "a change of an OpenCode database's -wal file reads the database, no change reads nothing",
    "[opencode][scan]") {
  Folder f;
  OpenCodeDb db(f.data + "/opencode.db");
  db.session("ses_1", "/w");
  turn(db, "ses_1", "msg_1", kDay1, {{100, 10}});
  auto store = tracker::LocalStore::open(f.state);
  REQUIRE(store);
  tracker::ScanOptions o;
  o.sources.add_root(kOpenCode, f.data);
  tracker::Scanner scanner(*store, Pricer::builtin(), o);
  tracker::ScanStats first;
  // The watcher hears of opencode.db-wal: OpenCode's writes land there.
  REQUIRE(scanner.scan_path(f.data + "/opencode.db-wal", first));
  REQUIRE(scanner.commit());
  CHECK(first.records_new == 1);
  CHECK(first.bytes_read > 0);
  tracker::ScanStats idle;
  REQUIRE(scanner.scan_path(f.data + "/opencode.db-wal", idle));
  REQUIRE(scanner.scan_path(f.data + "/opencode.db", idle));
  CHECK(idle.bytes_read == 0);
  CHECK(idle.lines == 0);
  turn(db, "ses_1", "msg_2", kDay1 + 1000, {{200, 20}});
  tracker::ScanStats next;
  REQUIRE(scanner.scan_path(f.data + "/opencode.db-wal", next));
  REQUIRE(scanner.commit());
  CHECK(next.records_new == 1);
  CHECK(scanner.problems().empty());
  // A checkpoint moves the rows into the database file: nothing new to count.
  REQUIRE(db.db().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  tracker::ScanStats moved;
  REQUIRE(scanner.scan_path(f.data + "/opencode.db", moved));
  REQUIRE(scanner.commit());
  CHECK(moved.records_new == 0);
  CHECK(f.report().at("2026-12-05|claude-sonnet-4-5").input == 300);
}

TEST_CASE("a scan of an OpenCode database killed midway loses and doubles nothing",
          "[opencode][scan][crash]") {
  Folder f;
  constexpr int kTurns = 3000;
  {
    OpenCodeDb db(f.data + "/opencode.db");
    db.session("ses_1", "/w");
    for (int n = 1; n <= kTurns; ++n) {
      const std::string m = "msg_" + std::to_string(100000 + n);
      const int64_t at = kDay1 + n;
      db.part("ses_1", m, "prt_" + m, at, oc_step_finish({n, 1}));
      db.message("ses_1", m, at, oc_assistant_message("u", at, "/w", {n, 1}));
    }
  }
  for (int delay_ms : {5, 20, 60}) {
    Process p({tracker_bin(), "scan", "--assistant", "opencode", "--assistant-dir",
               "opencode=" + f.data, "--state", f.state, "--quiet", "--set", "git_metadata=false"},
              {}, f.dir / "killed");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    p.signal(SIGKILL);
    p.wait(kPatienceMs);
  }
  REQUIRE(f.scan().exit_code == 0);
  const DayModelRow row = f.report().at("2026-12-05|claude-sonnet-4-5");
  CHECK(row.requests == kTurns);
  CHECK(row.input == int64_t{kTurns} * (kTurns + 1) / 2);
}
