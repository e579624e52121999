// Commits in the SQLite store: a commit with its files and reworked lines
// written inside a batch's transaction, and load_commits' four reads.
#include "collector/store/commit_rows.hpp"
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

const char* commit_read_sql(CommitRead read) {
  switch (read) {
    case CommitRead::kCommits:
      return sql_text::kSelectCommits;
    case CommitRead::kFiles:
      return sql_text::kSelectCommitFiles;
    case CommitRead::kReworked:
      return sql_text::kSelectCommitReworked;
    case CommitRead::kReworkOf:
      return sql_text::kSelectReworkOfCommits;
  }
  return "";
}

// load_commits' reads of [since_ms, until_ms) into `facts`.
Status read_commit_rows(sql::Database& db, int64_t since_ms, int64_t until_ms,
                        CommitFactsBuilder& facts) {
  for (const CommitRead read : kCommitReads) {
    auto st = db.prepare(commit_read_sql(read));
    if (!st) return st.error();
    st->bind(1, since_ms).bind(2, until_ms);
    const StatementRow row(*st);
    while (true) {
      auto more = st->step();
      if (!more) return more.error();
      if (!*more) break;
      if (auto s = facts.add(read, row); !s) return s;
    }
  }
  return {};
}

// Binds a value of commit_rows.hpp's lists to ?(column + 1).
auto bind_to(sql::Statement& st) {
  return [&st](size_t column, auto value) { st.bind(static_cast<int>(column) + 1, value); };
}

}  // namespace

Result<bool> SqliteStore::store_commit(const std::string& author, const std::string& device_id,
                                       const CommitRecord& c, int64_t now_ms) {
  const std::string parents = join_object_names(c.parents);  // bound below: lives until run()
  for_each_commit_value(c, parents, bind_to(insert_commit_));
  constexpr int kSender = static_cast<int>(kCommitValues) + 1;
  auto s = insert_commit_.bind(kSender, author)
               .bind(kSender + 1, device_id)
               .bind(kSender + 2, now_ms)
               .run();
  if (!s) return s.error();
  if (db_.changes() == 0) return false;  // stored before: the first copy stays
  for (size_t i = 0; i < c.files.size(); ++i) {
    for_each_commit_file_value(c, i, bind_to(insert_commit_file_));
    s = insert_commit_file_.run();
    if (!s) return s.error();
  }
  for (size_t i = 0; i < c.reworked.size(); ++i) {
    for_each_commit_rework_value(c, i, bind_to(insert_commit_rework_));
    s = insert_commit_rework_.run();
    if (!s) return s.error();
  }
  return true;
}

Result<report::CommitFacts> SqliteStore::load_commits(int64_t since_ms, int64_t until_ms) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(report_mu_);
  if (auto s = open_report_db(); !s) return s.error();
  CommitFactsBuilder facts;
  // One snapshot for the four reads, even while ingest goes on.
  if (auto s = report_db_->exec("BEGIN"); !s) return s.error();
  auto s = read_commit_rows(*report_db_, since_ms, until_ms, facts);
  (void)report_db_->exec("COMMIT");
  if (!s) return s.error();
  return facts.take();
}

}  // namespace codepulse::collector::sqlite_store
