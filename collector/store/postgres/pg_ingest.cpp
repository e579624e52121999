// Ingest into the PostgreSQL store. Idempotence lives in the database (unique
// keys and INSERT ... ON CONFLICT), never in this process: the same batch sent
// to two collectors at once is stored once, and a higher record revision wins
// whatever the arrival order. A group of batches is one transaction (a
// savepoint per batch); a serialization failure or deadlock runs the whole
// group again. New records go in with one set-based INSERT per batch; records
// stored before take one statement each (pipelined, a few dozen per round
// trip). A batch's commits go in set-based too (pg_commits.cpp).
#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <unordered_map>

#include "collector/store/author_day_limit.hpp"
#include "collector/store/postgres/pg_commits.hpp"
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/postgres/pg_usage_fields.hpp"
#include "collector/store/store_rules.hpp"
#include "collector/store/stored_rows.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::collector::pg_store {
namespace {

constexpr int kMaxAttempts = 6;             // of a group hit by serialization failures
constexpr size_t kRecordsPerTrip = 64;      // pipelined record statements per round trip
constexpr size_t kRecordsPerInsert = 2000;  // new records per set-based insert

constexpr const char* kUpsertName = "codepulse_upsert_record";

// upsert_record_sql()'s parameters, in pg_sql::record_param's order.
void add_record_params(pg::Params& p, const std::string& author, const std::string& device_id,
                       const proto::WireRecord& wr, const std::string& tools, int64_t now_ms) {
  p.clear();
  p.add(author).add(wr.record_uid).add(wr.revision).add(device_id);
  add_usage_fields(p, wr.usage);
  p.add(tools).add(now_ms);
}

// What the upsert said: (inserted id, existing id, stored revision).
std::optional<RecordOutcome::Kind> upsert_outcome(const pg::Rows& r, int64_t revision) {
  if (r.size() != 1) return std::nullopt;
  if (!r.is_null(0, 0)) return RecordOutcome::kNew;
  if (r.is_null(0, 1)) return std::nullopt;  // a concurrent insert won: run it again
  const int64_t stored = r.int64(0, 2);
  if (revision == stored) return RecordOutcome::kDuplicate;
  return revision < stored ? RecordOutcome::kStale : RecordOutcome::kReplaced;
}

}  // namespace

std::vector<Result<IngestResult>> PostgresStore::ingest_many(
    const std::vector<IngestRequest>& requests) {
  std::lock_guard lock(writer_mu_);
  std::minstd_rand jitter(static_cast<unsigned>(now_utc_ms()));
  Error last{""};
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    auto group = ingest_group(requests);
    if (group) return std::move(group).value();
    const bool retry = writer_.last_error_retryable();
    (void)writer_.exec("ROLLBACK");
    last = group.error();
    if (!retry) break;
    // Another collector holds the same rows: back off a little and run again.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt + jitter() % 20));
  }
  std::vector<Result<IngestResult>> out;
  for (size_t i = 0; i < requests.size(); ++i)
    out.emplace_back(last);
  return out;
}

Result<std::vector<Result<IngestResult>>> PostgresStore::ingest_group(
    const std::vector<IngestRequest>& requests) {
  if (auto s = writer_.prepare(kUpsertName, pg_sql::upsert_record_sql().c_str()); !s)
    return s.error();
  if (auto s = writer_.exec("BEGIN"); !s) return s.error();
  std::vector<Result<IngestResult>> out;
  for (const IngestRequest& r : requests) {
    // A savepoint per batch: a batch that fails leaves no trace, the others stay.
    if (auto s = writer_.exec("SAVEPOINT batch"); !s) return s.error();
    auto one = ingest_one(r.author_from_token, *r.batch);
    if (!one && writer_.last_error_retryable()) return one.error();  // the group runs again
    if (!one && writer_.broken()) return one.error();
    if (auto s = writer_.exec(one ? "RELEASE batch" : "ROLLBACK TO batch"); !s) return s.error();
    out.push_back(std::move(one));
  }
  if (auto s = writer_.exec("COMMIT"); !s) return s.error();
  return out;
}

