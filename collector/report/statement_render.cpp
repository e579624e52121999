// The monthly statement rendered (statement.hpp): JSON, CSV and the cells of
// the text table. Dollars rounded to 6 decimals (2 in the table) with the
// exact nano-dollars beside them in JSON and CSV; text through the sinks
// (JsonWriter, report::csv_text_cell; the table's cells are escaped by
// cli_table.hpp).
#include <string>

#include "collector/report/money_json.hpp"
#include "collector/report/statement.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/output_sinks.hpp"

namespace codepulse::collector {
namespace {

std::string usd(std::optional<int64_t> nanos) {
  return nanos ? format_usd(*nanos) : "";
}
std::string nanos_text(std::optional<int64_t> nanos) {
  return nanos ? std::to_string(*nanos) : "";
}
std::string cents(std::optional<int64_t> nanos) {
  return nanos ? "$" + format_usd(*nanos, 2) : "unpriced";
}
std::string idle_key(const report::IdleSeat& s) {
  return s.plan + " of " + s.assignee + " (" + s.assistant + ")";
}
std::string provider_note(const StatementProvider& p) {
  return p.provider_nanos
             ? std::to_string(p.days_imported) + " day(s) of the provider's cost imported"
             : "the provider's cost is not imported for this month";
}

void write_line(JsonWriter& w, const StatementLine& l) {
  w.begin_object()
      .field("key", l.key)
      .field("records", l.records)
      .field("unpriced_records", l.unpriced_records);
  write_money(w, "list_cost_usd", "list_cost_nanos", l.list_nanos);
  write_money(w, "cost_usd", "cost_nanos", l.org_nanos);
  write_money(w, "effective_cost_usd", "effective_cost_nanos", l.effective_nanos);
  w.end_object();
}

std::string render_json(const Statement& s) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("month", s.month)
      .field("since", s.since_day)
      .field("until", s.until_day)
      .field("pricing", s.pricing);
  w.key("total");
  write_line(w, s.total);
  for (const auto& [name, lines] :
       {std::pair{"by_author", &s.by_author}, std::pair{"by_repo", &s.by_repo},
        std::pair{"by_model", &s.by_model}}) {
    w.key(name).begin_array();
    for (const StatementLine& l : *lines)
      write_line(w, l);
    w.end_array();
  }
  w.key("seats").begin_object();
  write_money(w, "charges_usd", "charges_nanos", s.seat_nanos);
  write_money(w, "idle_usd", "idle_nanos", s.idle_nanos);
  w.end_object();
  w.key("idle_seats").begin_array();
  for (const report::IdleSeat& i : s.idle_seats) {
    w.begin_object()
        .field("seat_id", i.seat_id)
        .field("plan", i.plan)
        .field("assistant", i.assistant)
        .field("assignee", i.assignee);
    write_money(w, "charge_usd", "charge_nanos", i.charge_nanos);
    w.end_object();
  }
  w.end_array();
  w.key("providers").begin_array();
  for (const StatementProvider& p : s.providers) {
    w.begin_object().field("provider", p.provider);
    write_money(w, "codepulse_cost_usd", "codepulse_cost_nanos", p.codepulse_nanos);
    write_money(w, "provider_cost_usd", "provider_cost_nanos", p.provider_nanos);
    write_money(w, "diff_usd", "diff_nanos", p.diff_nanos);
    w.field("days_imported", p.days_imported).end_object();
  }
  w.end_array();
  w.key("unpriced").begin_array();
  for (const report::UnpricedModel& u : s.unpriced)
    w.begin_object()
        .field("model", u.model)
        .field("requests", u.requests)
        .field("tokens", u.tokens)
        .end_object();
  w.end_array();
  w.field("queued_on_laptops", "unknown").end_object();
  out.push_back('\n');
  return out;
}

// CSV: section,key,records,unpriced_records, then list, organisation and
// effective cost (dollars, then nanos), the provider's cost and the
// difference, and a note.
std::string render_csv(const Statement& s) {
  std::string out =
      "section,key,records,unpriced_records,list_cost_usd,cost_usd,effective_cost_usd,"
      "list_cost_nanos,cost_nanos,effective_cost_nanos,provider_cost_usd,provider_cost_nanos,"
      "diff_usd,diff_nanos,note\n";
  using Opt = std::optional<int64_t>;
  auto row = [&out](std::string_view section, std::string_view key, Opt records, Opt unpriced,
                    Opt list, Opt org, Opt effective, Opt provider, Opt diff,
                    std::string_view note) {
    out += std::string(section) + "," + report::csv_text_cell(key) + "," + nanos_text(records) +
           "," + nanos_text(unpriced) + "," + usd(list) + "," + usd(org) + "," + usd(effective) +
           "," + nanos_text(list) + "," + nanos_text(org) + "," + nanos_text(effective) + "," +
           usd(provider) + "," + nanos_text(provider) + "," + usd(diff) + "," + nanos_text(diff) +
           "," + report::csv_text_cell(note) + "\n";
  };
  auto lines = [&row](std::string_view section, const std::vector<StatementLine>& ls) {
    for (const StatementLine& l : ls)
      row(section, l.key, l.records, l.unpriced_records, l.list_nanos, l.org_nanos,
          l.effective_nanos, {}, {}, "");
  };
  lines("total", {s.total});
  lines("author", s.by_author);
  lines("repo", s.by_repo);
  lines("model", s.by_model);
  row("seats", "charges", {}, {}, {}, {}, s.seat_nanos, {}, {}, "every seat's charge this month");
  row("seats", "idle", {}, {}, {}, {}, s.idle_nanos, {}, {},
      "charges with no usage to spread over");
  for (const report::IdleSeat& i : s.idle_seats)
    row("idle_seat", idle_key(i), {}, {}, {}, {}, i.charge_nanos, {}, {},
        "seat " + std::to_string(i.seat_id));
  for (const StatementProvider& p : s.providers)
    row("provider", p.provider, {}, {}, {}, p.codepulse_nanos, {}, p.provider_nanos, p.diff_nanos,
        provider_note(p));
  for (const report::UnpricedModel& u : s.unpriced)
    row("unpriced", u.model, u.requests, u.requests, {}, {}, {}, {}, {},
        std::to_string(u.tokens) + " tokens without a price");
  return out;
}

}  // namespace

