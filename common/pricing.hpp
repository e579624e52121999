// The versioned price table and the cost rule.
//
// Costs are exact integers in nano-dollars (1e-9 USD): every list price has at
// most three decimals per million tokens, so a token costs a whole number of
// nano-dollars and sums never drift.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse {

struct Rates {  // nano-dollars per token
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
};

struct ModelPrice {
  std::string family;                // e.g. "claude-sonnet-4-5"
  std::vector<std::string> aliases;  // other spellings of the family
  Rates base;
  std::optional<Rates> long_context;  // whole request at these rates above the threshold
  int64_t fast_multiplier_milli = 0;  // 0: no fast mode price known
};

struct TokenCounts {
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
  int64_t web_search_requests = 0;
  bool fast = false;
};

struct CostResult {
  std::optional<int64_t> nanos;  // nullopt: model unknown, never priced as zero
  bool long_context = false;     // priced at the long-context tier
  bool fast_unpriced = false;    // fast mode on a model without a known multiplier
};

class PriceTable {
 public:
  // The table compiled into the binary (common/prices/default-prices.json).
  static const PriceTable& builtin();
  // Parses a table in the same JSON shape; errors name the source and the key.
  static Result<PriceTable> parse(std::string_view json, const std::string& source_name);
  static Result<PriceTable> load_file(const std::string& path);

  const std::string& version() const { return version_; }
  // The family a log's model id maps to ("claude-sonnet-4-5-20250929",
  // "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5@20250929"
  // all map to "claude-sonnet-4-5"), or nullptr when unknown.
  const ModelPrice* find(std::string_view model_id) const;
  CostResult cost(std::string_view model_id, const TokenCounts& t) const;
  // The same, with the model already looked up (nullptr: unknown, no cost).
  CostResult cost_for(const ModelPrice* model, const TokenCounts& t) const;

  int64_t long_context_threshold() const { return long_context_threshold_; }
  int64_t web_search_nanos_each() const { return web_search_nanos_each_; }

 private:
  std::string version_;
  int64_t long_context_threshold_ = 200000;
  int64_t web_search_nanos_each_ = 10'000'000;
  std::vector<ModelPrice> models_;
};

// Lower-cased, provider prefix and date/version suffixes removed.
std::string normalize_model_id(std::string_view model_id);

// "12.345678" from nano-dollars, rounded half away from zero to 6 decimals.
std::string format_usd(int64_t nanos, int decimals = 6);

}  // namespace codepulse
