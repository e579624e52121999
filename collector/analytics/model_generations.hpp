// analytics: which pricing generation each model's rows in ClickHouse carry
// when they are priced with the current prices.
//
// A row's version ends in the pricing generation it was priced with
// (usage_export.hpp). New prices make a new generation, but only the models
// whose prices changed (Pricer::model_fingerprint) take it: the rows of every
// other model stay as they are, current under their older generation, and
// only the changed models' rows are sent again. The table model_generations
// in ClickHouse keeps, for each model, the fingerprint of its prices and the
// generation they were first used in; the exporter reads it at start.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace codepulse::collector::analytics {

class ModelGenerations {
 public:
  explicit ModelGenerations(uint32_t book = 0) : book_(book) {}

  // The generation of the current prices (pricing_generations): a model
  // not kept at an older one carries it.
  uint32_t book() const { return book_; }
  uint32_t of(std::string_view model) const;
  // Model `model` carries `generation` (kept only when older than book()).
  void set(const std::string& model, uint32_t generation);
  // The models whose prices the current book left as an older generation had them.
  const std::map<std::string, uint32_t, std::less<>>& kept() const { return kept_; }

  // A ClickHouse expression, 1 where rows of model `model` (a column or
  // expression) priced with generations from `lo` to `hi` are not all
  // priced with the current prices, else 0.
  std::string stale_sql(std::string_view model, std::string_view lo, std::string_view hi) const;
  // The same for one row of usage_facts (its generation:
  // fact_generation_sql()).
  std::string stale_fact_sql() const;
  // Why a report over `records` such records is answered from the store
  // instead.
  std::string stale_reason(int64_t records) const;

 private:
  uint32_t book_;
  std::map<std::string, uint32_t, std::less<>> kept_;
};

}  // namespace codepulse::collector::analytics
