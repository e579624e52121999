// The default book on OpenAI and Google models, computed by hand from its
// rates (docs/PRICING.md, "OpenAI and Google models"): plain and cached
// requests per family, cache writes, dated price changes, the 272K and 200K
// prompt-size tiers, fast mode, the ids Codex CLI, Gemini CLI, OpenCode and
// Copilot CLI log, and ids that stay unpriced. Tokens are in codepulse's
// disjoint buckets (input = uncached input, output includes reasoning and
// thinking). A rate of $X per million tokens is X x 1000 nano-dollars a token.
#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "tests/unit/pricing/book_cases.hpp"

using namespace codepulse;
using test::BookCase;
using test::CaseUsage;

namespace {

// in 3000, out 2500, read 60000
constexpr CaseUsage kCodex{3000, 2500, 0, 0, 60000};
// in 1000, out 1000, writes 2000, read 50000
constexpr CaseUsage kSol{1000, 1000, 2000, 0, 50000};
// in 1000, out 2000, read 100000
constexpr CaseUsage kTerra{1000, 2000, 0, 0, 100000};
// in 1500, out 3000, writes 4000, read 120000
constexpr CaseUsage kGpt6{1500, 3000, 4000, 0, 120000};
// in 1000, out 5000, read 10000
constexpr CaseUsage kOlder{1000, 5000, 0, 0, 10000};
// in 20000, out 3000, read 80000
constexpr CaseUsage kFlash{20000, 3000, 0, 0, 80000};

const BookCase kCases[] = {
    // A. GPT-5 (1250 / 10000, read 125). A dated snapshot and OpenCode's
    // provider/model form. 10000x1250 + 2000x10000
    {1, "gpt-5-2025-08-07", "2025-10-01T12:00:00Z", {10000, 2000, 0, 0, 0}, false, "", 32'500'000},
    // cached: 2000x1250 + 1500x10000 + 48000x125
    {2, "openai/gpt-5", "2025-10-01T12:00:00Z", {2000, 1500, 0, 0, 48000}, false, "", 23'500'000},
    // 1000x1250 + 3000x10000 + 99000x125
    {3, "gpt-5-codex", "2025-10-01T12:00:00Z", {1000, 3000, 0, 0, 99000}, false, "", 43'625'000},
    // mini (250 / 2000 / 25): 5000x250 + 1000x2000 + 20000x25
    {4, "gpt-5-mini", "2025-10-01T12:00:00Z", {5000, 1000, 0, 0, 20000}, false, "", 3'750'000},
    // nano (50 / 400): 100000x50 + 10000x400
    {5, "gpt-5-nano", "2025-10-01T12:00:00Z", {100000, 10000, 0, 0, 0}, false, "", 9'000'000},
    // B. GPT-5.1 Codex family, kCodex: 3000x1250 + 2500x10000 + 60000x125
    {6, "gpt-5.1-codex", "2025-12-01T12:00:00Z", kCodex, false, "", 36'250'000},
    {7, "gpt-5.1-codex-max", "2025-12-01T12:00:00Z", kCodex, false, "", 36'250'000},
    // 3000x250 + 2500x2000 + 60000x25
    {8, "gpt-5.1-codex-mini", "2025-12-01T12:00:00Z", kCodex, false, "", 7'250'000},
    // GPT-5.2/5.3 Codex (1750 / 14000 / 175): 3000x1750 + 2500x14000 + 60000x175
    {9, "gpt-5.2-codex", "2026-01-15T12:00:00Z", kCodex, false, "", 50'750'000},
    // cache writes cost input before GPT-5.6: 50,750,000 + 1000x1750
    {10,
     "gpt-5.3-codex",
     "2026-02-20T12:00:00Z",
     {3000, 2500, 1000, 0, 60000},
     false,
     "",
     52'500'000},
    // C. GPT-5.4 above 272,000 prompt tokens. prompt 272000: 2000x2500 + 1000x15000 + 270000x250
    {11, "gpt-5.4", "2026-04-01T12:00:00Z", {2000, 1000, 0, 0, 270000}, false, "", 87'500'000},
    // prompt 272001, whole request long: 2000x5000 + 1000x22500 + 270001x500
    {12, "gpt-5.4", "2026-04-01T12:00:00Z", {2000, 1000, 0, 0, 270001}, false, "", 167'500'500},
    // mini has no long tier: 300000x750 + 1000x4500
    {13, "gpt-5.4-mini", "2026-04-01T12:00:00Z", {300000, 1000, 0, 0, 0}, false, "", 229'500'000},
    // GPT-5.5 long (10000 / 45000 / 1000): 10000x10000 + 2000x45000 + 290000x1000
    {14, "gpt-5.5", "2026-05-01T12:00:00Z", {10000, 2000, 0, 0, 290000}, false, "", 480'000'000},
    // D. GPT-5.6 Sol: list, the promotion from 2026-08-21 00:00 PT, the list
    // price again from 2026-12-01 00:00 PT. Writes cost 1.25x input.
    // 1000x5000 + 1000x30000 + 2000x6250 + 50000x500
    {15, "gpt-5.6-sol", "2026-08-20T23:59:00-07:00", kSol, false, "", 72'500'000},
    // 1000x4000 + 1000x20000 + 2000x5000 + 50000x400
    {16, "gpt-5.6-sol", "2026-08-21T00:00:00-07:00", kSol, false, "", 54'000'000},
    {17, "gpt-5.6-sol", "2026-11-30T23:59:00-08:00", kSol, false, "", 54'000'000},
    {18, "gpt-5.6-sol", "2026-12-01T08:00:00Z", kSol, false, "", 72'500'000},
    {19, "gpt-5.6", "2026-12-03T12:00:00Z", kSol, false, "", 72'500'000},      // the alias
    {20, "gpt-5.6-sol", "2026-12-03T12:00:00Z", kSol, true, "", 145'000'000},  // fast: x2
    // Terra and Luna cut on 2026-07-30. Before: 1000x2500 + 2000x15000 + 100000x250
    {21, "gpt-5.6-terra", "2026-07-29T12:00:00Z", kTerra, false, "", 57'500'000},
    // after: 1000x2000 + 2000x12000 + 100000x200
    {22, "gpt-5.6-terra", "2026-07-31T00:00:00Z", kTerra, false, "", 46'000'000},
    // 1000x200 + 2000x1200 + 100000x20
    {23, "gpt-5.6-luna", "2026-07-31T00:00:00Z", kTerra, false, "", 4'600'000},
    // E. GPT-6. Astra: 1500x10000 + 3000x50000 + 4000x12500 + 120000x1000
    {24, "gpt-6-astra", "2026-10-01T12:00:00Z", kGpt6, false, "", 335'000'000},
    {25, "gpt-6-astra", "2026-10-01T12:00:00Z", kGpt6, true, "", 670'000'000},  // fast: x2
    // prompt 282000, long: 2000x20000 + 1000x75000 + 280000x2000
    {26, "gpt-6-astra", "2026-10-01T12:00:00Z", {2000, 1000, 0, 0, 280000}, false, "", 675'000'000},
    // Sol: 1500x2000 + 3000x10000 + 4000x2500 + 120000x200; no fast price found: flagged
    {27, "gpt-6-sol", "2026-10-01T12:00:00Z", kGpt6, true, "", 67'000'000, true},
    // Luna: 1500x100 + 3000x500 + 4000x125 + 120000x10
    {28, "gpt-6-luna", "2026-10-01T12:00:00Z", kGpt6, false, "", 3'350'000},
    // 6.1 Sol: 1500x2000 + 3000x10000 + 4000x2500 + 120000x100
    {29, "gpt-6.1-sol", "2026-10-10T12:00:00Z", kGpt6, false, "", 55'000'000},
    // 6.1 Terra, 30-minute writes at 1250 and 12-hour writes at 2500:
    // 1500x1000 + 3000x5000 + 4000x1250 + 1000x2500 + 120000x50
    {30,
     "gpt-6.1-terra",
     "2026-11-10T12:00:00Z",
     {1500, 3000, 4000, 1000, 120000},
     false,
     "",
     30'000'000},
    // 6.2 Astra: 1500x8000 + 3000x40000 + 4000x10000 + 120000x400
    {31, "gpt-6.2-astra", "2026-11-20T12:00:00Z", kGpt6, false, "", 220'000'000},
    // F. Older models. o3 before its cut (2025-06-10 00:00 PT):
    // 1000x10000 + 5000x40000 + 10000x2500; after: 1000x2000 + 5000x8000 + 10000x500
    {32, "o3-2025-04-16", "2025-06-09T12:00:00Z", kOlder, false, "", 235'000'000},
    {33, "o3-2025-04-16", "2025-06-10T07:00:00Z", kOlder, false, "", 47'000'000},
    // 1000x1100 + 5000x4400 + 10000x275
    {34, "o4-mini-2025-04-16", "2025-08-01T12:00:00Z", kOlder, false, "", 25'850'000},
    // 1000x2000 + 5000x8000 + 10000x500
    {35, "gpt-4.1-2025-04-14", "2025-08-01T12:00:00Z", kOlder, false, "", 47'000'000},
    // 1000x400 + 5000x1600 + 10000x100
    {36, "gpt-4.1-mini", "2025-08-01T12:00:00Z", kOlder, false, "", 9'400'000},
    // codex-mini-latest normalises to codex-mini: 1000x1500 + 5000x6000 + 10000x375
    {37, "codex-mini-latest", "2025-08-01T12:00:00Z", kOlder, false, "", 35'250'000},
    // G. Gemini 2.5 Pro, Gemini CLI's default (1250 / 10000 / read 125):
    // 8000x1250 + 1200x10000 (thoughts inside output)
    {38, "gemini-2.5-pro", "2026-09-01T12:00:00Z", {8000, 1200, 0, 0, 0}, false, "", 22'000'000},
    // cached, OpenCode's form: 4000x1250 + 800x10000 + 36000x125
    {39,
     "google/gemini-2.5-pro",
     "2026-09-01T12:00:00Z",
     {4000, 800, 0, 0, 36000},
     false,
     "",
     17'500'000},
    // prompt 200000: 10000x1250 + 2000x10000 + 190000x125
    {40,
     "gemini-2.5-pro",
     "2026-09-01T12:00:00Z",
     {10000, 2000, 0, 0, 190000},
     false,
     "",
     56'250'000},
    // prompt 200001, whole request long: 10000x2500 + 2000x15000 + 190001x250
    {41,
     "gemini-2.5-pro",
     "2026-09-01T12:00:00Z",
     {10000, 2000, 0, 0, 190001},
     false,
     "",
     102'500'250},
    // Gemini 3 Pro Preview. prompt 200000: 10000x2000 + 2000x12000 + 190000x200
    {42,
     "gemini-3-pro-preview",
     "2026-01-10T12:00:00Z",
     {10000, 2000, 0, 0, 190000},
     false,
     "",
     82'000'000},
    // prompt 200001: 10000x4000 + 2000x18000 + 190001x400
    {43,
     "gemini-3-pro-preview",
     "2026-01-10T12:00:00Z",
     {10000, 2000, 0, 0, 190001},
     false,
     "",
     152'000'400},
    // 3.1 Pro: cache writes count in the prompt and cost input.
    // prompt 10000+4000+186000 = 200000: 10000x2000 + 2000x12000 + 4000x2000 + 186000x200
    {44,
     "gemini-3.1-pro-preview",
     "2026-09-01T12:00:00Z",
     {10000, 2000, 4000, 0, 186000},
     false,
     "",
     89'200'000},
    // prompt 200001: 10000x4000 + 2000x18000 + 4001x4000 + 186000x400
    {45,
     "gemini-3.1-pro-preview",
     "2026-09-01T12:00:00Z",
     {10000, 2000, 4001, 0, 186000},
     false,
     "",
     166'404'000},
    // H. Flat Gemini models, kFlash. 2.5 Flash: 20000x300 + 3000x2500 + 80000x30
    {46, "gemini-2.5-flash", "2026-09-01T12:00:00Z", kFlash, false, "", 15'900'000},
    // no tier above 200K: 250000x300 + 1000x2500
    {47,
     "gemini-2.5-flash",
     "2026-09-01T12:00:00Z",
     {250000, 1000, 0, 0, 0},
     false,
     "",
     77'500'000},
    // 20000x100 + 3000x400 + 80000x10
    {48, "gemini-2.5-flash-lite", "2026-09-01T12:00:00Z", kFlash, false, "", 4'000'000},
    // 2.0 Flash until its shutdown on 2026-06-01: 20000x100 + 3000x400 + 80000x25
    {49, "gemini-2.0-flash-001", "2026-05-31T23:59:00Z", kFlash, false, "", 5'200'000},
    {50, "gemini-2.0-flash", "2026-06-01T00:00:00Z", kFlash, false, "", std::nullopt},
    // 20000x500 + 3000x3000 + 80000x50
    {51, "gemini-3-flash-preview", "2026-02-01T12:00:00Z", kFlash, false, "", 23'000'000},
    // 20000x1500 + 3000x9000 + 80000x150; gemini-3-flash is Gemini CLI's other name for it
    {52, "gemini-3.5-flash", "2026-09-01T12:00:00Z", kFlash, false, "", 69'000'000},
    {53, "gemini-3-flash", "2026-09-01T12:00:00Z", kFlash, false, "", 69'000'000},
    // 20000x250 + 3000x1500 + 80000x25
    {54, "gemini-3.1-flash-lite-preview", "2026-04-01T12:00:00Z", kFlash, false, "", 11'500'000},
    // I. Known but unpriced: Codex's review alias (the reader maps it by date),
    // GPT-6.2 Sol (no cached-input price found), an invented gpt-6, a Gemini
    // preview snapshot with its own price, Google's moving -latest alias.
    {55, "codex-auto-review", "2026-12-01T12:00:00Z", kOlder, false, "", std::nullopt},
    {56, "gpt-6.2-sol", "2026-12-01T12:00:00Z", kOlder, false, "", std::nullopt},
    {57, "gpt-6", "2026-12-01T12:00:00Z", kOlder, false, "", std::nullopt},
    {58, "gemini-2.5-flash-preview-05-20", "2025-06-01T12:00:00Z", kFlash, false, "", std::nullopt},
    {59, "gemini-flash-latest", "2026-12-01T12:00:00Z", kFlash, false, "", std::nullopt},
};

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes)
    if (s.starts_with(p)) return true;
  return false;
}

}  // namespace

