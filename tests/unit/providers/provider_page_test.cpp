// The providers' pages read field by field: the examples of Anthropic's
// reference pages ("Get Messages Usage Report", "Get Cost Report", "Get
// Claude Code Usage Report") and OpenAI's ("Completions" usage, "Costs"),
// exact decimal amounts, and what a changed shape is answered with.
#include "collector/providers/provider_page.hpp"

#include <catch2/catch.hpp>

#include "collector/providers/page_json_internal.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

// Anthropic, "Get Messages Usage Report", the example response.
constexpr const char* kAnthropicMessages = R"({
  "data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z",
    "results": [{"uncached_input_tokens": 1500,
      "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 500},
      "cache_read_input_tokens": 200, "output_tokens": 500,
      "server_tool_use": {"web_search_requests": 10},
      "api_key_id": "apikey_01Rj2N8SVvo6BePZj99NhmiT",
      "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
      "model": "claude-sonnet-4-20250514", "service_tier": "standard",
      "context_window": "0-200k"}]}],
  "has_more": true, "next_page": "page_MjAyNS0wNS0xNFQwMDowMDowMFo="})";

// Anthropic, "Get Cost Report", the example response.
constexpr const char* kAnthropicCost = R"({
  "data": [{"ending_at": "2025-08-02T00:00:00Z",
    "results": [{"amount": "123.78912", "context_window": "0-200k", "cost_type": "tokens",
      "currency": "USD", "description": "Claude Sonnet 4 Usage - Input Tokens",
      "model": "claude-sonnet-4-20250514", "service_tier": "standard",
      "token_type": "uncached_input_tokens",
      "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ"}],
    "starting_at": "2025-08-01T00:00:00Z"}],
  "has_more": false, "next_page": null})";

// Anthropic, "Get Claude Code Usage Report", the example response.
constexpr const char* kClaudeCode = R"({
  "data": [{"actor": {"email_address": "user@emaildomain.com", "type": "user_actor"},
    "core_metrics": {"commits_by_claude_code": 8, "lines_of_code": {"added": 342, "removed": 128},
      "num_sessions": 15, "pull_requests_by_claude_code": 2},
    "customer_type": "api", "date": "2025-08-08T00:00:00Z",
    "model_breakdown": [
      {"estimated_cost": {"amount": 186, "currency": "USD"}, "model": "claude-sonnet-4-20250514",
       "tokens": {"cache_creation": 2340, "cache_read": 8790, "input": 45230, "output": 12450}},
      {"estimated_cost": {"amount": 42, "currency": "USD"}, "model": "claude-3-5-haiku-20241022",
       "tokens": {"cache_creation": 890, "cache_read": 3420, "input": 23100, "output": 5680}}],
    "organization_id": "12345678-1234-5678-1234-567812345678", "subscription_type": "enterprise",
    "terminal_type": "iTerm.app", "tool_actions": {"edit_tool": {"accepted": 25, "rejected": 3}}}],
  "has_more": true, "next_page": "page_MjAyNS0wNS0xNFQwMDowMDowMFo="})";

// OpenAI, "Completions" (organization usage), the example response.
constexpr const char* kOpenaiCompletions = R"({"object": "page",
  "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
    "results": [{"object": "organization.usage.completions.result", "input_tokens": 1000,
      "output_tokens": 500, "input_cached_tokens": 800, "input_audio_tokens": 0,
      "output_audio_tokens": 0, "num_model_requests": 5, "project_id": null, "user_id": null,
      "api_key_id": null, "model": null, "batch": null, "service_tier": null}]}],
  "has_more": true, "next_page": "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="})";

// OpenAI, "Costs", the example response.
constexpr const char* kOpenaiCosts = R"({"object": "page",
  "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
    "results": [{"object": "organization.costs.result",
      "amount": {"value": 0.06, "currency": "usd"}, "line_item": null, "project_id": null}]}],
  "has_more": false, "next_page": null})";

ProviderPage parsed(ProviderSource s, const std::string& body) {
  auto page = parse_provider_page(s, body, "test page");
  INFO((page ? "" : page.error().message));
  REQUIRE(page);
  return std::move(page).value();
}

