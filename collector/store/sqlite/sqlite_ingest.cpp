// Ingest into the SQLite store: a group of batches in one transaction (a
// savepoint per batch), each batch's records and commits, its outcome kept so
// a resent batch gets the same reply.
#include <iterator>

#include "collector/store/author_day_limit.hpp"
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "collector/store/store_rules.hpp"
#include "collector/store/stored_rows.hpp"
#include "common/record/usage_sqlite.hpp"
#include "common/report/usage_source.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::collector::sqlite_store {

std::vector<Result<IngestResult>> SqliteStore::ingest_many(
    const std::vector<IngestRequest>& requests) {
  if (auto s = heal(); !s)
    return std::vector<Result<IngestResult>>(requests.size(), Result<IngestResult>(s.error()));
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
  // Between two groups: the rows in memory move to the on-disk index. A
  // failure (the disk full: the next group's commit says so) leaves them in
  // memory and tries again a quarter of the limit later.
  if (committed && uids_.spill_due()) (void)uids_.spill(db_);
  // A RESTART checkpoint waits for every reader to reach the newest snapshot:
  // not while the report cube's start-up scan holds an old one.
  if (!scanning_.load()) checkpointer_->restart_if_due(db_);
  return out;
}

Result<IngestResult> SqliteStore::ingest_one(const std::string& author,
                                             const proto::DecodedBatch& batch) {
  if (auto s = check_batch_keys(author, batch); !s) return s.error();
  const proto::BatchHeader& h = batch.header;
  auto seen = stored_outcome(author, h.batch_id);
  if (!seen) return seen.error();
  if (*seen) return std::move(**seen);  // nothing written
  auto limited = limit_author_days(batch, [&](int64_t day_ms, const auto* excluding) {
    return day_tokens(author, day_ms, excluding);
  });
  if (!limited) return limited.error();
  const proto::DecodedBatch& kept = *limited ? **limited : batch;
  IngestResult result;
  const int64_t now = now_utc_ms();
  day_deltas_.clear();
  auto walked = walk_batch(kept, result, [&](const proto::WireRecord& wr) {
    return store_record(author, h.device_id, wr, now);
  });
  if (!walked) return walked.error();
  std::optional<Identities> sender;  // read once, at the batch's first commit
  walked = walk_commits(kept, result, [&](const CommitRecord& c) -> Result<CommitStored> {
    if (!sender) {
      auto read = identities(author);
      if (!read) return read.error();
      sender = std::move(read).value();
    }
    return store_commit(author, *sender, h.device_id, c, now);
  });
  if (!walked) return walked.error();
  if (auto s = add_day_deltas(author); !s) return s.error();
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
    out = read_batch_outcome(StatementRow(select_batch_));
  }
  // Both rejection tables read (idx, uid or sha, reason).
  for (sql::Statement* st : {&select_rejections_, &select_commit_rejections_}) {
    ResetGuard guard(*st);
    st->bind(1, author).bind(2, batch_id);
    while (true) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      if (st == &select_rejections_)
        out->rejections.push_back(read_record_rejection(StatementRow(*st)));
      else
        out->commit_rejections.push_back(read_commit_rejection(StatementRow(*st)));
    }
  }
  return out;
}

Result<int64_t> SqliteStore::day_tokens(const std::string& author, int64_t day_ms,
                                        const std::vector<std::string>* excluding) {
  int64_t tokens = 0;
  {
    ResetGuard guard(select_author_day_);
    select_author_day_.bind(1, author).bind(2, day_ms);
    auto row = select_author_day_.step();
    if (!row) return row.error();
    if (*row) tokens = select_author_day_.int64(0);
  }
  if (!excluding) return tokens;
  for (const std::string& uid : *excluding) {
    auto found = find_record(author, uid);
    if (!found) return found.error();
    if (!*found) continue;
    ResetGuard guard(select_record_day_tokens_);
    select_record_day_tokens_.bind(1, (*found)->row);
    auto row = select_record_day_tokens_.step();
    if (!row) return row.error();
    if (*row && select_record_day_tokens_.int64(0) == day_ms)
      tokens -= select_record_day_tokens_.int64(1);
  }
  return tokens;
}

