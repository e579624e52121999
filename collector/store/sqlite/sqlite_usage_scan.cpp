// The SQLite store's usage reads for reports, on their own connection: the
// records of a range with the epics (one snapshot), the follower of usage
// changes (a snapshot scan, then every commit's changes), and the days' counts.
#include <cstdint>

#include "collector/store/sqlite/sqlite_schema.hpp"
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "common/report/usage_source.hpp"

namespace codepulse::collector::sqlite_store {

Status SqliteStore::follow_usage(const UsageScan& scan, UsageListener listener) {
  if (auto s = heal(); !s) return s;
  auto conn = open_guarded(path_);
  if (!conn) return conn.error();
  if (auto s = conn->exec(sql_text::kReaderPragmas); !s) return s;
  if (auto s = conn->exec("BEGIN"); !s) return s;
  {
    // The snapshot starts with the first read, taken between two commits:
    // a commit is either in it or passed to the listener.
    std::lock_guard lock(mu_);
    auto first = conn->scalar("SELECT count(*) FROM usage_records WHERE id = 0");
    if (!first) return first.error();
    listener_ = std::move(listener);
  }
  scanning_ = true;
  auto s =
      scan ? report::scan_usage(*conn, INT64_MIN, INT64_MAX, /*with_tools=*/true, scan) : Status{};
  scanning_ = false;
  (void)conn->exec("COMMIT");
  if (!s) unfollow_usage();
  return s;
}

void SqliteStore::unfollow_usage() {
  std::lock_guard lock(mu_);
  listener_ = nullptr;
}

Status SqliteStore::open_report_db() {
  if (report_db_) return {};
  auto conn = open_guarded(path_);
  if (!conn) return conn.error();
  if (auto s = conn->exec(sql_text::kReaderPragmas); !s) return s;
  report_db_.emplace(std::move(conn).value());
  return {};
}

Status SqliteStore::read_usage(int64_t since_ms, int64_t until_ms, bool with_tools,
                               report::EpicMap& epics, const UsageScan& scan) {
  if (auto s = heal(); !s) return s;
  std::lock_guard lock(report_mu_);
  if (auto s = open_report_db(); !s) return s;
  // One snapshot for the epics and the records, even while ingest goes on.
  if (auto s = report_db_->exec("BEGIN"); !s) return s;
  auto loaded = report::load_epics(*report_db_);
  auto s = loaded ? report::scan_usage(*report_db_, since_ms, until_ms, with_tools, scan)
                  : Status(loaded.error());
  (void)report_db_->exec("COMMIT");
  if (loaded) epics = std::move(loaded).value();
  return s;
}

Status SqliteStore::read_usage_by_ids(const std::vector<int64_t>& ids, const UsageScan& scan) {
  if (auto s = heal(); !s) return s;
  std::lock_guard lock(report_mu_);
  if (auto s = open_report_db(); !s) return s;
  return report::scan_usage_ids(*report_db_, ids, scan);
}

Result<std::vector<UsageDayCount>> SqliteStore::usage_days(int64_t since_ms, int64_t until_ms) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(report_mu_);
  if (auto s = open_report_db(); !s) return s.error();
  auto st = report_db_->prepare(sql_text::kSelectUsageDays);
  if (!st) return st.error();
  st->bind(1, since_ms).bind(2, until_ms);
  std::vector<UsageDayCount> out;
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({st->int64(0), st->int64(1), st->int64(2)});
  }
  return out;
}

}  // namespace codepulse::collector::sqlite_store