std::string error_of(ProviderSource s, const std::string& body) {
  auto page = parse_provider_page(s, body, "test page");
  REQUIRE_FALSE(page);
  return page.error().message;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("Anthropic's documented usage, cost and Claude Code pages are read field by field",
          "[providers][unit]") {
  const ProviderPage usage = parsed(ProviderSource::kAnthropicMessages, kAnthropicMessages);
  CHECK(usage.days == std::vector<std::string>{"2025-08-01"});
  CHECK(usage.has_more);
  CHECK(usage.next_page == "page_MjAyNS0wNS0xNFQwMDowMDowMFo=");
  REQUIRE(usage.rows.size() == 1);
  ProviderUsageRow want;
  want.source = ProviderSource::kAnthropicMessages;
  want.day = "2025-08-01";
  want.model = "claude-sonnet-4-20250514";
  want.workspace = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
  want.api_key = "apikey_01Rj2N8SVvo6BePZj99NhmiT";
  want.uncached_input = 1500;
  want.cache_write_5m = 500;
  want.cache_write_1h = 1000;
  want.cache_read = 200;
  want.output = 500;
  want.web_search = 10;
  CHECK(usage.rows[0] == want);

  const ProviderPage cost = parsed(ProviderSource::kAnthropicCost, kAnthropicCost);
  CHECK_FALSE(cost.has_more);
  CHECK(cost.next_page.empty());
  REQUIRE(cost.rows.size() == 1);
  CHECK(cost.rows[0].cost_nanos == 1'237'891'200);  // 123.78912 cents
  CHECK(cost.rows[0].line_item == "Claude Sonnet 4 Usage - Input Tokens");
  CHECK(cost.rows[0].model == "claude-sonnet-4-20250514");
  CHECK(cost.rows[0].workspace == "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ");
  CHECK(cost.rows[0].uncached_input == 0);

  const ProviderPage code = parsed(ProviderSource::kAnthropicClaudeCode, kClaudeCode);
  REQUIRE(code.rows.size() == 2);
  CHECK(code.rows[0].day == "2025-08-08");
  CHECK(code.rows[0].api_key == "user:user@emaildomain.com");
  CHECK(code.rows[0].line_item == "api");
  CHECK(code.rows[0].uncached_input == 45230);
  CHECK(code.rows[0].cache_write_5m == 2340);
  CHECK(code.rows[0].cache_read == 8790);
  CHECK(code.rows[0].output == 12450);
  CHECK(code.rows[0].cost_nanos == 1'860'000'000);  // 186 cents
  CHECK(code.rows[1].model == "claude-3-5-haiku-20241022");
  CHECK(code.rows[1].cost_nanos == 420'000'000);
  const std::string api_actor =
      replaced(kClaudeCode, R"({"email_address": "user@emaildomain.com", "type": "user_actor"})",
               R"({"api_key_name": "ci-runner", "type": "api_actor"})");
  CHECK(parsed(ProviderSource::kAnthropicClaudeCode, api_actor).rows[0].api_key == "key:ci-runner");
}

TEST_CASE("OpenAI's documented completions and costs pages are read field by field",
          "[providers][unit]") {
  const ProviderPage usage = parsed(ProviderSource::kOpenaiCompletions, kOpenaiCompletions);
  CHECK(usage.days == std::vector<std::string>{"2024-11-01"});
  CHECK(usage.next_page == "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=");
  REQUIRE(usage.rows.size() == 1);
  const ProviderUsageRow& r = usage.rows[0];
  CHECK(r.uncached_input == 200);  // input_tokens counts the 800 cached ones too
  CHECK(r.cache_read == 800);
  CHECK(r.output == 500);
  CHECK(r.requests == 5);
  CHECK(r.model.empty());
  CHECK(r.workspace.empty());
  CHECK_FALSE(r.cost_nanos);

  const ProviderPage cost = parsed(ProviderSource::kOpenaiCosts, kOpenaiCosts);
  REQUIRE(cost.rows.size() == 1);
  CHECK(cost.rows[0].cost_nanos == 60'000'000);  // $0.06
  CHECK(cost.rows[0].day == "2024-11-01");
  const std::string as_string =
      replaced(kOpenaiCosts, R"("value": 0.06)", R"("value": "1234.567890123")");
  CHECK(parsed(ProviderSource::kOpenaiCosts, as_string).rows[0].cost_nanos == 1'234'567'890'123);
}

TEST_CASE("amounts are exact decimals, rounded half away from zero, or refused",
          "[providers][unit]") {
  using provider_json::parse_scaled_decimal;
  CHECK(parse_scaled_decimal("123.45", 7) == 1'234'500'000);
  CHECK(parse_scaled_decimal("0.06", 9) == 60'000'000);
  CHECK(parse_scaled_decimal("6e-05", 9) == 60'000);
  CHECK(parse_scaled_decimal("1.5E2", 0) == 150);
  CHECK(parse_scaled_decimal("0.0000000005", 9) == 1);
  CHECK(parse_scaled_decimal("0.0000000004", 9) == 0);
  CHECK(parse_scaled_decimal("-0.5", 0) == -1);
  CHECK(parse_scaled_decimal("-12", 7) == -120'000'000);
  CHECK(parse_scaled_decimal("9223372036.854775807", 9) == INT64_MAX);
  CHECK_FALSE(parse_scaled_decimal("9223372036.854775808", 9));
  CHECK_FALSE(parse_scaled_decimal("1e400", 9));
  for (const char* bad : {"", "-", ".", "1.2.3", "12a", "1e", "0x10", " 1", "1,5"}) {
    INFO(bad);
    CHECK_FALSE(parse_scaled_decimal(bad, 9));
  }
}

TEST_CASE("a page of another shape is an error naming the page and the field",
          "[providers][unit]") {
  using S = ProviderSource;
  const std::vector<std::tuple<S, std::string, std::string>> cases = {
      {S::kAnthropicMessages, replaced(kAnthropicMessages, "\"output_tokens\": 500,", ""),
       "test page: data[0].results[0].output_tokens: expected an integer"},
      {S::kAnthropicMessages,
       replaced(kAnthropicMessages, "\"cache_read_input_tokens\": 200",
                "\"cache_read_input_tokens\": -1"),
       "test page: data[0].results[0].cache_read_input_tokens: expected a count of 0 or more"},
      {S::kAnthropicMessages,
       replaced(kAnthropicMessages, "\"ending_at\": \"2025-08-02T00:00:00Z\"",
                "\"ending_at\": \"2025-08-03T00:00:00Z\""),
       "test page: data[0]: expected starting_at and ending_at (RFC 3339, UTC) within one UTC day "
       "(bucket_width 1d, 1h or 1m)"},
      {S::kAnthropicMessages,
       replaced(kAnthropicMessages, "\"next_page\": \"page_MjAyNS0wNS0xNFQwMDowMDowMFo=\"",
                "\"next_page\": null"),
       "test page: next_page: has_more is true but there is no next_page"},
      {S::kAnthropicCost,
       replaced(kAnthropicCost, "\"currency\": \"USD\"", "\"currency\": \"EUR\""),
       "test page: data[0].results[0].currency: currency 'EUR', codepulse keeps amounts in USD "
       "only"},
      {S::kAnthropicCost,
       replaced(kAnthropicCost, "\"amount\": \"123.78912\"", "\"amount\": \"1,5\""),
       "test page: data[0].results[0].amount: expected a decimal amount like \"123.45\" that fits "
       "64 bits"},
      {S::kAnthropicClaudeCode,
       replaced(kClaudeCode, "\"type\": \"user_actor\"", "\"type\": \"robot\""),
       "test page: data[0].actor.type: expected user_actor or api_actor"},
      {S::kOpenaiCompletions,
       replaced(kOpenaiCompletions, "\"input_cached_tokens\": 800",
                "\"input_cached_tokens\": 1800"),
       "test page: data[0].results[0]: input_cached_tokens is more than input_tokens"},
      {S::kOpenaiCompletions, replaced(kOpenaiCompletions, "\"results\"", "\"result\""),
       "test page: data[0].results: expected an array"},
      {S::kOpenaiCosts, replaced(kOpenaiCosts, "organization.costs.result", "organization.cost"),
       "test page: data[0].results[0].object: expected \"organization.costs.result\""},
      {S::kOpenaiCosts, "[1, 2]", "test page: not a JSON object"},
      {S::kOpenaiCosts, "{\"data\": ",
       "test page: not JSON (The JSON document has an improper structure: missing or superfluous "
       "commas, braces, missing keys, etc.)"},
  };
  for (const auto& [source, body, why] : cases) {
    INFO(body);
    CHECK(error_of(source, body) == why);
  }
}

TEST_CASE("days built from pages sum the rows of one key and keep days without rows",
          "[providers][unit]") {
  ProviderPage page = parsed(ProviderSource::kAnthropicMessages, kAnthropicMessages);
  ProviderPage hour = page;
  hour.rows[0].uncached_input = 7;
  DayBuilder days(ProviderSource::kAnthropicMessages);
  REQUIRE(days.add(page));
  REQUIRE(days.add(hour));
  days.add_day("2025-08-03");
  CHECK(days.last_day() == "2025-08-03");
  auto first = days.take_before("2025-08-02");
  REQUIRE(first.size() == 1);
  REQUIRE(first[0].rows.size() == 1);
  CHECK(first[0].rows[0].uncached_input == 1507);
  CHECK(first[0].rows[0].output == 1000);
  auto rest = days.take_all();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].day == "2025-08-03");
  CHECK(rest[0].rows.empty());
  CHECK(days.empty());

  ProviderPage big = page;
  big.rows[0].output = INT64_MAX;
  DayBuilder overflow(ProviderSource::kAnthropicMessages);
  REQUIRE(overflow.add(big));
  auto s = overflow.add(big);
  REQUIRE_FALSE(s);
  CHECK(s.error().message ==
        "anthropic messages day 2025-08-01: the rows of model 'claude-sonnet-4-20250514' add up "
        "past 64 bits");
}
