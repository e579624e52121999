// The price book: list prices per model family, in dated periods, with each
// family's long-context rule, speed and data-residency multipliers, the
// regional-endpoint premium, and server tools priced per request. Format and
// rules: docs/PRICING.md. Rates are exact integers: nano-dollars per token
// (every list price has at most 3 decimals per million tokens); multipliers
// are parts per million.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse {

inline constexpr int64_t kBeginningOfTime = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kEndOfTime = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kOnePpm = 1'000'000;  // a multiplier of 1

struct Rates {  // nano-dollars per token
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
  bool operator==(const Rates&) const = default;
};

struct LongContext {
  int64_t above_tokens = 0;  // a prompt above this many tokens is priced at `rates`
  Rates rates;
  bool operator==(const LongContext&) const = default;
};

struct NamedMultiplier {
  std::string key;  // a usage.speed or usage.inference_geo value
  int64_t ppm = kOnePpm;
  bool operator==(const NamedMultiplier&) const = default;
};

struct PricePeriod {
  int64_t from_ms = kBeginningOfTime;  // inclusive
  int64_t until_ms = kEndOfTime;       // exclusive
  Rates rates;
  std::optional<LongContext> long_context;
  std::vector<NamedMultiplier> speed, inference_geo;
  int64_t regional_ppm = kOnePpm;
  std::vector<std::string> sources;

  bool contains(int64_t ts_ms) const { return ts_ms >= from_ms && ts_ms < until_ms; }
  // nullopt: a key with no multiplier listed.
  std::optional<int64_t> speed_ppm(std::string_view speed) const;
  std::optional<int64_t> geo_ppm(std::string_view geo) const;
};

struct ModelEntry {
  std::string family;  // normalised (common/pricing/model_id.hpp)
  std::string provider;
  std::vector<std::string> aliases;  // normalised
  std::vector<PricePeriod> periods;  // in time order, not overlapping

  const PricePeriod* period_at(int64_t ts_ms) const;
};

struct ServerToolPrice {
  std::string tool;  // "web_search", "web_fetch"
  int64_t nanos_each = 0;
  int64_t from_ms = kBeginningOfTime, until_ms = kEndOfTime;
  std::vector<std::string> sources;
};

class PriceBook {
 public:
  // The book compiled into the binaries (common/prices/default-prices.json).
  static std::shared_ptr<const PriceBook> builtin();
  // A book in format 2. Every error names the source and the entry: invalid
  // JSON, an unknown key, a missing or negative or absurd rate, overlapping
  // periods, a family listed twice, an alias that is another family.
  static Result<PriceBook> parse(std::string_view json, const std::string& source_name);
  static Result<PriceBook> load_file(const std::string& path);

  // The book as canonical JSON (keys in a fixed order, rates as decimals):
  // parse(to_json()) gives the same book, and equal books give equal text.
  std::string to_json() const;
  const std::string& revision() const { return revision_; }
  const std::string& source() const { return source_; }
  // SHA-256 (hex) of to_json(): the book's identity, and its HTTP ETag.
  const std::string& digest() const { return digest_; }

  // The entry of a normalised family or alias; nullptr when not in the book.
  const ModelEntry* find_family(std::string_view family) const;
  const std::vector<ModelEntry>& models() const { return models_; }
  const std::vector<ServerToolPrice>& server_tools() const { return server_tools_; }
  // nano-dollars per request of `tool` at ts_ms; 0 when the book has none.
  int64_t server_tool_nanos(std::string_view tool, int64_t ts_ms) const;

 private:
  friend class PriceBookReader;
  std::string revision_, source_, digest_;
  std::vector<ModelEntry> models_;
  std::vector<ServerToolPrice> server_tools_;
};

// USD per million tokens (6.25) <-> nano-dollars per token (6250), at most 3
// decimals, 0..1,000,000; multipliers (1.1 <-> 1100000 ppm), at most 6
// decimals, above 0 and at most 100. Errors name `where`.
Result<int64_t> usd_per_mtok_to_nanos(double usd, const std::string& where);
Result<int64_t> multiplier_to_ppm(double multiplier, const std::string& where);
std::string nanos_to_usd_per_mtok(int64_t nanos);
// v / unit as exact decimal text with at most max_decimals digits after the
// point (unit = 10^max_decimals), trailing zeros dropped: (6250, 1000, 3) -> "6.25".
std::string format_decimal(int64_t v, int64_t unit, int max_decimals);
std::string ppm_to_multiplier(int64_t ppm);

// "2026-03-13T00:00:00-07:00", "...Z" or "2026-03-13" (midnight UTC) -> UTC ms.
std::optional<int64_t> parse_effective_time(std::string_view text);
// The canonical form written back: "2026-03-13T07:00:00Z".
std::string format_effective_time(int64_t ms);

}  // namespace codepulse
