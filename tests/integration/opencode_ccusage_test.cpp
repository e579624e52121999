// OpenCode totals against ccusage 20.0.24's (`ccusage opencode daily`) on the
// same data folder: tokens per day and model equal, except where we count
// deliberately otherwise:
// - ccusage reads the message rows only, and OpenCode keeps on a message the
//   tokens of its last step: the earlier steps of a message with several
//   are counted here (a record per step-finish part) and not by ccusage;
// - OpenCode's output excludes reasoning; our output includes it (billed as
//   output), ccusage's outputTokens does not (it adds it only to its total).
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "tests/support/opencode_db.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

constexpr int64_t kDay1 = 1796436000000;  // 2026-12-05 02:00 UTC
constexpr int64_t kDay2 = kDay1 + 86400000;

void turn(OpenCodeDb& db, const std::string& session, const std::string& id, int64_t at,
          const std::vector<OcTokens>& steps, const std::string& model) {
  db.message(session, id + "u", at, oc_user_message(at));
  for (size_t n = 0; n < steps.size(); ++n)
    db.part(session, id + "a", "prt_" + id + std::to_string(n), at + 2 + static_cast<int64_t>(n),
            oc_step_finish(steps[n]));
  db.message(session, id + "a", at + 1,
             oc_assistant_message(id + "u", at + 1, "/w", steps.back(), model, "anthropic"));
}

struct Row {
  int64_t input = 0, output = 0, cache_create = 0, cache_read = 0;
};

// `ccusage opencode daily --json`: per "date|model".
std::map<std::string, Row> ccusage_rows(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(json).get(doc));
  std::map<std::string, Row> rows;
  for (simdjson::dom::element day : doc["daily"].get_array()) {
    const std::string date(day["date"].get_string().value());
    for (simdjson::dom::element m : day["modelBreakdowns"].get_array()) {
      Row r;
      r.input = m["inputTokens"].get_int64().value();
      r.output = m["outputTokens"].get_int64().value();
      r.cache_create = m["cacheCreationTokens"].get_int64().value();
      r.cache_read = m["cacheReadTokens"].get_int64().value();
      rows[date + "|" + std::string(m["modelName"].get_string().value())] = r;
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("OpenCode tokens per day and model equal ccusage's, but for the documented differences",
          "[opencode][ccusage]") {
  auto ccusage = ccusage_bin();
  if (!ccusage) {
    CODEPULSE_SKIP("ccusage not found (packaging/install-peers.sh)");
  }
  TempDir dir;
  const std::string data = dir / "share/opencode";
  make_dirs(data);
  {
    OpenCodeDb db(data + "/opencode.db");
    db.session("ses_1", "/w");
    db.session("ses_2", "/w", "ses_1");
    turn(db, "ses_1", "msg_1", kDay1, {{1500, 70, 0, 2400, 600}}, "claude-sonnet-4-5");
    turn(db, "ses_2", "msg_2", kDay1 + 1000, {{900, 15, 0, 0, 200}}, "claude-sonnet-4-5");
    turn(db, "ses_1", "msg_3", kDay1 + 2000, {{300, 20, 10, 3900, 0}}, "gpt-5.5");  // reasoning
    turn(db, "ses_1", "msg_4", kDay2, {{11, 1, 0, 100, 5}, {22, 2, 0, 200, 0}},
         "claude-sonnet-4-5");  // two steps
  }
  // A legacy copy of a message the database holds, and a legacy message alone.
  write_file(
      data + "/storage/message/ses_1/msg_1a.json",
      R"({"id":"msg_1a","sessionID":"ses_1","role":"assistant","tokens":{"input":1500,"output":70,"reasoning":0,"cache":{"write":600,"read":2400}},"modelID":"claude-sonnet-4-5","providerID":"anthropic","time":{"created":)" +
          std::to_string(kDay1 + 1) + "}}");
  write_file(
      data + "/storage/message/ses_0/msg_0a.json",
      R"({"id":"msg_0a","sessionID":"ses_0","role":"assistant","tokens":{"input":7,"output":3,"reasoning":0,"cache":{"write":0,"read":0}},"modelID":"claude-sonnet-4-5","providerID":"anthropic","time":{"created":)" +
          std::to_string(kDay2 + 9) + "}}");

  const std::string state = dir / "state";
  auto scan = run({tracker_bin(), "scan", "--assistant", "opencode", "--assistant-dir",
                   "opencode=" + data, "--state", state, "--quiet", "--set", "git_metadata=false"});
  REQUIRE(scan.exit_code == 0);
  auto report = run(
      {tracker_bin(), "report", "--state", state, "--group-by", "date,model", "--format", "csv"});
  REQUIRE(report.exit_code == 0);
  const auto ours = parse_day_model_csv(report.out);
  auto theirs_run = run({*ccusage, "opencode", "daily", "--json", "--offline", "-z", "UTC"},
                        {"HOME=" + dir.path(), "OPENCODE_DATA_DIR=" + data});
  INFO(theirs_run.err);
  REQUIRE(theirs_run.exit_code == 0);
  const auto theirs = ccusage_rows(theirs_run.out);
  REQUIRE(ours.size() == theirs.size());

  // The differences, per row: the earlier steps of msg_4 (ccusage: its last
  // step only), and msg_3's reasoning inside our output.
  struct Difference {
    int64_t input = 0, output = 0, cache_create = 0, cache_read = 0;
  };
  const std::map<std::string, Difference> expected = {
      {"2026-12-05|claude-sonnet-4-5", {}},
      {"2026-12-05|gpt-5.5", {0, 10, 0, 0}},
      {"2026-12-06|claude-sonnet-4-5", {11, 1, 5, 100}},
  };
  for (const auto& [key, d] : expected) {
    INFO(key);
    REQUIRE(ours.count(key) == 1);
    REQUIRE(theirs.count(key) == 1);
    const DayModelRow& o = ours.at(key);
    const Row& t = theirs.at(key);
    CHECK(o.input == t.input + d.input);
    CHECK(o.output == t.output + d.output);
    CHECK(o.cache_create == t.cache_create + d.cache_create);
    CHECK(o.cache_read == t.cache_read + d.cache_read);
  }
  CHECK(ours.at("2026-12-05|claude-sonnet-4-5").requests == 2);  // the legacy copy counted once
  CHECK(ours.at("2026-12-06|claude-sonnet-4-5").requests == 3);  // two steps and msg_0a
}
