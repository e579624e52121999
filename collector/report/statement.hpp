// The monthly statement finance reads (docs/METRICS.md, "Monthly
// statement"): for one UTC month, totals by author (by team once teams
// exist), repository and model at list, organisation and effective cost;
// the seats' charges and the idle seats; the reconciliation against each
// provider's imported cost (reconcile.hpp); and the unpriced usage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/report/reconcile.hpp"
#include "collector/store/store.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {

// One line: a key's records and its three costs (nullopt: all unpriced).
struct StatementLine {
  std::string key;
  int64_t records = 0, unpriced_records = 0;
  std::optional<int64_t> list_nanos, org_nanos, effective_nanos;
};

// One provider's month: codepulse's organisation cost of the models it bills
// next to the cost the provider's imported cost report states (nullopt: not
// imported for any day of the month), and the difference.
struct StatementProvider {
  std::string provider;
  int64_t codepulse_nanos = 0;
  std::optional<int64_t> provider_nanos, diff_nanos;
  int64_t days_imported = 0;  // days of the month with a cost row of the provider
};

struct Statement {
  std::string month, since_day, until_day;  // [since_day, until_day), UTC
  std::string pricing;                      // the book's revision
  StatementLine total;
  std::vector<StatementLine> by_author, by_repo, by_model;  // largest effective cost first
  int64_t seat_nanos = 0;                                   // every seat's charge for the month
  int64_t idle_nanos = 0;                                   // of which idle
  std::vector<report::IdleSeat> idle_seats;
  std::vector<report::UnpricedModel> unpriced;
  std::vector<StatementProvider> providers;
};

// The statement of `month` ("2026-11") from `store`.
Result<Statement> statement_month(Store& store, const std::string& month);

// "json" or "csv" (one row per line, the column `section` naming its part:
// total, author, repo, model, seats, idle_seat, provider, unpriced).
std::string render_statement(const Statement& s, std::string_view format);
// The cells of the text table, a header first (cli_table.hpp renders them).
std::vector<std::vector<std::string>> statement_table(const Statement& s);

}  // namespace codepulse::collector
