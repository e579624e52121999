// A reconciliation rendered (reconcile.hpp): JSON, CSV and the cells of the
// text table. Money as dollars rounded to 6 decimals (JSON also has the
// exact nano-dollars); a side that is not known is null, an empty cell, "-".
#include <string>

#include "collector/report/money_json.hpp"
#include "collector/report/reconcile.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/output_sinks.hpp"

namespace codepulse::collector {
namespace {

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts)
    out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::string model_name(const ReconcileRow& row) {
  return row.model.empty() ? "(no model)" : row.model;
}

std::string provider_name(const ReconcileRow& row) {
  return row.provider.empty() ? "(none)" : row.provider;
}

void write_tokens(JsonWriter& w, const ReconcileTokens& t) {
  w.field("input", t.input)
      .field("cache_write", t.cache_write)
      .field("cache_read", t.cache_read)
      .field("output", t.output)
      .field("tokens", t.total());
}

std::string render_json(const Reconciliation& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("month", r.month)
      .field("since", r.since_day)
      .field("until", r.until_day)
      .field("pricing", r.pricing)
      .field("queued_on_laptops", "unknown");
  w.key("rows").begin_array();
  for (const ReconcileRow& row : r.rows) {
    w.begin_object()
        .field("date", row.day)
        .field("provider", row.provider)
        .field("model", row.model);
    w.key("codepulse").begin_object();
    write_tokens(w, row.codepulse);
    write_money(w, "cost_usd", "cost_nanos", row.codepulse_cost_nanos);
    w.field("records", row.records).field("unpriced_records", row.unpriced_records).end_object();
    // The provider's reports of the day and model ("provider" is its name).
    w.key("provider_report");
    if (row.provider_tokens || row.provider_cost_nanos) {
      w.begin_object();
      if (row.provider_tokens) write_tokens(w, *row.provider_tokens);
      write_money(w, "cost_usd", "cost_nanos", row.provider_cost_nanos);
      w.key("keys").begin_array();
      for (const ReconcileKey& k : row.keys) {
        w.begin_object().field("workspace", k.workspace).field("api_key", k.api_key);
        write_tokens(w, k.tokens);
        w.end_object();
      }
      w.end_array().end_object();
    } else {
      w.null();
    }
    w.field("claude_code_tokens", row.claude_code_tokens).field("token_diff", row.token_diff);
    write_money(w, "cost_diff_usd", "cost_diff_nanos", row.cost_diff_nanos);
    w.key("explanations").begin_array();
    for (const std::string& e : row.explanations)
      w.value(e);
    w.end_array().end_object();
  }
  w.end_array().end_object();
  out.push_back('\n');
  return out;
}

std::string num(std::optional<int64_t> v) {
  return v ? std::to_string(*v) : "";
}
std::string usd(std::optional<int64_t> v) {
  return v ? format_usd(*v) : "";
}

std::string render_csv(const Reconciliation& r) {
  using report::csv_text_cell;
  std::string out =
      "row,date,provider,model,workspace,api_key,codepulse_input,codepulse_cache_write,"
      "codepulse_cache_read,codepulse_output,codepulse_tokens,codepulse_cost_usd,"
      "codepulse_records,codepulse_unpriced_records,provider_input,provider_cache_write,"
      "provider_cache_read,provider_output,provider_tokens,provider_cost_usd,claude_code_tokens,"
      "token_diff,cost_diff_usd,explanation\n";
  auto tokens = [](const std::optional<ReconcileTokens>& t) {
    if (!t) return std::string(",,,,");
    return std::to_string(t->input) + "," + std::to_string(t->cache_write) + "," +
           std::to_string(t->cache_read) + "," + std::to_string(t->output) + "," +
           std::to_string(t->total());
  };
  for (const ReconcileRow& row : r.rows) {
    const std::string lead = csv_text_cell(row.day) + "," + csv_text_cell(row.provider) + "," +
                             csv_text_cell(row.model) + ",";
    out += "model," + lead + ",," + tokens(row.codepulse) + "," + usd(row.codepulse_cost_nanos) +
           "," + std::to_string(row.records) + "," + std::to_string(row.unpriced_records) + "," +
           tokens(row.provider_tokens) + "," + usd(row.provider_cost_nanos) + "," +
           num(row.claude_code_tokens) + "," + num(row.token_diff) + "," +
           usd(row.cost_diff_nanos) + "," + csv_text_cell(joined(row.explanations)) + "\n";
    for (const ReconcileKey& k : row.keys)
      out += "key," + lead + csv_text_cell(k.workspace) + "," + csv_text_cell(k.api_key) +
             ",,,,,,,,," + tokens(k.tokens) + ",,,,,\n";
  }
  return out;
}

}  // namespace

std::string render_reconciliation(const Reconciliation& r, std::string_view format) {
  return format == "csv" ? render_csv(r) : render_json(r);
}

std::vector<std::vector<std::string>> reconciliation_table(const Reconciliation& r) {
  std::vector<std::vector<std::string>> t = {{"date", "provider", "model", "codepulse tokens",
                                              "provider tokens", "diff", "codepulse $",
                                              "provider $", "diff $", "explanation"}};
  auto dash = [](std::optional<int64_t> v, bool money) {
    return v ? (money ? format_usd(*v, 2) : std::to_string(*v)) : std::string("-");
  };
  for (const ReconcileRow& row : r.rows) {
    t.push_back({row.day, provider_name(row), model_name(row),
                 std::to_string(row.codepulse.total()),
                 row.provider_tokens ? std::to_string(row.provider_tokens->total()) : "-",
                 dash(row.token_diff, false), dash(row.codepulse_cost_nanos, true),
                 dash(row.provider_cost_nanos, true), dash(row.cost_diff_nanos, true),
                 joined(row.explanations)});
    for (const ReconcileKey& k : row.keys)
      t.push_back({"", "",
                   "  " + (k.workspace.empty() ? "(default workspace)" : k.workspace) + " / " +
                       (k.api_key.empty() ? "(no key)" : k.api_key),
                   "", std::to_string(k.tokens.total()), "", "", "", "", ""});
  }
  return t;
}

}  // namespace codepulse::collector
