// A provider page read by its provider's parser, and days built from pages.
#include "collector/providers/provider_page.hpp"

#include <utility>

#include "collector/providers/page_json_internal.hpp"
#include "common/checked_sum.hpp"

namespace codepulse::collector {
namespace {

// `into` += `row`, field by field; false when a sum leaves 64 bits.
bool add_row(ProviderUsageRow& into, const ProviderUsageRow& row) {
  bool ok = add_checked(into.uncached_input, row.uncached_input) &&
            add_checked(into.cache_write_5m, row.cache_write_5m) &&
            add_checked(into.cache_write_1h, row.cache_write_1h) &&
            add_checked(into.cache_read, row.cache_read) && add_checked(into.output, row.output) &&
            add_checked(into.web_search, row.web_search) &&
            add_checked(into.requests, row.requests);
  if (row.cost_nanos) {
    int64_t cost = into.cost_nanos.value_or(0);
    ok = add_checked(cost, *row.cost_nanos) && ok;
    into.cost_nanos = cost;
  }
  return ok;
}

}  // namespace

Result<ProviderPage> parse_provider_page(ProviderSource source, std::string_view body,
                                         const std::string& where) {
  simdjson::dom::parser parser;
  auto page = provider_json::parse_document(parser, body, where);
  if (!page) return page.error();
  if (std::string_view(provider_of(source)) == "anthropic")
    return provider_json::parse_anthropic_page(source, *page);
  return provider_json::parse_openai_page(source, *page);
}

Status DayBuilder::add(const ProviderPage& page) {
  for (const std::string& day : page.days)
    add_day(day);
  for (const ProviderUsageRow& row : page.rows) {
    auto& rows = days_[row.day];
    auto [it, inserted] =
        rows.try_emplace(Key{row.model, row.workspace, row.api_key, row.line_item});
    if (inserted) {
      it->second = row;
      it->second.source = source_;
      continue;
    }
    if (!add_row(it->second, row))
      return make_error(std::string(provider_of(source_)) + " " + source_name(source_) + " day " +
                        row.day + ": the rows of model '" + row.model + "' add up past 64 bits");
  }
  return {};
}

void DayBuilder::add_day(const std::string& day) {
  days_.try_emplace(day);
}

std::vector<ProviderDay> DayBuilder::take_before(const std::string& day) {
  std::vector<ProviderDay> out;
  for (auto it = days_.begin(); it != days_.end() && it->first < day;) {
    ProviderDay d{source_, it->first, {}};
    for (auto& [key, row] : it->second)
      d.rows.push_back(std::move(row));
    out.push_back(std::move(d));
    it = days_.erase(it);
  }
  return out;
}

std::vector<ProviderDay> DayBuilder::take_all() {
  return take_before("9999-99-99");
}

std::string DayBuilder::last_day() const {
  return days_.empty() ? "" : days_.rbegin()->first;
}

}  // namespace codepulse::collector
