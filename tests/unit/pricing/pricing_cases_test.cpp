// The cost rule on hand-computed cases (docs/PRICING.md): a test book with a
// rate change at midnight in Los Angeles, long-context thresholds, fast mode,
// data residency, cloud endpoints, server tools, a retired model and
// organisation overrides stacked on list prices. Every expected value is
// worked out in the comment beside it, in nano-dollars (1 USD per million
// tokens is 1,000 nano-dollars a token).
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "common/time.hpp"
#include "tests/support/org_rates.hpp"

using namespace codepulse;
using codepulse::test::override_from;

namespace {

// P1 of claude-test-opus runs to 2026-03-01 00:00 in Los Angeles (08:00 UTC);
// P2 cuts cache reads in half, drops the long-context tier and fast mode to 2x.
constexpr std::string_view kBook = R"({
  "format": 2, "revision": "cases-1", "source": "pricing_cases_test.cpp",
  "unit": "USD per million tokens",
  "server_tools": [{"tool": "web_search", "usd_per_1000": 10},
                   {"tool": "web_fetch", "usd_per_1000": 0}],
  "models": [
    {"family": "claude-test-opus", "periods": [
      {"from": "2026-01-01", "input": 5, "output": 25, "cache_write_5m": 6.25,
       "cache_write_1h": 10, "cache_read": 0.5,
       "long_context": {"above_tokens": 200000, "input": 10, "output": 37.5,
                        "cache_write_5m": 12.5, "cache_write_1h": 20, "cache_read": 1},
       "speed_multipliers": {"fast": 6}, "inference_geo_multipliers": {"us": 1.1},
       "regional_endpoint_multiplier": 1.1},
      {"from": "2026-03-01T00:00:00-08:00", "input": 5, "output": 25, "cache_write_5m": 6.25,
       "cache_write_1h": 10, "cache_read": 0.25,
       "speed_multipliers": {"fast": 2}, "inference_geo_multipliers": {"us": 1.1},
       "regional_endpoint_multiplier": 1.1}]},
    {"family": "claude-test-sonnet", "aliases": ["claude-sonnet-test"], "periods": [
      {"input": 3, "output": 15, "cache_write_5m": 3.75, "cache_write_1h": 6, "cache_read": 0.3,
       "long_context": {"above_tokens": 200000, "input": 6, "output": 22.5,
                        "cache_write_5m": 7.5, "cache_write_1h": 12, "cache_read": 0.6}}]},
    {"family": "claude-test-retired", "periods": [
      {"until": "2026-02-01", "input": 1, "output": 5, "cache_write_5m": 1.25,
       "cache_write_1h": 2, "cache_read": 0.1}]}
  ]})";

std::shared_ptr<const PriceBook> test_book() {
  auto book = PriceBook::parse(kBook, "cases book");
  REQUIRE(book);  // the message is shown when it fails
  return std::make_shared<const PriceBook>(std::move(book).value());
}

int64_t at(const char* iso) {
  auto ms = parse_effective_time(iso);
  REQUIRE(ms);
  return *ms;
}

struct Case {
  const char* name;
  const char* model;
  const char* time;
  int64_t input, output, c5m, c1h, read;
  int64_t web_search = 0, web_fetch = 0;
  bool fast = false;
  const char* geo = "";
  std::optional<int64_t> list;  // nullopt: unpriced
  bool long_context = false;
  bool speed_unpriced = false;
  bool geo_unpriced = false;
};

// The usage of case 1, reused: in 1000, out 500, 5m 2000, 1h 1000, read 10000.
// P1: 1000*5000 + 500*25000 + 2000*6250 + 1000*10000 + 10000*500
//   = 5,000,000 + 12,500,000 + 12,500,000 + 10,000,000 + 5,000,000 = 45,000,000.
#define BASIC 1000, 500, 2000, 1000, 10000

