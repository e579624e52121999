// The tasks Jira describes (task_epics) in the SQLite store: upserted from
// the webhooks, their epics read for reports.
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector::sqlite_store {

Result<report::EpicMap> SqliteStore::load_epics() {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(report_mu_);
  if (auto s = open_report_db(); !s) return s.error();
  return report::load_epics(*report_db_);
}

Result<int64_t> SqliteStore::upsert_tasks(const std::vector<TaskRecord>& tasks) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto st = db_.prepare(sql_text::kUpsertTask);
  if (!st) return st.error();
  int64_t changed = 0;
  for (const TaskRecord& t : tasks) {
    auto s = st->bind(1, t.key)
                 .bind(2, t.epic)
                 .bind(3, t.updated_ms)
                 .bind(4, t.issue_type)
                 .bind(5, t.status)
                 .bind(6, int64_t{t.deleted})
                 .bind(7, delivery_rows::join_list(t.labels))
                 .bind(8, delivery_rows::join_list(t.components))
                 .bind(9, t.story_points_milli)
                 .bind(10, t.priority)
                 .bind(11, t.created_ms)
                 .bind(12, t.resolved_ms)
                 .bind(13, delivery_rows::join_list(t.caused_by))
                 .bind(14, delivery_rows::join_list(t.causes))
                 .run();
    if (!s) return s.error();
    changed += db_.changes();
  }
  if (auto s = txn->commit(); !s) return s.error();
  return changed;
}

}  // namespace codepulse::collector::sqlite_store
