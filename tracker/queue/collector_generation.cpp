// The collector's store generation in tracker_meta, and the re-queueing of
// what a restored collector may have lost.
#include "tracker/queue/collector_generation.hpp"

#include <limits>

namespace codepulse::tracker {
namespace {

constexpr const char* kSelectGeneration =
    "SELECT value FROM tracker_meta WHERE key = 'collector_generation'";
constexpr const char* kSaveGeneration =
    "INSERT INTO tracker_meta (key, value) VALUES ('collector_generation', ?1)"
    " ON CONFLICT(key) DO UPDATE SET value = ?1";
// A record whose current revision was shipped since ?1 is unshipped again; a
// quarantined revision stays quarantined.
constexpr const char* kRequeueRecords =
    "UPDATE usage_records SET shipped_revision = 0 WHERE shipped_revision > 0 AND shipped_ms >= ?1";
constexpr const char* kRequeueCommits =
    "UPDATE git_commits SET shipped = 0 WHERE shipped = 1 AND shipped_ms >= ?1";

Result<int64_t> run_since(sql::Database& db, const char* sql, int64_t since_ms) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (auto s = st->bind(1, since_ms).run(); !s) return s.error();
  return int64_t{db.changes()};
}

}  // namespace

Result<std::string> stored_collector_generation(LocalStore& store) {
  auto st = store.database().prepare(kSelectGeneration);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return *row ? std::string(st->text(0)) : std::string();
}

Result<GenerationChange> adopt_collector_generation(LocalStore& store,
                                                    const CollectorGeneration& seen) {
  GenerationChange out;
  out.current = seen.id;
  auto stored = stored_collector_generation(store);
  if (!stored) return stored.error();
  if (*stored == seen.id || seen.id.empty()) return out;
  sql::Database& db = store.database();
  if (stored->empty()) {
    out.first = true;
  } else {
    out.changed = true;
    out.previous = *stored;
    if (seen.backup_ms) out.resend_since_ms = *seen.backup_ms - kResendMarginMs;
    const int64_t since = out.resend_since_ms.value_or(std::numeric_limits<int64_t>::min());
    auto records = run_since(db, kRequeueRecords, since);
    if (!records) return records.error();
    auto commits = run_since(db, kRequeueCommits, since);
    if (!commits) return commits.error();
    out.records = *records;
    out.commits = *commits;
  }
  auto st = db.prepare(kSaveGeneration);
  if (!st) return st.error();
  if (auto s = st->bind(1, seen.id).run(); !s) return s.error();
  return out;
}

}  // namespace codepulse::tracker
