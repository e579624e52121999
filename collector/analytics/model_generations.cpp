#include "collector/analytics/model_generations.hpp"

#include "collector/analytics/usage_export.hpp"

namespace codepulse::collector::analytics {

uint32_t ModelGenerations::of(std::string_view model) const {
  const auto it = kept_.find(model);
  return it == kept_.end() ? book_ : it->second;
}

void ModelGenerations::set(const std::string& model, uint32_t generation) {
  if (generation == book_)
    kept_.erase(model);
  else
    kept_[model] = generation;
}

std::string ModelGenerations::stale_sql(std::string_view model, std::string_view lo,
                                        std::string_view hi) const {
  // Every number typed UInt64, as both 18.16 and current releases want
  // transform()'s arrays and default of one type.
  std::string current = "toUInt64(" + std::to_string(book_) + ")";
  if (!kept_.empty()) {
    std::string from, to;
    for (const auto& [name, generation] : kept_) {
      from += (from.empty() ? "" : ", ") + sql_literal(name);
      to += (to.empty() ? "toUInt64(" : ", toUInt64(") + std::to_string(generation) + ")";
    }
    current =
        "transform(" + std::string(model) + ", [" + from + "], [" + to + "], " + current + ")";
  }
  std::string out = "(";
  out.append(lo);
  out += " != " + current;
  if (hi != lo) {  // a group of rows: its lowest and highest generation
    out += " OR ";
    out.append(hi);
    out += " != " + current;
  }
  return out + ")";
}

std::string ModelGenerations::stale_fact_sql() const {
  const std::string generation = fact_generation_sql();
  return stale_sql("model", generation, generation);
}

std::string ModelGenerations::stale_reason(int64_t records) const {
  return "ClickHouse holds " + std::to_string(records) +
         " records in the range priced before the current prices (pricing generation " +
         std::to_string(book_) + "), not yet re-priced";
}

}  // namespace codepulse::collector::analytics
