// The CSV export read into whole days (usage_file.hpp, kUsageCsvColumns):
// RFC 4180 cells, a header naming codepulse's columns, one row per day,
// model, workspace, API key and line item.
#include <algorithm>

#include "collector/providers/page_json_internal.hpp"
#include "collector/providers/usage_file.hpp"
#include "common/csv_cells.hpp"

namespace codepulse::collector {
namespace {

enum Column {
  kDate,
  kModel,
  kWorkspace,
  kApiKey,
  kLineItem,
  kUncachedInput,
  kCacheWrite5m,
  kCacheWrite1h,
  kCacheRead,
  kOutput,
  kWebSearch,
  kRequests,
  kCostUsd,
  kColumnCount
};

Result<int64_t> count_of(const std::string& cell, const std::string& where) {
  if (cell.empty()) return int64_t{0};
  if (!std::all_of(cell.begin(), cell.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      cell.size() > 16)
    return make_error(where + ": expected a count (digits, at most 10^15), got '" + cell + "'");
  return static_cast<int64_t>(std::stoll(cell));
}

}  // namespace

Result<std::vector<ProviderDay>> read_usage_csv(const std::string& provider,
                                                const std::string& name, std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark
  size_t pos = 0, line = 1;
  auto header = next_csv_line(text, pos, line);
  if (!header) return make_error(name + ": " + header.error().message);
  std::vector<int> index(kColumnCount, -1);  // column -> cell
  for (size_t i = 0; i < header->size(); ++i) {
    const auto* found = std::find_if(std::begin(kUsageCsvColumns), std::end(kUsageCsvColumns),
                                     [&](const char* c) { return (*header)[i] == c; });
    if (found == std::end(kUsageCsvColumns)) {
      std::string known;
      for (const char* c : kUsageCsvColumns)
        known += std::string(known.empty() ? "" : ", ") + c;
      return make_error(name + ": line 1: unknown column '" + (*header)[i] +
                        "' (the columns: " + known + ")");
    }
    const auto col = static_cast<size_t>(found - std::begin(kUsageCsvColumns));
    if (index[col] >= 0) return make_error(name + ": line 1: column '" + (*header)[i] + "' twice");
    index[col] = static_cast<int>(i);
  }
  if (index[kDate] < 0 || index[kModel] < 0)
    return make_error(name + ": line 1: the columns date and model are required");
  const bool anthropic = provider == "anthropic";
  ProviderPage usage, costs;
  while (pos < text.size()) {
    ++line;
    auto cells = next_csv_line(text, pos, line);
    if (!cells) return make_error(name + ": " + cells.error().message);
    if (cells->size() == 1 && (*cells)[0].empty()) continue;  // a blank line
    const std::string where = name + ": line " + std::to_string(line);
    if (cells->size() != header->size())
      return make_error(where + ": " + std::to_string(cells->size()) + " cells, the header has " +
                        std::to_string(header->size()));
    auto cell = [&](int col) -> const std::string& {
      static const std::string kNone;
      return index[col] < 0 ? kNone : (*cells)[static_cast<size_t>(index[col])];
    };
    ProviderUsageRow row;
    row.source =
        anthropic ? ProviderSource::kAnthropicMessages : ProviderSource::kOpenaiCompletions;
    row.day = cell(kDate);
    if (!valid_day(row.day)) return make_error(where + ": date: expected YYYY-MM-DD");
    row.model = cell(kModel);
    row.workspace = cell(kWorkspace);
    row.api_key = cell(kApiKey);
    row.line_item = cell(kLineItem);
    const std::pair<int, int64_t*> counts[] = {{kUncachedInput, &row.uncached_input},
                                               {kCacheWrite5m, &row.cache_write_5m},
                                               {kCacheWrite1h, &row.cache_write_1h},
                                               {kCacheRead, &row.cache_read},
                                               {kOutput, &row.output},
                                               {kWebSearch, &row.web_search},
                                               {kRequests, &row.requests}};
    for (const auto& [col, out] : counts) {
      auto n = count_of(cell(col), where + ": " + kUsageCsvColumns[col]);
      if (!n) return n.error();
      *out = *n;
    }
    usage.days.push_back(row.day);
    if (index[kCostUsd] >= 0) {
      costs.days.push_back(row.day);
      if (!cell(kCostUsd).empty()) {
        auto nanos = provider_json::parse_scaled_decimal(cell(kCostUsd), 9);
        if (!nanos) return make_error(where + ": cost_usd: expected dollars like 12.34");
        ProviderUsageRow cost;
        cost.source = anthropic ? ProviderSource::kAnthropicCost : ProviderSource::kOpenaiCosts;
        cost.day = row.day;
        cost.model = row.model;
        cost.workspace = row.workspace;
        cost.api_key = row.api_key;
        cost.line_item = row.line_item;
        cost.cost_nanos = *nanos;
        costs.rows.push_back(std::move(cost));
      }
    }
    usage.rows.push_back(std::move(row));
  }
  DayBuilder tokens(anthropic ? ProviderSource::kAnthropicMessages
                              : ProviderSource::kOpenaiCompletions);
  DayBuilder money(anthropic ? ProviderSource::kAnthropicCost : ProviderSource::kOpenaiCosts);
  if (auto s = tokens.add(usage); !s) return make_error(name + ": " + s.error().message);
  if (auto s = money.add(costs); !s) return make_error(name + ": " + s.error().message);
  auto out = tokens.take_all();
  for (ProviderDay& d : money.take_all())
    out.push_back(std::move(d));
  return out;
}

}  // namespace codepulse::collector
