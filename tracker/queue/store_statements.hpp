// Internal to tracker/queue: preparing the store's statements in one go, and
// stepping through a statement's rows.
#pragma once

#include <initializer_list>
#include <string_view>

#include "common/result.hpp"
#include "common/sqlite.hpp"

namespace codepulse::tracker {

struct StatementText {
  sql::Statement* statement;
  std::string_view text;
};

inline Status prepare_statements(sql::Database& db, std::initializer_list<StatementText> items) {
  for (const StatementText& item : items) {
    auto st = db.prepare(item.text);
    if (!st) return st.error();
    *item.statement = std::move(st).value();
  }
  return {};
}

// Steps `st` through its rows, calling fn (returning Status) on each; stops
// at the first error.
template <class Fn>
Status each_row(sql::Statement& st, Fn fn) {
  while (true) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return {};
    if (Status s = fn(); !s) return s;
  }
}

}  // namespace codepulse::tracker
