// What the `codepulse-collector prices` subcommands share: their common
// flags (--db or --config, --format), the store those name, the --by default
// (the OS user name), and the subcommands the dispatcher (prices_command.cpp)
// calls; the changes live in prices_change_command.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "collector/store/store.hpp"
#include "common/cli/command.hpp"

namespace codepulse::collector {

// `own` plus --db, --config, --format and --help.
std::vector<FlagSpec> prices_flags(std::vector<FlagSpec> own);
// --format table (default) or json; nullopt (after the error) otherwise.
std::optional<bool> wants_json(const Args& args);
// The store --db names, or the `db` of the serve configuration --config
// names. Reads need the database to exist; changes may create it.
Result<std::unique_ptr<Store>> open_prices_store(const Args& args, bool must_exist);
// --by, or the OS user name.
std::string changed_by(const Args& args);
// Writes `text` to standard output, with a final newline.
void print_out(const std::string& text);

int prices_import(const std::vector<std::string>& argv);
int prices_override(const std::vector<std::string>& argv);

}  // namespace codepulse::collector
