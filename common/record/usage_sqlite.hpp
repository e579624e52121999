// Binding and reading the usage record's listed columns (usage_columns.hpp)
// through common/sqlite.hpp's statements: the SQLite stores of the tracker
// and the collector both go through these two functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/record/usage_columns.hpp"
#include "common/record/usage_record.hpp"
#include "common/sqlite.hpp"

namespace codepulse {
namespace usage_sqlite_detail {

// One field, by its type: text, INTEGER, 0/1, or INTEGER and NULL when absent.
inline void bind_field(sql::Statement& st, int index, const std::string& v) {
  st.bind(index, std::string_view(v));
}
inline void bind_field(sql::Statement& st, int index, int64_t v) {
  st.bind(index, v);
}
inline void bind_field(sql::Statement& st, int index, bool v) {
  st.bind(index, int64_t{v});
}
inline void bind_field(sql::Statement& st, int index, const std::optional<int64_t>& v) {
  st.bind(index, v);
}

inline void read_field(const sql::Statement& st, int col, std::string& v) {
  v = std::string(st.text(col));
}
inline void read_field(const sql::Statement& st, int col, int64_t& v) {
  v = st.int64(col);
}
inline void read_field(const sql::Statement& st, int col, bool& v) {
  v = st.int64(col) != 0;
}
inline void read_field(const sql::Statement& st, int col, std::optional<int64_t>& v) {
  v = st.opt_int64(col);
}

}  // namespace usage_sqlite_detail

// Binds r's listed fields to ?first_index, ?first_index+1, ... in the list's
// order. Text is not copied: r must outlive the statement's run.
inline void bind_usage_fields(sql::Statement& st, int first_index, const UsageRecord& r) {
  for_each_usage_field(r, [&](size_t i, const auto& field) {
    usage_sqlite_detail::bind_field(st, first_index + static_cast<int>(i), field);
  });
}

// Reads r's listed fields from columns first_col, first_col+1, ... of the
// current row, in the list's order; other fields of r are left as they are.
inline void read_usage_fields(const sql::Statement& st, int first_col, UsageRecord& r) {
  for_each_usage_field(r, [&](size_t i, auto& field) {
    usage_sqlite_detail::read_field(st, first_col + static_cast<int>(i), field);
  });
}

}  // namespace codepulse
