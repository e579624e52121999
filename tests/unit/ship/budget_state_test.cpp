// The budget state (tracker/ship/budget_state.hpp): read from an
// acknowledgement field by field, written atomically to <state>/budgets.json
// and read back; and a real Shipper against an HTTPS server whose receipts
// carry "budgets": kept, an answer without them keeps the last state, a
// malformed one is logged once and keeps it, and the batch ships either way.
#include "tracker/ship/budget_state.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/support/budget_fixtures.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/ship_bench.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

Result<std::optional<std::vector<BudgetStanding>>> parsed(const std::string& ack) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(ack).get(doc));
  return budgets_in(doc);
}

std::string ack_with(const std::string& budgets) {
  return R"({"batch_id":"b","budgets":)" + budgets + "}";
}

// The shape the collector sends, written out by hand.
const char* kCollectorBudget = R"([{"id":"bud_1","scope":"person","value":"dev@example.org",
  "period":"week","period_start":"2026-11-30","period_end":"2026-12-06","basis":"list",
  "limit_usd":500.0,"spent_usd":412.3,"forecast_usd":610,"percent":82.46,"state":"warn",
  "enforce":true,"override_until":"2026-12-06T00:00:00Z","message":"Ask #finops for more"}])";

}  // namespace

TEST_CASE("budgets are read from an acknowledgement exactly as the collector states them",
          "[unit][ship][budgets]") {
  auto got = parsed(ack_with(kCollectorBudget));
  REQUIRE(got);
  REQUIRE(*got);
  REQUIRE((*got)->size() == 1);
  const BudgetStanding& b = (**got)[0];
  CHECK(b.id == "bud_1");
  CHECK(b.scope == "person");
  CHECK(b.value == "dev@example.org");
  CHECK(b.period == "week");
  CHECK(b.period_start == "2026-11-30");
  CHECK(b.period_end == "2026-12-06");
  CHECK(b.basis == "list");
  CHECK(b.limit_usd == 500.0);
  CHECK(b.spent_usd == 412.3);
  CHECK(b.forecast_usd == 610.0);
  CHECK(b.percent == 82.46);
  CHECK(b.state == "warn");
  CHECK(b.enforce);
  CHECK(b.override_until == "2026-12-06T00:00:00Z");
  CHECK(b.message == "Ask #finops for more");

  // No field: a collector without budgets. An empty list: no budget applies.
  auto none = parsed(R"({"batch_id":"b"})");
  REQUIRE(none);
  CHECK_FALSE(*none);
  auto empty = parsed(ack_with("[]"));
  REQUIRE(empty);
  REQUIRE(*empty);
  CHECK((*empty)->empty());
  // override_until may be null.
  std::string no_override = kCollectorBudget;
  no_override.replace(no_override.find("\"2026-12-06T00:00:00Z\""), 22, "null");
  auto n = parsed(ack_with(no_override));
  REQUIRE(n);
  CHECK_FALSE((**n)[0].override_until);
}

