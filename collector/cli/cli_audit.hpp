// The audit log's events of the CLI's own changes (tokens, people, prices,
// budgets, seats made with codepulse-collector on the server's machine): the
// actor is "cli (USER)", the account that ran the command.
#pragma once

#include <string>

#include "collector/store/store.hpp"

namespace codepulse::collector {

// "cli (alice)": the user running this process (or "cli (uid N)").
std::string cli_actor();
// Appends an event now; a failure is printed as a warning (the change it
// records is already made).
void audit_cli(Store& store, const std::string& action, const std::string& target,
               const std::string& detail);

}  // namespace codepulse::collector
