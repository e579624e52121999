// RecordBuilder::build_advisor: each advisor call of a request becomes a
// record of its own under the advisor's model, tied to the request's ids,
// time, session, place and turn, and priced with the request's
// inference_geo at standard speed, without tools or server-tool counts.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "tests/support/log_lines.hpp"
#include "tests/support/parse_harness.hpp"
#include "tests/support/test_prices.hpp"
#include "tracker/strip/record_builder.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::advisor_iteration;
using codepulse::test::AssistantSpec;

namespace {

// A request model and an advisor model with simple rates (USD per million
// tokens: 1 = 1,000 nanos a token), both 1.1x for inference_geo "us" and 2x
// fast; web searches at $10 per 1,000.
constexpr std::string_view kPrices = R"({
  "format": 2,
  "revision": "advisor-test-1",
  "server_tools": [{"tool": "web_search", "usd_per_1000": 10}],
  "models": [
    {"family": "claude-main-1", "periods": [{"input": 1, "output": 2, "cache_write_5m": 3,
      "cache_write_1h": 4, "cache_read": 0.5, "speed_multipliers": {"fast": 2},
      "inference_geo_multipliers": {"us": 1.1}}]},
    {"family": "claude-advisor-1", "periods": [{"input": 5, "output": 25, "cache_write_5m": 6.25,
      "cache_write_1h": 10, "cache_read": 0.5, "speed_multipliers": {"fast": 2},
      "inference_geo_multipliers": {"us": 1.1}}]}]})";

std::shared_ptr<const Pricer> prices() {
  static const std::shared_ptr<const Pricer> pricer = test::pricer_of(kPrices);
  return pricer;
}

// A fast request with tools, web searches and geo "us", and two advisor calls.
AssistantSpec request_spec() {
  AssistantSpec s;
  s.message_id = "msg_parent";
  s.request_id = "req_parent";
  s.model = "claude-main-1";
  s.cwd = "";
  s.branch = "feature/PROJ-7-advice";
  s.sidechain = true;
  s.fast = true;
  s.web_search = 2;
  s.web_fetch = 1;
  s.inference_geo_json = R"("us")";
  s.tool_json = codepulse::test::tool_use_block("toolu_1", "Edit", R"({"file_path":"a.cpp"})");
  s.iterations_json = R"([{"type":"message","input_tokens":3,"output_tokens":10},)" +
                      advisor_iteration("claude-advisor-1", 9000, 700, 3000, 1200, 1200, 0) + "," +
                      advisor_iteration("claude-advisor-1", 2500, 300, 0, 400, 0, 0) + "]";
  return s;
}

}  // namespace

