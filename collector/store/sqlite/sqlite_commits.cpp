// Commits in the SQLite store: a commit with its files and reworked lines
// written inside a batch's transaction, and load_commits' four reads.
#include "collector/store/commit_rows.hpp"
#include "collector/store/commit_trust.hpp"
#include "collector/store/people_sql.hpp"
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

Result<std::optional<PushedAuthor>> SqliteStore::pushed_author(const CommitRecord& c) {
  ResetGuard guard(select_pushed_author_);
  select_pushed_author_.bind(1, c.repo).bind(2, c.sha);
  auto row = select_pushed_author_.step();
  if (!row) return row.error();
  if (!*row) return std::optional<PushedAuthor>();
  return std::optional<PushedAuthor>(PushedAuthor{std::string(select_pushed_author_.text(0)),
                                                  select_pushed_author_.int64(1),
                                                  std::string(select_pushed_author_.text(2))});
}

Result<std::optional<StoredCopy>> SqliteStore::stored_copy(const CommitRecord& c) {
  ResetGuard guard(select_commit_copy_);
  select_commit_copy_.bind(1, c.repo).bind(2, c.sha);
  auto row = select_commit_copy_.step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredCopy>();
  return std::optional<StoredCopy>(
      StoredCopy{std::string(select_commit_copy_.text(0)),
                 static_cast<CommitTrust>(select_commit_copy_.int64(1))});
}

Result<Identities> SqliteStore::identities(const std::string& author) {
  auto st = db_.prepare(people_sql::kSelectIdentities);
  if (!st) return st.error();
  const std::string key = directory_key(author);  // bound: lives until the last step()
  st->bind(1, key);
  std::vector<std::string> emails;
  while (true) {
    auto more = st->step();
    if (!more) return more.error();
    if (!*more) break;
    emails.emplace_back(st->text(0));
  }
  return identities_of(author, std::move(emails));
}

Result<CommitStored> SqliteStore::store_commit(const std::string& author, const Identities& sender,
                                               const std::string& device_id,
                                               const CommitRecord& sent, int64_t now_ms) {
  auto pushed = pushed_author(sent);
  if (!pushed) return pushed.error();
  auto stored = stored_copy(sent);
  if (!stored) return stored.error();
  std::optional<Identities> stored_sender;  // only a push makes it matter
  if (*stored && *pushed) {
    auto s = identities((*stored)->sent_by);
    if (!s) return s.error();
    stored_sender = std::move(s).value();
  }
  const CommitDecision d =
      decide_commit(sent, sender, *stored, *pushed, stored_sender ? &*stored_sender : nullptr);
  if (d.kind == CommitDecision::kRefuse) return CommitStored{CommitStored::kRefused, d.reason};
  if (d.kind == CommitDecision::kDuplicate) {
    // The same author's copy again, with survival measured since
    // (docs/PROVENANCE.md, "Survival"): the marks it lacks are filled in.
    if (*stored && (*stored)->sent_by == author && carries_survival(sent)) {
      const CommitRecord c = capped_commit(sent);
      for (size_t i = 0; i < c.files.size(); ++i) {
        const CommitFile& f = c.files[i];
        if (f.lines_alive_21d < 0 && f.lines_alive_90d < 0) continue;
        auto s = update_commit_file_survival_.bind(1, c.repo)
                     .bind(2, c.sha)
                     .bind(3, static_cast<int64_t>(i))
                     .bind(4, f.lines_alive_21d)
                     .bind(5, f.ai_lines_alive_21d)
                     .bind(6, f.lines_alive_90d)
                     .bind(7, f.ai_lines_alive_90d)
                     .run();
        if (!s) return s.error();
      }
    }
    return CommitStored{CommitStored::kDuplicate, ""};
  }
  if (d.kind == CommitDecision::kReplace) {
    for (sql::Statement* st : {&delete_commit_files_, &delete_commit_reworks_, &delete_commit_})
      if (auto s = st->bind(1, sent.repo).bind(2, sent.sha).run(); !s) return s.error();
  }
  const CommitRecord c = commit_to_store(sent, *pushed);
  const std::string parents = join_object_names(c.parents);  // bound below: lives until run()
  const std::string source = *pushed ? (*pushed)->source : tracker_source(author);
  for_each_commit_value(c, parents, bind_to(insert_commit_));
  constexpr int kSender = static_cast<int>(kCommitValues) + 1;
  auto s = insert_commit_.bind(kSender, author)
               .bind(kSender + 1, device_id)
               .bind(kSender + 2, now_ms)
               .bind(kSender + 3, source)
               .bind(kSender + 4, static_cast<int64_t>(d.trust))
               .run();
  if (!s) return s.error();
  if (db_.changes() == 0) return CommitStored{CommitStored::kDuplicate, ""};
  for (size_t i = 0; i < c.files.size(); ++i) {
    for_each_commit_file_value(c, i, bind_to(insert_commit_file_));
    s = insert_commit_file_.run();
    if (!s) return s.error();
  }
  for (size_t i = 0; i < commit_rework_rows(c); ++i) {
    for_each_commit_rework_value(c, i, bind_to(insert_commit_rework_));
    s = insert_commit_rework_.run();
    if (!s) return s.error();
  }
  return CommitStored{CommitStored::kStored, ""};
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
