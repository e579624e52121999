// One page of a provider's usage or cost API, read as the provider documents
// it (docs/PROVIDER_IMPORT.md has the shapes and their sources), and the days
// built from pages: what the poller and the file import store.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "collector/store/provider_rows.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct ProviderPage {
  std::vector<std::string> days;       // the UTC days its buckets cover, in order
  std::vector<ProviderUsageRow> rows;  // its results, each with its day
  bool has_more = false;
  std::string next_page;  // the next page's cursor; "" when there is none
};

// Reads one page of `source`. Anything the documented shape does not allow
// (a missing or mistyped field, a bucket that is not one UTC day, a currency
// other than USD) is an error naming `where`, the field's path and what was
// expected.
Result<ProviderPage> parse_provider_page(ProviderSource source, std::string_view body,
                                         const std::string& where);

// Days built from pages: the rows of one key (model, workspace, api key,
// line item) in one day are summed, with overflow checks (a file may split a
// day into hours, service tiers or context windows).
class DayBuilder {
 public:
  explicit DayBuilder(ProviderSource source) : source_(source) {}

  Status add(const ProviderPage& page);
  // Also a day with no rows (the provider said there was no usage).
  void add_day(const std::string& day);
  // The days before `day` (all of them: take_all), in day order, removed
  // from the builder.
  std::vector<ProviderDay> take_before(const std::string& day);
  std::vector<ProviderDay> take_all();
  bool empty() const { return days_.empty(); }
  // The last day held; "" when empty.
  std::string last_day() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  ProviderSource source_;
  std::map<std::string, std::map<Key, ProviderUsageRow>> days_;
};

}  // namespace codepulse::collector