TEST_CASE("the default book prices OpenAI and Google models by hand", "[pricing]") {
  test::check_book_cases(*Pricer::builtin(), kCases);
}

TEST_CASE("the OpenAI and Google prompt-size tiers compare the whole prompt", "[pricing]") {
  // input + cache writes + cache reads, above the threshold (never at it).
  const auto pricer = Pricer::builtin();
  for (const BookCase& c : kCases) {
    INFO("case " << c.number);
    const bool over = c.number == 12 || c.number == 14 || c.number == 26 || c.number == 41 ||
                      c.number == 43 || c.number == 45;
    CHECK(test::price_case(*pricer, c).long_context == over);
  }
}

TEST_CASE("the ids the assistants log reach the right family", "[pricing]") {
  const auto pricer = Pricer::builtin();
  struct Id {
    const char* logged;
    const char* family;
  };
  for (const Id& id : {
           Id{"gpt-5-2025-08-07", "gpt-5"},
           Id{"openai/gpt-5.1-codex", "gpt-5.1-codex"},        // OpenCode
           Id{"GPT-5.1-Codex-Max", "gpt-5.1-codex-max"},       // case
           Id{"github-copilot/gpt-5-mini", "gpt-5-mini"},      // OpenCode via Copilot
           Id{"gpt-5.4-2026-03-05", "gpt-5.4"},                // dated snapshot
           Id{"gpt-5.6", "gpt-5.6-sol"},                       // OpenAI's alias
           Id{"codex-mini-latest", "codex-mini"},              // -latest dropped
           Id{"models/gemini-2.5-pro", "gemini-2.5-pro"},      // Gemini API resource name
           Id{"google/gemini-2.5-flash", "gemini-2.5-flash"},  // OpenCode
           Id{"gemini-3-flash", "gemini-3.5-flash"},           // Gemini CLI's second name
           Id{"gemini-3.1-pro-preview-customtools", "gemini-3.1-pro-preview"},
           Id{"gemini-3.1-flash-lite-preview", "gemini-3.1-flash-lite"},
           Id{"claude-sonnet-4.5", "claude-sonnet-4-5"},  // Copilot CLI's Claude id
           Id{"anthropic/claude-opus-4-6", "claude-opus-4-6"},
       }) {
    INFO(id.logged);
    const ModelEntry* e = pricer->entry_for(id.logged);
    REQUIRE(e != nullptr);
    CHECK(e->family == id.family);
  }
}

