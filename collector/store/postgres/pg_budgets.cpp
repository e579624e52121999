// The PostgreSQL store's budgets and their overrides: each change worked
// out from every stored row and written in one transaction on the writer,
// the tables locked against another collector's change meanwhile; reads on
// pooled connections.
#include "collector/store/budget_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"

namespace codepulse::collector::pg_store {
namespace {

template <typename T, typename Read>
Result<std::vector<T>> all_rows(pg::Connection& conn, const char* sql, Read read) {
  std::vector<T> out;
  Status failed;
  auto s = each_row(conn, sql, {}, rows_into(out, read, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

// `change` inside one transaction holding both tables.
Status in_budget_transaction(pg::Connection& writer, const std::function<Status()>& change) {
  if (auto s = writer.exec("BEGIN"); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = writer.exec("LOCK TABLE budgets, budget_overrides IN SHARE ROW EXCLUSIVE MODE");
        !s)
      return s;
    if (auto s = change(); !s) return s;
    return writer.exec("COMMIT");
  };
  auto s = run();
  if (!s) (void)writer.exec("ROLLBACK");
  return s;
}

Status ran(const Result<pg::Rows>& r) {
  return r ? Status{} : Status(r.error());
}

}  // namespace

Result<int64_t> PostgresStore::add_budget(const BudgetRow& b) {
  std::lock_guard lock(writer_mu_);
  int64_t id = 0;
  auto done = in_budget_transaction(writer_, [&]() -> Status {
    auto stored = all_rows<BudgetRow>(writer_, budget_sql::kSelectBudgets, read_budget);
    if (!stored) return stored.error();
    auto row = budget_to_add(b, *stored);
    if (!row) return row.error();
    id = row->id;
    pg::Params p;
    p.add(row->id)
        .add(row->scope)
        .add(row->value)
        .add(row->period)
        .add(row->basis)
        .add(row->limit_nanos)
        .add(row->warn_percent)
        .add(int64_t{row->enforce ? 1 : 0})
        .add(row->start_day)
        .add(row->end_day)
        .add(row->note)
        .add(row->created_by)
        .add(row->created_ms);
    return ran(writer_.query(budget_sql::kInsertBudget, p));
  });
  if (!done) return done.error();
  return id;
}

Status PostgresStore::remove_budget(int64_t id) {
  std::lock_guard lock(writer_mu_);
  return in_budget_transaction(writer_, [&]() -> Status {
    pg::Params p;
    p.add(id);
    if (auto s = ran(writer_.query(budget_sql::kDeleteOverridesOf, p)); !s) return s;
    auto done = writer_.query(budget_sql::kDeleteBudget, p);
    if (!done) return done.error();
    return done->affected() == 1 ? Status{} : no_budget(id);
  });
}

Result<std::vector<BudgetRow>> PostgresStore::load_budgets() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  return all_rows<BudgetRow>(**conn, budget_sql::kSelectBudgets, read_budget);
}

Result<int64_t> PostgresStore::add_budget_override(const BudgetOverride& o, int64_t now_ms) {
  std::lock_guard lock(writer_mu_);
  int64_t id = 0;
  auto done = in_budget_transaction(writer_, [&]() -> Status {
    auto budgets = all_rows<BudgetRow>(writer_, budget_sql::kSelectBudgets, read_budget);
    if (!budgets) return budgets.error();
    auto overrides =
        all_rows<BudgetOverride>(writer_, budget_sql::kSelectOverrides, read_budget_override);
    if (!overrides) return overrides.error();
    auto row = override_to_add(o, *budgets, *overrides, now_ms);
    if (!row) return row.error();
    id = row->id;
    pg::Params p;
    p.add(row->id)
        .add(row->budget_id)
        .add(row->until_ms)
        .add(row->reason)
        .add(row->created_by)
        .add(row->created_ms);
    return ran(writer_.query(budget_sql::kInsertOverride, p));
  });
  if (!done) return done.error();
  return id;
}

Result<std::vector<BudgetOverride>> PostgresStore::load_budget_overrides() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  return all_rows<BudgetOverride>(**conn, budget_sql::kSelectOverrides, read_budget_override);
}

}  // namespace codepulse::collector::pg_store
