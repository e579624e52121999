// What every store makes of provider usage: the sources' names, days, the
// checks a day passes before it is stored, and the rows read back.
#include "collector/store/provider_rows.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/text_controls.hpp"
#include "common/time.hpp"
#include "common/utf8.hpp"

namespace codepulse::collector {
namespace {

int64_t days_of(std::string_view day) {
  const CivilDate d{
      (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0'),
      static_cast<unsigned>((day[5] - '0') * 10 + (day[6] - '0')),
      static_cast<unsigned>((day[8] - '0') * 10 + (day[9] - '0'))};
  return days_from_civil(d);
}

std::string day_of_days(int64_t days) {
  return format_date(civil_from_days(days));
}

bool plain(std::string_view s) {
  return s.size() <= kMaxProviderText && find_control_character(s) == std::string_view::npos &&
         replace_invalid_utf8(s) == s;
}

Result<ProviderSource> source_of(const RowView& row, int provider_col, int source_col) {
  auto s = parse_source(row.text(provider_col), row.text(source_col));
  if (!s)
    return make_error("provider row with an unknown source '" +
                      std::string(row.text(provider_col)) + " " +
                      std::string(row.text(source_col)) + "'");
  return *s;
}

}  // namespace

const char* provider_of(ProviderSource s) {
  switch (s) {
    case ProviderSource::kAnthropicMessages:
    case ProviderSource::kAnthropicCost:
    case ProviderSource::kAnthropicClaudeCode:
      return "anthropic";
    case ProviderSource::kOpenaiCompletions:
    case ProviderSource::kOpenaiCosts:
      return "openai";
  }
  return "anthropic";
}

const char* source_name(ProviderSource s) {
  switch (s) {
    case ProviderSource::kAnthropicMessages:
      return "messages";
    case ProviderSource::kAnthropicCost:
      return "cost_report";
    case ProviderSource::kAnthropicClaudeCode:
      return "claude_code";
    case ProviderSource::kOpenaiCompletions:
      return "completions";
    case ProviderSource::kOpenaiCosts:
      return "costs";
  }
  return "messages";
}

std::optional<ProviderSource> parse_source(std::string_view provider, std::string_view name) {
  for (ProviderSource s : kProviderSources)
    if (provider == provider_of(s) && name == source_name(s)) return s;
  return std::nullopt;
}

bool is_cost_source(ProviderSource s) {
  return s == ProviderSource::kAnthropicCost || s == ProviderSource::kOpenaiCosts;
}

bool valid_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (day[i] < '0' || day[i] > '9') return false;
  return day_of_days(days_of(day)) == day;  // no 2026-02-30
}

std::string day_of_ms(int64_t ms) {
  constexpr int64_t kDayMs = 86'400'000;
  int64_t days = ms / kDayMs;
  if (ms % kDayMs < 0) --days;
  return day_of_days(days);
}

std::optional<int64_t> day_start_ms(std::string_view day) {
  if (!valid_day(day)) return std::nullopt;
  return days_of(day) * 86'400'000;
}

std::string next_day(const std::string& day) {
  return day_of_days(days_of(day) + 1);
}

std::string previous_day(const std::string& day) {
  return day_of_days(days_of(day) - 1);
}

Status check_provider_day(const ProviderDay& d) {
  const std::string where = std::string(provider_of(d.source)) + " " + source_name(d.source) +
                            " day '" + replace_control_characters(d.day) + "'";
  if (!valid_day(d.day)) return make_error(where + ": not a date (YYYY-MM-DD)");
  std::set<std::tuple<std::string, std::string, std::string, std::string>> keys;
  for (size_t i = 0; i < d.rows.size(); ++i) {
    const ProviderUsageRow& r = d.rows[i];
    const std::string row = where + ", row " + std::to_string(i + 1);
    if (r.source != d.source || r.day != d.day)
      return make_error(row + ": belongs to another source or day");
    for (const std::string* text : {&r.model, &r.workspace, &r.api_key, &r.line_item})
      if (!plain(*text))
        return make_error(row + ": a name longer than " + std::to_string(kMaxProviderText) +
                          " bytes, or with control characters or invalid UTF-8");
    for (int64_t n : {r.uncached_input, r.cache_write_5m, r.cache_write_1h, r.cache_read, r.output,
                      r.web_search, r.requests})
      if (n < 0 || n > kMaxProviderTokens)
        return make_error(row + ": a count outside 0 to 10^15: " + std::to_string(n));
    if (r.cost_nanos &&
        (*r.cost_nanos < -kMaxProviderCostNanos || *r.cost_nanos > kMaxProviderCostNanos))
      return make_error(row + ": a cost beyond $10^9");
    if (!keys.emplace(r.model, r.workspace, r.api_key, r.line_item).second)
      return make_error(row + ": a second row for model '" + r.model + "', workspace '" +
                        r.workspace + "', api key '" + r.api_key + "', line item '" + r.line_item +
                        "'");
  }
  return {};
}

void sort_provider_rows(std::vector<ProviderUsageRow>& rows) {
  using V = std::string_view;
  auto key = [](const ProviderUsageRow& r) {
    return std::make_tuple(V(r.day), V(provider_of(r.source)), V(source_name(r.source)), V(r.model),
                           V(r.workspace), V(r.api_key), V(r.line_item));
  };
  std::sort(rows.begin(), rows.end(),
            [&](const ProviderUsageRow& a, const ProviderUsageRow& b) { return key(a) < key(b); });
}

std::optional<ProviderCursor> first_cursor(const std::vector<ProviderCursor>& read) {
  if (read.empty()) return std::nullopt;
  return read.front();
}

Result<ProviderUsageRow> read_provider_row(const RowView& row) {
  auto source = source_of(row, 0, 1);
  if (!source) return source.error();
  ProviderUsageRow r;
  r.source = *source;
  r.day = std::string(row.text(2));
  r.model = std::string(row.text(3));
  r.workspace = std::string(row.text(4));
  r.api_key = std::string(row.text(5));
  r.line_item = std::string(row.text(6));
  r.uncached_input = row.int64(7);
  r.cache_write_5m = row.int64(8);
  r.cache_write_1h = row.int64(9);
  r.cache_read = row.int64(10);
  r.output = row.int64(11);
  r.web_search = row.int64(12);
  r.requests = row.int64(13);
  r.cost_nanos = row.opt_int64(14);
  return r;
}

Result<ProviderDayInfo> read_provider_day(const RowView& row) {
  auto source = source_of(row, 0, 1);
  if (!source) return source.error();
  return ProviderDayInfo{*source, std::string(row.text(2)), row.int64(3), std::string(row.text(4)),
                         row.int64(5)};
}

Result<ProviderCursor> read_provider_cursor(const RowView& row) {
  auto source = source_of(row, 0, 1);
  if (!source) return source.error();
  return ProviderCursor{*source, std::string(row.text(2)), row.int64(3)};
}

}  // namespace codepulse::collector
