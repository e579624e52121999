// An enum's names as one table, read in both directions: the value's name
// (for output) and the value a name spells (for input). A name missing from
// its table reads as "?".
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace codepulse {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E, size_t N>
constexpr std::string_view name_of(const EnumName<E> (&table)[N], E value) {
  for (const EnumName<E>& entry : table)
    if (entry.value == value) return entry.name;
  return "?";
}

template <class E, size_t N>
constexpr std::optional<E> value_named(const EnumName<E> (&table)[N], std::string_view name) {
  for (const EnumName<E>& entry : table)
    if (entry.name == name) return entry.value;
  return std::nullopt;
}

}  // namespace codepulse
