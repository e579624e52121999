// Reconciliation of a month (docs/PROVIDER_IMPORT.md, "Reconciliation"):
// per UTC day and model, codepulse's tokens and cost (the report engine over
// the stored records, priced like every report) next to what the provider's
// imported usage and cost say, the difference (provider minus codepulse),
// and the explanations that are known.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/store.hpp"
#include "common/pricing/pricer.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {

struct ReconcileTokens {
  int64_t input = 0, cache_write = 0, cache_read = 0, output = 0;
  int64_t total() const;  // saturated at INT64_MAX, never wrapped
  bool operator==(const ReconcileTokens&) const = default;
};

// The provider's tokens of one workspace (or project) and API key.
struct ReconcileKey {
  std::string workspace, api_key;
  ReconcileTokens tokens;
};

struct ReconcileRow {
  std::string day;       // "2026-11-03", UTC
  std::string provider;  // "anthropic", "openai"; "bedrock", "vertex" or "" when none is imported
  std::string model;     // the model's family ("claude-sonnet-4-5"); "" for charges of no model
  // codepulse: the stored records of the day and model.
  ReconcileTokens codepulse;
  int64_t records = 0, unpriced_records = 0;
  std::optional<int64_t> codepulse_cost_nanos;  // nullopt: every record unpriced
  // The provider: its usage report's tokens and its cost report's cost
  // (nullopt: that report is not imported for the day).
  std::optional<ReconcileTokens> provider_tokens;
  std::optional<int64_t> provider_cost_nanos;
  std::optional<int64_t> claude_code_tokens;  // Anthropic's Claude Code report, when imported
  std::vector<ReconcileKey> keys;             // the provider's tokens by workspace and key
  // Provider minus codepulse; nullopt where either side is unknown.
  std::optional<int64_t> token_diff, cost_diff_nanos;
  std::vector<std::string> explanations;
};

struct Reconciliation {
  std::string month, since_day, until_day;  // [since_day, until_day)
  std::vector<ReconcileRow> rows;           // by day, provider, model
  std::string pricing;                      // the book's revision that priced codepulse's side
};

// "YYYY-MM" -> its first day and the next month's; nullopt otherwise.
std::optional<std::pair<std::string, std::string>> month_days(std::string_view month);

// A month's UTC days [since_day, until_day) and the report query over them
// (no grouping set; cost basis as given); the error says what a month looks
// like ("month '2026-13': expected YYYY-MM, e.g. 2026-11").
struct MonthQuery {
  std::string since_day, until_day;
  report::ReportQuery query;
};
Result<MonthQuery> month_query(std::string_view month, report::CostBasis basis);

// The reconciliation of `month` ("2026-11") from `store`, codepulse's side
// priced with `pricer` (none: the store's pricing in force).
Result<Reconciliation> reconcile_month(Store& store, const std::string& month,
                                       std::shared_ptr<const Pricer> pricer = nullptr);

// The provider a model id is billed by, for reconciliation: "anthropic"
// (claude-*), "openai" (gpt-*, o1/o3/o4*, codex*, chatgpt*), "bedrock" or
// "vertex" (an id of those endpoints), "" otherwise.
std::string reconcile_provider(std::string_view model);
// The model's key for matching: its family (normalize_model_id), without a
// trailing "-YYYY-MM-DD" (OpenAI's dated ids).
std::string reconcile_model(std::string_view model);

// Rendered as "json" or "csv" (one line per day and model, each followed by
// one per workspace and key, the column `row` telling them apart). Texts go
// through the sinks: JsonWriter, report::csv_text_cell.
std::string render_reconciliation(const Reconciliation& r, std::string_view format);
// The cells of the table (a header first), for an aligned text table whose
// cells pass through report::terminal_text (collector/cli/cli_table.hpp).
std::vector<std::vector<std::string>> reconciliation_table(const Reconciliation& r);
// What the table says after its rows.
inline constexpr const char* kQueuedOnLaptops =
    "Records still on laptops' queues: unknown (they cannot be known centrally).";

}  // namespace codepulse::collector
