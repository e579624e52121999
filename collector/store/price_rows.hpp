// The collector's prices as its store keeps them (tables price_books and
// price_overrides): the book in force, the organisation's overrides, the
// history of their changes, and what every store makes of those rows the same
// way (the Pricer they price with, the history in order, unpriced models).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// A row of price_books: one imported book.
struct StoredBook {
  int64_t id = 0;
  std::string revision, digest;
  std::string body;  // the book's canonical JSON (PriceBook::to_json); empty in the history
  std::string imported_by, note;
  int64_t imported_ms = 0;
};

// A row of price_overrides: one override, removed or not.
struct StoredOverride {
  int64_t id = 0;
  std::string body;  // rate_override_json of the override, with its id
  std::string created_by;
  int64_t created_ms = 0;
  std::optional<std::string> removed_by;
  std::optional<int64_t> removed_ms;
};

// What prices the store's records: the newest imported book (none: the
// builtin book) and the overrides not removed, by id.
struct PricingRows {
  std::optional<StoredBook> book;
  std::vector<StoredOverride> overrides;
};

// Says whether pricing changed: ids only grow and a removal lowers the count
// of active overrides, so any import, addition or removal changes it.
struct PricingVersion {
  int64_t book_id = 0, override_max_id = 0, overrides_active = 0;
  bool operator==(const PricingVersion&) const = default;
};

// One change to pricing, for `prices history` and the admin API.
struct PriceChange {
  enum class Kind { kImport, kOverrideAdded, kOverrideRemoved };
  Kind kind = Kind::kImport;
  int64_t id = 0;  // the book's row id, or the override's id
  std::string by;
  int64_t at_ms = 0;
  std::string revision, digest, note;  // kImport
  std::string override_json;           // the override kinds: its rate_override_json
};

// "import", "override added", "override removed".
const char* price_change_name(PriceChange::Kind kind);

// Every import and every override addition and removal, newest first (at
// equal times: removals, then additions, then imports, each by id, highest
// first).
std::vector<PriceChange> price_history(const std::vector<StoredBook>& books,
                                       const std::vector<StoredOverride>& overrides);

// Why removing override `id` changed nothing: there is no such override
// (`found` is empty), or it was removed already (when and by whom).
Error removal_refused(int64_t id, const std::optional<StoredOverride>& found);

// The override a row holds, its id and creation taken from the row's columns.
Result<RateOverride> override_of(const StoredOverride& row);
// The Pricer of the stored rows. Errors name the row.
Result<std::shared_ptr<const Pricer>> pricer_of(const PricingRows& rows);

// Records of one model (as logged) in a time range.
struct ModelUsage {
  std::string model;
  int64_t requests = 0, tokens = 0;  // tokens: input, output, cache writes and reads
  int64_t first_ms = 0, last_ms = 0;
};

// The usage of one model from a per-model read of its records (no rows: none).
Result<ModelUsage> one_model_usage(Result<std::vector<ModelUsage>> rows, const std::string& model);

// A model some records have no price for.
struct UnpricedModel {
  std::string model;  // as logged
  // The book's family of the model; "" when the book has none. When there is
  // one, the family has no price at these records' times (before its first
  // period, between periods, or after it was retired).
  std::string family;
  int64_t requests = 0, tokens = 0;
  int64_t first_ms = 0, last_ms = 0;  // of the unpriced records
};

// The records of `model` in [since_ms, until_ms).
using ModelRangeUsage =
    std::function<Result<ModelUsage>(const std::string& model, int64_t since_ms, int64_t until_ms)>;

// The unpriced models among `by_model` (every model's records in [since_ms,
// until_ms)): a model without a family in `pricer`'s book is unpriced
// throughout; a model with one is unpriced at the times no period of its
// family covers, counted exactly with `range` over those times. Most
// requests first.
Result<std::vector<UnpricedModel>> find_unpriced(const Pricer& pricer,
                                                 const std::vector<ModelUsage>& by_model,
                                                 int64_t since_ms, int64_t until_ms,
                                                 const ModelRangeUsage& range);

}  // namespace codepulse::collector
