// The usage record's listed fields (common/record/usage_columns.hpp) as
// PostgreSQL parameters, in the list's order: text as text, flags as 0/1, an
// absent optional as NULL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "collector/store/postgres/pg_connection.hpp"
#include "common/record/usage_columns.hpp"
#include "common/record/usage_record.hpp"

namespace codepulse::collector::pg_store {

// Adds a field to a pg::Params or pg::TextArray.
template <class Sink, class Field>
void add_usage_field(Sink& sink, const Field& field) {
  if constexpr (std::is_same_v<Field, bool>)
    sink.add(int64_t{field});
  else if constexpr (std::is_same_v<Field, std::string>)
    sink.add(std::string_view(field));
  else
    sink.add(field);  // int64_t or std::optional<int64_t>
}

// One parameter per field, after those `p` holds.
inline void add_usage_fields(pg::Params& p, const UsageRecord& r) {
  for_each_usage_field(r, [&](size_t, const auto& field) { add_usage_field(p, field); });
}

// One element per field: field i goes to columns[i].
inline void add_usage_fields(pg::TextArray* columns, const UsageRecord& r) {
  for_each_usage_field(r, [&](size_t i, const auto& field) { add_usage_field(columns[i], field); });
}

}  // namespace codepulse::collector::pg_store