std::string render_statement(const Statement& s, std::string_view format) {
  return format == "csv" ? render_csv(s) : render_json(s);
}

std::vector<std::vector<std::string>> statement_table(const Statement& s) {
  std::vector<std::vector<std::string>> rows = {
      {"SECTION", "KEY", "RECORDS", "LIST COST", "ORG COST", "EFFECTIVE COST", "NOTE"}};
  auto lines = [&rows](const char* section, const std::vector<StatementLine>& ls) {
    for (const StatementLine& l : ls)
      rows.push_back({section, l.key, std::to_string(l.records), cents(l.list_nanos),
                      cents(l.org_nanos), cents(l.effective_nanos),
                      l.unpriced_records > 0
                          ? std::to_string(l.unpriced_records) + " record(s) unpriced"
                          : ""});
  };
  lines("total", {s.total});
  lines("author", s.by_author);
  lines("repo", s.by_repo);
  lines("model", s.by_model);
  rows.push_back({"seats", "charges", "", "", "", cents(s.seat_nanos), ""});
  rows.push_back({"seats", "idle", "", "", "", cents(s.idle_nanos), ""});
  for (const report::IdleSeat& i : s.idle_seats)
    rows.push_back(
        {"idle seat", idle_key(i), "", "", "", cents(i.charge_nanos), "no usage to spread over"});
  for (const StatementProvider& p : s.providers)
    rows.push_back({"provider", p.provider, "", "", cents(p.codepulse_nanos), "",
                    (p.provider_nanos ? "provider " + cents(p.provider_nanos) + ", difference " +
                                            cents(p.diff_nanos) + "; "
                                      : std::string()) +
                        provider_note(p)});
  for (const report::UnpricedModel& u : s.unpriced)
    rows.push_back({"unpriced", u.model, std::to_string(u.requests), "unpriced", "unpriced",
                    "unpriced", std::to_string(u.tokens) + " tokens"});
  return rows;
}

}  // namespace codepulse::collector
