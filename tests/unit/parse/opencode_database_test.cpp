// OpenCode's database read alongside its writer (tracker/parse/opencode_database.hpp):
// databases made with OpenCode's own DDL and written as it writes them.
#include "tracker/parse/opencode_database.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <thread>

#include "tests/support/opencode_db.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/parse/opencode_database_index.hpp"

using namespace codepulse;
using namespace codepulse::test;
using namespace codepulse::tracker;
using namespace codepulse::tracker::opencode;

namespace {

constexpr int64_t kT0 = 1796437955043;

// One turn: a user message, an assistant message, its parts (a tool call and
// the step-finish), as opencode-ai 1.18.33 writes them in that order.
void turn(OpenCodeDb& db, const std::string& session, int n, const OcTokens& t,
          const std::string& cwd = "/w") {
  const std::string user = "msg_" + std::to_string(n) + "u";
  const std::string asst = "msg_" + std::to_string(n) + "a";
  const int64_t at = kT0 + n * 10000;
  db.message(session, user, at, oc_user_message(at));
  db.part(session, user, "prt_" + std::to_string(n) + "u", at, oc_text_part("do it"));
  db.message(
      session, asst, at + 1,
      oc_assistant_message(user, at + 1, cwd, OcTokens{}, "claude-sonnet-4-5", "anthropic", false));
  db.part(session, asst, "prt_" + std::to_string(n) + "a1", at + 2, oc_step_start());
  db.part(session, asst, "prt_" + std::to_string(n) + "a2", at + 3,
          oc_tool_part("read", "toolu_" + std::to_string(n), "completed",
                       R"({"filePath":")" + cwd + R"(/a.txt"})"));
  db.part(session, asst, "prt_" + std::to_string(n) + "a3", at + 4, oc_step_finish(t));
  db.message(session, asst, at + 1, oc_assistant_message(user, at + 1, cwd, t));
}

// Requests by message id: a re-read replaces.
struct Reads {
  DatabaseReader reader;
  Cursor cursor;
  std::map<std::string, RequestLine> requests;
  std::vector<std::string> bad;
  DatabaseRead last;

  Status read(const std::string& path) {
    last = {};
    return reader.read(
        path, cursor,
        [this](std::vector<RequestLine>& got) {
          for (auto& r : got)
            requests[r.message_id] = r;
          return Status{};
        },
        [this](const std::string& what) { bad.push_back(what); }, last);
  }
  int64_t input() const {
    int64_t sum = 0;
    for (const auto& [id, r] : requests)
      sum += r.tokens.input;
    return sum;
  }
};

}  // namespace

TEST_CASE("an OpenCode database is read whole, then only what changed", "[parse][opencode]") {
  TempDir dir;
  const bool events = GENERATE(true, false);
  INFO("event log: " << events);
  OpenCodeDb db(dir / "opencode.db", events);
  db.session("ses_1", "/w");
  turn(db, "ses_1", 1, {100, 10, 0, 1000, 50});
  turn(db, "ses_1", 2, {200, 20, 5, 2000, 0});
  Reads r;
  REQUIRE(r.read(db.path()));
  CHECK(r.last.whole);
  REQUIRE(r.requests.size() == 2);
  const RequestLine& first = r.requests.at("msg_1a");
  CHECK(first.tokens.input == 100);
  CHECK(first.tokens.cache_read == 1000);
  CHECK(first.tokens.cache_write_5m == 50);
  CHECK(r.requests.at("msg_2a").tokens.output == 25);  // output + reasoning
  CHECK(first.tools.size() == 1);
  CHECK(first.turn_id == "msg_1u");
  CHECK(first.cc_version == "1.18.33");
  CHECK(r.cursor.started);
  CHECK(r.cursor.message_updated > 0);

  // A new turn in another session: read without reading everything again.
  db.session("ses_2", "/v");
  turn(db, "ses_2", 3, {300, 30}, "/v");
  r.requests.clear();
  REQUIRE(r.read(db.path()));
  CHECK_FALSE(r.last.whole);
  REQUIRE(r.requests.count("msg_3a") == 1);
  CHECK(r.requests.at("msg_3a").cwd == "/v");
  if (events) {
    CHECK(r.requests.size() == 1);  // only the session that changed
  }
}

