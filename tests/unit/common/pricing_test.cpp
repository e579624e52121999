#include "common/pricing.hpp"

#include <catch2/catch.hpp>

using namespace codepulse;

TEST_CASE("model ids map to their family", "[pricing]") {
  const PriceTable& t = PriceTable::builtin();
  auto family = [&](const char* id) {
    const ModelPrice* m = t.find(id);
    return m ? m->family : std::string("(none)");
  };
  CHECK(family("claude-sonnet-4-5-20250929") == "claude-sonnet-4-5");
  CHECK(family("us.anthropic.claude-sonnet-4-5-20250929-v1:0") == "claude-sonnet-4-5");
  CHECK(family("anthropic.claude-opus-4-1-20250805-v1:0") == "claude-opus-4-1");
  CHECK(family("claude-sonnet-4-5@20250929") == "claude-sonnet-4-5");
  CHECK(family("anthropic/claude-haiku-4-5") == "claude-haiku-4-5");
  CHECK(family("claude-opus-4-6") == "claude-opus-4-6");
  CHECK(family("claude-4-opus-20250514") == "claude-opus-4");
  CHECK(family("claude-sonnet-4-20250514") == "claude-sonnet-4");
  CHECK(family("claude-3-5-haiku-20241022") == "claude-3-5-haiku");
  // A version suffix is not a date: 4-5 must not fall back to 4.
  CHECK(family("claude-opus-4-5-20251101") == "claude-opus-4-5");
  CHECK(family("claude-opus-4-9") == "(none)");
  CHECK(family("deepseek-chat") == "(none)");
}

TEST_CASE("cost is exact in nano-dollars for every token bucket", "[pricing]") {
  const PriceTable& t = PriceTable::builtin();
  TokenCounts c;
  c.input = 1;
  c.output = 299;
  c.cache_write_5m = 5601;
  c.cache_read = 29509;
  // Opus 4.6: 5 / 25 / 6.25 / 0.50 per million.
  auto r = t.cost("claude-opus-4-6", c);
  REQUIRE(r.nanos);
  CHECK(*r.nanos == 1 * 5000 + 299 * 25000 + 5601 * 6250 + 29509 * 500);
  c.cache_write_1h = 1000;  // 1h writes at 2x input
  CHECK(*t.cost("claude-opus-4-6", c).nanos == *r.nanos + 1000 * 10000);
  CHECK(format_usd(*r.nanos) == "0.057241");
}

TEST_CASE("unknown models are never priced as zero", "[pricing]") {
  TokenCounts c;
  c.input = 100;
  const auto r = PriceTable::builtin().cost("gateway-model-x", c);
  CHECK_FALSE(r.nanos.has_value());
}

TEST_CASE("long context prices the whole request at the higher tier", "[pricing]") {
  // Anthropic: input + cache writes + cache reads above 200k on Sonnet 4/4.5
  // bills every token of the request at the long-context rates. ccusage
  // 20.0.24 instead charges only each bucket's tokens above 200k at the higher
  // rate (docs/PRICING.md); this test pins both numbers.
  const PriceTable& t = PriceTable::builtin();
  TokenCounts c;
  c.input = 10;
  c.cache_write_5m = 50'000;
  c.cache_read = 160'000;  // prompt = 210,010 > 200,000
  c.output = 2'000;
  const auto r = t.cost("claude-sonnet-4-5-20250929", c);
  REQUIRE(r.nanos);
  CHECK(r.long_context);
  const int64_t anthropic = 10 * 6000 + 2000 * 22500 + 50000 * 7500 + 160000 * 600;
  CHECK(*r.nanos == anthropic);
  // ccusage's per-bucket rule: no bucket exceeds 200k, so it bills base rates.
  const int64_t ccusage = 10 * 3000 + 2000 * 15000 + 50000 * 3750 + 160000 * 300;
  CHECK(*r.nanos - ccusage == 250'530'000);  // $0.25053 more, on purpose

  c.cache_read = 149'990;  // prompt exactly 200,000: not above the threshold
  CHECK_FALSE(t.cost("claude-sonnet-4-5", c).long_context);
  // Opus 4.6 has no long-context tier: 1M context at the standard rate.
  c.cache_read = 900'000;
  CHECK_FALSE(t.cost("claude-opus-4-6", c).long_context);
}

TEST_CASE("web search requests cost $10 per 1,000", "[pricing]") {
  TokenCounts c;
  c.web_search_requests = 3;
  const auto r = PriceTable::builtin().cost("claude-sonnet-4-6", c);
  REQUIRE(r.nanos);
  CHECK(*r.nanos == 30'000'000);  // $0.03; ccusage prices this at $0
}

TEST_CASE("fast mode multiplies token cost by the model's multiplier", "[pricing]") {
  const PriceTable& t = PriceTable::builtin();
  TokenCounts c;
  c.input = 1000;
  c.output = 1000;
  const int64_t base = *t.cost("claude-opus-4-6", c).nanos;
  c.fast = true;
  CHECK(*t.cost("claude-opus-4-6", c).nanos == base * 6);
  CHECK(*t.cost("claude-opus-4-8", c).nanos == base * 2);
  const auto unknown = t.cost("claude-sonnet-4-5", c);
  CHECK(unknown.fast_unpriced);
}

TEST_CASE("a price table file overrides the built-in one and errors name the key", "[pricing]") {
  auto ok = PriceTable::parse(
      R"({"version":"acme-1","models":[{"family":"claude-opus-4-6","input":4,"output":20,"cache_write_5m":5,"cache_write_1h":8,"cache_read":0.4}]})",
      "acme.json");
  REQUIRE(ok);
  CHECK(ok->version() == "acme-1");
  TokenCounts c;
  c.input = 1'000'000;
  CHECK(*ok->cost("claude-opus-4-6", c).nanos == 4'000'000'000);

  auto missing =
      PriceTable::parse(R"({"version":"x","models":[{"family":"m","input":1}]})", "bad.json");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "bad.json: models[0]: missing key 'output'");
  auto broken = PriceTable::parse("{nope", "broken.json");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message.rfind("broken.json: invalid JSON", 0) == 0);
  auto precise = PriceTable::parse(
      R"({"version":"x","models":[{"family":"m","input":1.00001,"output":1,"cache_write_5m":1,"cache_write_1h":1,"cache_read":1}]})",
      "p.json");
  REQUIRE_FALSE(precise);
}

TEST_CASE("dollar amounts round half away from zero", "[pricing]") {
  CHECK(format_usd(17'215'117'000) == "17.215117");
  CHECK(format_usd(500) == "0.000001");
  CHECK(format_usd(499) == "0.000000");
  CHECK(format_usd(1'234'567'891, 2) == "1.23");
  CHECK(format_usd(-1500) == "-0.000002");
}

TEST_CASE("absurd token counts cannot overflow a price", "[pricing][fuzz]") {
  // Found by fuzz_log_line (docs/FUZZING.md): 70,999,999,999,999,255 cache
  // reads times 500 nano-dollars overflowed 64 bits. The parser now refuses
  // counts over 10^9; the price itself is computed in 128 bits and clamped.
  TokenCounts c;
  c.cache_read = 70'999'999'999'999'255;
  c.output = INT64_MAX;
  c.web_search_requests = INT64_MAX;
  c.fast = true;
  auto r = PriceTable::builtin().cost("claude-opus-4-6", c);
  REQUIRE(r.nanos);
  CHECK(*r.nanos == INT64_MAX);
}
