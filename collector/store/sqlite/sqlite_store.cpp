// The embedded SQLite store: one connection, prepared statements reused, one
// transaction per batch, WAL synced on every commit (sqlite_sql.hpp).
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <iterator>
#include <mutex>
#include <thread>

#include "collector/store/commit_rows.hpp"
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_webhooks.hpp"
#include "collector/store/store.hpp"
#include "collector/store/store_rules.hpp"
#include "common/c_handles.hpp"
#include "common/hash_row_index.hpp"
#include "common/hashing.hpp"
#include "common/report/usage_source.hpp"
#include "common/sqlite.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::collector {
namespace {

// Resets a statement (and its bindings) when the scope ends.
class ResetGuard {
 public:
  explicit ResetGuard(sql::Statement& st) : st_(st) {}
  ~ResetGuard() { st_.reset(); }
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;

 private:
  sql::Statement& st_;
};

// Reads id, author, role, created_ms, revoked_ms, label.
Result<TokenInfo> read_token(const sql::Statement& st) {
  TokenInfo t;
  t.id = st.int64(0);
  t.author = std::string(st.text(1));
  const auto role = parse_role(st.text(2));
  if (!role)
    return make_error("token " + std::to_string(t.id) + " has an unknown role in the store");
  t.role = *role;
  t.created_ms = st.int64(3);
  t.revoked_ms = st.opt_int64(4);
  t.label = std::string(st.text(5));
  return t;
}

// Checkpoints the write-ahead log on its own connection and thread, so a
// commit never waits for a checkpoint (the writer's auto-checkpoint is off).
class Checkpointer {
 public:
  explicit Checkpointer(sql::Database db) : db_(std::move(db)), thread_([this] { run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // On the writer's connection, outside a transaction: after a PASSIVE
  // checkpoint copied most of the log, a RESTART copies the frames added
  // since (a few) and makes the next commit write the log from its start.
  void restart_if_due(sql::Database& writer) {
    if (!restart_due_.exchange(false)) return;
    sqlite3_wal_checkpoint_v2(writer.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr,
                              nullptr);
  }

  // From the writer's WAL hook: the log holds `pages` pages.
  void note_wal_pages(int pages) {
    if (pages < kPagesPerCheckpoint) return;
    {
      std::lock_guard lock(mu_);
      wanted_ = true;
    }
    wake_.notify_one();
  }

 private:
  static constexpr int kPagesPerCheckpoint = 4000;  // 16 MiB of 4 KiB pages

  void run() {
    std::unique_lock lock(mu_);
    while (true) {
      wake_.wait(lock, [this] { return stop_ || wanted_; });
      if (stop_) break;
      wanted_ = false;
      lock.unlock();
      // PASSIVE copies the log into the database without blocking the
      // writer. The writer then finishes the job between two commits
      // (restart_if_due), so the log starts over instead of growing.
      sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      restart_due_ = true;
      lock.lock();
    }
    lock.unlock();
    sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }

  sql::Database db_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false, wanted_ = false;
  std::atomic<bool> restart_due_{false};
  std::thread thread_;
};

// The lookup key of a record uid: 64 bits of FNV-1a. Collisions only cost a
// second row visit; the uid text decides.
int64_t uid_key(std::string_view uid) {
  return static_cast<int64_t>(fnv1a64(uid));
}

void sql_uid_key(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* text = sqlite3_value_text(argv[0]);
  const int n = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int64(
      ctx, uid_key(std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(n))));
}

int on_wal_commit(void* checkpointer, sqlite3*, const char*, int pages) {
  static_cast<Checkpointer*>(checkpointer)->note_wal_pages(pages);
  return SQLITE_OK;
}

// A row of a SQLite statement, for CommitFactsBuilder.
class StatementRow final : public RowView {
 public:
  explicit StatementRow(const sql::Statement& st) : st_(st) {}
  std::string_view text(int col) const override { return st_.text(col); }
  int64_t int64(int col) const override { return st_.int64(col); }