TEST_CASE("an OpenCode message updated after it was read is read again", "[parse][opencode]") {
  TempDir dir;
  OpenCodeDb db(dir / "opencode.db");
  db.session("ses_1", "/w");
  const int64_t at = kT0;
  db.message("ses_1", "msg_u", at, oc_user_message(at));
  db.message("ses_1", "msg_a", at + 1,
             oc_assistant_message("msg_u", at + 1, "/w", OcTokens{}, "claude-sonnet-4-5",
                                  "anthropic", false));
  db.part("ses_1", "msg_a", "prt_1", at + 2,
          oc_tool_part("edit", "toolu_e", "running", R"({"filePath":"/w/x"})"));
  Reads r;
  REQUIRE(r.read(db.path()));
  CHECK(r.requests.empty());  // streaming: no tokens, no finished tool yet

  // The tool finishes, the step ends: the part is written before the message.
  db.part("ses_1", "msg_a", "prt_1", at + 2,
          oc_tool_part("edit", "toolu_e", "completed", R"({"filePath":"/w/x"})", "ok",
                       R"({"filediff":{"additions":3,"deletions":1}})"));
  db.part("ses_1", "msg_a", "prt_2", at + 3, oc_step_finish({40, 4, 0, 400, 0}));
  REQUIRE(r.read(db.path()));
  REQUIRE(r.requests.size() == 1);
  CHECK(r.requests.at("msg_a").tokens.input == 40);
  REQUIRE(r.requests.at("msg_a").tools.size() == 1);
  CHECK(r.requests.at("msg_a").tools[0].lines_added == 3);

  // Then the message gets the tokens and is completed: the same request.
  db.message("ses_1", "msg_a", at + 1,
             oc_assistant_message("msg_u", at + 1, "/w", {40, 4, 0, 400, 0}));
  r.requests.clear();
  REQUIRE(r.read(db.path()));
  REQUIRE(r.requests.size() == 1);
  CHECK(r.requests.at("msg_a").tokens.input == 40);

  // A message of an older OpenCode without step-finish parts: its tokens
  // growing are read again under the same key.
  db.message("ses_1", "msg_b", at + 9, oc_assistant_message("msg_u", at + 9, "/w", {5, 1}));
  REQUIRE(r.read(db.path()));
  CHECK(r.requests.at("msg_b").tokens.input == 5);
  db.message("ses_1", "msg_b", at + 9, oc_assistant_message("msg_u", at + 9, "/w", {50, 10}));
  REQUIRE(r.read(db.path()));
  CHECK(r.requests.at("msg_b").tokens.input == 50);
}

TEST_CASE("OpenCode rows added with a clock set back are read", "[parse][opencode]") {
  TempDir dir;
  const bool events = GENERATE(true, false);
  OpenCodeDb db(dir / "opencode.db", events);
  db.session("ses_1", "/w");
  turn(db, "ses_1", 1, {1, 1});
  Reads r;
  REQUIRE(r.read(db.path()));
  // An hour earlier by the writer's clock.
  const int64_t back = r.cursor.message_updated - 3600000;
  db.message("ses_1", "msg_2a", kT0, oc_assistant_message("msg_1u", kT0, "/w", {2, 2}), back);
  db.part("ses_1", "msg_2a", "prt_2a", kT0, oc_step_finish({2, 2}), back);
  REQUIRE(r.read(db.path()));
  CHECK(r.requests.count("msg_2a") == 1);
  CHECK(r.input() == 3);
}

