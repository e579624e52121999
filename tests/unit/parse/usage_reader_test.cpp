// The usage fields pricing needs beyond the four counts (tracker/parse/
// usage_reader.cpp): inference_geo, web fetches, advisor iterations, and the
// cache-write remainder rule (docs/PRICING.md), through the whole line parser.
#include "tracker/parse/usage_reader.hpp"

#include <catch2/catch.hpp>

#include "tests/support/log_lines.hpp"
#include "tests/support/parse_harness.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::advisor_iteration;
using codepulse::test::AssistantSpec;
using codepulse::test::ParseHarness;

TEST_CASE("inference_geo is kept when it is a short region code, else left empty", "[parse]") {
  ParseHarness h;
  AssistantSpec s;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("us")", "us"},
      {R"("global")", "global"},
      {R"("not_available")", "not_available"},
      {R"("eu-west_2")", "eu-west_2"},
      {R"("")", ""},
      {R"("US")", ""},                           // only lower case
      {R"("us east")", ""},                      // no spaces
      {R"("CANARY geo text: secret")", ""},      // text, not a code
      {"\"" + std::string(33, 'a') + "\"", ""},  // longer than 32
      {"\"" + std::string(32, 'a') + "\"", std::string(32, 'a')},
      {"null", ""},
      {"42", ""},
      {R"({"region":"us"})", ""},
      {R"(["us"])", ""},
  };
  for (const auto& [json, kept] : cases) {
    INFO(json);
    s.inference_geo_json = json;
    const ParsedLine& p = h.parse(assistant_line(s));
    REQUIRE(p.kind == LineKind::kRequest);
    CHECK(p.request.tokens.inference_geo == kept);
  }
  s.inference_geo_json.clear();
  CHECK(h.parse(assistant_line(s)).request.tokens.inference_geo.empty());  // absent
}

TEST_CASE("web fetches are read from server_tool_use", "[parse]") {
  ParseHarness h;
  AssistantSpec s;
  s.web_search = 3;
  s.web_fetch = 5;
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.tokens.web_search_requests == 3);
  CHECK(p.request.tokens.web_fetch_requests == 5);

  std::string bad = assistant_line(s);
  bad.replace(bad.find(R"("web_fetch_requests":5)"), 22, R"("web_fetch_requests":-1)");
  const ParsedLine& invalid = h.parse(bad);
  CHECK(invalid.kind == LineKind::kInvalid);
  CHECK(invalid.error.find("negative") != std::string::npos);
  std::string text = assistant_line(s);
  text.replace(text.find(R"("web_fetch_requests":5)"), 22, R"("web_fetch_requests":"5")");
  CHECK(h.parse(text).kind == LineKind::kInvalid);
}

TEST_CASE("cache writes a breakdown leaves out count as 5-minute writes", "[parse]") {
  ParseHarness h;
  AssistantSpec s;
  SECTION("zeros beside a real total (a gateway without a breakdown)") {
    s.cache_5m = 0;
    s.cache_1h = 0;
    s.cache_total = 3000;
    const ParsedLine& p = h.parse(assistant_line(s));
    REQUIRE(p.kind == LineKind::kRequest);
    CHECK(p.request.tokens.cache_write_5m == 3000);
    CHECK(p.request.tokens.cache_write_1h == 0);
  }
  SECTION("a breakdown short of the total: the rest is 5-minute") {
    s.cache_5m = 100;
    s.cache_1h = 400;
    s.cache_total = 2000;
    const ParsedLine& p = h.parse(assistant_line(s));
    REQUIRE(p.kind == LineKind::kRequest);
    CHECK(p.request.tokens.cache_write_5m == 1600);
    CHECK(p.request.tokens.cache_write_1h == 400);
  }
  SECTION("a breakdown larger than the total counts as it is") {
    s.cache_5m = 700;
    s.cache_1h = 300;
    s.cache_total = 600;
    const ParsedLine& p = h.parse(assistant_line(s));
    REQUIRE(p.kind == LineKind::kRequest);
    CHECK(p.request.tokens.cache_write_5m == 700);
    CHECK(p.request.tokens.cache_write_1h == 300);
  }
  SECTION("a breakdown that adds up is taken as it is") {
    s.cache_5m = 500;
    s.cache_1h = 1500;
    const ParsedLine& p = h.parse(assistant_line(s));
    REQUIRE(p.kind == LineKind::kRequest);
    CHECK(p.request.tokens.cache_write_5m == 500);
    CHECK(p.request.tokens.cache_write_1h == 1500);
  }
}

