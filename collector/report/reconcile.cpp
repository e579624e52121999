// Reconciliation of a month (reconcile.hpp): codepulse's side from the report
// engine, the provider's from the imported rows, joined on day, provider and
// model family, with the explanations that are known.
#include "collector/report/reconcile.hpp"

#include <map>
#include <set>
#include <tuple>

#include "collector/report/store_report.hpp"
#include "common/checked_sum.hpp"
#include "common/pricing/model_id.hpp"

namespace codepulse::collector {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // day, provider, model

ProviderSource usage_source(const std::string& provider) {
  return provider == "anthropic" ? ProviderSource::kAnthropicMessages
                                 : ProviderSource::kOpenaiCompletions;
}
ProviderSource cost_source(const std::string& provider) {
  return provider == "anthropic" ? ProviderSource::kAnthropicCost : ProviderSource::kOpenaiCosts;
}

bool add_tokens(ReconcileTokens& into, const ReconcileTokens& t) {
  return add_checked(into.input, t.input) && add_checked(into.cache_write, t.cache_write) &&
         add_checked(into.cache_read, t.cache_read) && add_checked(into.output, t.output);
}

ReconcileTokens tokens_of(const ProviderUsageRow& r) {
  int64_t writes = r.cache_write_5m;
  add_checked(writes, r.cache_write_1h);
  return {r.uncached_input, writes, r.cache_read, r.output};
}

// The model a cost row is for: Anthropic names it (when grouped by
// description); OpenAI's line item starts with it ("gpt-4o-2024-08-06, input").
std::string cost_model(const ProviderUsageRow& r) {
  if (!r.model.empty() || r.source != ProviderSource::kOpenaiCosts) return r.model;
  return r.line_item.substr(0, r.line_item.find(", "));
}

bool add_cost(std::optional<int64_t>& into, int64_t nanos) {
  int64_t sum = into.value_or(0);
  const bool ok = add_checked(sum, nanos);
  into = sum;
  return ok;
}

// a - b; nullopt when it does not fit 64 bits.
std::optional<int64_t> difference(int64_t a, int64_t b) {
  int64_t d = 0;
  if (__builtin_sub_overflow(a, b, &d)) return std::nullopt;
  return d;
}

void explain(ReconcileRow& row, bool usage_covered) {
  auto& why = row.explanations;
  const bool on_laptops = row.records > 0;
  if (row.provider == "bedrock" || row.provider == "vertex") {
    why.push_back("called through " + row.provider + " (not in the provider's admin API)");
  } else if (row.provider.empty()) {
    why.push_back("no provider import covers this model");
  } else if (!usage_covered) {
    why.push_back("the provider's usage of this day is not imported");
  } else if (row.model.empty() && !on_laptops) {
    why.push_back("charges of no model (web search, code execution)");
  } else if (row.token_diff && *row.token_diff > 0) {
    why.push_back(on_laptops ? "never touched a laptop (CI, API apps), or records still on "
                               "laptops' queues (unknown)"
                             : "never touched a laptop (CI, API apps)");
  } else if (row.token_diff && *row.token_diff < 0) {
    why.push_back("subscription usage (not in the provider's API)");
  } else if (row.cost_diff_nanos && *row.cost_diff_nanos != 0 && on_laptops) {
    why.push_back("the same tokens at other rates (organisation rates, batch or priority tiers)");
  }
  if (row.unpriced_records > 0)
    why.push_back("codepulse has no price for this model (" + std::to_string(row.unpriced_records) +
                  " records)");
}

}  // namespace

int64_t ReconcileTokens::total() const {
  int64_t t = input;
  return add_checked(t, cache_write) && add_checked(t, cache_read) && add_checked(t, output)
             ? t
             : INT64_MAX;
}

std::optional<std::pair<std::string, std::string>> month_days(std::string_view month) {
  const std::string first = std::string(month) + "-01";
  if (month.size() != 7 || !valid_day(first)) return std::nullopt;
  std::string next = first;
  while (next.substr(0, 7) == month)
    next = next_day(next);
  return std::pair{first, next};
}

Result<MonthQuery> month_query(std::string_view month, report::CostBasis basis) {
  const auto range = month_days(month);
  if (!range)
    return make_error("month '" + std::string(month) + "': expected YYYY-MM, e.g. 2026-11");
  MonthQuery out{range->first, range->second, {}};
  out.query.since_ms = day_start_ms(out.since_day);
  out.query.until_ms = day_start_ms(out.until_day);
  out.query.cost_basis = basis;
  return out;
}

