// The SQLite store's people directory: read on the reader, each edit worked
// out from the whole stored directory and rewritten in one transaction on
// the writer (people_io.hpp).
#include "collector/store/sqlite/sqlite_people.hpp"

#include "collector/store/people_io.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

Result<PeopleRows> read_all(sql::Database& db) {
  return read_people_with([&db](const char* sql, const std::function<void(const RowView&)>& row) {
    return each_row(db, sql, nullptr, row);
  });
}

PeopleExec exec_on(sql::Database& db) {
  return [&db](const char* sql, const std::vector<PeopleValue>& params) {
    auto st = db.prepare(sql);
    if (!st) return Status(st.error());
    for (size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      if (const auto* n = std::get_if<int64_t>(&params[i]))
        st->bind(at, *n);
      else
        st->bind(at, std::get<std::string>(params[i]));
    }
    return st->run();
  };
}

}  // namespace

Result<PeopleRows> load_people_rows(sql::Database& db) {
  auto exists =
      db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'people'");
  if (!exists) return exists.error();
  if (*exists == 0) return PeopleRows{};
  if (auto s = db.exec("BEGIN"); !s) return s.error();
  EndRead end{db};
  return read_all(db);
}

Result<PeopleRows> SqliteStore::load_people() {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(reader_mu_);
  return load_people_rows(reader_);
}

Status SqliteStore::edit_people(const PeopleEdit& edit) {
  if (auto ok = heal(); !ok) return ok;
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto stored = read_all(db_);
  if (!stored) return stored.error();
  PeopleRows d = std::move(stored).value();
  const PeopleRows before = d;
  if (auto s = edit(d); !s) return s;
  keep_scim_ids(before, d);
  assign_team_ids(d);
  normalize_people(d);
  if (auto s = check_people(d); !s) return s;
  if (auto s = write_people_with(d, exec_on(db_)); !s) return s;
  if (auto s = follow_team_renames_with(before, d, exec_on(db_)); !s) return s;
  return txn->commit();
}

}  // namespace codepulse::collector::sqlite_store
