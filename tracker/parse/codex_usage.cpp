// Codex's token counts: usage objects, cumulative token_count rows, the
// codex-auto-review alias and UUIDv7 times (codex_usage.hpp).
#include "tracker/parse/codex_usage.hpp"

#include <algorithm>

#include "common/time.hpp"
#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

bool all_at_least(const CodexUsage& a, const CodexUsage& b) {
  return a.input >= b.input && a.cached >= b.cached && a.cache_write >= b.cache_write &&
         a.output >= b.output && a.reasoning >= b.reasoning && a.total >= b.total;
}

CodexUsage minus(const CodexUsage& a, const CodexUsage& b) {
  auto sub = [](int64_t x, int64_t y) { return x > y ? x - y : 0; };
  return {sub(a.input, b.input),   sub(a.cached, b.cached),       sub(a.cache_write, b.cache_write),
          sub(a.output, b.output), sub(a.reasoning, b.reasoning), sub(a.total, b.total)};
}

// The size of a usage: its total_tokens, else input + output.
int64_t size_of(const CodexUsage& u) {
  return u.total > 0 ? u.total : u.input + u.output;
}

bool empty(const CodexUsage& u) {
  return u.input == 0 && u.output == 0;
}

struct AliasStep {
  const char* from;  // first UTC day, YYYY-MM-DD
  const char* model;
};
// Newest first (ccusage 20.0.24's embedded codex-auto-review fallbacks).
constexpr AliasStep kAutoReview[] = {
    {"2026-07-30", "gpt-5.6-luna"},  {"2026-03-05", "gpt-5.4"},
    {"2026-02-05", "gpt-5.3-codex"}, {"2025-12-11", "gpt-5.2-codex"},
    {"2025-11-13", "gpt-5.1-codex"}, {"2025-09-15", "gpt-5-codex"},
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool read_codex_usage(simdjson::ondemand::object usage, CodexUsage& out) {
  out = CodexUsage{};
  bool have_input = false, have_output = false;
  for (auto field : usage) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return false;
    int64_t* slot = nullptr;
    if (key == "input_tokens") {
      slot = &out.input;
      have_input = true;
    } else if (key == "cached_input_tokens" || key == "cache_read_input_tokens") {
      slot = &out.cached;
    } else if (key == "cache_write_input_tokens") {
      slot = &out.cache_write;
    } else if (key == "output_tokens") {
      slot = &out.output;
      have_output = true;
    } else if (key == "reasoning_output_tokens") {
      slot = &out.reasoning;
    } else if (key == "total_tokens") {
      slot = &out.total;
    }
    if (slot && !read_nullable_count(v, *slot)) return false;
  }
  return have_input || have_output;
}

TokenCounts codex_tokens(const CodexUsage& u) {
  TokenCounts t;
  t.cache_read = std::min(u.cached, u.input);
  t.cache_write_5m = std::min(u.cache_write, u.input - t.cache_read);
  t.input = u.input - t.cache_read - t.cache_write_5m;
  t.output = u.output;
  t.reasoning = std::min(u.reasoning, u.output);
  return t;
}

CodexDelta codex_token_count_delta(CodexState& state, const CodexUsage& total,
                                   const std::optional<CodexUsage>& last) {
  CodexDelta d;
  const CodexUsage before = state.totals;
  const bool had = state.has_totals;
  if (had && total == before) return d;  // a repeat: nothing moves
  if (!had || state.inherited) {
    // What came before this row is not counted in this file.
    d.delta = had && all_at_least(total, before) ? minus(total, before) : last ? *last : total;
  } else if (all_at_least(total, before) || size_of(total) > size_of(before)) {
    d.delta = minus(total, before);
  } else {
    const int64_t now = size_of(total), was = size_of(before);
    const int64_t step = last ? size_of(*last) : 0;
    if (now * 50 >= was * 49 || now + 2 * step >= was) {
      d.row = CodexRow::kStale;  // keep the higher totals
      return d;
    }
    d.delta = last ? *last : total;  // a reset: the totals start again
  }
  state.totals = total;
  state.has_totals = true;
  state.inherited = false;
  d.row = empty(d.delta) ? CodexRow::kRepeat : CodexRow::kCount;
  return d;
}

std::string codex_model(std::string_view model, int64_t timestamp_ms) {
  if (model != "codex-auto-review") return std::string(model);
  const std::string day = format_iso8601_utc_ms(timestamp_ms).substr(0, 10);
  for (const AliasStep& step : kAutoReview)
    if (day >= step.from) return step.model;
  return "gpt-5";
}

int64_t uuid7_ms(std::string_view uuid) {
  // xxxxxxxx-xxxx-7xxx-...: the first 48 bits are the time.
  if (uuid.size() != 36 || uuid[8] != '-' || uuid[13] != '-' || uuid[14] != '7') return 0;
  int64_t ms = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (i == 8) continue;
    const int d = hex_digit(uuid[i]);
    if (d < 0) return 0;
    ms = ms * 16 + d;
  }
  return ms;
}

}  // namespace codepulse::tracker
