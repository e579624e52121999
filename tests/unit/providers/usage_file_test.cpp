// Downloaded exports read into whole days: the API's JSON pages (one or an
// array, the endpoint told by the results) and codepulse's CSV columns, and
// what a file of another shape is answered with.
#include "collector/providers/usage_file.hpp"

#include <catch2/catch.hpp>

#include "tests/support/mock_provider_api.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::MockProviderApi;

namespace {

ProviderUsageRow claude_code(const std::string& day, const std::string& model) {
  ProviderUsageRow r;
  r.source = ProviderSource::kAnthropicClaudeCode;
  r.day = day;
  r.model = model;
  r.api_key = "user:dev@acme.example";
  r.line_item = "subscription";
  r.uncached_input = 10;
  r.output = 20;
  r.cost_nanos = 420'000'000;
  return r;
}

std::string error_of(const std::string& provider, const std::string& name, const std::string& text,
                     std::optional<ProviderSource> source = std::nullopt) {
  auto days = read_usage_text(provider, name, text, source);
  REQUIRE_FALSE(days);
  return days.error().message;
}

}  // namespace

TEST_CASE("a JSON export holds the days of its pages, its endpoint told by its results",
          "[providers][unit]") {
  const std::vector<ProviderUsageRow> rows = {claude_code("2026-11-03", "claude-opus-4-6"),
                                              claude_code("2026-11-04", "claude-sonnet-4-5")};
  const std::string pages =
      "[" +
      MockProviderApi::page(ProviderSource::kAnthropicClaudeCode, {"2026-11-03"}, rows, true,
                            "page_1") +
      "," +
      MockProviderApi::page(ProviderSource::kAnthropicClaudeCode, {"2026-11-04"}, rows, false, "") +
      "]";
  auto days = read_usage_text("anthropic", "claude_code.json", pages, std::nullopt);
  REQUIRE(days);
  REQUIRE(days->size() == 2);
  CHECK((*days)[0].source == ProviderSource::kAnthropicClaudeCode);
  CHECK((*days)[0].rows == std::vector<ProviderUsageRow>{rows[0]});
  CHECK((*days)[1].rows == std::vector<ProviderUsageRow>{rows[1]});

  // No results: the endpoint must be named; named, its days are empty days.
  const std::string empty =
      MockProviderApi::page(ProviderSource::kOpenaiCosts, {"2026-11-05"}, {}, false, "");
  CHECK(error_of("openai", "costs.json", empty) ==
        "costs.json: no results to tell which endpoint the file is from; name it with --source");
  auto named = read_usage_text("openai", "costs.json", empty, ProviderSource::kOpenaiCosts);
  REQUIRE(named);
  REQUIRE(named->size() == 1);
  CHECK((*named)[0].day == "2026-11-05");
  CHECK((*named)[0].rows.empty());
  CHECK(error_of("openai", "costs.json", empty, ProviderSource::kAnthropicCost) ==
        "costs.json: --source cost_report is not openai's");

  ProviderUsageRow usage;
  usage.source = ProviderSource::kOpenaiCompletions;
  usage.day = "2026-11-05";
  ProviderUsageRow money = usage;
  money.source = ProviderSource::kOpenaiCosts;
  money.cost_nanos = 1;
  const std::string mixed =
      "[" +
      MockProviderApi::page(ProviderSource::kOpenaiCompletions, {"2026-11-05"}, {usage}, false,
                            "") +
      "," +
      MockProviderApi::page(ProviderSource::kOpenaiCosts, {"2026-11-05"}, {money}, false, "") + "]";
  CHECK(error_of("openai", "mixed.json", mixed) ==
        "mixed.json page 2: a page of costs among pages of completions (one endpoint a file)");
  CHECK(error_of("anthropic", "x.json", "{").starts_with("x.json: not JSON"));
  CHECK(error_of("google", "x.json", "{}") == "unknown provider 'google' (anthropic or openai)");
}

TEST_CASE("a CSV export's tokens go to the usage report and its dollars to the cost report",
          "[providers][unit]") {
  const std::string csv =
      "\xEF\xBB\xBF"
      "date,model,workspace,api_key,line_item,uncached_input_tokens,cache_write_5m_tokens,"
      "cache_write_1h_tokens,cache_read_tokens,output_tokens,web_search_requests,requests,"
      "cost_usd\r\n"
      "2026-11-03,claude-sonnet-4-5,wrkspc_A,apikey_1,,1,2,3,4,5,6,7,1.25\r\n"
      "2026-11-03,claude-sonnet-4-5,wrkspc_A,apikey_1,,10,20,30,40,50,60,70,0.000000001\r\n"
      "\r\n"
      "2026-11-04,\"claude \"\"x\"\", y\",,,,0,0,0,0,0,0,0,\r\n";
  auto days = read_usage_text("anthropic", "usage.csv", csv, std::nullopt);
  REQUIRE(days);
  REQUIRE(days->size() == 4);
  const ProviderDay& d3 = (*days)[0];
  CHECK(d3.source == ProviderSource::kAnthropicMessages);
  REQUIRE(d3.rows.size() == 1);
  const ProviderUsageRow& r = d3.rows[0];
  CHECK(r.uncached_input == 11);
  CHECK(r.cache_write_5m == 22);
  CHECK(r.cache_write_1h == 33);
  CHECK(r.cache_read == 44);
  CHECK(r.output == 55);
  CHECK(r.web_search == 66);
  CHECK(r.requests == 77);
  CHECK_FALSE(r.cost_nanos);
  CHECK((*days)[1].rows[0].model == "claude \"x\", y");
  CHECK((*days)[2].source == ProviderSource::kAnthropicCost);
  REQUIRE((*days)[2].rows.size() == 1);
  CHECK((*days)[2].rows[0].cost_nanos == 1'250'000'001);
  CHECK((*days)[3].day == "2026-11-04");
  CHECK((*days)[3].rows.empty());  // a blank cost: a covered day without cost

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"date,model,tokens\n",
       "u.csv: line 1: unknown column 'tokens' (the columns: date, model, "
       "workspace, api_key, line_item, uncached_input_tokens, "
       "cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, "
       "output_tokens, web_search_requests, requests, cost_usd)"},
      {"model,output_tokens\n", "u.csv: line 1: the columns date and model are required"},
      {"date,model,date\n", "u.csv: line 1: column 'date' twice"},
      {"date,model\n2026-11-31,m\n", "u.csv: line 2: date: expected YYYY-MM-DD"},
      {"date,model\n2026-11-03\n", "u.csv: line 2: 1 cells, the header has 2"},
      {"date,model,cost_usd\n2026-11-03,m,$5\n",
       "u.csv: line 2: cost_usd: expected dollars like 12.34"},
      {"date,model,requests\n2026-11-03,m,-1\n",
       "u.csv: line 2: requests: expected a count (digits, at most 10^15), got '-1'"},
      {"date,model\n2026-11-03,\"m\n", "u.csv: line 2: a quoted cell is not closed"},
  };
  for (const auto& [text, why] : bad) {
    INFO(text);
    CHECK(error_of("anthropic", "u.csv", text) == why);
  }
}
