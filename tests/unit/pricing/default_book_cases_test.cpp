// The default book (common/prices/default-prices.json) on 44 cases computed
// by hand from its rates (docs/PRICING.md lists each rate with its sources):
// Claude Code's default model, every multiplier and endpoint form, the two
// dated changes at midnight in Los Angeles, per-model long-context thresholds,
// web search, the cache-write remainder rule (cache writes are given here after
// the rule), advisor iterations, aliases, retirement and unknown models.
// Amounts are nano-dollars; the arithmetic is in the comment beside each case.
#include <catch2/catch.hpp>

#include "common/pricing/pricer.hpp"
#include "tests/unit/pricing/book_cases.hpp"

using namespace codepulse;

namespace {

using Usage = test::CaseUsage;
using Case = test::BookCase;

// U1: in 3, out 1200, 1h 25000, read 150000 at Opus 5.5 rates:
//   3x4000 + 1200x20000 + 25000x8000 + 150000x200 = 254,012,000
constexpr Usage kU1{3, 1200, 0, 25000, 150000};
// U2: in 50000, out 2000, read 200000 (prompt 250000).
constexpr Usage kU2{50000, 2000, 0, 0, 200000};
// U3: in 100, out 2000, 1h 10000, read 500000.
constexpr Usage kU3{100, 2000, 0, 10000, 500000};
// U4: in 300000, out 1000.
constexpr Usage kU4{300000, 1000, 0, 0, 0};

const Case kCases[] = {
    // A. Claude Code's default model.
    {1, "claude-opus-5-5", "2026-11-20T10:00:00Z", kU1, false, "", 254'012'000},
    {2, "claude-opus-5-5", "2026-11-20T10:00:00Z", kU1, true, "", 508'024'000},     // x2
    {3, "claude-opus-5-5", "2026-11-20T10:00:00Z", kU1, false, "us", 279'413'200},  // x1.1
    {4, "claude-opus-5-5", "2026-11-20T10:00:00Z", kU1, true, "us", 558'826'400},   // x2.2
    {5, "us.anthropic.claude-opus-5-5", "2026-11-20T10:00:00Z", kU1, false, "", 279'413'200},
    {6, "eu.anthropic.claude-opus-5-5", "2026-11-20T10:00:00Z", kU1, false, "", 279'413'200},
    {7, "global.anthropic.claude-opus-5-5", "2026-11-20T10:00:00Z", kU1, false, "", 254'012'000},
    {8, "claude-opus-5-5[1m]", "2026-11-20T10:00:00Z", kU1, false, "", 254'012'000},
    // B. Sonnet 4.5: 1000x3000 + 500x15000 + 2000x3750 + 10000x300 = 21,000,000.
    {9,
     "claude-sonnet-4-5@20250929",
     "2025-12-01T12:00:00+01:00",
     {1000, 500, 2000, 0, 10000},
     false,
     "",
     21'000'000},
    {10,
     "anthropic.claude-sonnet-4-5-20250929-v1:0",
     "2025-12-01T12:00:00+01:00",
     {1000, 500, 2000, 0, 10000},
     false,
     "",
     23'100'000},  // in-region: x1.1
    // prompt 200000: 10x3000 + 1000x15000 + 199990x300
    {11,
     "claude-sonnet-4-5-20250929[1m]",
     "2026-01-15T09:00:00-05:00",
     {10, 1000, 0, 0, 199990},
     false,
     "",
     75'027'000},
    // prompt 200001: 10x6000 + 1000x22500 + 199991x600
    {12,
     "claude-sonnet-4-5-20250929[1m]",
     "2026-01-15T09:00:00-05:00",
     {10, 1000, 0, 0, 199991},
     false,
     "",
     142'554'600},
    // C. Opus 4.6's long-context premium ends 2026-03-13 00:00 in Los Angeles.
    // Before: 50000x10000 + 2000x37500 + 200000x1000; after: x5000, x25000, x500.
    {13, "claude-opus-4-6", "2026-03-12T23:59:00-07:00", kU2, false, "", 775'000'000},
    {14, "claude-opus-4-6", "2026-03-13T00:00:00-07:00", kU2, false, "", 400'000'000},
    {15, "claude-opus-4-6", "2026-03-13T06:59:00Z", kU2, false, "", 775'000'000},
    {16, "claude-opus-4-6", "2026-02-20T10:00:00Z", kU2, true, "", 4'650'000'000},  // x6
    // D. Sonnet 5.5's cache-read cut, 2026-10-07 00:00 in Los Angeles:
    // 100x2000 + 2000x10000 + 10000x4000 + 500000x200 (then x100).
    {17, "claude-sonnet-5-5", "2026-10-06T23:59:00-07:00", kU3, false, "", 160'200'000},
    {18, "claude-sonnet-5-5", "2026-10-07T00:00:00-07:00", kU3, false, "", 110'200'000},
    {19, "claude-sonnet-5-5", "2026-10-07T06:59:00Z", kU3, false, "", 160'200'000},
    {20, "claude-sonnet-5-5", "2026-10-07T09:00:00+02:00", kU3, false, "", 110'200'000},
    {21, "claude-sonnet-5-5", "2026-10-07T15:30:00+09:00", kU3, false, "", 160'200'000},
    // E. Haiku 5.5: the tier above 100,000 prompt tokens.
    // 20000x100 + 5000x500 + 10000x125 + 70000x10
    {22,
     "claude-haiku-5-5",
     "2026-11-01T12:00:00Z",
     {20000, 5000, 10000, 0, 70000},
     false,
     "",
     6'450'000},
    // 20000x500 + 5000x2500 + 10000x625 + 70001x50
    {23,
     "claude-haiku-5-5",
     "2026-11-01T12:00:00Z",
     {20000, 5000, 10000, 0, 70001},
     false,
     "",
     32'250'050},
    {24,
     "claude-haiku-5-5",
     "2026-11-01T12:00:00Z",
     {20000, 5000, 10000, 0, 70001},
     false,
     "us",
     35'475'055},
    // 3x100 + 500 + 125 = 925; x1.1 = 1,017.5 -> 1,018
    {25, "claude-haiku-5-5", "2026-11-01T12:00:00Z", {3, 1, 1, 0, 0}, false, "us", 1'018},
    // 925 x 1.1 x 1.1 = 1,119.25 -> 1,119 (the product, rounded once)
    {26,
     "us.anthropic.claude-haiku-5-5",
     "2026-11-01T12:00:00Z",
     {3, 1, 1, 0, 0},
     false,
     "us",
     1'119},
    // F. Sonnet 4.6 before and after 1M context went GA.
    {27, "claude-sonnet-4-6", "2026-03-01T00:00:00Z", kU4, false, "", 1'822'500'000},
    {28, "claude-sonnet-4-6", "2026-05-01T08:00:00+08:00", kU4, false, "", 915'000'000},
    // G. Web search: 17,500,000 of tokens + 3 x 10,000,000.
    {29, "claude-opus-4-8", "2026-08-10T10:00:00Z", {1000, 500, 0, 0, 0, 3}, false, "", 47'500'000},
    // 17,500,000 x 2 x 1.1 + 30,000,000 (never multiplied)
    {30,
     "claude-opus-4-8",
     "2026-08-10T10:00:00Z",
     {1000, 500, 0, 0, 0, 3},
     true,
     "us",
     68'500'000},
    // H. Cache writes after the remainder rule.
    // cc 12000 with a 0/0 breakdown -> 12000 5m: 5x4000 + 300x20000 + 12000x5000 + 40000x200
    {31,
     "claude-opus-5-5",
     "2026-11-20T10:00:00Z",
     {5, 300, 12000, 0, 40000},
     false,
     "",
     74'020'000},
    // cc 12000, breakdown 0/4000 -> 8000 5m + 4000 1h
    {32,
     "claude-opus-5-5",
     "2026-11-20T10:00:00Z",
     {5, 300, 8000, 4000, 40000},
     false,
     "",
     86'020'000},
    // cc 0 with a 5601 breakdown -> the breakdown counts: 3000 + 299x15000 + 5601x3750 + 29509x300
    {33,
     "claude-sonnet-4-5-20250929",
     "2026-02-12T16:05:15.558Z",
     {1, 299, 5601, 0, 29509},
     false,
     "",
     34'344'450},
    // no breakdown object -> all writes 5m: 10x3000 + 100x15000 + 1000x3750 + 5000x300
    {34,
     "claude-3-5-sonnet-20241022",
     "2025-06-01T12:00:00Z",
     {10, 100, 1000, 0, 5000},
     false,
     "",
     6'780'000},
    // I. Advisor iterations, each its own request.
    // 35a parent, Sonnet 5.5 after the cut: (2x2000 + 400x10000 + 30000x100) x 1.1
    {35,
     "claude-sonnet-5-5",
     "2026-11-02T14:00:00-08:00",
     {2, 400, 0, 0, 30000},
     false,
     "us",
     7'704'400},
    // 35b advisor, Opus 5.5, the parent's geo: (159000x4000 + 800x20000) x 1.1
    {35,
     "claude-opus-5-5",
     "2026-11-02T14:00:00-08:00",
     {159000, 800, 0, 0, 0},
     false,
     "us",
     717'200'000},
    // 36a parent, fast: (5x4000 + 100x20000 + 50000x200) x 2
    {36, "claude-opus-5-5", "2026-11-20T10:00:00Z", {5, 100, 0, 0, 50000}, true, "", 24'040'000},
    // 36b advisor, Fable 5.2 at standard speed: 1000x8000 + 2000x40000 + 120000x200
    {36,
     "claude-fable-5-2",
     "2026-11-20T10:00:00Z",
     {1000, 2000, 0, 0, 120000},
     false,
     "",
     112'000'000},
    // J. Aliases, Fable cache reads, retirement, unknown models.
    {37,
     "claude-4-opus-20250514",
     "2025-08-01T00:00:00Z",
     {100, 100, 0, 0, 0},
     false,
     "",
     9'000'000},
    {38,
     "claude-fable-5-1",
     "2026-10-01T00:00:00Z",
     {0, 10, 0, 0, 1000000},
     false,
     "",
     250'500'000},
    {39,
     "claude-fable-5",
     "2026-10-01T00:00:00Z",
     {0, 10, 0, 0, 1000000},
     false,
     "",
     1'000'500'000},
    {40,
     "claude-3-5-sonnet-20241022",
     "2025-10-27T23:59:00Z",
     {10, 100, 0, 0, 0},
     false,
     "",
     1'530'000},
    {41,
     "claude-3-5-sonnet-20241022",
     "2025-10-28T00:00:00Z",
     {10, 100, 0, 0, 0},
     false,
     "",
     std::nullopt},
    {42, "claude-opus-6", "2026-12-01T00:00:00Z", {10, 10, 0, 0, 0}, false, "", std::nullopt},
    {43, "glm-5.3[1m]", "2026-12-01T00:00:00Z", {10, 10, 0, 0, 0}, false, "", std::nullopt},
    // Opus 4.5 lists no fast multiplier: standard rates, flagged.
    {44,
     "claude-opus-4-5-20251101",
     "2026-11-20T10:00:00Z",
     {1000, 1000, 0, 0, 0},
     true,
     "",
     30'000'000,
     true},
};

}  // namespace

TEST_CASE("the default book prices the hand-computed cases", "[pricing]") {
  test::check_book_cases(*Pricer::builtin(), kCases);
}

TEST_CASE("the default book prices every model the real Claude Code offers", "[pricing]") {
  // Claude Code 2.1.328's model list (docs/PRICING.md, "Which models Claude
  // Code 2.1.328 offers"): none may be unpriced today but Sonnet 3.5, which
  // Anthropic's API retired on 2025-10-28.
  const auto pricer = Pricer::builtin();
  const auto today = parse_effective_time("2026-12-04");
  REQUIRE(today);
  for (const char* model : {"claude-3-5-haiku-20241022", "claude-haiku-4-5-20251001",
                            "claude-haiku-5-5",          "claude-3-7-sonnet-20250219",
                            "claude-sonnet-4-20250514",  "claude-sonnet-4-5-20250929",
                            "claude-sonnet-4-6",         "claude-sonnet-5",
                            "claude-sonnet-5-5",         "claude-opus-4-20250514",
                            "claude-opus-4-1-20250805",  "claude-opus-4-5-20251101",
                            "claude-opus-4-6",           "claude-opus-4-7",
                            "claude-opus-4-8",           "claude-opus-5",
                            "claude-opus-5-5",           "claude-fable-5",
                            "claude-fable-5-1",          "claude-fable-5-2",
                            "claude-mythos-5",           "claude-mythos-5-1",
                            "claude-mythos-5-2"}) {
    INFO(model);
    UsageToPrice u;
    u.model = model;
    u.ts_ms = *today;
    u.input = 1000;
    CHECK(pricer->price(u).list_nanos.value_or(0) > 0);
  }
}
