// Advisor calls through the scanner and the store: each usage.iterations
// entry of type advisor_message is one record, however often its line is
// read (snapshots, re-reads, copies in other files, agent_progress copies).
#include <catch2/catch.hpp>

#include "tests/support/log_lines.hpp"
#include "tests/support/scan_fixture.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::advisor_iteration;
using codepulse::test::AssistantSpec;
using Fixture = codepulse::test::ScanFixture;

namespace {

// A request on claude-opus-5-5 with geo "us"; `advisor_output` > 0 adds two
// advisor calls on claude-opus-5 (the first with that many output tokens).
AssistantSpec request(const std::string& id, long long output, long long advisor_output) {
  AssistantSpec s;
  s.message_id = id;
  s.request_id = "req_" + id;
  s.model = "claude-opus-5-5";
  s.timestamp = "2026-11-30T10:00:00.000Z";
  s.output = output;
  s.uuid = "line-" + id + "-" + std::to_string(output);
  s.inference_geo_json = R"("us")";
  if (advisor_output > 0)
    s.iterations_json =
        R"([{"type":"message","input_tokens":3,"output_tokens":)" + std::to_string(output) + "}," +
        advisor_iteration("claude-opus-5", 9000, advisor_output, 3000, 1200, 1200, 0) + "," +
        advisor_iteration("claude-opus-5", 2500, 300, 0, 0) + "]";
  else
    s.iterations_json = "[]";
  return s;
}

constexpr const char* kAdvisorRows = "SELECT count(*) FROM usage_records WHERE iteration > 0";

}  // namespace

TEST_CASE("advisor calls are records of their own, once however often read", "[scan][dedupe]") {
  Fixture f;
  const std::string path = f.file("p/s.jsonl");
  // Streaming snapshots: the placeholder has no iterations yet; the final
  // line has them.
  std::string log = assistant_line(request("msg_a", 8, 0)) + "\n";
  log += codepulse::test::user_prompt_line("u-between", "a prompt in between") + "\n";
  log += assistant_line(request("msg_a", 150, 700)) + "\n";
  codepulse::test::write_file(path, log);
  const ScanStats first = f.scan();
  CHECK(first.records_new == 3);
  CHECK(first.advisor_records_new == 2);
  CHECK(first.unpriced_records == 0);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 3);
  CHECK(f.sql_int(kAdvisorRows) == 2);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE model = 'claude-opus-5' AND "
                  "message_id = 'msg_a' AND request_id = 'req_msg_a' AND inference_geo = 'us' "
                  "AND fast = 0 AND web_search = 0") == 2);
  CHECK(f.sql_int("SELECT sum(iteration) FROM usage_records") == 2 + 3);
  CHECK(f.sql_int("SELECT output FROM usage_records WHERE iteration = 2") == 700);
  // Advisor A: (9,000 x 5,000 + 700 x 25,000 + 1,200 x 6,250 + 3,000 x 500) x 1.1.
  CHECK(f.sql_int("SELECT cost_nanos FROM usage_records WHERE iteration = 2") == 78'650'000);

  SECTION("a second scan reads nothing again") {
    const ScanStats again = f.scan();
    CHECK(again.records_new == 0);
    CHECK(again.lines == 0);
  }
  SECTION("a rewritten file is read again without a double") {
    codepulse::test::write_file(path, "\n" + log);  // the head changed: read from the start
    const ScanStats again = f.scan();
    CHECK(again.files_reset == 1);
    CHECK(again.records_new == 0);
    CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 3);
    CHECK(f.sql_int("SELECT max(revision) FROM usage_records") == 1);
  }
  SECTION("a later snapshot with the same calls changes nothing of them") {
    codepulse::test::append_file(path, assistant_line(request("msg_a", 150, 700)) + "\n");
    const ScanStats again = f.scan();
    CHECK(again.records_new == 0);
    CHECK(again.duplicates == 3);
    CHECK(again.records_updated == 0);
    CHECK(f.sql_int("SELECT max(revision) FROM usage_records") == 1);
  }
  SECTION("a later snapshot with a larger advisor call replaces that call alone") {
    codepulse::test::append_file(path, assistant_line(request("msg_a", 150, 900)) + "\n");
    const ScanStats again = f.scan();
    CHECK(again.records_new == 0);
    CHECK(again.records_updated == 1);
    CHECK(f.sql_int(kAdvisorRows) == 2);
    CHECK(f.sql_int("SELECT output FROM usage_records WHERE iteration = 2") == 900);
    CHECK(f.sql_int("SELECT revision FROM usage_records WHERE iteration = 2") == 2);
    CHECK(f.sql_int("SELECT revision FROM usage_records WHERE iteration = 3") == 1);
    CHECK(f.sql_int("SELECT revision FROM usage_records WHERE iteration = 0") == 1);
  }
  SECTION("a resumed session's copy in another file adds nothing") {
    codepulse::test::write_file(f.file("p/resumed.jsonl"), log);
    const ScanStats again = f.scan();
    CHECK(again.records_new == 0);
    CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 3);
  }
}