TEST_CASE("advisor iterations are read with their index, model and counts", "[parse]") {
  ParseHarness h;
  AssistantSpec s;
  s.iterations_json =
      R"([{"type":"message","input_tokens":3,"output_tokens":10,"cache_read_input_tokens":1000,"cache_creation_input_tokens":100},)" +
      advisor_iteration("claude-opus-5", 9000, 700, 3000, 1200, 1200, 0) + "," +
      R"({"type":"compaction","input_tokens":50000,"output_tokens":2000},)" +
      advisor_iteration("claude-opus-5", 2500, 300, 0, 0) + "," +
      R"({"type":"fallback_message","model":"claude-sonnet-5","input_tokens":1,"output_tokens":1}])";
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  // The top-level usage is the request's own; message, compaction and
  // fallback_message entries are already in it.
  CHECK(p.request.tokens.input == 3);
  CHECK(p.request.tokens.output == 10);
  REQUIRE(p.request.advisors.size() == 2);
  const AdvisorCall& a = p.request.advisors[0];
  CHECK(a.index == 1);
  CHECK(a.model == "claude-opus-5");
  CHECK(a.input == 9000);
  CHECK(a.output == 700);
  CHECK(a.cache_read == 3000);
  CHECK(a.cache_write_5m == 1200);
  CHECK(a.cache_write_1h == 0);
  const AdvisorCall& b = p.request.advisors[1];
  CHECK(b.index == 3);
  CHECK(b.input == 2500);
  CHECK(b.output == 300);
  CHECK(b.cache_write_5m == 0);
}

TEST_CASE("an advisor's cache writes follow the remainder rule", "[parse]") {
  ParseHarness h;
  AssistantSpec s;
  s.iterations_json = "[" + advisor_iteration("claude-opus-5", 10, 20, 0, 900, 0, 0) + "," +
                      advisor_iteration("claude-opus-5", 10, 20, 0, 900, 100, 200) + "," +
                      advisor_iteration("claude-opus-5", 10, 20, 0, 100, 300, 200) + "," +
                      advisor_iteration("claude-opus-5", 10, 20, 0, 900) + "]";
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  REQUIRE(p.request.advisors.size() == 4);
  CHECK(p.request.advisors[0].cache_write_5m == 900);  // zeros beside the total
  CHECK(p.request.advisors[0].cache_write_1h == 0);
  CHECK(p.request.advisors[1].cache_write_5m == 700);  // 100 + the 600 left out
  CHECK(p.request.advisors[1].cache_write_1h == 200);
  CHECK(p.request.advisors[2].cache_write_5m == 300);  // the larger breakdown counts
  CHECK(p.request.advisors[2].cache_write_1h == 200);
  CHECK(p.request.advisors[3].cache_write_5m == 900);  // no breakdown at all
  CHECK(p.request.advisors[3].cache_write_1h == 0);
}

TEST_CASE("badly shaped iterations make the line invalid with a reason", "[parse]") {
  ParseHarness h;
  AssistantSpec s;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"type":"advisor_message"})", "usage.iterations is not an array"},
      {R"("advisor")", "usage.iterations is not an array"},
      {R"([42])", "usage.iterations[0] is not an object"},
      {R"([{"type":"message","input_tokens":1,"output_tokens":1},"x"])",
       "usage.iterations[1] is not an object"},
      {R"([{"type":"advisor_message","input_tokens":1,"output_tokens":1}])",
       "usage.iterations[0] (advisor_message) has no model"},
      {R"([{"type":"advisor_message","model":7,"input_tokens":1,"output_tokens":1}])",
       "usage.iterations[0] (advisor_message) has no model"},
      {R"([{"type":"advisor_message","model":"","input_tokens":1,"output_tokens":1}])",
       "usage.iterations[0] (advisor_message) has no model"},
      {R"([{"type":"advisor_message","model":"claude-opus-5","output_tokens":1}])",
       "usage.iterations[0] (advisor_message) has missing"},
      {R"([{"type":"advisor_message","model":"claude-opus-5","input_tokens":-4,"output_tokens":1}])",
       "usage.iterations[0] (advisor_message) has missing, negative"},
      {R"([{"type":"advisor_message","model":"claude-opus-5","input_tokens":"9","output_tokens":1}])",
       "usage.iterations[0] (advisor_message) has missing, negative"},
      {R"([{"type":"advisor_message","model":"claude-opus-5","input_tokens":1,"output_tokens":1,"cache_read_input_tokens":2000000000}])",
       "over 10^9"},
      {R"([{"type":"advisor_message","model":"claude-opus-5","input_tokens":1,"output_tokens":1,"cache_creation":{"ephemeral_5m_input_tokens":1.5}}])",
       "usage.iterations[0] (advisor_message) has missing, negative"},
  };
  for (const auto& [json, reason] : cases) {
    INFO(json);
    s.iterations_json = json;
    const ParsedLine& p = h.parse(assistant_line(s));
    CHECK(p.kind == LineKind::kInvalid);
    CHECK(p.error.find(reason) != std::string::npos);
  }
}

