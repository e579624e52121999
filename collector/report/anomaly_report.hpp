// The anomalies of a store's records (anomaly_rules.hpp): read with the
// history their baselines need, priced with the store's pricing, rendered as
// a table, JSON or CSV.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/report/anomaly_rules.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// The anomalies of [since_ms, until_ms). Priced with the store's pricing in
// force unless `pricer` is given. `access`: only the records and commits of
// people inside its scope are judged (docs/ACCESS.md); under a privacy
// floor, only anomalies about no one person (no_commit_repo) are listed.
Result<std::vector<Anomaly>> store_anomalies(Store& store, int64_t since_ms, int64_t until_ms,
                                             const AnomalyOptions& o,
                                             std::shared_ptr<const Pricer> pricer = nullptr,
                                             const report::ReportAccess& access = {});

// "table", "json" ({"anomalies": [{kind, subject, day, value, baseline,
// explanation, dedupe_key}]}) or "csv".
std::string render_anomalies(const std::vector<Anomaly>& anomalies, std::string_view format);

}  // namespace codepulse::collector