 private:
  const sql::Statement& st_;
};

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

class SqliteStore final : public Store {
 public:
  SqliteStore(sql::Database db, sql::Database reader, sql::Database checkpoint)
      : db_(std::move(db)),
        reader_(std::move(reader)),
        checkpointer_(std::make_unique<Checkpointer>(std::move(checkpoint))) {
    sqlite3_wal_hook(db_.handle(), &on_wal_commit, checkpointer_.get());
  }
  ~SqliteStore() override { sqlite3_wal_hook(db_.handle(), nullptr, nullptr); }

  Status migrate();
  Status prepare_all();
  Status load_uid_index();

  std::vector<Result<IngestResult>> ingest_many(
      const std::vector<IngestRequest>& requests) override;
  Result<int64_t> size_bytes() override;
  Result<std::string> create_token(const std::string& author, Role role,
                                   const std::string& label) override;
  Result<std::optional<TokenInfo>> authenticate(std::string_view token) override;
  Result<std::vector<TokenInfo>> list_tokens() override;
  Status revoke_token(int64_t id) override;
  Status follow_usage(const UsageScan& scan, UsageListener listener) override;
  void unfollow_usage() override;
  Status read_usage(int64_t since_ms, int64_t until_ms, bool with_tools, report::EpicMap& epics,
                    const UsageScan& scan) override;
  Result<report::EpicMap> load_epics() override;
  Result<report::CommitFacts> load_commits(int64_t since_ms, int64_t until_ms) override;
  Result<int64_t> upsert_tasks(const std::vector<TaskRecord>& tasks) override;
  Result<WebhookOutcome> apply_webhook(const WebhookDelivery& delivery) override {
    std::lock_guard lock(mu_);
    return sqlite_webhooks::apply(db_, delivery);
  }
  Result<std::vector<report::PullRequestFact>> load_pull_requests() override {
    std::lock_guard lock(report_mu_);
    if (auto s = open_report_db(); !s) return s.error();
    return sqlite_webhooks::load_pull_requests(*report_db_);
  }
  Result<int64_t> record_count() override;
  Result<std::vector<DeviceActivity>> device_activity(size_t limit) override;

 private:
  // One batch inside the open transaction.
  Result<IngestResult> ingest_one(const std::string& author, const proto::DecodedBatch& batch);
  Result<std::optional<IngestResult>> stored_outcome(const std::string& author,
                                                     const std::string& batch_id);
  Result<RecordOutcome::Kind> store_record(const std::string& author, const std::string& device_id,
                                           const proto::WireRecord& wr, int64_t now_ms);
  // True when the commit is new; false when (repo, sha) is stored already.
  Result<bool> store_commit(const std::string& author, const std::string& device_id,
                            const CommitRecord& c, int64_t now_ms);
  Status save_outcome(const std::string& author, const proto::DecodedBatch& batch,
                      const IngestResult& r, int64_t now_ms);

