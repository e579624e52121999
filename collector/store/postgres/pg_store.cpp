// The PostgreSQL store, for several stateless collectors over one database.
// Idempotence lives in the database (unique keys and INSERT ... ON CONFLICT),
// never in this process: the same batch sent to two collectors at once is
// stored once, and a higher record revision wins whatever the arrival order.
// A group of batches is one transaction (a savepoint per batch); a
// serialization failure or deadlock runs the whole group again. New records
// go in with one set-based INSERT per batch; records stored before take one
// statement each (pipelined, a few dozen per round trip). A batch's commits
// go in set-based too (pg_commits.cpp), keyed by (repo, sha).
#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "collector/store/postgres/pg_commits.hpp"
#include "collector/store/postgres/pg_pool.hpp"
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_usage_scan.hpp"
#include "collector/store/postgres/pg_webhooks.hpp"
#include "collector/store/postgres/usage_follower.hpp"
#include "collector/store/store.hpp"
#include "collector/store/store_rules.hpp"
#include "common/hashing.hpp"
#include "common/report/usage_source.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::collector {
namespace {

constexpr int kMaxAttempts = 6;             // of a group hit by serialization failures
constexpr size_t kRecordsPerTrip = 64;      // pipelined record statements per round trip
constexpr size_t kRecordsPerInsert = 2000;  // new records per set-based insert
constexpr size_t kPoolSize = 4;             // tokens, counts and reports
constexpr int64_t kFollowIntervalMs = 500;

constexpr const char* kUpsertName = "codepulse_upsert_record";

Result<TokenInfo> read_token(const pg::Rows& rows, int i) {
  TokenInfo t;
  t.id = rows.int64(i, 0);
  t.author = std::string(rows.text(i, 1));
  const auto role = parse_role(rows.text(i, 2));
  if (!role)
    return make_error("token " + std::to_string(t.id) + " has an unknown role in the store");
  t.role = *role;
  t.created_ms = rows.int64(i, 3);
  t.revoked_ms = rows.opt_int64(i, 4);
  t.label = std::string(rows.text(i, 5));
  return t;
}

void add_record_params(pg::Params& p, const std::string& author, const std::string& device_id,
                       const proto::WireRecord& wr, const std::string& tools, int64_t now_ms) {
  const UsageRecord& u = wr.usage;
  p.clear();
  p.add(author)
      .add(wr.record_uid)
      .add(wr.revision)
      .add(device_id)
      .add(u.message_id)
      .add(u.request_id)
      .add(u.timestamp_ms)
      .add(u.session_id)
      .add(int64_t{u.sidechain})
      .add(u.agent_id)
      .add(u.model)
      .add(u.input)
      .add(u.output)
      .add(u.cache_create_5m)
      .add(u.cache_create_1h)
      .add(u.cache_read)
      .add(u.web_search_requests)
      .add(int64_t{u.fast})
      .add(u.cost_nanos)
      .add(int64_t{u.long_context})
      .add(u.price_version)
      .add(u.cc_version)
      .add(u.repo)
      .add(u.branch)
      .add(u.task_keys)
      .add(u.turn_id)
      .add(tools)
      .add(now_ms);
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

Status read_epics(pg::Connection& conn, report::EpicMap& epics) {
  auto rows = conn.query(pg_sql::kSelectEpics);
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i)
    epics.emplace(std::string(rows->text(i, 0)), std::string(rows->text(i, 1)));
  return {};
}

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string uri, pg::Connection writer)
      : uri_(std::move(uri)),
        writer_(std::move(writer)),
        pool_(uri_, kPoolSize),
        follower_(uri_, kFollowIntervalMs) {}
  ~PostgresStore() override { follower_.stop(); }

  Status migrate();

  std::vector<Result<IngestResult>> ingest_many(
      const std::vector<IngestRequest>& requests) override;
  Result<std::string> create_token(const std::string& author, Role role,
                                   const std::string& label) override;
  Result<std::optional<TokenInfo>> authenticate(std::string_view token) override;
  Result<std::vector<TokenInfo>> list_tokens() override;
  Status revoke_token(int64_t id) override;
  Status follow_usage(const UsageScan& scan, UsageListener listener) override {
    return follower_.start(scan, std::move(listener));
  }
  void unfollow_usage() override { follower_.stop(); }
  Status sync_usage() override { return follower_.sync(); }
  Status read_usage(int64_t since_ms, int64_t until_ms, bool with_tools, report::EpicMap& epics,
                    const UsageScan& scan) override;
  Result<report::EpicMap> load_epics() override;
  Result<report::CommitFacts> load_commits(int64_t since_ms, int64_t until_ms) override;
  Result<int64_t> upsert_tasks(const std::vector<TaskRecord>& tasks) override;
  Result<WebhookOutcome> apply_webhook(const WebhookDelivery& delivery) override {
    std::lock_guard lock(writer_mu_);
    return pg_webhooks::apply(writer_, delivery);
  }
  Result<std::vector<report::PullRequestFact>> load_pull_requests() override {
    auto conn = pool_.lease();
    if (!conn) return conn.error();
    return pg_webhooks::load_pull_requests(**conn);
  }
  Result<std::vector<DeviceActivity>> device_activity(size_t limit) override;
  Result<int64_t> record_count() override;
  Result<int64_t> size_bytes() override;

 private:
  // One attempt at the whole group, in one transaction.
  Result<std::vector<Result<IngestResult>>> ingest_group(
      const std::vector<IngestRequest>& requests);
  Result<IngestResult> ingest_one(const std::string& author, const proto::DecodedBatch& batch);
  Result<std::optional<IngestResult>> stored_outcome(const std::string& author,
                                                     const std::string& batch_id);
  // The records of a batch, pipelined; outcomes in batch order.
  Result<std::vector<RecordOutcome::Kind>> store_records(const std::string& author,
                                                         const proto::DecodedBatch& batch,
                                                         int64_t now_ms);
  // Inserts the records not stored yet in one statement; true for each.
  Result<std::vector<bool>> insert_new(const std::string& author, const std::string& device_id,
                                       const std::vector<const proto::WireRecord*>& sent,
                                       int64_t now_ms);
  Status save_outcome(const std::string& author, const proto::DecodedBatch& batch,
                      const IngestResult& result);
  Result<int64_t> scalar(const char* sql);

  const std::string uri_;
  std::mutex writer_mu_;  // the writing connection: ingest and tokens serialize
  pg::Connection writer_;
  pg::Pool pool_;
  pg_store::UsageFollower follower_;
};

