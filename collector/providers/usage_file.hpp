// A downloaded usage or cost export, for organisations that will not hand an
// admin key to the collector (`codepulse-collector import-usage`): the API's
// own JSON saved to a file, or a CSV with codepulse's columns
// (docs/PROVIDER_IMPORT.md, "Importing a file").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/provider_rows.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// The CSV columns, in the order `import-usage` documents them. date and
// model are required; any other may be left out (0, or no cost).
inline constexpr const char* kUsageCsvColumns[] = {"date",
                                                   "model",
                                                   "workspace",
                                                   "api_key",
                                                   "line_item",
                                                   "uncached_input_tokens",
                                                   "cache_write_5m_tokens",
                                                   "cache_write_1h_tokens",
                                                   "cache_read_tokens",
                                                   "output_tokens",
                                                   "web_search_requests",
                                                   "requests",
                                                   "cost_usd"};

// The days a file holds, each whole. JSON: one page as the provider's API
// returns it, or an array of such pages, all of one endpoint; which one is
// told by the results (or by `source` when given). CSV (a name ending in
// .csv): the tokens go to the provider's usage source (messages,
// completions) and, when the file has a cost_usd column, the costs to its
// cost source (cost_report, costs). `provider` is "anthropic" or "openai".
// Errors name the file and where in it.
Result<std::vector<ProviderDay>> read_usage_file(const std::string& provider,
                                                 const std::string& path,
                                                 std::optional<ProviderSource> source);

// The same from text; `name` is the file's name in errors and decides CSV.
Result<std::vector<ProviderDay>> read_usage_text(const std::string& provider,
                                                 const std::string& name, std::string_view text,
                                                 std::optional<ProviderSource> source);

// The CSV part (usage_csv.cpp).
Result<std::vector<ProviderDay>> read_usage_csv(const std::string& provider,
                                                const std::string& name, std::string_view text);

}  // namespace codepulse::collector