TEST_CASE("an advisor call is a record of its own under the advisor's model", "[strip]") {
  codepulse::test::ParseHarness h;
  const ParsedLine& p = h.parse(assistant_line(request_spec()));
  REQUIRE(p.kind == LineKind::kRequest);
  REQUIRE(p.request.advisors.size() == 2);
  RecordBuilder builder({"dev@acme.example", std::nullopt}, prices());
  const UsageRecord parent = builder.build(p.request, "turn-1");
  const UsageRecord a = builder.build_advisor(parent, p.request.advisors[0]);
  const UsageRecord b = builder.build_advisor(parent, p.request.advisors[1]);

  CHECK(parent.iteration == 0);
  CHECK(parent.dedupe_key == "msg_parent\x1freq_parent");
  CHECK(a.dedupe_key ==
        "msg_parent\x1freq_parent\x1f"
        "advisor:1");
  CHECK(b.dedupe_key ==
        "msg_parent\x1freq_parent\x1f"
        "advisor:2");
  CHECK(a.iteration == 2);  // usage.iterations[1]
  CHECK(b.iteration == 3);
  for (const UsageRecord* r : {&a, &b}) {
    CHECK(r->message_id == "msg_parent");
    CHECK(r->request_id == "req_parent");
    CHECK(r->model == "claude-advisor-1");
    CHECK(r->timestamp_ms == parent.timestamp_ms);
    CHECK(r->session_id == parent.session_id);
    CHECK(r->sidechain);
    CHECK(r->agent_id == parent.agent_id);
    CHECK(r->cc_version == "2.1.39");
    CHECK(r->author == "dev@acme.example");
    CHECK(r->repo == parent.repo);
    CHECK(r->branch == "feature/PROJ-7-advice");
    CHECK(r->task_keys == "PROJ-7");
    CHECK(r->turn_id == "turn-1");
    CHECK(r->inference_geo == "us");
    CHECK_FALSE(r->fast);
    CHECK(r->web_search_requests == 0);
    CHECK(r->web_fetch_requests == 0);
    CHECK(r->tools.empty());
    CHECK(r->price_version == "advisor-test-1");
  }
  CHECK(a.input == 9000);
  CHECK(a.output == 700);
  CHECK(a.cache_read == 3000);
  CHECK(a.cache_create_5m == 1200);
  CHECK(a.cache_create_1h == 0);
  CHECK(b.cache_create_5m == 400);  // zeros beside the total: 5-minute writes

  // By hand, nano-dollars: the parent is fast (2x) and "us" (1.1x):
  //   (3 x 1,000 + 10 x 2,000 + 100 x 3,000 + 1,000 x 500) x 2.2 = 823,000 x 2.2
  //   = 1,810,600; + 2 searches x 10,000,000 = 21,810,600.
  // Advisor A ("us", standard speed): 9,000 x 5,000 + 700 x 25,000 + 1,200 x 6,250
  //   + 3,000 x 500 = 45,000,000 + 17,500,000 + 7,500,000 + 1,500,000 = 71,500,000;
  //   x 1.1 = 78,650,000.
  // Advisor B: 2,500 x 5,000 + 300 x 25,000 + 400 x 6,250 = 12,500,000 + 7,500,000
  //   + 2,500,000 = 22,500,000; x 1.1 = 24,750,000.
  CHECK(parent.cost_nanos == 21'810'600);
  CHECK(a.cost_nanos == 78'650'000);
  CHECK(b.cost_nanos == 24'750'000);
  CHECK(builder.unknown_model_records() == 0);
}

TEST_CASE("an advisor of an unknown model is unpriced and counted", "[strip]") {
  codepulse::test::ParseHarness h;
  AssistantSpec s = request_spec();
  s.iterations_json = "[" + advisor_iteration("claude-unknown-9", 10, 10, 0, 0) + "]";
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  RecordBuilder builder({"", std::nullopt}, prices());
  const UsageRecord parent = builder.build(p.request, "");
  const UsageRecord a = builder.build_advisor(parent, p.request.advisors.at(0));
  CHECK(parent.cost_nanos.has_value());
  CHECK_FALSE(a.cost_nanos.has_value());
  CHECK(builder.unknown_model_records() == 1);
}

TEST_CASE("advisor keys are stable for a line without a message id", "[strip]") {
  codepulse::test::ParseHarness h;
  AssistantSpec s = request_spec();
  s.message_id = "";
  const std::string line = assistant_line(s);
  RecordBuilder builder({"", std::nullopt}, prices());
  const ParsedLine& first = h.parse(line);
  REQUIRE(first.kind == LineKind::kRequest);
  const UsageRecord parent = builder.build(first.request, "");
  const std::string key = builder.build_advisor(parent, first.request.advisors.at(1)).dedupe_key;
  CHECK(key == parent.dedupe_key +
                   "\x1f"
                   "advisor:2");
  const ParsedLine& again = h.parse(line);
  CHECK(builder.build_advisor(builder.build(again.request, ""), again.request.advisors.at(1))
            .dedupe_key == key);
}

TEST_CASE("a swapped pricer prices the records built after it", "[strip]") {
  codepulse::test::ParseHarness h;
  AssistantSpec s;
  s.model = "claude-main-1";
  s.cwd = "";
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  RecordBuilder builder({"", std::nullopt}, Pricer::builtin());
  CHECK_FALSE(builder.build(p.request, "").cost_nanos.has_value());  // not in the embedded book
  builder.set_pricer(prices());
  const UsageRecord r = builder.build(p.request, "");
  CHECK(r.cost_nanos.has_value());
  CHECK(r.price_version == "advisor-test-1");
}