TEST_CASE("a subagent's advisor calls are not merged into its request", "[scan][dedupe]") {
  // Sidechain copies of a request are matched by message id alone (ccusage's
  // replay rule); a request's advisor calls share its message id, and only
  // the same call may match.
  Fixture f;
  AssistantSpec sub = request("msg_sub", 40, 500);
  sub.sidechain = true;
  codepulse::test::write_file(f.file("p/s/subagents/agent-a1.jsonl"), assistant_line(sub) + "\n");
  const ScanStats first = f.scan();
  CHECK(first.records_new == 3);
  CHECK(f.sql_int(kAdvisorRows) == 2);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE sidechain = 1") == 3);

  // The same request as an agent_progress line in the parent session, read
  // in a later scan: the same three keys.
  codepulse::test::write_file(f.file("p/s.jsonl"),
                              codepulse::test::agent_progress_line(sub, "a1") + "\n");
  const ScanStats second = f.scan();
  CHECK(second.records_new == 0);
  CHECK(second.duplicates == 3);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 3);
  CHECK(f.sql_int("SELECT output FROM usage_records WHERE iteration = 0") == 40);
  CHECK(f.sql_int("SELECT output FROM usage_records WHERE iteration = 2") == 500);
}

TEST_CASE("agent_progress copies and the subagent file in one scan give one record each",
          "[scan][dedupe]") {
  Fixture f;
  AssistantSpec sub = request("msg_sub", 40, 500);
  sub.sidechain = true;
  codepulse::test::write_file(f.file("p/s.jsonl"),
                              codepulse::test::agent_progress_line(sub, "a1") + "\n");
  codepulse::test::write_file(f.file("p/s/subagents/agent-a1.jsonl"), assistant_line(sub) + "\n");
  const ScanStats s = f.scan();
  CHECK(s.records_new == 3);
  CHECK(s.advisor_records_new == 2);
  CHECK(s.duplicates == 3);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE iteration > 0 AND sidechain = 1") == 2);
  CHECK(f.sql_int(kAdvisorRows) == 2);
}

TEST_CASE("a sidechain replay of a request with advisor calls is counted once", "[scan][dedupe]") {
  Fixture f;
  AssistantSpec replay = request("msg_main", 150, 700);
  replay.request_id = "req_btw";
  replay.sidechain = true;
  codepulse::test::write_file(f.file("p/a-replay.jsonl"), assistant_line(replay) + "\n");
  codepulse::test::write_file(f.file("p/s1.jsonl"),
                              assistant_line(request("msg_main", 150, 700)) + "\n");
  const ScanStats s = f.scan();
  CHECK(s.records_new == 3);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records") == 3);
  CHECK(f.sql_int("SELECT count(*) FROM usage_records WHERE sidechain = 0") == 3);
  CHECK(f.sql_int(kAdvisorRows) == 2);
}