  std::mutex mu_;  // the writing connection: calls serialize
  sql::Database db_;
  std::mutex reader_mu_;  // authentication and sizes: never waits for a commit (WAL)
  sql::Database reader_;
  sql::Statement reader_select_token_;
  std::mutex report_mu_;  // reports: long reads on their own connection
  std::optional<sql::Database> report_db_;
  Status open_report_db();  // with report_mu_ held
  std::unique_ptr<Checkpointer> checkpointer_;
  HashRowIndex uids_;  // uid_key -> row ids of every stored record
  // Rows added to uids_ by the current batch and group, undone on rollback.
  std::vector<std::pair<uint64_t, int64_t>> batch_added_, group_added_;
  std::vector<int64_t> candidates_;
  // The follower of usage changes, and the changes of the current batch and group.
  UsageListener listener_;
  std::atomic<bool> scanning_{false};  // follow_usage's snapshot scan is running
  std::vector<UsageChange> batch_changes_, group_changes_;
  sql::Statement insert_token_, select_token_, select_tokens_, revoke_token_;
  sql::Statement select_batch_, select_rejections_, insert_batch_, insert_rejection_;
  sql::Statement select_identity_, insert_record_, replace_record_, select_usage_fact_;
  sql::Statement select_commit_rejections_, insert_commit_rejection_;
  sql::Statement insert_commit_, insert_commit_file_, insert_commit_rework_;
};

Status SqliteStore::migrate() {
  auto version = db_.scalar("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > sql_text::kSchemaVersion)
    return make_error(db_.path() + " has schema version " + std::to_string(*version) +
                      ", newer than this collector supports (" +
                      std::to_string(sql_text::kSchemaVersion) + ")");
  // Each step in its own transaction: an interrupted upgrade resumes where it stopped.
  const char* const steps[sql_text::kSchemaVersion] = {
      sql_text::kMigration1, sql_text::kMigration2, sql_text::kMigration3,
      sql_text::kMigration4, sql_text::kMigration5, sql_text::kMigration6};
  for (int64_t v = *version; v < sql_text::kSchemaVersion; ++v) {
    auto txn = sql::Transaction::begin(db_);
    if (!txn) return txn.error();
    auto s = db_.exec(steps[v]);
    if (s) s = txn->commit();
    if (!s)
      return make_error(db_.path() + ": migrating to schema version " + std::to_string(v + 1) +
                        ": " + s.error().message);
  }
  return {};
}

Status SqliteStore::load_uid_index() {
  auto st = db_.prepare(sql_text::kSelectUidKeys);
  if (!st) return st.error();
  uids_.clear();
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    uids_.insert(static_cast<uint64_t>(st->int64(0)), st->int64(1));
  }
  return {};
}

Status SqliteStore::prepare_all() {
  struct Item {
    sql::Statement* st;
    const char* text;
  };
  const Item items[] = {{&insert_token_, sql_text::kInsertToken},
                        {&select_token_, sql_text::kSelectTokenByHash},
                        {&select_tokens_, sql_text::kSelectTokens},
                        {&revoke_token_, sql_text::kRevokeToken},
                        {&select_batch_, sql_text::kSelectBatch},
                        {&select_rejections_, sql_text::kSelectBatchRejections},
                        {&insert_batch_, sql_text::kInsertBatch},
                        {&insert_rejection_, sql_text::kInsertBatchRejection},
                        {&select_commit_rejections_, sql_text::kSelectCommitRejections},
                        {&insert_commit_rejection_, sql_text::kInsertCommitRejection},
                        {&insert_commit_, sql_text::kInsertCommit},
                        {&insert_commit_file_, sql_text::kInsertCommitFile},
                        {&insert_commit_rework_, sql_text::kInsertCommitRework},
                        {&select_identity_, sql_text::kSelectIdentity},
                        {&insert_record_, sql_text::kInsertRecord},
                        {&replace_record_, sql_text::kReplaceRecord}};
  for (const auto& item : items) {
    auto st = db_.prepare(item.text);
    if (!st) return st.error();
    *item.st = std::move(st).value();
  }
  auto fact = db_.prepare(std::string("SELECT ") + report::kUsageFactColumns +
                          " FROM usage_records WHERE id = ?1");
  if (!fact) return fact.error();
  select_usage_fact_ = std::move(fact).value();
  auto st = reader_.prepare(sql_text::kSelectTokenByHash);
  if (!st) return st.error();
  reader_select_token_ = std::move(st).value();
  return {};
}

std::vector<Result<IngestResult>> SqliteStore::ingest_many(
    const std::vector<IngestRequest>& requests) {
  std::vector<Result<IngestResult>> out;
  out.reserve(requests.size());
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) {
    for (size_t i = 0; i < requests.size(); ++i)
      out.emplace_back(txn.error());
    return out;
  }
  bool broken = false;  // SQLite rolled the whole transaction back (disk full, I/O error)
  for (const IngestRequest& r : requests) {
    if (broken) {
      out.emplace_back(make_error("not stored: an earlier batch of the same commit failed"));
      continue;
    }
    // A savepoint per batch: a batch that fails leaves no trace, the others stay.
    if (auto s = db_.exec("SAVEPOINT batch"); !s) {
      out.emplace_back(s.error());
      broken = sqlite3_get_autocommit(db_.handle()) != 0;
      continue;
    }
    batch_added_.clear();
    batch_changes_.clear();
    auto one = ingest_one(r.author_from_token, *r.batch);
    if (one) {
      if (auto s = db_.exec("RELEASE batch"); !s) one = Result<IngestResult>(s.error());
    }
    if (one) {
      group_added_.insert(group_added_.end(), batch_added_.begin(), batch_added_.end());
      std::move(batch_changes_.begin(), batch_changes_.end(), std::back_inserter(group_changes_));
    } else {
      for (const auto& [key, row] : batch_added_)
        uids_.erase(key, row);
      if (sqlite3_get_autocommit(db_.handle()) != 0) {
        broken = true;  // the transaction is gone: nothing of this group is on disk
      } else {
        (void)db_.exec("ROLLBACK TO batch");
        (void)db_.exec("RELEASE batch");
      }
    }
    out.push_back(std::move(one));
  }
  Status committed =
      broken ? Status(make_error("the transaction was rolled back by SQLite")) : txn->commit();
  if (!committed) {
    for (auto& r : out)
      if (r) r = Result<IngestResult>(committed.error());
    for (const auto& [key, row] : group_added_)
      uids_.erase(key, row);
  } else if (listener_ && !group_changes_.empty()) {
    listener_(std::move(group_changes_));
  }
  group_added_.clear();
  group_changes_.clear();
  batch_changes_.clear();
  // A RESTART checkpoint waits for every reader to reach the newest snapshot:
  // not while the report cube's start-up scan holds an old one.
  if (!scanning_.load()) checkpointer_->restart_if_due(db_);
  return out;
}

Result<IngestResult> SqliteStore::ingest_one(const std::string& author,
                                             const proto::DecodedBatch& batch) {
  if (author.empty()) return make_error("ingest: the token has no author");
  const proto::BatchHeader& h = batch.header;
  if (h.batch_id.empty()) return make_error("ingest: the batch has no batch_id");
  auto seen = stored_outcome(author, h.batch_id);
  if (!seen) return seen.error();
  if (*seen) return std::move(**seen);  // nothing written
  IngestResult result;
  const int64_t now = now_utc_ms();
  auto walked = walk_batch(batch, result, [&](const proto::WireRecord& wr) {
    return store_record(author, h.device_id, wr, now);
  });
  if (!walked) return walked.error();
  walked = walk_commits(batch, result, [&](const CommitRecord& c) {
    return store_commit(author, h.device_id, c, now);
  });
  if (!walked) return walked.error();
  if (auto s = save_outcome(author, batch, result, now); !s) return s.error();
  return result;
}

Result<std::optional<IngestResult>> SqliteStore::stored_outcome(const std::string& author,
                                                                const std::string& batch_id) {
  std::optional<IngestResult> out;
  {
    ResetGuard guard(select_batch_);
    select_batch_.bind(1, author).bind(2, batch_id);
    auto row = select_batch_.step();
    if (!row) return row.error();
    if (!*row) return out;
    out.emplace();
    out->batch_seen_before = true;
    out->records_new = select_batch_.int64(0);
    out->duplicates = select_batch_.int64(1);
    out->replaced = select_batch_.int64(2);
    out->stale = select_batch_.int64(3);
    out->rejected = select_batch_.int64(4);
    out->commits_new = select_batch_.int64(5);
    out->commits_duplicate = select_batch_.int64(6);
    out->commits_rejected = select_batch_.int64(7);
  }
  // Both rejection tables read (idx, uid or sha, reason).
  for (sql::Statement* st : {&select_rejections_, &select_commit_rejections_}) {
    ResetGuard guard(*st);
    st->bind(1, author).bind(2, batch_id);
    while (true) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      const auto index = static_cast<size_t>(st->int64(0));
      std::string id(st->text(1)), reason(st->text(2));
      if (st == &select_rejections_)
        out->rejections.push_back(
            {index, std::move(id), RecordOutcome::kRejected, std::move(reason)});
      else
        out->commit_rejections.push_back({index, std::move(id), std::move(reason)});
    }
  }
  return out;
}