Status PostgresStore::migrate() {
  std::lock_guard lock(writer_mu_);
  if (auto s = writer_.exec("BEGIN"); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = writer_.exec(pg_sql::kLockSchema); !s) return s;
    if (auto s = writer_.exec(pg_sql::kCreateVersionTable); !s) return s;
    auto version = writer_.query(pg_sql::kSelectVersion);
    if (!version) return version.error();
    const int64_t v = version->int64(0, 0);
    if (v > pg_sql::kSchemaVersion)
      return make_error(writer_.where() + " has schema version " + std::to_string(v) +
                        ", newer than this collector supports (" +
                        std::to_string(pg_sql::kSchemaVersion) + ")");
    const std::pair<int64_t, const char*> steps[] = {{3, pg_sql::kMigrationTo3},
                                                     {4, pg_sql::kMigrationTo4},
                                                     {5, pg_sql::kMigrationTo5},
                                                     {6, pg_sql::kMigrationTo6}};
    for (const auto& [to, sql] : steps) {
      if (v >= to) continue;
      if (auto s = writer_.exec(sql); !s)
        return make_error(writer_.where() + ": migrating to schema version " + std::to_string(to) +
                          ": " + s.error().message);
    }
    return writer_.exec("COMMIT");
  };
  auto s = run();
  if (!s) (void)writer_.exec("ROLLBACK");
  return s;
}

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
  if (auto s = writer_.prepare(kUpsertName, pg_sql::kUpsertRecord); !s) return s.error();
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
  if (author.empty()) return make_error("ingest: the token has no author");
  const proto::BatchHeader& h = batch.header;
  if (h.batch_id.empty()) return make_error("ingest: the batch has no batch_id");
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
  auto kinds = store_records(author, batch, now);
  if (!kinds) return kinds.error();
  IngestResult result;
  size_t next = 0;
  auto walked = walk_batch(batch, result, [&](const proto::WireRecord&) {
    return Result<RecordOutcome::Kind>((*kinds)[next++]);
  });
  if (!walked) return walked.error();
  // Commits without repo or sha are rejected by walk_commits and never sent.
  std::vector<const CommitRecord*> sent;
  for (const CommitRecord& c : batch.commits)
    if (!c.repo.empty() && !c.sha.empty()) sent.push_back(&c);
  auto is_new = pg_store::insert_commits(writer_, author, h.device_id, sent, now);
  if (!is_new) return is_new.error();
  next = 0;
  walked = walk_commits(batch, result,
                        [&](const CommitRecord&) { return Result<bool>((*is_new)[next++]); });
  if (!walked) return walked.error();
  if (auto s = save_outcome(author, batch, result); !s) return s.error();
  return result;
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
      auto r = writer_.run(kUpsertName, pg_sql::kUpsertRecord, p);
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
    constexpr int kColumns = 25;
    pg::TextArray cols[kColumns];
    for (size_t k = from; k < to; ++k) {
      const proto::WireRecord& wr = *sent[candidates[k]];
      const UsageRecord& u = wr.usage;
      int c = 0;
      cols[c++].add(wr.record_uid);
      cols[c++].add(wr.revision);
      cols[c++].add(u.message_id);
      cols[c++].add(u.request_id);
      cols[c++].add(u.timestamp_ms);
      cols[c++].add(u.session_id);
      cols[c++].add(int64_t{u.sidechain});
      cols[c++].add(u.agent_id);
      cols[c++].add(u.model);
      cols[c++].add(u.input);
      cols[c++].add(u.output);
      cols[c++].add(u.cache_create_5m);
      cols[c++].add(u.cache_create_1h);
      cols[c++].add(u.cache_read);
      cols[c++].add(u.web_search_requests);
      cols[c++].add(int64_t{u.fast});
      cols[c++].add(u.cost_nanos);
      cols[c++].add(int64_t{u.long_context});
      cols[c++].add(u.price_version);
      cols[c++].add(u.cc_version);
      cols[c++].add(u.repo);
      cols[c++].add(u.branch);
      cols[c++].add(u.task_keys);
      cols[c++].add(u.turn_id);
      cols[c++].add(encode_tools(u.tools));
    }
    pg::Params p;
    p.add(author).add(device_id).add(now_ms);
    for (const auto& col : cols)
      p.add(col.str());
    auto rows = writer_.run("codepulse_insert_new_records", pg_sql::kInsertNewRecords, p);
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
  out.emplace();
  out->batch_seen_before = true;
  out->records_new = batch->int64(0, 0);
  out->duplicates = batch->int64(0, 1);
  out->replaced = batch->int64(0, 2);
  out->stale = batch->int64(0, 3);
  out->rejected = batch->int64(0, 4);
  out->commits_new = batch->int64(0, 5);
  out->commits_duplicate = batch->int64(0, 6);
  out->commits_rejected = batch->int64(0, 7);
  auto rejections = writer_.run("codepulse_select_rejections", pg_sql::kSelectBatchRejections, p);
  if (!rejections) return rejections.error();
  for (int i = 0; i < rejections->size(); ++i)
    out->rejections.push_back({static_cast<size_t>(rejections->int64(i, 0)),
                               std::string(rejections->text(i, 1)), RecordOutcome::kRejected,
                               std::string(rejections->text(i, 2))});
  auto commit_rejections =
      writer_.run("codepulse_select_commit_rejections", pg_sql::kSelectCommitRejections, p);
  if (!commit_rejections) return commit_rejections.error();
  for (int i = 0; i < commit_rejections->size(); ++i)
    out->commit_rejections.push_back({static_cast<size_t>(commit_rejections->int64(i, 0)),
                                      std::string(commit_rejections->text(i, 1)),
                                      std::string(commit_rejections->text(i, 2))});
  return out;
}