TEST_CASE("no OpenAI or Google id reaches a Claude family, nor the reverse", "[pricing]") {
  // Lookup is exact on the family or an alias (no prefix matching), so a
  // family's provider must agree with every spelling that reaches it.
  const auto book = PriceBook::builtin();
  int openai = 0, google = 0;
  for (const ModelEntry& m : book->models()) {
    INFO(m.family);
    std::vector<std::string> names = m.aliases;
    names.push_back(m.family);
    for (const std::string& n : names) {
      INFO(n);
      if (m.provider == "anthropic") CHECK(n.starts_with("claude-"));
      if (m.provider == "openai") CHECK(starts_with_any(n, {"gpt-", "o3", "o4-", "codex-"}));
      if (m.provider == "google") CHECK(n.starts_with("gemini-"));
    }
    CHECK((m.provider == "anthropic" || m.provider == "openai" || m.provider == "google"));
    openai += m.provider == "openai";
    google += m.provider == "google";
  }
  CHECK(openai == 29);
  CHECK(google == 9);
}

TEST_CASE("every model Codex CLI 0.169 and Gemini CLI 0.61 offer is priced today", "[pricing]") {
  // Codex 0.169's bundled catalog (docs/PRICING.md) and Gemini CLI's model
  // constants; codex-auto-review and gpt-daybreak-*-latest have no list price.
  const auto pricer = Pricer::builtin();
  const auto today = parse_effective_time("2026-12-05");
  REQUIRE(today);
  for (const char* model :
       {"gpt-6-astra", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6-sol", "gpt-6-luna", "gpt-5.6-sol",
        "gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5", "gemini-2.5-pro", "gemini-2.5-flash",
        "gemini-3-pro-preview", "gemini-3.1-pro-preview", "gemini-3.1-pro-preview-customtools",
        "gemini-3-flash-preview", "gemini-3.5-flash", "gemini-3-flash", "gemini-3.1-flash-lite"}) {
    INFO(model);
    UsageToPrice u;
    u.model = model;
    u.ts_ms = *today;
    u.input = 1000;
    CHECK(pricer->price(u).list_nanos.value_or(0) > 0);
  }
}
