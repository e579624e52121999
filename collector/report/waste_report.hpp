// The waste ledger of a store (docs/WASTE.md): one report per rule over the
// wasted share of each record, and their total, by any report dimension.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "collector/report/waste_rules.hpp"
#include "collector/store/store.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {

struct WasteLedger {
  WasteOptions options;
  std::array<report::Report, kWasteRuleCount> rules;
  // Each record once, at the largest share any rule gives it.
  report::Report total;
};

// The ledger of the records in the query's range, judged with `now_ms`.
// The records of the week before the range and the day after it are read
// too (a session's earlier reads, a following request), and the commits from
// then on. Priced with the store's pricing in force unless `pricer` is given.
Result<WasteLedger> waste_ledger(Store& store, const report::ReportQuery& query,
                                 const WasteOptions& options, int64_t now_ms,
                                 std::shared_ptr<const Pricer> pricer = nullptr);

// "table": a section per rule then the total; "json": {"options", "rules":
// [{"rule", "definition", "report"}...], "total"}; "csv": the report's CSV
// with a first column naming the rule ("total" for the total).
std::string render_waste(const WasteLedger& w, std::string_view format);

}  // namespace codepulse::collector
