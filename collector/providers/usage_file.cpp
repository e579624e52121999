// A downloaded export read into whole days (usage_file.hpp): the file, and
// the JSON pages with the endpoint they came from.
#include "collector/providers/usage_file.hpp"

#include <simdjson.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "collector/providers/provider_page.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kMaxFileBytes = int64_t{512} << 20;

using simdjson::dom::element;

bool has(element e, const char* key) {
  element v;
  return !e[key].get(v);
}

// The endpoint a page's first result (or record) says it came from; nullopt
// when the page has none.
std::optional<ProviderSource> source_of_page(const std::string& provider, element page) {
  simdjson::dom::array data;
  if (page["data"].get_array().get(data)) return std::nullopt;
  for (element item : data) {
    if (provider == "anthropic" && has(item, "model_breakdown"))
      return ProviderSource::kAnthropicClaudeCode;
    simdjson::dom::array results;
    if (item["results"].get_array().get(results)) continue;
    for (element r : results) {
      if (provider == "anthropic")
        return has(r, "amount") ? ProviderSource::kAnthropicCost
                                : ProviderSource::kAnthropicMessages;
      std::string_view object;
      if (r["object"].get_string().get(object)) return std::nullopt;
      if (object == "organization.costs.result") return ProviderSource::kOpenaiCosts;
      return ProviderSource::kOpenaiCompletions;
    }
  }
  return std::nullopt;
}

Result<std::vector<ProviderDay>> read_json(const std::string& provider, const std::string& name,
                                           std::string_view text,
                                           std::optional<ProviderSource> source) {
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(text.data(), text.size()).get(doc); err)
    return make_error(name + ": not JSON (" + simdjson::error_message(err) + ")");
  std::vector<element> pages;
  simdjson::dom::array array;
  if (!doc.get_array().get(array)) {
    for (element page : array)
      pages.push_back(page);
  } else {
    pages.push_back(doc);
  }
  for (size_t i = 0; i < pages.size() && !source; ++i)
    source = source_of_page(provider, pages[i]);
  if (!source)
    return make_error(name +
                      ": no results to tell which endpoint the file is from; name it with "
                      "--source");
  if (provider != provider_of(*source))
    return make_error(name + ": --source " + source_name(*source) + " is not " + provider + "'s");
  DayBuilder builder(*source);
  for (size_t i = 0; i < pages.size(); ++i) {
    const std::string where = name + " page " + std::to_string(i + 1);
    if (auto seen = source_of_page(provider, pages[i]); seen && *seen != *source)
      return make_error(where + ": a page of " + source_name(*seen) + " among pages of " +
                        source_name(*source) + " (one endpoint a file)");
    auto page = parse_provider_page(*source, simdjson::minify(pages[i]), where);
    if (!page) return page.error();
    // Claude Code records name their day; bucket pages name theirs in days.
    for (const ProviderUsageRow& row : page->rows)
      builder.add_day(row.day);
    if (auto s = builder.add(*page); !s) return s.error();
  }
  return builder.take_all();
}

}  // namespace

Result<std::vector<ProviderDay>> read_usage_text(const std::string& provider,
                                                 const std::string& name, std::string_view text,
                                                 std::optional<ProviderSource> source) {
  if (provider != "anthropic" && provider != "openai")
    return make_error("unknown provider '" + provider + "' (anthropic or openai)");
  if (name.size() >= 4 && name.compare(name.size() - 4, 4, ".csv") == 0) {
    if (source) return make_error(name + ": --source is for JSON files (a CSV names its columns)");
    return read_usage_csv(provider, name, text);
  }
  return read_json(provider, name, text, source);
}

Result<std::vector<ProviderDay>> read_usage_file(const std::string& provider,
                                                 const std::string& path,
                                                 std::optional<ProviderSource> source) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_error(path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return make_error(path + " is not a regular file");
  if (st.st_size > kMaxFileBytes)
    return make_error(path + " is larger than 512 MiB: import it a month at a time");
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return make_error("cannot read " + path);
  return read_usage_text(provider, path, text, source);
}

}  // namespace codepulse::collector
