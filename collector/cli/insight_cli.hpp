// What `waste` and `anomalies` share: the --db flag, the settings flags of
// insight_options.hpp, and opening the store.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cli/args.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// One flag per name (underscores become dashes), taking a whole number.
std::vector<FlagSpec> option_flags(const std::vector<std::pair<std::string, std::string>>& names);
// Calls `set` (insight_options.hpp's setters) for each flag of `names` given.
Status apply_option_flags(
    const Args& args, const std::vector<std::pair<std::string, std::string>>& names,
    const std::function<Result<bool>(std::string_view name, std::string_view value)>& set);
// The --db flag of both commands.
FlagSpec db_flag();

}  // namespace codepulse::collector