TEST_CASE("an OpenCode event log that lost its last rows is not followed", "[parse][opencode]") {
  TempDir dir;
  OpenCodeDb db(dir / "opencode.db");
  db.session("ses_1", "/w");
  db.session("ses_2", "/w");
  turn(db, "ses_1", 1, {1, 1});
  turn(db, "ses_2", 2, {2, 2});
  Reads r;
  REQUIRE(r.read(db.path()));
  // OpenCode deletes a session's events when it deletes the session: the row
  // the cursor stands on is gone, and new events reuse its numbers.
  db.drop_events("ses_2");
  turn(db, "ses_1", 3, {3, 3});
  REQUIRE(r.read(db.path()));
  CHECK(r.requests.count("msg_3a") == 1);
  CHECK(r.input() == 6);
}

TEST_CASE("an OpenCode database written while it is read loses and doubles nothing",
          "[parse][opencode]") {
  TempDir dir;
  const std::string path = dir / "opencode.db";
  { OpenCodeDb made(path); }
  constexpr int kTurns = 300;
  std::string failed;  // Catch's assertions are for this thread only
  std::thread writer([&] {
    try {
      OpenCodeDb db(path, true);
      for (int s = 0; s < 3; ++s)
        db.session("ses_" + std::to_string(s), "/w");
      for (int n = 1; n <= kTurns; ++n)
        turn(db, "ses_" + std::to_string(n % 3), n, {n, 1});
    } catch (const std::exception& e) {
      failed = e.what();
    }
  });
  Reads r;
  int reads = 0;
  while (reads < 10000) {
    ++reads;
    REQUIRE(r.read(path));
    if (r.requests.size() == kTurns) break;
    std::this_thread::yield();
  }
  writer.join();
  REQUIRE(failed.empty());
  REQUIRE(r.read(path));
  INFO("reads while written: " << reads);
  CHECK(r.requests.size() == kTurns);
  CHECK(r.input() == int64_t{kTurns} * (kTurns + 1) / 2);
  CHECK(r.bad.empty());
}

