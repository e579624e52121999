// An organisation's rate: a discount or a negotiated price that replaces the
// list price for a model family (a glob), an endpoint or everything, from a
// date. The collector keeps them with who made each and when.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/pricing/model_id.hpp"
#include "common/pricing/price_book.hpp"
#include "common/result.hpp"

namespace codepulse {

struct RateOverride {
  enum class Scope : uint8_t { kAll, kEndpoint, kFamily };
  int64_t id = 0;  // the order overrides were made in
  Scope scope = Scope::kAll;
  std::string match;  // kFamily: a glob over families ("claude-opus-*"); kEndpoint: its name
  int64_t from_ms = kBeginningOfTime, until_ms = kEndOfTime;
  // Exactly one of: a multiplier on the list cost (a percentage: -15% is
  // 850000 ppm), or rates that replace the list rates.
  std::optional<int64_t> multiplier_ppm;
  std::optional<Rates> rates;
  std::string created_by, note;
  int64_t created_ms = 0;

  // `family` is the book's family of the request's model.
  bool applies(std::string_view family, EndpointKind endpoint, int64_t ts_ms) const;
  // Whether its scope takes in that family and endpoint, at any time.
  bool covers(std::string_view family, EndpointKind endpoint) const;
};

const char* scope_name(RateOverride::Scope scope);  // "all", "endpoint", "family"

// `*` matches any run of characters, `?` one; everything else itself.
bool glob_match(std::string_view pattern, std::string_view text);

// An override as JSON ({"scope","match","from","until","percent" or "rates",
// "note","created_by","created_ms","id"}) and back. `where` names it in errors.
Result<RateOverride> parse_rate_override(std::string_view json, const std::string& where);
std::string rate_override_json(const RateOverride& o);

// Checks an override against the book it will stack on: a family pattern must
// match at least one family, an endpoint must be one codepulse knows, and a
// percentage must leave a positive price. Errors name the override.
Status check_rate_override(const RateOverride& o, const PriceBook& book);

}  // namespace codepulse