Result<RecordOutcome::Kind> SqliteStore::store_record(const std::string& author,
                                                      const std::string& device_id,
                                                      const proto::WireRecord& wr, int64_t now_ms) {
  const int64_t key = uid_key(wr.record_uid);
  std::optional<int64_t> stored;
  int64_t row = 0;
  candidates_.clear();
  uids_.find(static_cast<uint64_t>(key), candidates_);
  for (const int64_t id : candidates_) {
    ResetGuard guard(select_identity_);
    select_identity_.bind(1, id);
    auto found = select_identity_.step();
    if (!found) return found.error();
    if (*found && select_identity_.text(0) == author && select_identity_.text(1) == wr.record_uid) {
      stored = select_identity_.int64(2);
      row = id;
      break;
    }
  }
  if (stored && wr.revision == *stored) return RecordOutcome::kDuplicate;
  if (stored && wr.revision < *stored) return RecordOutcome::kStale;

  const UsageRecord& u = wr.usage;
  const std::string tools = encode_tools(u.tools);  // bound below: lives until run()
  sql::Statement& st = stored ? replace_record_ : insert_record_;
  st.bind(1, author)
      .bind(2, wr.record_uid)
      .bind(3, wr.revision)
      .bind(4, device_id)
      .bind(5, u.message_id)
      .bind(6, u.request_id)
      .bind(7, u.timestamp_ms)
      .bind(8, u.session_id)
      .bind(9, int64_t{u.sidechain})
      .bind(10, u.agent_id)
      .bind(11, u.model)
      .bind(12, u.input)
      .bind(13, u.output)
      .bind(14, u.cache_create_5m)
      .bind(15, u.cache_create_1h)
      .bind(16, u.cache_read)
      .bind(17, u.web_search_requests)
      .bind(18, int64_t{u.fast})
      .bind(19, u.cost_nanos)
      .bind(20, int64_t{u.long_context})
      .bind(21, u.price_version)
      .bind(22, u.cc_version)
      .bind(23, u.repo)
      .bind(24, u.branch)
      .bind(25, u.task_keys)
      .bind(26, u.turn_id)
      .bind(27, tools)
      .bind(28, now_ms)
      .bind(29, key);
  if (stored) st.bind(30, row);
  std::optional<report::UsageFact> before;
  if (stored && listener_) {  // the version the cube must take out
    ResetGuard guard(select_usage_fact_);
    select_usage_fact_.bind(1, row);
    auto found = select_usage_fact_.step();
    if (!found) return found.error();
    if (*found) {
      before.emplace();
      if (auto s = report::read_usage_fact(select_usage_fact_, true, *before); !s) return s.error();
    }
  }
  if (auto s = st.run(); !s) return s.error();
  if (stored) {
    if (listener_)
      batch_changes_.push_back({std::move(before), report::usage_fact(u, author, row)});
    return RecordOutcome::kReplaced;
  }
  const int64_t id = db_.last_insert_rowid();
  if (listener_) batch_changes_.push_back({std::nullopt, report::usage_fact(u, author, id)});
  uids_.insert(static_cast<uint64_t>(key), id);
  batch_added_.emplace_back(static_cast<uint64_t>(key), id);
  return RecordOutcome::kNew;
}

