// The tasks Jira describes (task_epics) in the PostgreSQL store: upserted
// from the webhooks, their epics read for reports.
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"

namespace codepulse::collector::pg_store {

Status read_epics(pg::Connection& conn, report::EpicMap& epics) {
  auto rows = conn.query(pg_sql::kSelectEpics);
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i)
    epics.emplace(std::string(rows->text(i, 0)), std::string(rows->text(i, 1)));
  return {};
}

Result<report::EpicMap> PostgresStore::load_epics() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  report::EpicMap epics;
  if (auto s = read_epics(**conn, epics); !s) return s.error();
  return epics;
}

Result<int64_t> PostgresStore::upsert_tasks(const std::vector<TaskRecord>& tasks) {
  std::lock_guard lock(writer_mu_);
  if (auto s = writer_.exec("BEGIN"); !s) return s.error();
  pg::Params p;
  int64_t changed = 0;
  for (const TaskRecord& t : tasks) {
    p.clear();
    p.add(t.key)
        .add(t.epic)
        .add(t.updated_ms)
        .add(t.issue_type)
        .add(t.status)
        .add(int64_t{t.deleted})
        .add(delivery_rows::join_list(t.labels))
        .add(delivery_rows::join_list(t.components))
        .add(t.story_points_milli)
        .add(t.priority)
        .add(t.created_ms)
        .add(t.resolved_ms)
        .add(delivery_rows::join_list(t.caused_by))
        .add(delivery_rows::join_list(t.causes));
    auto done = writer_.run("codepulse_upsert_task", pg_sql::kUpsertTask, p);
    if (!done) {
      (void)writer_.exec("ROLLBACK");
      return done.error();
    }
    changed += done->affected();
  }
  if (auto s = writer_.exec("COMMIT"); !s) return s.error();
  return changed;
}

}  // namespace codepulse::collector::pg_store
