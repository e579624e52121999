// The first steps of the commands that work on the store (prices_cli.hpp):
// flags parsed, arguments counted, --format checked, the store opened.
#include <charconv>

#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/reconcile.hpp"

namespace codepulse::collector {

std::optional<int64_t> positive_id(const std::string& text) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 1) return std::nullopt;
  return id;
}

std::optional<StoreCommand> open_store_command(const std::vector<std::string>& argv,
                                               std::vector<FlagSpec> own, const std::string& usage,
                                               size_t positionals, const std::string& count_error,
                                               bool must_exist, int& code) {
  auto args = parse_command(kProgram, argv, prices_flags(std::move(own)), usage);
  if (!args) {
    code = args.exit_code();
    return std::nullopt;
  }
  if (args->positional().size() != positionals) {
    code =
        fail(positionals == 0 ? "unexpected argument '" + args->positional()[0] + "'" : count_error,
             kExitUsage);
    return std::nullopt;
  }
  const auto json = wants_json(*args);
  if (!json) {
    code = kExitUsage;
    return std::nullopt;
  }
  auto store = open_prices_store(*args, must_exist);
  if (!store) {
    code = fail(store.error().message);
    return std::nullopt;
  }
  return StoreCommand{*args, std::move(store).value(), *json};
}

std::optional<MonthCommand> open_month_command(const std::vector<std::string>& argv,
                                               const std::string& usage, int& code) {
  auto specs =
      prices_flags({{"month", true, false, "the month (UTC days), e.g. 2026-11", "YYYY-MM"}});
  for (FlagSpec& f : specs)
    if (f.name == "format") f.help = "table (default), json or csv";
  const auto args = parse_command(kProgram, argv, specs, usage);
  if (!args) {
    code = args.exit_code();
    return std::nullopt;
  }
  code = kExitUsage;
  if (!args->positional().empty()) {
    fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
    return std::nullopt;
  }
  const auto month = args->get("month");
  if (!month) {
    fail("--month YYYY-MM is required (see --help)", kExitUsage);
    return std::nullopt;
  }
  if (!month_days(*month)) {
    fail("--month '" + *month + "': expected YYYY-MM, e.g. 2026-11", kExitUsage);
    return std::nullopt;
  }
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json" && format != "csv") {
    fail("--format '" + format + "': expected table, json or csv", kExitUsage);
    return std::nullopt;
  }
  auto store = open_prices_store(*args, true);
  if (!store) {
    code = fail(store.error().message);
    return std::nullopt;
  }
  return MonthCommand{*month, format, std::move(store).value()};
}

}  // namespace codepulse::collector