Result<IngestResult> PostgresStore::ingest_one(const std::string& author,
                                               const proto::DecodedBatch& batch) {
  if (auto s = check_batch_keys(author, batch); !s) return s.error();
  const proto::BatchHeader& h = batch.header;
  const int64_t now = now_utc_ms();
  const auto record_count = static_cast<int64_t>(batch.records.size() + batch.rejected.size());
  pg::Params p;
  p.add(author)
      .add(h.batch_id)
      .add(h.device_id)
      .add(h.tracker_version)
      .add(h.created_ms)
      .add(now)
      .add(record_count);
  auto claimed = writer_.run("codepulse_claim_batch", pg_sql::kClaimBatch, p);
  if (!claimed) return claimed.error();
  if (claimed->size() == 0) {  // seen before (maybe by another collector)
    auto seen = stored_outcome(author, h.batch_id);
    if (!seen) return seen.error();
    if (!*seen) return make_error("batch " + h.batch_id + " is claimed but has no outcome");
    return std::move(**seen);
  }
  auto limited = limit_author_days(batch, [&](int64_t day_ms, const auto* excluding) {
    return day_tokens(author, day_ms, excluding);
  });
  if (!limited) return limited.error();
  const proto::DecodedBatch& kept = *limited ? **limited : batch;
  auto kinds = store_records(author, kept, now);
  if (!kinds) return kinds.error();
  IngestResult result;
  size_t next = 0;
  auto walked = walk_batch(kept, result, [&](const proto::WireRecord&) {
    return Result<RecordOutcome::Kind>((*kinds)[next++]);
  });
  if (!walked) return walked.error();
  // Commits without repo or sha are rejected by walk_commits and never sent.
  std::vector<const CommitRecord*> sent;
  for (const CommitRecord& c : kept.commits)
    if (!c.repo.empty() && !c.sha.empty()) sent.push_back(&c);
  auto stored = pg_store::insert_commits(writer_, author, h.device_id, sent, now);
  if (!stored) return stored.error();
  next = 0;
  walked = walk_commits(
      kept, result, [&](const CommitRecord&) { return Result<CommitStored>((*stored)[next++]); });
  if (!walked) return walked.error();
  if (auto s = save_outcome(author, batch, result); !s) return s.error();
  return result;
}

Result<int64_t> PostgresStore::day_tokens(const std::string& author, int64_t day_ms,
                                          const std::vector<std::string>* excluding) {
  pg::Params p;
  p.add(author).add(day_ms);
  auto held = writer_.run("codepulse_select_author_day", pg_sql::kSelectAuthorDay, p);
  if (!held) return held.error();
  int64_t tokens = held->size() > 0 ? held->int64(0, 0) : 0;
  if (excluding) {
    pg::TextArray uids;
    for (const std::string& uid : *excluding)
      uids.add(uid);
    p.add(uids.str());
    auto own = writer_.run("codepulse_sum_stored_uids_of_day", pg_sql::kSumStoredUidsOfDay, p);
    if (!own) return own.error();
    if (own->size() > 0) tokens -= own->int64(0, 0);
  }
  return tokens;
}

Status PostgresStore::save_outcome(const std::string& author, const proto::DecodedBatch& batch,
                                   const IngestResult& result) {
  const std::string& batch_id = batch.header.batch_id;
  pg::Params p;
  p.add(author)
      .add(batch_id)
      .add(result.records_new)
      .add(result.duplicates)
      .add(result.replaced)
      .add(result.stale)
      .add(result.rejected)
      .add(static_cast<int64_t>(batch.commits.size() + batch.rejected_commits.size()))
      .add(result.commits_new)
      .add(result.commits_duplicate)
      .add(result.commits_rejected);
  auto saved = writer_.run("codepulse_save_outcome", pg_sql::kSaveBatchOutcome, p);
  if (!saved) return saved.error();
  for (const RecordOutcome& o : result.rejections) {
    p.clear();
    p.add(author).add(batch_id).add(static_cast<int64_t>(o.index)).add(o.uid).add(o.reason);
    if (auto s = writer_.run("codepulse_insert_rejection", pg_sql::kInsertBatchRejection, p); !s)
      return s.error();
  }
  for (const CommitRejection& o : result.commit_rejections) {
    p.clear();
    p.add(author).add(batch_id).add(static_cast<int64_t>(o.index)).add(o.sha).add(o.reason);
    if (auto s =
            writer_.run("codepulse_insert_commit_rejection", pg_sql::kInsertCommitRejection, p);
        !s)
      return s.error();
  }
  return {};
}