Status SqliteStore::add_day_deltas(const std::string& author) {
  for (const auto& [day_ms, d] : day_deltas_) {
    if (d.tokens == 0 && d.records == 0 && d.revisions == 0) continue;
    add_author_day_.bind(1, author).bind(2, day_ms).bind(3, d.tokens);
    if (auto s = add_author_day_.bind(4, d.records).bind(5, d.revisions).run(); !s) return s;
  }
  return {};
}

Result<std::optional<SqliteStore::StoredRow>> SqliteStore::find_record(const std::string& author,
                                                                       const std::string& uid) {
  candidates_.clear();
  if (auto s = uids_.find(static_cast<uint64_t>(uid_key(uid)), candidates_); !s) return s.error();
  for (const int64_t id : candidates_) {
    ResetGuard guard(select_identity_);
    select_identity_.bind(1, id);
    auto found = select_identity_.step();
    if (!found) return found.error();
    if (*found && select_identity_.text(0) == author && select_identity_.text(1) == uid)
      return std::optional<StoredRow>(StoredRow{id, select_identity_.int64(2)});
  }
  return std::optional<StoredRow>();
}

Result<RecordOutcome::Kind> SqliteStore::store_record(const std::string& author,
                                                      const std::string& device_id,
                                                      const proto::WireRecord& wr, int64_t now_ms) {
  const int64_t key = uid_key(wr.record_uid);
  auto found = find_record(author, wr.record_uid);
  if (!found) return found.error();
  std::optional<int64_t> stored;
  int64_t row = 0;
  if (*found) {
    stored = (*found)->revision;
    row = (*found)->row;
  }
  if (stored && wr.revision == *stored) return RecordOutcome::kDuplicate;
  if (stored && wr.revision < *stored) return RecordOutcome::kStale;

  const UsageRecord& u = wr.usage;
  const std::string tools = encode_tools(u.tools);  // bound below: lives until run()
  sql::Statement& st = stored ? replace_record_ : insert_record_;
  namespace param = sql_text::record_param;
  bind_usage_fields(st, param::kFirstField, u);
  st.bind(param::kAuthor, author)
      .bind(param::kUid, wr.record_uid)
      .bind(param::kRevision, wr.revision)
      .bind(param::kDeviceId, device_id)
      .bind(param::kTools, tools)
      .bind(param::kReceivedMs, now_ms)
      .bind(param::kUidKey, key);
  if (stored) st.bind(param::kRowId, row);
  std::optional<report::UsageFact> before;
  if (stored) {  // the replaced version's tokens leave its day
    ResetGuard guard(select_record_day_tokens_);
    select_record_day_tokens_.bind(1, row);
    auto old = select_record_day_tokens_.step();
    if (!old) return old.error();
    if (*old) {
      DayDelta& d = day_deltas_[select_record_day_tokens_.int64(0)];
      d.tokens -= select_record_day_tokens_.int64(1);
      d.records -= 1;
      d.revisions -= *stored;
    }
  }
  DayDelta& d = day_deltas_[utc_day_ms(u.timestamp_ms)];
  d.tokens += record_tokens(u);
  d.records += 1;
  d.revisions += wr.revision;
  if (stored && listener_) {  // the version the cube must take out
    ResetGuard guard(select_usage_fact_);
    select_usage_fact_.bind(1, row);
    auto fact = select_usage_fact_.step();
    if (!fact) return fact.error();
    if (*fact) {
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
  // Both rejection tables take (author, batch_id, idx, uid or sha, reason).
  auto reject = [&](sql::Statement& st, size_t index, const std::string& id,
                    const std::string& reason) {
    return st.bind(1, author)
        .bind(2, h.batch_id)
        .bind(3, static_cast<int64_t>(index))
        .bind(4, id)
        .bind(5, reason)
        .run();
  };
  for (const RecordOutcome& o : r.rejections)
    if (s = reject(insert_rejection_, o.index, o.uid, o.reason); !s) return s;
  for (const CommitRejection& o : r.commit_rejections)
    if (s = reject(insert_commit_rejection_, o.index, o.sha, o.reason); !s) return s;
  return {};
}

}  // namespace codepulse::collector::sqlite_store