const Case kCases[] = {
    {"list price, every category", "claude-test-opus", "2026-02-10T12:00:00Z", BASIC, 0, 0, false,
     "", 45'000'000},
    {"dated id", "claude-test-opus-20260101", "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "",
     45'000'000},
    // 200000*5000 + 100*25000 = 1,000,000,000 + 2,500,000
    {"prompt exactly at the threshold: standard rates", "claude-test-opus", "2026-02-10T12:00:00Z",
     200000, 100, 0, 0, 0, 0, 0, false, "", 1'002'500'000},
    // 200001*10000 + 100*37500 = 2,000,010,000 + 3,750,000
    {"one token above: the whole request at long-context rates", "claude-test-opus",
     "2026-02-10T12:00:00Z", 200001, 100, 0, 0, 0, 0, 0, false, "", 2'003'760'000, true},
    // prompt 1 + 100000 + 100000 = 200001: 1*10000 + 100000*12500 + 100000*1000
    {"cache writes and reads count toward the threshold", "claude-test-opus",
     "2026-02-10T12:00:00Z", 1, 0, 100000, 0, 100000, 0, 0, false, "", 1'350'010'000, true},
    // 45,000,000 * 1.1
    {"inference_geo us: 1.1x", "claude-test-opus", "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "us",
     49'500'000},
    {"inference_geo global: 1x", "claude-test-opus", "2026-02-10T12:00:00Z", BASIC, 0, 0, false,
     "global", 45'000'000},
    {"inference_geo not_available: 1x", "claude-test-opus", "2026-02-10T12:00:00Z", BASIC, 0, 0,
     false, "not_available", 45'000'000},
    {"an inference_geo the book does not list: 1x, flagged", "claude-test-opus",
     "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "eu", 45'000'000, false, false, true},
    // 45,000,000 * 6
    {"fast mode before the change: 6x", "claude-test-opus", "2026-02-10T12:00:00Z", BASIC, 0, 0,
     true, "", 270'000'000},
    // 45,000,000 * 6 = 270,000,000; * 1.1
    {"fast mode and inference_geo us", "claude-test-opus", "2026-02-10T12:00:00Z", BASIC, 0, 0,
     true, "us", 297'000'000},
    // 1000*3000 + 1000*15000, no multiplier known
    {"fast mode on a model without a multiplier: standard, flagged", "claude-test-sonnet",
     "2026-02-10T12:00:00Z", 1000, 1000, 0, 0, 0, 0, 0, true, "", 18'000'000, false, true},
    {"an alias with a date", "claude-sonnet-test-20250101", "2026-02-10T12:00:00Z", 1000, 1000, 0,
     0, 0, 0, 0, false, "", 18'000'000},
    // 45,000,000 * 1.1
    {"Bedrock geographic profile us.: regional 1.1x", "us.anthropic.claude-test-opus-v1:0",
     "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "", 49'500'000},
    {"Bedrock eu. profile: regional 1.1x", "eu.anthropic.claude-test-opus-20260101-v1:0",
     "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "", 49'500'000},
    {"Bedrock in-region id: regional 1.1x", "anthropic.claude-test-opus-20260101-v1:0",
     "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "", 49'500'000},
    {"Bedrock global profile: list", "global.anthropic.claude-test-opus-v1:0",
     "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "", 45'000'000},
    // 45,000,000 * 6 = 270,000,000; * 1.1
    {"Bedrock regional and fast", "us.anthropic.claude-test-opus-v1:0", "2026-02-10T12:00:00Z",
     BASIC, 0, 0, true, "", 297'000'000},
    {"Vertex id: list (its region is not in the id)", "claude-test-opus@20260101",
     "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "", 45'000'000},
    {"[1m] suffix", "claude-test-opus[1m]", "2026-02-10T12:00:00Z", BASIC, 0, 0, false, "",
     45'000'000},
    // 10000 reads * 500 (P1: the change is at 08:00 UTC)
    {"a millisecond before midnight in Los Angeles: the old rate", "claude-test-opus",
     "2026-03-01T07:59:59.999Z", 0, 0, 0, 0, 10000, 0, 0, false, "", 5'000'000},
    // 10000 reads * 250
    {"at midnight in Los Angeles: the new rate", "claude-test-opus", "2026-03-01T08:00:00.000Z", 0,
     0, 0, 0, 10000, 0, 0, false, "", 2'500'000},
    // P2 has no long-context tier: 300000*5000
    {"after the change a long prompt is at standard rates", "claude-test-opus",
     "2026-04-01T00:00:00Z", 300000, 0, 0, 0, 0, 0, 0, false, "", 1'500'000'000},
    // 1000*5000 * 2
    {"fast mode after the change: 2x", "claude-test-opus", "2026-04-01T00:00:00Z", 1000, 0, 0, 0, 0,
     0, 0, true, "", 10'000'000},
    // 3 * $0.01; tokens 0
    {"web search: $10 per 1,000", "claude-test-opus", "2026-02-10T12:00:00Z", 0, 0, 0, 0, 0, 3, 0,
     false, "", 30'000'000},
    // 1000*5000*1.1 = 5,500,000 + 3 * 10,000,000 (tools are not multiplied)
    {"web search is not multiplied by inference_geo", "claude-test-opus", "2026-02-10T12:00:00Z",
     1000, 0, 0, 0, 0, 3, 0, false, "us", 35'500'000},
    {"web fetch: tokens only", "claude-test-opus", "2026-02-10T12:00:00Z", 1000, 0, 0, 0, 0, 0, 5,
     false, "", 5'000'000},
    {"a model the book does not list: unpriced", "gateway-model-x", "2026-02-10T12:00:00Z", BASIC,
     0, 0, false, "", std::nullopt},
    // 1000*1000
    {"a retired model before its end", "claude-test-retired", "2026-01-31T23:59:59.999Z", 1000, 0,
     0, 0, 0, 0, 0, false, "", 1'000'000},
    {"a retired model after its end: unpriced", "claude-test-retired", "2026-02-01T00:00:00Z", 1000,
     0, 0, 0, 0, 0, 0, false, "", std::nullopt},
    {"before the first period: unpriced", "claude-test-opus", "2025-12-31T23:59:59.999Z", 1000, 0,
     0, 0, 0, 0, 0, false, "", std::nullopt},
    // 1 read * 500 * 1.1 = 550
    {"one token with a multiplier", "claude-test-opus", "2026-02-10T12:00:00Z", 0, 0, 0, 0, 1, 0, 0,
     false, "us", 550},
};

}  // namespace

TEST_CASE("list prices of the hand-computed cases", "[pricing]") {
  const Pricer pricer(test_book());
  for (const Case& c : kCases) {
    INFO(c.name << " (" << c.model << " at " << c.time << ")");
    UsageToPrice u;
    u.model = c.model;
    u.ts_ms = at(c.time);
    u.input = c.input;
    u.output = c.output;
    u.cache_write_5m = c.c5m;
    u.cache_write_1h = c.c1h;
    u.cache_read = c.read;
    u.web_search = c.web_search;
    u.web_fetch = c.web_fetch;
    u.fast = c.fast;
    u.inference_geo = c.geo;
    const PricedUsage p = pricer.price(u);
    CHECK(p.list_nanos == c.list);
    // Without overrides the organisation pays list.
    CHECK(p.org_nanos == c.list);
    CHECK(p.long_context == c.long_context);
    CHECK(p.speed_unpriced == c.speed_unpriced);
    CHECK(p.geo_unpriced == c.geo_unpriced);
  }
  CHECK(std::size(kCases) >= 25);
}

namespace {

UsageToPrice basic(const char* model, const char* time) {
  UsageToPrice u;
  u.model = model;
  u.ts_ms = at(time);
  u.input = 1000;
  u.output = 500;
  u.cache_write_5m = 2000;
  u.cache_write_1h = 1000;
  u.cache_read = 10000;
  return u;
}

}  // namespace

TEST_CASE("organisation rates stack on list prices", "[pricing]") {
  const auto book = test_book();
  const RateOverride family15 = override_from(
      R"({"id": 2, "scope": "family", "match": "claude-test-*", "percent": -15,
          "from": "2026-02-01"})",
      *book);
  const RateOverride all10 = override_from(R"({"id": 1, "scope": "all", "percent": -10})", *book);
  const RateOverride negotiated = override_from(
      R"({"id": 3, "scope": "family", "match": "claude-test-opus",
          "rates": {"input": 4, "output": 20, "cache_write_5m": 5, "cache_write_1h": 8,
                    "cache_read": 0.4}})",
      *book);
  const RateOverride bedrock5 =
      override_from(R"({"id": 4, "scope": "endpoint", "match": "bedrock", "percent": 5})", *book);

  SECTION("a percentage from a date") {
    const Pricer pricer(book, {family15});
    // 45,000,000 * 0.85
    const auto after = pricer.price(basic("claude-test-opus", "2026-02-10T12:00:00Z"));
    CHECK(after.list_nanos == 45'000'000);
    CHECK(after.org_nanos == 38'250'000);
    // Before its date the organisation pays list.
    const auto before = pricer.price(basic("claude-test-opus", "2026-01-15T12:00:00Z"));
    CHECK(before.org_nanos == 45'000'000);
    // Web search: 3 * 10,000,000 = 30,000,000 * 0.85
    UsageToPrice search;
    search.model = "claude-test-opus";
    search.ts_ms = at("2026-02-10T12:00:00Z");
    search.web_search = 3;
    CHECK(pricer.price(search).org_nanos == 25'500'000);
  }
  SECTION("percentages multiply: everything first, then the family") {
    const Pricer pricer(book, {family15, all10});
    // 45,000,000 * 0.9 = 40,500,000; * 0.85 = 34,425,000
    CHECK(pricer.price(basic("claude-test-opus", "2026-02-10T12:00:00Z")).org_nanos == 34'425'000);
  }
  SECTION("negotiated rates replace list rates, then percentages apply") {
    const Pricer pricer(book, {negotiated, all10});
    // 1000*4000 + 500*20000 + 2000*5000 + 1000*8000 + 10000*400 = 36,000,000; * 0.9
    auto u = basic("claude-test-opus", "2026-02-10T12:00:00Z");
    CHECK(pricer.price(u).list_nanos == 45'000'000);
    CHECK(pricer.price(u).org_nanos == 32'400'000);
    // With inference_geo us: 36,000,000 * 1.1 = 39,600,000; * 0.9
    u.inference_geo = "us";
    CHECK(pricer.price(u).org_nanos == 35'640'000);
    // Negotiated rates hold at every prompt size: 300000 * 4000 (list: 300000 * 10000)
    UsageToPrice longp;
    longp.model = "claude-test-opus";
    longp.ts_ms = at("2026-02-10T12:00:00Z");
    longp.input = 300000;
    const Pricer only(book, {negotiated});
    CHECK(only.price(longp).list_nanos == 3'000'000'000);
    CHECK(only.price(longp).org_nanos == 1'200'000'000);
    // Another family keeps its list price: 1000*3000 + 500*15000 = 10,500,000; * 0.9
    auto sonnet = basic("claude-test-sonnet", "2026-02-10T12:00:00Z");
    sonnet.cache_write_5m = sonnet.cache_write_1h = sonnet.cache_read = 0;
    CHECK(pricer.price(sonnet).org_nanos == 9'450'000);
  }
  SECTION("an endpoint override applies to that endpoint only") {
    const Pricer pricer(book, {bedrock5});
    // 45,000,000 * 1.1 (regional) = 49,500,000; * 1.05
    const auto bedrock = pricer.price(basic("us.anthropic.claude-test-opus-v1:0", "2026-02-10"));
    CHECK(bedrock.list_nanos == 49'500'000);
    CHECK(bedrock.org_nanos == 51'975'000);
    CHECK(pricer.price(basic("claude-test-opus", "2026-02-10")).org_nanos == 45'000'000);
  }
  SECTION("rounding: half away from zero, once per multiplier") {
    UsageToPrice u;
    u.model = "claude-test-opus";
    u.ts_ms = at("2026-02-10T12:00:00Z");
    u.input = 1;  // 5,000
    // 5,000 * 1.0001 = 5,000.5 -> 5,001
    const Pricer up(book, {override_from(R"({"scope": "all", "percent": 0.01})", *book)});
    CHECK(up.price(u).org_nanos == 5'001);
    // 5,000 * 0.666667 = 3,333.335 -> 3,333
    const Pricer third(book, {override_from(R"({"scope": "all", "percent": -33.3333})", *book)});
    CHECK(third.price(u).org_nanos == 3'333);
  }
  SECTION("an unpriced model stays unpriced at organisation rates") {
    const Pricer pricer(book, {all10});
    const auto p = pricer.price(basic("gateway-model-x", "2026-02-10"));
    CHECK_FALSE(p.list_nanos);
    CHECK_FALSE(p.org_nanos);
  }
}

TEST_CASE("apply_ppm rounds half away from zero", "[pricing]") {
  CHECK(apply_ppm(5, 1'100'000) == 6);  // 5.5
  CHECK(apply_ppm(4, 1'100'000) == 4);  // 4.4
  CHECK(apply_ppm(-5, 1'100'000) == -6);
  CHECK(apply_ppm(INT64_MAX, 2'000'000) == INT64_MAX);  // clamped, never wrapped
}

TEST_CASE("absurd token counts cannot overflow a price", "[pricing]") {
  // Counts from a log are bounded by the parser, but no input may overflow:
  // costs are computed in 128 bits and clamped to 64.
  const Pricer pricer(test_book());
  UsageToPrice u;
  u.model = "claude-test-opus";
  u.ts_ms = at("2026-02-10T12:00:00Z");
  u.input = u.output = u.cache_write_5m = u.cache_write_1h = u.cache_read = INT64_MAX;
  u.web_search = INT64_MAX;
  u.fast = true;
  u.inference_geo = "us";
  const PricedUsage p = pricer.price(u);
  CHECK(p.list_nanos == INT64_MAX);
  CHECK(p.org_nanos == INT64_MAX);
  // At the exact limit ($170,000 of tokens) and just over it, after the rate
  // change (no long-context tier; fast 2x, us 1.1x): both are exact here,
  // since 2.2 x these amounts is a whole number of nano-dollars.
  UsageToPrice big;
  big.model = "claude-test-opus";
  big.ts_ms = at("2026-04-01T00:00:00Z");
  big.cache_read = 680'000'000'000;  // x 250 = 170,000,000,000,000 nano-dollars
  big.fast = true;
  big.inference_geo = "us";
  CHECK(pricer.price(big).list_nanos == int64_t{170'000'000'000'000} * 22 / 10);
  big.cache_read += 4;
  CHECK(pricer.price(big).list_nanos == int64_t{170'000'000'001'000} * 22 / 10);
}

TEST_CASE("a model's price fingerprint changes exactly when its prices can", "[pricing]") {
  const auto book = test_book();
  const Pricer base(book);
  const std::string opus = base.model_fingerprint("claude-test-opus");
  const std::string sonnet = base.model_fingerprint("claude-test-sonnet");
  CHECK(opus.size() == 64);
  CHECK(opus != sonnet);
  // The same family under another logged id (a date suffix, an alias) has
  // the same prices; another endpoint does not (regional multiplier,
  // endpoint overrides).
  CHECK(base.model_fingerprint("claude-test-opus-20260101") == opus);
  CHECK(base.model_fingerprint("claude-sonnet-test") == sonnet);
  CHECK(base.model_fingerprint("anthropic.claude-test-opus-20260101-v1:0") != opus);
  CHECK(base.model_fingerprint("gateway-model-x") == "unpriced");
  CHECK(Pricer(book).model_fingerprint("claude-test-opus") == opus);  // stable

  auto edited = [&](std::string_view from, std::string_view to) {
    std::string json(kBook);
    const size_t at = json.find(from);
    REQUIRE(at != std::string::npos);
    json.replace(at, from.size(), to);
    auto b = PriceBook::parse(json, "edited");
    REQUIRE(b);
    return std::make_shared<const PriceBook>(std::move(b).value());
  };
  SECTION("a rate of one family changes that family only") {
    const Pricer p(edited(R"("input": 3, "output": 15)", R"("input": 3.5, "output": 15)"));
    CHECK(p.model_fingerprint("claude-test-sonnet") != sonnet);
    CHECK(p.model_fingerprint("claude-test-opus") == opus);
  }
  SECTION("a multiplier or a period's date changes that family") {
    const Pricer fast(
        edited(R"("speed_multipliers": {"fast": 2})", R"("speed_multipliers": {"fast": 2.5})"));
    CHECK(fast.model_fingerprint("claude-test-opus") != opus);
    CHECK(fast.model_fingerprint("claude-test-sonnet") == sonnet);
    const Pricer dated(edited("2026-03-01T00:00:00-08:00", "2026-03-02T00:00:00-08:00"));
    CHECK(dated.model_fingerprint("claude-test-opus") != opus);
    CHECK(dated.model_fingerprint("claude-test-sonnet") == sonnet);
  }
  SECTION("a server tool's price changes every priced model") {
    const Pricer p(edited(R"("usd_per_1000": 10)", R"("usd_per_1000": 12)"));
    CHECK(p.model_fingerprint("claude-test-opus") != opus);
    CHECK(p.model_fingerprint("claude-test-sonnet") != sonnet);
    CHECK(p.model_fingerprint("gateway-model-x") == "unpriced");
  }
  SECTION("a model the book comes to list is priced anew") {
    const Pricer p(edited(R"("family": "claude-test-retired")", R"("family": "gateway-model-x")"));
    CHECK(p.model_fingerprint("gateway-model-x") != "unpriced");
    CHECK(p.model_fingerprint("claude-test-opus") == opus);
  }
  SECTION("an override changes the models it can apply to") {
    const RateOverride opus_only = override_from(
        R"({"id": 1, "scope": "family", "match": "claude-test-op*", "percent": -15})", *book);
    const Pricer p(book, {opus_only});
    CHECK(p.model_fingerprint("claude-test-opus") != opus);
    CHECK(p.model_fingerprint("claude-test-sonnet") == sonnet);
    const RateOverride bedrock =
        override_from(R"({"id": 2, "scope": "endpoint", "match": "bedrock", "percent": 5})", *book);
    const Pricer on_bedrock(book, {bedrock});
    CHECK(on_bedrock.model_fingerprint("claude-test-opus") == opus);
    CHECK(on_bedrock.model_fingerprint("us.anthropic.claude-test-opus-v1:0") !=
          base.model_fingerprint("us.anthropic.claude-test-opus-v1:0"));
    const RateOverride later = override_from(
        R"({"id": 1, "scope": "family", "match": "claude-test-op*", "percent": -15,
            "from": "2026-05-01"})",
        *book);
    CHECK(Pricer(book, {later}).model_fingerprint("claude-test-opus") !=
          p.model_fingerprint("claude-test-opus"));
  }
}