TEST_CASE("a malformed budgets field is an error that names the field", "[unit][ship][budgets]") {
  const std::string good = kCollectorBudget;
  auto broken = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    REQUIRE(s.find(from) != std::string::npos);
    s.replace(s.find(from), from.size(), to);
    auto r = parsed(ack_with(s));
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(broken(R"("scope":"person")", R"("scope":"planet")") ==
        "budgets[0].scope is not one of person, team, repo, org, model, assistant, epic");
  CHECK(broken(R"("state":"warn")", R"("state":"melting")").find("state") != std::string::npos);
  CHECK(broken(R"("period":"week")", R"("period":"day")").find("period") != std::string::npos);
  CHECK(broken(R"("basis":"list")", R"("basis":"cheap")").find("basis") != std::string::npos);
  CHECK(broken(R"("limit_usd":500.0)", R"("limit_usd":"500")") ==
        "budgets[0].limit_usd is not a number");
  CHECK(broken(R"("enforce":true)", R"("enforce":"yes")") ==
        "budgets[0].enforce is not true or false");
  CHECK(broken(R"("period_end":"2026-12-06")", R"("period_end":"2026-13-06")") ==
        "budgets[0].period_end is not a YYYY-MM-DD date");
  CHECK(broken(R"("2026-12-06T00:00:00Z")", R"("tomorrow")").find("override_until") !=
        std::string::npos);
  CHECK(broken(R"(,"message":"Ask #finops for more")", "").find("message") != std::string::npos);
  auto not_list = parsed(ack_with(R"({"id":"x"})"));
  REQUIRE_FALSE(not_list);
  CHECK(not_list.error().message == "budgets is not an array");
  auto not_object = parsed(ack_with("[1]"));
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error().message == "budgets[0] is not an object");
}

TEST_CASE("a budget message is kept on one line without terminal controls",
          "[unit][ship][budgets]") {
  std::string s = kCollectorBudget;
  const std::string from = R"("Ask #finops for more")";
  s.replace(s.find(from), from.size(), R"("line one\nline two\u001b[31m red\u202e")");
  auto r = parsed(ack_with(s));
  REQUIRE(r);
  CHECK((**r)[0].message == "line one line two [31m red ");
}

TEST_CASE("the budget state file is written atomically and read back", "[unit][ship][budgets]") {
  TempDir dir;
  const BudgetState state =
      budget_state(1'796'000'000'000, {budget("warn"), budget("over", true, "Ask Dana")});
  REQUIRE(write_budget_state(dir.path(), state));
  const std::string path = budget_state_path(dir.path());
  CHECK(path == dir / "budgets.json");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(::stat((path + ".tmp").c_str(), &st) != 0);
  auto back = read_budget_state(dir.path());
  REQUIRE(back);
  CHECK(*back == state);
  // The file holds the budget fields and when they came, nothing else.
  const std::string text = read_file(path);
  CHECK(text.find("\"received\":\"2026-11-30T") != std::string::npos);
  for (const char* key : {"prompt", "cwd", "path", "transcript", "session"})
    CHECK(text.find(key) == std::string::npos);

  auto missing = read_budget_state(dir / "nowhere");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.starts_with("no budget state at "));
  write_file(path, "{\"received_ms\": 1, \"budgets\": 7}");
  auto bad = read_budget_state(dir.path());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == path + ": budgets is not an array");
}

TEST_CASE("the shipper keeps the budgets of each receipt from a real HTTPS server",
          "[shipping][unit][budgets]") {
  ShipBench bench;
  CollectorFixture pki(bench.dir() / "collector");
  std::mutex mu;
  std::string budgets = budgets_json({budget("warn")});
  HttpsPeer server(pki.cert(), pki.key(), [&](const PeerRequest& r) {
    if (r.method != "POST") return http_response(404, {}, "{}");
    std::string receipt = receipt_for(r.body);
    std::lock_guard lock(mu);
    if (!budgets.empty()) receipt.insert(receipt.rfind('}'), ",\"budgets\":" + budgets);
    return http_response(200, {}, receipt);
  });
  const std::string token = private_token_file(bench.dir() / "token", "tok-1");
  const std::string state = bench.dir() / "state";
  // Ships records `first` to `last`, one batch each, on one shipper.
  auto ship = [&](int first, int last) {
    for (int i = first; i <= last; ++i)
      bench.queue({request(i)});
    ShipOptions o = bench.options(server.port(), pki.ca(), token);
    o.batch_max_records = 1;
    o.state_dir = state;
    Shipper shipper(bench.io(), bench.store(), o, bench.log());
    return bench.ship_now(shipper);
  };

  const int64_t before = now_utc_ms();
  CHECK(ship(1, 1) == "");
  auto kept = read_budget_state(state);
  REQUIRE(kept);
  CHECK(kept->budgets == std::vector<BudgetStanding>{budget("warn")});
  CHECK(kept->received_ms >= before);
  CHECK(kept->received_ms <= now_utc_ms());

  SECTION("a new state replaces the last") {
    budgets = budgets_json({budget("over", true)});
    CHECK(ship(2, 2) == "");
    auto next = read_budget_state(state);
    REQUIRE(next);
    CHECK(next->budgets == std::vector<BudgetStanding>{budget("over", true)});
  }
  SECTION("a receipt without budgets keeps the last state") {
    budgets.clear();
    CHECK(ship(2, 2) == "");
    CHECK(bench.stats().unshipped == 0);
    auto same = read_budget_state(state);
    REQUIRE(same);
    CHECK(*same == *kept);
  }
  SECTION("malformed budgets keep the last state, are logged once, and the batch ships") {
    budgets = R"([{"id":"x","scope":"galaxy"}])";
    CHECK(ship(2, 4) == "");
    CHECK(bench.stats().unshipped == 0);
    auto same = read_budget_state(state);
    REQUIRE(same);
    CHECK(*same == *kept);
    const std::string log = bench.log_text();
    const std::string line =
        "the collector's budget state is malformed (budgets[0].scope is not one of person, team, "
        "repo, org, model, assistant, epic)";
    REQUIRE(log.find(line) != std::string::npos);
    CHECK(log.find(line) == log.rfind(line));  // once, not per batch
  }
}
