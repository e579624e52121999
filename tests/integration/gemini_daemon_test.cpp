// The daemon over Gemini CLI sessions being written: appended messages,
// their copies with tool calls, a subagent folder made later and a legacy
// .json rewritten in place, with kill -9 at random moments: nothing lost,
// nothing counted twice, offsets kept across restarts.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <random>

#include "tests/corpus/gemini_lines.hpp"
#include "tests/support/gemini_tree.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;
namespace gl = codepulse::bench::gemini;

namespace {

int64_t sql_int(const std::string& db, const std::string& query) {
  auto r = run({"sqlite3", "-readonly", db, query});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  return std::stoll(r.out);
}

}  // namespace

TEST_CASE("gemini-cli: a daemon killed at random moments neither loses nor duplicates",
          "[daemon][crash][gemini]") {
  GeminiTree tree;
  const std::string chats = tree.project("app", "/src/app");
  const std::string db = tree.state + "/tracker.db";
  const std::vector<std::string> argv = {tracker_bin(),     "run",
                                         "--assistant",     "gemini-cli",
                                         "--assistant-dir", "gemini-cli=" + tree.gemini,
                                         "--state",         tree.state,
                                         "--debounce",      "50ms",
                                         "--author",        "dev@x"};
  const std::vector<std::string> env = {"HOME=" + tree.dir.path()};
  const std::string main_log = chats + "/session-2026-12-05T00-00-d0000001.jsonl";
  const std::string legacy = chats + "/session-2026-12-05T00-00-d0000002.json";
  write_file(main_log, gemini_session_start("d0000001-m", 1796428800000, "/src/app"));
  std::vector<std::string> legacy_messages;
  std::mt19937 rng(2121);
  int64_t next = 0, expected_output = 0;
  auto message = [&](int64_t output) {
    gl::GeminiMessage m;
    m.id = "m" + std::to_string(next++);
    m.ts_ms = 1796428800000 + next * 1000;
    m.tokens = {100, output, 0, 0, 0};
    m.model = "gemini-2.5-flash";
    expected_output += output;
    return m;
  };
  const int rounds = 12;
  for (int round = 0; round < rounds; ++round) {
    Process p(argv, env, tree.dir / "crash");
    for (int k = 0; k < 3; ++k) {
      gl::GeminiMessage m = message(10 + next);
      gl::ToolCall c;
      c.kind = gl::ToolCall::Kind::kReadFile;
      c.id = "c" + m.id;
      c.path = "a.txt";
      c.text = "contents";
      m.calls = {c};
      append_file(main_log, gemini_message_lines(m));
    }
    // A subagent's session, in a folder made while the daemon runs.
    const std::string sub = "s" + std::to_string(round);
    write_file(chats + "/d0000001-m/" + sub + ".jsonl",
               gl::header_line(sub, "hash", 1796428800000, true, {"/src/app"}) + "\n" +
                   gemini_message_lines(message(7)));
    // The legacy session rewritten whole, one message more each time.
    legacy_messages.push_back(gl::gemini_json(message(3)));
    write_file(legacy,
               gl::legacy_session_json("d0000002-j", "hash", 1796428800000, legacy_messages));
    // Half a line, finished after a random pause.
    const std::string torn = gl::gemini_json(message(5)) + "\n";
    append_file(main_log, torn.substr(0, torn.size() / 2));
    ::usleep(static_cast<useconds_t>(rng() % 150'000));
    append_file(main_log, torn.substr(torn.size() / 2));
    if (round == 0)
      REQUIRE(eventually(kPatienceMs,
                         [&] { return sql_int(db, "SELECT count(*) FROM usage_records") > 0; }));
    p.signal(SIGKILL);
    p.wait(2000);
  }
  auto records = [&] { return sql_int(db, "SELECT count(*) FROM usage_records"); };
  auto output = [&] { return sql_int(db, "SELECT sum(output) FROM usage_records"); };
  CHECK(records() <= next);
  CHECK(sql_int(db, "SELECT count(DISTINCT message_id) FROM usage_records") == records());
  {
    Process p(argv, env, tree.dir / "last");
    CHECK(
        eventually(kPatienceMs, [&] { return records() == next && output() == expected_output; }));
    p.signal(SIGTERM);
    CHECK(p.wait(10000) == 0);
  }
  CHECK(records() == next);
  CHECK(output() == expected_output);
  CHECK(sql_int(db, "SELECT count(*) FROM usage_records WHERE assistant <> 'gemini-cli'") == 0);
  CHECK(sql_int(db, "SELECT count(*) FROM usage_records WHERE sidechain = 1") == rounds);
  // A scan afterwards finds nothing new.
  const std::string stats = tree.scan();
  CHECK(GeminiTree::stat(stats, "records_new") == 0);
  CHECK(GeminiTree::stat(stats, "records_updated") == 0);
}