Result<bool> SqliteStore::store_commit(const std::string& author, const std::string& device_id,
                                       const CommitRecord& c, int64_t now_ms) {
  const std::string parents = join_parents(c.parents);  // bound below: lives until run()
  const CommitTotals totals = commit_totals(c);
  auto s = insert_commit_.bind(1, c.repo)
               .bind(2, c.sha)
               .bind(3, parents)
               .bind(4, c.author_email)
               .bind(5, c.committer_email)
               .bind(6, c.author_ms)
               .bind(7, c.committer_ms)
               .bind(8, c.branch)
               .bind(9, c.task_keys)
               .bind(10, int64_t{c.ai_coauthor})
               .bind(11, totals.added)
               .bind(12, totals.removed)
               .bind(13, author)
               .bind(14, device_id)
               .bind(15, now_ms)
               .run();
  if (!s) return s.error();
  if (db_.changes() == 0) return false;  // stored before: the first copy stays
  for (size_t i = 0; i < c.files.size(); ++i) {
    const CommitFile& f = c.files[i];
    s = insert_commit_file_.bind(1, c.repo)
            .bind(2, c.sha)
            .bind(3, static_cast<int64_t>(i))
            .bind(4, f.path)
            .bind(5, f.added)
            .bind(6, f.removed)
            .bind(7, int64_t{f.binary})
            .run();
    if (!s) return s.error();
  }
  for (size_t i = 0; i < c.reworked.size(); ++i) {
    const ReworkedLines& r = c.reworked[i];
    s = insert_commit_rework_.bind(1, c.repo)
            .bind(2, c.sha)
            .bind(3, static_cast<int64_t>(i))
            .bind(4, r.original_sha)
            .bind(5, r.path)
            .bind(6, r.lines)
            .run();
    if (!s) return s.error();
  }
  return true;
}