Result<std::vector<RecordOutcome::Kind>> PostgresStore::store_records(
    const std::string& author, const proto::DecodedBatch& batch, int64_t now_ms) {
  // Records with an empty uid are rejected by walk_batch and never sent.
  std::vector<const proto::WireRecord*> sent;
  for (const auto& wr : batch.records)
    if (!wr.record_uid.empty()) sent.push_back(&wr);
  std::vector<std::optional<RecordOutcome::Kind>> kinds(sent.size());
  // New records (the usual case) in one statement; the rest (stored before,
  // or a uid repeated within the batch) one statement each, in batch order.
  auto inserted = insert_new(author, batch.header.device_id, sent, now_ms);
  if (!inserted) return inserted.error();
  std::vector<size_t> rest;
  for (size_t i = 0; i < sent.size(); ++i) {
    if ((*inserted)[i])
      kinds[i] = RecordOutcome::kNew;
    else
      rest.push_back(i);
  }
  pg::Params p;
  std::string tools;
  for (size_t from = 0; from < rest.size(); from += kRecordsPerTrip) {
    const size_t to = std::min(rest.size(), from + kRecordsPerTrip);
    if (auto s = writer_.begin_pipeline(); !s) return s.error();
    for (size_t k = from; k < to; ++k) {
      const proto::WireRecord& wr = *sent[rest[k]];
      tools = encode_tools(wr.usage.tools);
      add_record_params(p, author, batch.header.device_id, wr, tools, now_ms);
      if (auto s = writer_.send(kUpsertName, p); !s) {
        (void)writer_.finish_pipeline();
        return s.error();
      }
    }
    auto results = writer_.finish_pipeline();
    if (!results) return results.error();
    for (size_t k = from; k < to; ++k)
      kinds[rest[k]] = upsert_outcome((*results)[k - from], sent[rest[k]]->revision);
  }
  // Records another collector inserted while this one tried: once more, now
  // that theirs is committed.
  for (size_t i = 0; i < sent.size(); ++i) {
    for (int attempt = 0; !kinds[i] && attempt < 3; ++attempt) {
      tools = encode_tools(sent[i]->usage.tools);
      add_record_params(p, author, batch.header.device_id, *sent[i], tools, now_ms);
      auto r = writer_.run(kUpsertName, pg_sql::upsert_record_sql().c_str(), p);
      if (!r) return r.error();
      kinds[i] = upsert_outcome(*r, sent[i]->revision);
    }
    if (!kinds[i])
      return make_error("record " + sent[i]->record_uid + " could not be stored: it kept " +
                        "changing under concurrent writers");
  }
  std::vector<RecordOutcome::Kind> out;
  out.reserve(kinds.size());
  for (const auto& k : kinds)
    out.push_back(*k);
  return out;
}

Result<std::vector<bool>> PostgresStore::insert_new(
    const std::string& author, const std::string& device_id,
    const std::vector<const proto::WireRecord*>& sent, int64_t now_ms) {
  std::vector<bool> inserted(sent.size(), false);
  // Only the first record of each uid: a repeat is decided after it.
  std::unordered_map<std::string_view, size_t> first;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < sent.size(); ++i)
    if (first.emplace(sent[i]->record_uid, i).second) candidates.push_back(i);
  for (size_t from = 0; from < candidates.size(); from += kRecordsPerInsert) {
    const size_t to = std::min(candidates.size(), from + kRecordsPerInsert);
    // insert_new_records_sql()'s arrays: uids, revisions, the listed fields, tools.
    pg::TextArray uids, revisions, fields[kUsageColumnCount], tools;
    for (size_t k = from; k < to; ++k) {
      const proto::WireRecord& wr = *sent[candidates[k]];
      uids.add(wr.record_uid);
      revisions.add(wr.revision);
      add_usage_fields(fields, wr.usage);
      tools.add(encode_tools(wr.usage.tools));
    }
    pg::Params p;
    p.add(author).add(device_id).add(now_ms).add(uids.str()).add(revisions.str());
    for (const pg::TextArray& field : fields)
      p.add(field.str());
    p.add(tools.str());
    auto rows =
        writer_.run("codepulse_insert_new_records", pg_sql::insert_new_records_sql().c_str(), p);
    if (!rows) return rows.error();
    for (int r = 0; r < rows->size(); ++r) {
      const auto at = first.find(rows->text(r, 0));
      if (at != first.end()) inserted[at->second] = true;
    }
  }
  return inserted;
}

Result<std::optional<IngestResult>> PostgresStore::stored_outcome(const std::string& author,
                                                                  const std::string& batch_id) {
  std::optional<IngestResult> out;
  pg::Params p;
  p.add(author).add(batch_id);
  auto batch = writer_.run("codepulse_select_batch", pg_sql::kSelectBatch, p);
  if (!batch) return batch.error();
  if (batch->size() == 0) return out;
  out = read_batch_outcome(ResultRow(*batch, 0));
  auto rejections = writer_.run("codepulse_select_rejections", pg_sql::kSelectBatchRejections, p);
  if (!rejections) return rejections.error();
  for (int i = 0; i < rejections->size(); ++i)
    out->rejections.push_back(read_record_rejection(ResultRow(*rejections, i)));
  auto commit_rejections =
      writer_.run("codepulse_select_commit_rejections", pg_sql::kSelectCommitRejections, p);
  if (!commit_rejections) return commit_rejections.error();
  for (int i = 0; i < commit_rejections->size(); ++i)
    out->commit_rejections.push_back(read_commit_rejection(ResultRow(*commit_rejections, i)));
  return out;
}

}  // namespace codepulse::collector::pg_store