std::string reconcile_provider(std::string_view model) {
  const ModelId id = parse_model_id(model);
  if (id.endpoint != EndpointKind::kAnthropic) return endpoint_name(id.endpoint);
  const std::string& f = id.family;
  if (f.starts_with("claude")) return "anthropic";
  for (const char* prefix : {"gpt", "o1", "o3", "o4", "codex", "chatgpt"})
    if (f.starts_with(prefix)) return "openai";
  return "";
}

std::string reconcile_model(std::string_view model) {
  std::string f = normalize_model_id(model);
  // "-YYYY-MM-DD"
  if (f.size() > 11 && f[f.size() - 11] == '-' && f[f.size() - 6] == '-' &&
      f[f.size() - 3] == '-' && valid_day(std::string_view(f).substr(f.size() - 10)))
    f.resize(f.size() - 11);
  return f;
}

Result<Reconciliation> reconcile_month(Store& store, const std::string& month,
                                       std::shared_ptr<const Pricer> pricer) {
  auto span = month_query(month, report::CostBasis::kOrg);
  if (!span) return span.error();
  Reconciliation out{month, span->since_day, span->until_day, {}, ""};
  if (!pricer) {
    auto loaded = store_pricer(store);
    if (!loaded) return loaded.error();
    pricer = std::move(loaded).value();
  }
  out.pricing = pricer->book().revision();
  report::ReportQuery q = span->query;
  q.group_by = {report::Dimension::kDate, report::Dimension::kModel};
  auto report = build_report(store, q, pricer);
  if (!report) return report.error();

  std::map<Key, ReconcileRow> rows;
  std::map<Key, std::map<std::pair<std::string, std::string>, ReconcileTokens>> keys;
  bool fits = true;
  for (const report::ReportNode& date : report->root.children)
    for (const report::ReportNode& model : date.children) {
      const report::Metrics& m = model.metrics;
      ReconcileRow& row =
          rows[{date.key, reconcile_provider(model.key), reconcile_model(model.key)}];
      fits &= add_tokens(row.codepulse, {m.input, m.cache_create, m.cache_read, m.output});
      fits &= add_checked(row.records, m.records);
      fits &= add_checked(row.unpriced_records, m.unpriced_records);
      if (!m.all_unpriced()) fits &= add_cost(row.codepulse_cost_nanos, m.cost_nanos);
    }

  auto provider_rows = store.load_provider_rows(out.since_day, out.until_day);
  if (!provider_rows) return provider_rows.error();
  auto covered_days = store.load_provider_days(out.since_day, out.until_day);
  if (!covered_days) return covered_days.error();
  std::set<std::pair<ProviderSource, std::string>> covered;
  for (const ProviderDayInfo& d : *covered_days)
    covered.emplace(d.source, d.day);

  std::map<Key, int64_t> claude_code;
  for (const ProviderUsageRow& r : *provider_rows) {
    const std::string provider = provider_of(r.source);
    if (r.source == ProviderSource::kAnthropicClaudeCode) {
      fits &= add_checked(claude_code[{r.day, provider, reconcile_model(r.model)}],
                          tokens_of(r).total());
    } else if (is_cost_source(r.source)) {
      if (r.cost_nanos)
        fits &=
            add_cost(rows[{r.day, provider, reconcile_model(cost_model(r))}].provider_cost_nanos,
                     *r.cost_nanos);
    } else {
      const Key key{r.day, provider, reconcile_model(r.model)};
      rows[key];
      fits &= add_tokens(keys[key][{r.workspace, r.api_key}], tokens_of(r));
    }
  }
  if (!fits) return make_error("the month's totals do not fit 64 bits");

  for (auto& [key, row] : rows) {
    std::tie(row.day, row.provider, row.model) = key;
    const bool known = row.provider == "anthropic" || row.provider == "openai";
    const bool usage_covered = known && covered.count({usage_source(row.provider), row.day});
    if (known && covered.count({cost_source(row.provider), row.day}) && !row.provider_cost_nanos)
      row.provider_cost_nanos = 0;
    if (auto cc = claude_code.find(key); cc != claude_code.end())
      row.claude_code_tokens = cc->second;
    if (usage_covered) {
      ReconcileTokens total;
      for (const auto& [id, tokens] : keys[key]) {
        add_tokens(total, tokens);
        row.keys.push_back({id.first, id.second, tokens});
      }
      row.provider_tokens = total;
      row.token_diff = difference(total.total(), row.codepulse.total());
    }
    if (row.provider_cost_nanos && (row.codepulse_cost_nanos || row.records == 0))
      row.cost_diff_nanos =
          difference(*row.provider_cost_nanos, row.codepulse_cost_nanos.value_or(0));
    explain(row, usage_covered);
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace codepulse::collector
