// Provider usage and cost as the store keeps it (tables provider_usage,
// provider_days and provider_cursors, docs/PROVIDER_IMPORT.md): what
// Anthropic's and OpenAI's admin APIs (or a downloaded export) said about one
// UTC day, per model, workspace or project, API key and line item. A day is
// stored whole and replaces what was stored for it before, so importing it
// twice never doubles it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/row_view.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// Where a row comes from: a provider and one of its endpoints.
enum class ProviderSource {
  kAnthropicMessages,    // GET /v1/organizations/usage_report/messages
  kAnthropicCost,        // GET /v1/organizations/cost_report
  kAnthropicClaudeCode,  // GET /v1/organizations/usage_report/claude_code
  kOpenaiCompletions,    // GET /v1/organization/usage/completions
  kOpenaiCosts,          // GET /v1/organization/costs
};
inline constexpr ProviderSource kProviderSources[] = {
    ProviderSource::kAnthropicMessages, ProviderSource::kAnthropicCost,
    ProviderSource::kAnthropicClaudeCode, ProviderSource::kOpenaiCompletions,
    ProviderSource::kOpenaiCosts};

const char* provider_of(ProviderSource s);  // "anthropic", "openai"
const char* source_name(ProviderSource s);  // "messages", "cost_report", "claude_code", ...
// The source a (provider, source name) pair names; nullopt for any other.
std::optional<ProviderSource> parse_source(std::string_view provider, std::string_view name);
// True for the sources that carry money (cost_report, costs); the others
// carry tokens (claude_code both: its cost is Anthropic's estimate).
bool is_cost_source(ProviderSource s);

// One row: a day's usage or cost of one model, workspace (Anthropic) or
// project (OpenAI), API key (or Claude Code actor) and line item. Empty
// strings where the provider gives none.
struct ProviderUsageRow {
  ProviderSource source = ProviderSource::kAnthropicMessages;
  std::string day;  // "YYYY-MM-DD", UTC
  std::string model, workspace, api_key, line_item;
  int64_t uncached_input = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
  int64_t output = 0, web_search = 0, requests = 0;
  std::optional<int64_t> cost_nanos;  // USD nano-dollars; nullopt: the row has no cost
  bool operator==(const ProviderUsageRow&) const = default;
};

// Every row of one source's day: storing it replaces that day's rows.
struct ProviderDay {
  ProviderSource source = ProviderSource::kAnthropicMessages;
  std::string day;
  std::vector<ProviderUsageRow> rows;
};

// A day some import covered (zero rows: the provider said there was no usage).
struct ProviderDayInfo {
  ProviderSource source = ProviderSource::kAnthropicMessages;
  std::string day;
  int64_t imported_ms = 0;
  std::string origin;  // "api", or "file <name>"
  int64_t rows = 0;
};

// Where a source's polling resumes: the first day it fetches next time.
struct ProviderCursor {
  ProviderSource source = ProviderSource::kAnthropicMessages;
  std::string next_day;  // "YYYY-MM-DD"
  int64_t updated_ms = 0;
  bool operator==(const ProviderCursor&) const = default;
};

// Bounds every row is checked against before it is stored.
inline constexpr int64_t kMaxProviderTokens = 1'000'000'000'000'000;  // 10^15 a field and row
inline constexpr int64_t kMaxProviderCostNanos = 1'000'000'000'000'000'000;  // $10^9 a row
inline constexpr size_t kMaxProviderText = 256;

// True for "YYYY-MM-DD" naming a real date.
bool valid_day(std::string_view day);
// "YYYY-MM-DD" of a UTC instant, and the instant a day starts at.
std::string day_of_ms(int64_t ms);
std::optional<int64_t> day_start_ms(std::string_view day);
// The day after / before `day` (a valid day).
std::string next_day(const std::string& day);
std::string previous_day(const std::string& day);

// The day checked before it is stored: a valid day, every row of its source
// and day, counts within their bounds, texts plain and short, no two rows
// with the same key (model, workspace, api_key, line_item). The error names
// the day and the row.
Status check_provider_day(const ProviderDay& d);

// Rows in the order a store returns them: by day, provider, source, model,
// workspace, api key and line item, bytewise (the same in every store).
void sort_provider_rows(std::vector<ProviderUsageRow>& rows);

// Rows as the stores read them (provider_sql.hpp selects the columns in
// this order). An unknown provider or source is an error naming the row.
Result<ProviderUsageRow> read_provider_row(const RowView& row);
Result<ProviderDayInfo> read_provider_day(const RowView& row);
Result<ProviderCursor> read_provider_cursor(const RowView& row);

// The cursor a read found (at most one row), or nullopt.
std::optional<ProviderCursor> first_cursor(const std::vector<ProviderCursor>& read);

// A store's row callback that reads each row with `read` into `out`; the
// first row it cannot read leaves its error in `failed`.
template <class T>
std::function<void(const RowView&)> rows_into(std::vector<T>& out,
                                              Result<T> (*read)(const RowView&), Status& failed) {
  return [&out, read, &failed](const RowView& row) {
    auto item = read(row);
    if (!item) {
      if (failed) failed = item.error();
      return;
    }
    out.push_back(std::move(item).value());
  };
}

}  // namespace codepulse::collector