Result<std::string> PostgresStore::create_token(const std::string& author, Role role,
                                                const std::string& label) {
  if (auto s = check_token_fields(author, label); !s) return s.error();
  auto token = new_token();
  if (!token) return token.error();
  pg::Params p;
  p.add(sha256_hex(*token)).add(author).add(role_name(role)).add(label).add(now_utc_ms());
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  if (auto s = (*conn)->run("codepulse_insert_token", pg_sql::kInsertToken, p); !s)
    return s.error();
  return token;
}

Result<std::optional<TokenInfo>> PostgresStore::authenticate(std::string_view token) {
  std::optional<TokenInfo> out;
  if (!plausible_token(token)) return out;
  pg::Params p;
  p.add(sha256_hex(token));
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->run("codepulse_select_token", pg_sql::kSelectTokenByHash, p);
  if (!rows) return rows.error();
  if (rows->size() == 0) return out;
  auto info = read_token(*rows, 0);
  if (!info) return info.error();
  if (!info->revoked_ms) out = std::move(info).value();
  return out;
}

Result<std::vector<TokenInfo>> PostgresStore::list_tokens() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->run("codepulse_select_tokens", pg_sql::kSelectTokens, {});
  if (!rows) return rows.error();
  std::vector<TokenInfo> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto info = read_token(*rows, i);
    if (!info) return info.error();
    out.push_back(std::move(info).value());
  }
  return out;
}

