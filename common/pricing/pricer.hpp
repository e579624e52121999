// The cost rule: a request's list cost from the price book in force at its
// time, and the organisation's cost with its rate overrides stacked on top.
// Both programs price with this one engine (docs/PRICING.md has the rules).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/pricing/model_id.hpp"
#include "common/pricing/price_book.hpp"
#include "common/pricing/rate_override.hpp"

namespace codepulse {

// What pricing needs of a request, and nothing else.
struct UsageToPrice {
  std::string_view model;
  int64_t ts_ms = 0;
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
  int64_t web_search = 0, web_fetch = 0;
  bool fast = false;
  std::string_view inference_geo;
};

struct PricedUsage {
  // nullopt: no price for the model at that time; never read as $0.
  std::optional<int64_t> list_nanos, org_nanos;
  bool long_context = false;    // priced at the long-context rates
  bool speed_unpriced = false;  // fast mode where the book lists no multiplier
  bool geo_unpriced = false;    // an inference_geo the book lists no multiplier for
};

class Pricer {
 public:
  explicit Pricer(std::shared_ptr<const PriceBook> book, std::vector<RateOverride> overrides = {});
  // The builtin book, no overrides.
  static std::shared_ptr<const Pricer> builtin();

  PricedUsage price(const UsageToPrice& u) const;

  const PriceBook& book() const { return *book_; }
  std::shared_ptr<const PriceBook> book_ptr() const { return book_; }
  const std::vector<RateOverride>& overrides() const { return overrides_; }
  // The book's digest and the overrides: equal for equal pricing.
  const std::string& fingerprint() const { return fingerprint_; }
  // The book's entry for a model id as logged, or nullptr.
  const ModelEntry* entry_for(std::string_view model) const;
  // A digest of everything that prices requests of this model id: its
  // family's periods (rates, long-context rule, speed, data-residency and
  // regional multipliers), its endpoint, the server tools' prices and the
  // overrides that can apply to it. Two pricers whose digests for a model
  // are equal price every request of it the same, so an analytics store
  // re-prices only the models whose digest changed. "unpriced" when the
  // book has no entry for it.
  std::string model_fingerprint(std::string_view model) const;

 private:
  struct Resolved {
    const ModelEntry* entry = nullptr;
    EndpointKind endpoint = EndpointKind::kAnthropic;
    bool regional = false;
  };
  Resolved resolve(std::string_view model) const;

  std::shared_ptr<const PriceBook> book_;
  std::vector<RateOverride> overrides_;  // applied by scope (all, endpoint, family), then id
  std::string fingerprint_;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  mutable std::mutex cache_mutex_;
  // Model ids as logged -> their entry; ids are few (a few dozen per store).
  // Bounded: model ids come from trackers.
  mutable std::unordered_map<std::string, Resolved, Hash, std::equal_to<>> cache_;
};

// Rounds v * ppm / 1e6 half away from zero (exact for any int64 v, ppm).
int64_t apply_ppm(int64_t v, int64_t ppm);

}  // namespace codepulse
