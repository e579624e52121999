// The SQLite store's budgets and their overrides: each change worked out
// from every stored row and written in one transaction on the writer;
// reads on the reader.
#include "collector/store/budget_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

template <typename T, typename Read>
Result<std::vector<T>> all_rows(sql::Database& db, const char* sql, Read read) {
  std::vector<T> out;
  Status failed;
  auto s = each_row(db, sql, nullptr, rows_into(out, read, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

Result<std::vector<BudgetRow>> all_budgets(sql::Database& db) {
  return all_rows<BudgetRow>(db, budget_sql::kSelectBudgets, read_budget);
}

Result<std::vector<BudgetOverride>> all_overrides(sql::Database& db) {
  return all_rows<BudgetOverride>(db, budget_sql::kSelectOverrides, read_budget_override);
}

}  // namespace

Result<int64_t> SqliteStore::add_budget(const BudgetRow& b) {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto stored = all_budgets(db_);
  if (!stored) return stored.error();
  auto row = budget_to_add(b, *stored);
  if (!row) return row.error();
  auto st = db_.prepare(budget_sql::kInsertBudget);
  if (!st) return st.error();
  st->bind(1, row->id)
      .bind(2, row->scope)
      .bind(3, row->value)
      .bind(4, row->period)
      .bind(5, row->basis)
      .bind(6, row->limit_nanos)
      .bind(7, row->warn_percent)
      .bind(8, int64_t{row->enforce ? 1 : 0})
      .bind(9, row->start_day)
      .bind(10, row->end_day)
      .bind(11, row->note)
      .bind(12, row->created_by)
      .bind(13, row->created_ms);
  auto done = st->run();
  if (done) done = txn->commit();
  if (!done) return done.error();
  return row->id;
}

Status SqliteStore::remove_budget(int64_t id) {
  if (auto ok = heal(); !ok) return ok;
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  for (const char* sql : {budget_sql::kDeleteOverridesOf, budget_sql::kDeleteBudget}) {
    auto st = db_.prepare(sql);
    if (!st) return st.error();
    if (auto s = st->bind(1, id).run(); !s) return s;
  }
  if (db_.changes() != 1) return no_budget(id);
  return txn->commit();
}

Result<std::vector<BudgetRow>> SqliteStore::load_budgets() {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(reader_mu_);
  return all_budgets(reader_);
}

Result<int64_t> SqliteStore::add_budget_override(const BudgetOverride& o, int64_t now_ms) {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto budgets = all_budgets(db_);
  if (!budgets) return budgets.error();
  auto overrides = all_overrides(db_);
  if (!overrides) return overrides.error();
  auto row = override_to_add(o, *budgets, *overrides, now_ms);
  if (!row) return row.error();
  auto st = db_.prepare(budget_sql::kInsertOverride);
  if (!st) return st.error();
  st->bind(1, row->id)
      .bind(2, row->budget_id)
      .bind(3, row->until_ms)
      .bind(4, row->reason)
      .bind(5, row->created_by)
      .bind(6, row->created_ms);
  auto done = st->run();
  if (done) done = txn->commit();
  if (!done) return done.error();
  return row->id;
}

Result<std::vector<BudgetOverride>> SqliteStore::load_budget_overrides() {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(reader_mu_);
  return all_overrides(reader_);
}

}  // namespace codepulse::collector::sqlite_store
