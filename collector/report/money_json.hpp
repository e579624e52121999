// An amount in the collector's JSON answers (reconcile, statement): dollars
// to 6 decimals and the exact nano-dollars beside them, both null when the
// amount is not known.
#pragma once

#include <cstdint>
#include <optional>

#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"

namespace codepulse::collector {

inline void write_money(JsonWriter& w, const char* usd, const char* nanos,
                        std::optional<int64_t> amount) {
  if (amount) {
    w.key(usd).raw_number(format_usd(*amount));
    w.field(nanos, *amount);
  } else {
    w.key(usd).null();
    w.key(nanos).null();
  }
}

}  // namespace codepulse::collector