Status SqliteStore::save_outcome(const std::string& author, const proto::DecodedBatch& batch,
                                 const IngestResult& r, int64_t now_ms) {
  const proto::BatchHeader& h = batch.header;
  const auto record_count = static_cast<int64_t>(batch.records.size() + batch.rejected.size());
  const auto commit_count =
      static_cast<int64_t>(batch.commits.size() + batch.rejected_commits.size());
  auto s = insert_batch_.bind(1, author)
               .bind(2, h.batch_id)
               .bind(3, h.device_id)
               .bind(4, h.tracker_version)
               .bind(5, h.created_ms)
               .bind(6, now_ms)
               .bind(7, record_count)
               .bind(8, r.records_new)
               .bind(9, r.duplicates)
               .bind(10, r.replaced)
               .bind(11, r.stale)
               .bind(12, r.rejected)
               .bind(13, commit_count)
               .bind(14, r.commits_new)
               .bind(15, r.commits_duplicate)
               .bind(16, r.commits_rejected)
               .run();
  if (!s) return s;
  for (const RecordOutcome& o : r.rejections) {
    s = insert_rejection_.bind(1, author)
            .bind(2, h.batch_id)
            .bind(3, static_cast<int64_t>(o.index))
            .bind(4, o.uid)
            .bind(5, o.reason)
            .run();
    if (!s) return s;
  }
  for (const CommitRejection& o : r.commit_rejections) {
    s = insert_commit_rejection_.bind(1, author)
            .bind(2, h.batch_id)
            .bind(3, static_cast<int64_t>(o.index))
            .bind(4, o.sha)
            .bind(5, o.reason)
            .run();
    if (!s) return s;
  }
  return {};
}

Status SqliteStore::follow_usage(const UsageScan& scan, UsageListener listener) {
  auto conn = sql::Database::open(db_.path(), /*create=*/false);
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
  auto s = report::scan_usage(*conn, INT64_MIN, INT64_MAX, /*with_tools=*/true, scan);
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
  auto conn = sql::Database::open(db_.path(), /*create=*/false);
  if (!conn) return conn.error();
  if (auto s = conn->exec(sql_text::kReaderPragmas); !s) return s;
  report_db_.emplace(std::move(conn).value());
  return {};
}

