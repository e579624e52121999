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
// An id given on the command line: a whole number of 1 or more.
std::optional<int64_t> positive_id(const std::string& text);

// A subcommand on the store: its flags parsed (prices_flags and `own`),
// exactly `positionals` arguments (else `count_error`), --format table or
// json, the store opened (store_command.cpp); nullopt with `code` set when
// the command ends there.
struct StoreCommand {
  Args args;
  std::unique_ptr<Store> store;
  bool json = false;
};
std::optional<StoreCommand> open_store_command(const std::vector<std::string>& argv,
                                               std::vector<FlagSpec> own, const std::string& usage,
                                               size_t positionals, const std::string& count_error,
                                               bool must_exist, int& code);
// A month's command (reconcile, statement): --month YYYY-MM required,
// --format table, json or csv, no argument, the store opened.
struct MonthCommand {
  std::string month, format;
  std::unique_ptr<Store> store;
};
std::optional<MonthCommand> open_month_command(const std::vector<std::string>& argv,
                                               const std::string& usage, int& code);

int prices_import(const std::vector<std::string>& argv);
int prices_override(const std::vector<std::string>& argv);

}  // namespace codepulse::collector
