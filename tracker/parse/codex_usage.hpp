// parse: Codex's token counts. A usage object into our disjoint buckets, the
// requests hidden in a run of cumulative token_count totals, the model an
// alias stands for, and the time in a UUIDv7 id.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tracker/parse/codex_state.hpp"
#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

// Reads a usage object (input_tokens, cached_input_tokens,
// cache_write_input_tokens, output_tokens, reasoning_output_tokens,
// total_tokens); false when a count is negative, not an integer or absurd,
// or neither input_tokens nor output_tokens is there.
bool read_codex_usage(simdjson::ondemand::object usage, CodexUsage& out);

// Codex's counts as disjoint buckets: uncached input = input - cached -
// cache writes (each part clamped to what input holds), output with its
// reasoning.
TokenCounts codex_tokens(const CodexUsage& u);

// What one token_count row adds, given the totals before it (`state`).
enum class CodexRow {
  kCount,   // a request of `delta` tokens
  kRepeat,  // the totals did not move (Codex writes the same row again)
  kStale,   // a little below the last totals: an older snapshot written late
};
struct CodexDelta {
  CodexRow row = CodexRow::kRepeat;
  CodexUsage delta;
};
// `total` is the row's total_token_usage, `last` its last_token_usage (if
// any). Moves state.totals (not for a stale row). Rules: the first row of a
// file, or the first after a copied history, counts its last_token_usage
// (what came before it is not in this file); a row whose totals grew counts
// the growth; equal totals are a repeat; totals that fell by less than about
// two requests are a stale row; a bigger fall is a reset, counted as its
// last_token_usage.
CodexDelta codex_token_count_delta(CodexState& state, const CodexUsage& total,
                                   const std::optional<CodexUsage>& last);

// The model a Codex alias stands for. `codex-auto-review` (the model Codex's
// automatic reviews use) is taken, as ccusage 20.0.24 does, to be the model
// that was newest on the request's day: gpt-5 from 2025-08-07, gpt-5-codex
// from 2025-09-15, gpt-5.1-codex from 2025-11-13, gpt-5.2-codex from
// 2025-12-11, gpt-5.3-codex from 2026-02-05, gpt-5.4 from 2026-03-05 and
// gpt-5.6-luna from 2026-07-30 (UTC days). Any other name is kept.
std::string codex_model(std::string_view model, int64_t timestamp_ms);

// The Unix time in milliseconds a UUIDv7 carries, or 0 for any other text.
int64_t uuid7_ms(std::string_view uuid);

}  // namespace codepulse::tracker