Status SqliteStore::read_usage(int64_t since_ms, int64_t until_ms, bool with_tools,
                               report::EpicMap& epics, const UsageScan& scan) {
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

Result<report::EpicMap> SqliteStore::load_epics() {
  std::lock_guard lock(report_mu_);
  if (auto s = open_report_db(); !s) return s.error();
  return report::load_epics(*report_db_);
}

Result<report::CommitFacts> SqliteStore::load_commits(int64_t since_ms, int64_t until_ms) {
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

Result<int64_t> SqliteStore::upsert_tasks(const std::vector<TaskRecord>& tasks) {
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
                 .run();
    if (!s) return s.error();
    changed += db_.changes();
  }
  if (auto s = txn->commit(); !s) return s.error();
  return changed;
}

Result<std::string> SqliteStore::create_token(const std::string& author, Role role,
                                              const std::string& label) {
  if (auto s = check_token_fields(author, label); !s) return s.error();
  auto token = new_token();
  if (!token) return token.error();
  const std::string hash = sha256_hex(*token);
  std::lock_guard lock(mu_);
  auto s = insert_token_.bind(1, hash)
               .bind(2, author)
               .bind(3, std::string_view(role_name(role)))
               .bind(4, label)
               .bind(5, now_utc_ms())
               .run();
  if (!s) return s.error();
  return token;
}

Result<std::optional<TokenInfo>> SqliteStore::authenticate(std::string_view token) {
  std::optional<TokenInfo> out;
  if (!plausible_token(token)) return out;
  const std::string hash = sha256_hex(token);
  std::lock_guard lock(reader_mu_);
  ResetGuard guard(reader_select_token_);
  reader_select_token_.bind(1, hash);
  auto row = reader_select_token_.step();
  if (!row) return row.error();
  if (!*row) return out;
  auto info = read_token(reader_select_token_);
  if (!info) return info.error();
  if (!info->revoked_ms) out = std::move(info).value();
  return out;
}

Result<std::vector<TokenInfo>> SqliteStore::list_tokens() {
  std::vector<TokenInfo> out;
  std::lock_guard lock(mu_);
  ResetGuard guard(select_tokens_);
  while (true) {
    auto row = select_tokens_.step();
    if (!row) return row.error();
    if (!*row) break;
    auto info = read_token(select_tokens_);
    if (!info) return info.error();
    out.push_back(std::move(info).value());
  }
  return out;
}

Status SqliteStore::revoke_token(int64_t id) {
  std::lock_guard lock(mu_);
  if (auto s = revoke_token_.bind(1, id).bind(2, now_utc_ms()).run(); !s) return s;
  if (db_.changes() == 0) return make_error("no token with id " + std::to_string(id));
  return {};
}

Result<int64_t> SqliteStore::record_count() {
  std::lock_guard lock(reader_mu_);
  return reader_.scalar(sql_text::kCountRecords);
}

Result<std::vector<DeviceActivity>> SqliteStore::device_activity(size_t limit) {
  std::lock_guard lock(reader_mu_);
  auto st = reader_.prepare(sql_text::kSelectDeviceActivity);
  if (!st) return st.error();
  st->bind(1, static_cast<int64_t>(limit));
  std::vector<DeviceActivity> out;
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    DeviceActivity d;
    d.author = std::string(st->text(0));
    d.device_id = std::string(st->text(1));
    d.tracker_version = std::string(st->text(2));
    d.last_received_ms = st->int64(3);
    d.first_received_ms = st->int64(4);
    d.batches = st->int64(5);
    d.records_sent = st->int64(6);
    d.records_new = st->int64(7);
    d.records_rejected = st->int64(8);
    d.batches_with_rejections = st->int64(9);
    out.push_back(std::move(d));
  }
  return out;
}

Result<int64_t> SqliteStore::size_bytes() {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    struct stat st {};
    if (::stat((db_.path() + suffix).c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::kTracker:
      return "tracker";
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::kTracker, Role::kViewer, Role::kAdmin})
    if (name == role_name(r)) return r;
  return std::nullopt;
}

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  {
    // Create the file ourselves so it is private from the first byte; SQLite
    // gives its -wal and -shm files the same mode.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid())
      return make_error("cannot create database " + path + ": " + std::strerror(errno));
  }
  auto db = sql::Database::open(path);
  if (!db) return db.error();
  if (auto s = db->exec(sql_text::kPragmas); !s) return s.error();
  if (sqlite3_create_function(db->handle(), "codepulse_uid_key", 1,
                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &sql_uid_key, nullptr,
                              nullptr) != SQLITE_OK)
    return make_error(path + ": cannot register codepulse_uid_key");
  auto reader = sql::Database::open(path, /*create=*/false);
  if (!reader) return reader.error();
  if (auto s = reader->exec(sql_text::kReaderPragmas); !s) return s.error();
  auto checkpoint = sql::Database::open(path, /*create=*/false);
  if (!checkpoint) return checkpoint.error();
  auto store = std::make_unique<SqliteStore>(std::move(db).value(), std::move(reader).value(),
                                             std::move(checkpoint).value());
  if (auto s = store->migrate(); !s) return s.error();
  if (auto s = store->prepare_all(); !s) return s.error();
  if (auto s = store->load_uid_index(); !s) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace codepulse::collector
