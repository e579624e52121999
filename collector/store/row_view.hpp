// One row of a read, whichever store read it (a SQLite statement's row, a
// row of a PostgreSQL result), so the stores share what they make of rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace codepulse::collector {

class RowView {
 public:
  virtual ~RowView() = default;
  virtual std::string_view text(int col) const = 0;
  virtual int64_t int64(int col) const = 0;  // 0 when NULL
  virtual std::optional<int64_t> opt_int64(int col) const = 0;
};

}  // namespace codepulse::collector