Status PostgresStore::revoke_token(int64_t id) {
  pg::Params p;
  p.add(id).add(now_utc_ms());
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto done = (*conn)->run("codepulse_revoke_token", pg_sql::kRevokeToken, p);
  if (!done) return done.error();
  if (done->affected() == 0) return make_error("no token with id " + std::to_string(id));
  return {};
}

Status PostgresStore::read_usage(int64_t since_ms, int64_t until_ms, bool with_tools,
                                 report::EpicMap& epics, const UsageScan& scan) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  // One snapshot for the epics and the records, even while ingest goes on.
  if (auto s = (*conn)->exec(pg_sql::kBeginSnapshot); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = read_epics(**conn, epics); !s) return s;
    pg::Params range;
    range.add(since_ms).add(until_ms);
    return pg_store::scan_facts(**conn,
                                std::string("SELECT ") + report::kUsageFactColumns +
                                    " FROM usage_records WHERE ts_ms >= $1::bigint AND ts_ms < "
                                    "$2::bigint",
                                range, with_tools, scan);
  };
  auto s = run();
  (void)(*conn)->exec(s ? "COMMIT" : "ROLLBACK");
  return s;
}

Result<report::CommitFacts> PostgresStore::load_commits(int64_t since_ms, int64_t until_ms) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  CommitFactsBuilder facts;
  // One snapshot for the four reads, even while ingest goes on.
  if (auto s = (*conn)->exec(pg_sql::kBeginSnapshot); !s) return s.error();
  auto s = pg_store::read_commits(**conn, since_ms, until_ms, facts);
  (void)(*conn)->exec(s ? "COMMIT" : "ROLLBACK");
  if (!s) return s.error();
  return facts.take();
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
        .add(int64_t{t.deleted});
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

Result<std::vector<DeviceActivity>> PostgresStore::device_activity(size_t limit) {
  pg::Params p;
  p.add(static_cast<int64_t>(limit));
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->run("codepulse_device_activity", pg_sql::kSelectDeviceActivity, p);
  if (!rows) return rows.error();
  std::vector<DeviceActivity> out;
  for (int i = 0; i < rows->size(); ++i) {
    DeviceActivity d;
    d.author = std::string(rows->text(i, 0));
    d.device_id = std::string(rows->text(i, 1));
    d.tracker_version = std::string(rows->text(i, 2));
    d.last_received_ms = rows->int64(i, 3);
    d.first_received_ms = rows->int64(i, 4);
    d.batches = rows->int64(i, 5);
    d.records_sent = rows->int64(i, 6);
    d.records_new = rows->int64(i, 7);
    d.records_rejected = rows->int64(i, 8);
    d.batches_with_rejections = rows->int64(i, 9);
    out.push_back(std::move(d));
  }
  return out;
}

Result<int64_t> PostgresStore::scalar(const char* sql) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->query(sql);
  if (!rows) return rows.error();
  return rows->int64(0, 0);
}

Result<int64_t> PostgresStore::record_count() {
  return scalar(pg_sql::kCountRecords);
}

Result<int64_t> PostgresStore::size_bytes() {
  return scalar(pg_sql::kDatabaseSize);
}

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& uri) {
  auto writer = pg::Connection::open(uri);
  if (!writer) return writer.error();
  auto store = std::make_unique<PostgresStore>(uri, std::move(writer).value());
  if (auto s = store->migrate(); !s) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace codepulse::collector
