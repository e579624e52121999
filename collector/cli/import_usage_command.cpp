// codepulse-collector import-usage: a provider's usage or cost export (the
// API's JSON saved to a file, or a CSV with codepulse's columns) into the
// store, for organisations that keep their admin key to themselves. Each day
// in the file replaces what was stored for it (docs/PROVIDER_IMPORT.md).
#include <cstdio>
#include <filesystem>

#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/providers/usage_file.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

int run_import_usage_command(const std::vector<std::string>& argv) {
  std::string columns;
  for (const char* c : kUsageCsvColumns)
    columns += std::string(columns.empty() ? "" : ",") + c;
  auto specs = prices_flags({
      {"provider", true, false, "whose export it is: anthropic or openai", "NAME"},
      {"file", true, false, "the export: FILE.json (the API's pages) or FILE.csv", "FILE"},
      {"source", true, false,
       "the endpoint a JSON file is from, when its results do not tell: messages, "
       "cost_report, claude_code (anthropic), completions, costs (openai)",
       "NAME"},
  });
  std::erase_if(specs, [](const FlagSpec& f) { return f.name == "format"; });
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector import-usage --provider anthropic|openai --file FILE --db "
      "PATH|URI\n\n"
      "Stores a provider's usage or cost export, for reconcile. Each day the file holds\n"
      "replaces what was stored for that day and endpoint (importing a file twice doubles\n"
      "nothing); a file with any error stores nothing. JSON: a page as the admin API returns\n"
      "it, or an array of pages. CSV, with a header naming any of the columns\n" +
          columns +
          "\n(date and model required; tokens go to the usage report, cost_usd, in dollars,\n"
          "to the cost report).");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto provider = args->get("provider");
  const auto file = args->get("file");
  if (!provider || (*provider != "anthropic" && *provider != "openai"))
    return fail("--provider anthropic|openai is required (see --help)", kExitUsage);
  if (!file) return fail("--file FILE is required (see --help)", kExitUsage);
  std::optional<ProviderSource> source;
  if (auto name = args->get("source")) {
    source = parse_source(*provider, *name);
    if (!source)
      return fail("--source '" + *name + "' is not an endpoint of " + *provider + " (see --help)",
                  kExitUsage);
  }
  auto days = read_usage_file(*provider, *file, source);
  if (!days) return fail(days.error().message);
  auto store = open_prices_store(*args, false);
  if (!store) return fail(store.error().message);
  const std::string origin = "file " + std::filesystem::path(*file).filename().string();
  if (auto s = (*store)->replace_provider_days(*days, std::nullopt, origin, now_utc_ms()); !s)
    return fail("nothing imported: " + s.error().message);
  // One line per endpoint: its days and rows.
  for (ProviderSource s : kProviderSources) {
    int64_t count = 0, rows = 0;
    std::string first, last;
    for (const ProviderDay& d : *days) {
      if (d.source != s) continue;
      if (first.empty()) first = d.day;
      last = d.day;
      ++count;
      rows += static_cast<int64_t>(d.rows.size());
    }
    if (count > 0)
      std::printf("imported %s %s: %lld day(s), %s to %s, %lld row(s)\n", provider_of(s),
                  source_name(s), static_cast<long long>(count), first.c_str(), last.c_str(),
                  static_cast<long long>(rows));
  }
  if (days->empty()) std::printf("the file holds no days: nothing imported\n");
  return kExitOk;
}

}  // namespace codepulse::collector
