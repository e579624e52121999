// The settings of the waste ledger and the anomalies by name, as the command
// line (--no-commit-days, dashes) and the HTTP API (no_commit_days) give them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collector/report/anomaly_rules.hpp"
#include "collector/report/waste_rules.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// The names (with underscores) and what each sets, for help texts.
const std::vector<std::pair<std::string, std::string>>& waste_option_names();
const std::vector<std::pair<std::string, std::string>>& anomaly_option_names();

// Sets the option `name` (dashes or underscores) from `value`: true when the
// name is one of them, an error for a value out of its range.
Result<bool> set_waste_option(WasteOptions& o, std::string_view name, std::string_view value);
Result<bool> set_anomaly_option(AnomalyOptions& o, std::string_view name, std::string_view value);

}  // namespace codepulse::collector
