// What `codepulse-collector prices` and the admin API show of the prices in
// force: each family's rates now (list and organisation), a family's periods
// with the overrides that reach it, the history and the unpriced models, as
// data for tables and as JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/price_rows.hpp"
#include "common/pricing/pricer.hpp"

namespace codepulse::collector {

// Rates in nano-dollars per MILLION tokens, exact for list rates and for
// organisation rates (a percentage of a list rate is rarely a whole
// nano-dollar per token).
struct MtokRates {
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
};
MtokRates per_mtok(const Rates& per_token);
// "6.25": USD per million tokens, without trailing zeros.
std::string usd_per_mtok_text(int64_t nanos_per_mtok);

// The organisation's rates of a family through one endpoint at a time:
// the list rates with every override that applies then stacked as Pricer
// stacks them (an absolute override replaces the rates, percentages
// multiply them).
struct OrgRates {
  EndpointKind endpoint = EndpointKind::kAnthropic;
  MtokRates rates;
  std::vector<int64_t> override_ids;  // the overrides that apply
};

struct FamilyNow {
  const ModelEntry* entry = nullptr;
  const PricePeriod* period = nullptr;  // in force at the time asked; null: none
  // "current"; "retired" (every period ended); "upcoming" (none began yet);
  // "between periods".
  std::string state;
  std::vector<OrgRates> org;  // the endpoints an override applies to at that time
};

// Every family of the pricer's book at `at_ms`, in book order.
std::vector<FamilyNow> families_at(const Pricer& pricer, int64_t at_ms);
// The overrides that can reach `entry` (its family, any endpoint, all), by id.
std::vector<const RateOverride*> overrides_reaching(const Pricer& pricer, const ModelEntry& entry);

// JSON: the book in force (revision, digest, source, who imported it and
// when: null for the builtin book; the pricer's digest with the overrides),
// the active overrides, and every family at `at_ms`.
std::string prices_json(const Pricer& pricer, const std::optional<StoredBook>& imported,
                        int64_t at_ms);
// "family claude-opus-*, -15%, from 2026-01-01T00:00:00Z": what an override does.
std::string override_summary(const RateOverride& o);
// Every period of a family with its sources, and the overrides that reach it.
std::string family_json(const Pricer& pricer, const ModelEntry& entry);
// {"<what>": id, "revision", "digest", "pricing_digest"}: what a change did,
// and the prices in force after it.
std::string change_json(const char* what, int64_t id, const Pricer& pricer);
std::string history_json(const std::vector<PriceChange>& changes);
// With `note`: what "unpriced" means.
std::string unpriced_json(const std::vector<UnpricedModel>& models, int64_t since_ms,
                          int64_t until_ms);
inline constexpr const char* kUnpricedNote =
    "unpriced: the model has no family in the book, or its family has no period in force at the "
    "record's time (before its first period, between periods, or after it was retired). Importing "
    "a book that prices them prices those records in every report; an override cannot, since "
    "overrides stack on list prices.";

}  // namespace codepulse::collector