TEST_CASE("iterations the tracker does not count are never checked", "[parse]") {
  ParseHarness h;
  AssistantSpec s;
  // Entries of other types, or of no type, may hold anything: only their type
  // is looked at.
  for (
      const char* json :
      {R"(null)", R"([])",
       R"([{"type":"message","input_tokens":"many","output_tokens":-1,"content":"CANARY"}])",
       R"([{"type":"compaction","model":42}])", R"([{"input_tokens":5,"output_tokens":5}])",
       R"([{"type":"some_future_kind","model":"claude-opus-5","input_tokens":5,"output_tokens":5}])"}) {
    INFO(json);
    s.iterations_json = json;
    const ParsedLine& p = h.parse(assistant_line(s));
    REQUIRE(p.kind == LineKind::kRequest);
    CHECK(p.request.advisors.empty());
  }
}

TEST_CASE("only an advisor iteration's type, model and counts are read", "[parse][privacy]") {
  ParseHarness h;
  AssistantSpec s;
  s.iterations_json =
      R"([{"type":"advisor_message","model":"claude-opus-5","content":[{"type":"text","text":"CANARY_ADVICE"}],"input_tokens":10,"prompt":"CANARY_PROMPT","output_tokens":20,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0,"note":"CANARY_NOTE"},"stop_reason":"CANARY_STOP"}])";
  const ParsedLine& p = h.parse(assistant_line(s));
  REQUIRE(p.kind == LineKind::kRequest);
  REQUIRE(p.request.advisors.size() == 1);
  const AdvisorCall& a = p.request.advisors[0];
  CHECK(a.index == 0);
  CHECK(a.model == "claude-opus-5");
  CHECK(a.input == 10);
  CHECK(a.output == 20);
}

TEST_CASE("an agent_progress copy carries the subagent's advisor calls", "[parse]") {
  ParseHarness h;
  const std::string line =
      R"({"parentUuid":"p","isSidechain":false,"cwd":"/w","sessionId":"s1","version":"2.1.328","type":"progress","data":{"message":{"type":"assistant","timestamp":"2026-11-30T10:00:00.000Z","message":{"model":"claude-opus-5-5","id":"msg_sub","type":"message","role":"assistant","content":[],"usage":{"input_tokens":2,"output_tokens":3,"cache_creation_input_tokens":500,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"inference_geo":"us","server_tool_use":{"web_search_requests":0,"web_fetch_requests":2},"iterations":[{"type":"message","input_tokens":2,"output_tokens":3},{"type":"advisor_message","model":"claude-opus-5","input_tokens":40,"output_tokens":5,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}]}},"requestId":"req_sub","uuid":"u"},"type":"agent_progress","prompt":"SECRET PROMPT","agentId":"afb92ff"},"uuid":"u2","timestamp":"2026-11-30T10:00:00.100Z"})";
  const ParsedLine& p = h.parse(line);
  REQUIRE(p.kind == LineKind::kRequest);
  CHECK(p.request.from_progress);
  CHECK(p.request.tokens.inference_geo == "us");
  CHECK(p.request.tokens.web_fetch_requests == 2);
  CHECK(p.request.tokens.cache_write_5m == 500);  // the remainder rule
  REQUIRE(p.request.advisors.size() == 1);
  CHECK(p.request.advisors[0].index == 1);
  CHECK(p.request.advisors[0].input == 40);
}