TEST_CASE("a locked, corrupt or foreign OpenCode database is an error, the cursor kept",
          "[parse][opencode]") {
  TempDir dir;
  Reads r;
  SECTION("locked by its writer") {
    OpenCodeDb db(dir / "opencode.db");
    db.session("ses_1", "/w");
    turn(db, "ses_1", 1, {1, 1});
    REQUIRE(db.db().exec("PRAGMA locking_mode = EXCLUSIVE"));
    REQUIRE(db.db().exec("BEGIN EXCLUSIVE"));
    const Status s = r.read(db.path());
    REQUIRE_FALSE(s);
    CHECK_THAT(s.error().message, Catch::Contains("locked"));
    CHECK_FALSE(r.cursor.started);
    REQUIRE(db.db().exec("COMMIT"));
    REQUIRE(db.db().exec("PRAGMA locking_mode = NORMAL"));
    turn(db, "ses_1", 2, {2, 2});  // the exclusive lock ends with the next write
    REQUIRE(r.read(db.path()));
    CHECK(r.requests.size() == 2);
  }
  SECTION("not a database") {
    write_file(dir / "opencode.db", std::string(8192, 'x'));
    const Status s = r.read(dir / "opencode.db");
    REQUIRE_FALSE(s);
    CHECK_THAT(s.error().message, Catch::Contains("not a database"));
  }
  SECTION("corrupt pages") {
    {
      OpenCodeDb db(dir / "opencode.db", false);
      db.session("ses_1", "/w");
      for (int n = 1; n <= 40; ++n)
        turn(db, "ses_1", n, {n, 1});
      REQUIRE(db.db().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
      REQUIRE(db.db().exec("PRAGMA journal_mode = DELETE"));
    }
    std::string bytes = read_file(dir / "opencode.db");
    REQUIRE(bytes.size() > 8 * 4096);
    for (size_t i = 4096 * 2; i < bytes.size(); ++i)
      bytes[i] = static_cast<char>(i * 7);
    write_file(dir / "opencode.db", bytes);
    const Status s = r.read(dir / "opencode.db");
    REQUIRE_FALSE(s);
    CHECK_FALSE(r.cursor.started);
  }
  SECTION("another program's database") {
    auto other = sql::Database::open(dir / "opencode-dev.db");
    REQUIRE(other);
    REQUIRE(other->exec("CREATE TABLE notes (id TEXT)"));
    const Status s = r.read(dir / "opencode-dev.db");
    REQUIRE_FALSE(s);
    CHECK_THAT(s.error().message, Catch::Contains("not an OpenCode database"));
  }
}

TEST_CASE("an OpenCode row with broken JSON is reported and passed by", "[parse][opencode]") {
  TempDir dir;
  OpenCodeDb db(dir / "opencode.db");
  db.session("ses_1", "/w");
  turn(db, "ses_1", 1, {1, 1});
  db.message("ses_1", "msg_x", kT0, "{\"role\":\"assistant\",\"tokens\":{\"input\":");
  db.part("ses_1", "msg_1a", "prt_1a9", kT0, R"({"type":"step-finish","tokens":"many"})");
  turn(db, "ses_1", 2, {2, 2});
  Reads r;
  REQUIRE(r.read(db.path()));
  CHECK(r.requests.size() == 2);
  REQUIRE(r.bad.size() == 2);
  std::sort(r.bad.begin(), r.bad.end());
  CHECK_THAT(r.bad[0], Catch::StartsWith("message msg_x: "));
  CHECK_THAT(r.bad[1], Catch::StartsWith("part prt_1a9: "));
}

TEST_CASE("an OpenCode subagent's session names the session that started it", "[parse][opencode]") {
  TempDir dir;
  OpenCodeDb db(dir / "opencode.db");
  db.session("ses_1", "/w");
  db.session("ses_2", "/w", "ses_1", "sub job (@general subagent)");
  db.session("ses_3", "/w", "ses_2");
  turn(db, "ses_3", 1, {1, 1});
  Reads r;
  REQUIRE(r.read(db.path()));
  const RequestLine& q = r.requests.at("msg_1a");
  CHECK(q.session_id == "ses_1");
  CHECK(q.agent_id == "ses_3");
  CHECK(q.sidechain);
}

TEST_CASE("an OpenCode read cursor survives being written and read back", "[parse][opencode]") {
  Cursor c;
  CHECK(c.encode().empty());
  CHECK(Cursor::decode("")->started == false);
  c.started = true;
  c.event_rowid = 42;
  c.event_id = "evt_2441f97740014M40WozTFG5tuF";
  c.message_updated = 1796437958316;
  c.part_updated = 1796437958222;
  c.message_rowid = 9;
  c.part_rowid = 31;
  c.wal_size = 1200000;
  c.wal_mtime_ns = 17964379583161234;
  const auto back = Cursor::decode(c.encode());
  REQUIRE(back);
  CHECK(back->started);
  CHECK(back->event_rowid == 42);
  CHECK(back->event_id == c.event_id);
  CHECK(back->message_updated == c.message_updated);
  CHECK(back->part_updated == c.part_updated);
  CHECK(back->message_rowid == 9);
  CHECK(back->part_rowid == 31);
  CHECK(back->wal_size == c.wal_size);
  CHECK(back->wal_mtime_ns == c.wal_mtime_ns);
  CHECK_FALSE(Cursor::decode("prompt-uuid-from-elsewhere"));
}

TEST_CASE("legacy OpenCode messages ask the databases beside them", "[parse][opencode]") {
  TempDir dir;
  {
    OpenCodeDb db(dir / "opencode-beta.db");
    db.session("ses_1", "/w");
    turn(db, "ses_1", 1, {1, 1});
  }
  DatabaseIndex index;
  CHECK(index.has_message(dir.path(), "msg_1a"));
  CHECK_FALSE(index.has_message(dir.path(), "msg_9a"));
  CHECK_FALSE(index.has_message(dir / "nowhere", "msg_1a"));
  // A database made later is found.
  {
    OpenCodeDb db(dir / "opencode.db");
    db.session("ses_2", "/w");
    turn(db, "ses_2", 9, {1, 1});
  }
  CHECK(index.has_message(dir.path(), "msg_9a"));
}
