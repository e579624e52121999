// The statements of the collector's PostgreSQL store (the tables are made in
// pg_schema.hpp). The usage record's statements are built from its column
// list (common/record/usage_columns.hpp), in pg_sql.cpp.
#pragma once

#include <string>

#include "collector/store/delivery_sql.hpp"
#include "collector/store/webhook_sql.hpp"
#include "common/record/usage_columns.hpp"

namespace codepulse::collector::pg_sql {

// Tokens.
inline constexpr const char* kInsertToken =
    "INSERT INTO collector_tokens (token_hash, author, role, label, created_ms, scope)"
    " VALUES ($1, $2, $3, $4, $5::bigint, $6)";
inline constexpr const char* kSelectTokenByHash =
    "SELECT id, author, role, created_ms, revoked_ms, label, scope FROM collector_tokens"
    " WHERE token_hash = $1";
inline constexpr const char* kSelectTokens =
    "SELECT id, author, role, created_ms, revoked_ms, label, scope FROM collector_tokens"
    " ORDER BY id";
inline constexpr const char* kRevokeToken =
    "UPDATE collector_tokens SET revoked_ms = coalesce(revoked_ms, $2::bigint)"
    " WHERE id = $1::bigint";

// Batches. A batch is claimed first: of two collectors given the same batch
// at once, the second waits for the first's commit and then finds it.
inline constexpr const char* kClaimBatch =
    "INSERT INTO collector_batches (author, batch_id, device_id, tracker_version, created_ms,"
    " received_ms, record_count, records_new, duplicates, replaced, stale, rejected)"
    " VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint, $7::bigint, 0, 0, 0, 0, 0)"
    " ON CONFLICT (author, batch_id) DO NOTHING RETURNING 1";
inline constexpr const char* kSaveBatchOutcome =
    "UPDATE collector_batches SET records_new = $3::bigint, duplicates = $4::bigint,"
    " replaced = $5::bigint, stale = $6::bigint, rejected = $7::bigint,"
    " commit_count = $8::bigint, commits_new = $9::bigint, commits_duplicate = $10::bigint,"
    " commits_rejected = $11::bigint WHERE author = $1 AND batch_id = $2";
// The tokens of an author's UTC day (author_day_limit.hpp, version 11), and
// those of the listed uids' stored records of that day.
inline constexpr const char* kSelectAuthorDay =
    "SELECT tokens FROM author_day_tokens WHERE author = $1 AND day_ms = $2";
// Every author's UTC days summed: records and revisions (version 28).
inline constexpr const char* kSelectUsageDays =
    "SELECT day_ms, SUM(records)::bigint, SUM(revisions)::bigint FROM author_day_tokens"
    " WHERE day_ms >= $1 AND day_ms < $2 GROUP BY day_ms HAVING SUM(records) <> 0"
    " ORDER BY day_ms";
inline constexpr const char* kSumStoredUidsOfDay =
    "SELECT COALESCE(SUM(input + output + cache_create_5m + cache_create_1h + cache_read), 0)"
    " FROM usage_records WHERE author = $1 AND uid = ANY($3::text[])"
    " AND ts_ms >= $2 AND ts_ms < $2 + 86400000";
inline constexpr const char* kSelectBatch =
    "SELECT records_new, duplicates, replaced, stale, rejected, commits_new, commits_duplicate,"
    " commits_rejected FROM collector_batches WHERE author = $1 AND batch_id = $2";
inline constexpr const char* kSelectBatchRejections =
    "SELECT idx, uid, reason FROM collector_batch_rejections WHERE author = $1 AND batch_id = $2"
    " ORDER BY idx";
inline constexpr const char* kSelectDeviceActivity =
    "SELECT author, device_id, (array_agg(tracker_version ORDER BY received_ms DESC))[1],"
    " max(received_ms), min(received_ms), count(*), sum(record_count), sum(records_new),"
    " sum(rejected), count(*) FILTER (WHERE rejected > 0)"
    " FROM collector_batches GROUP BY author, device_id ORDER BY 4 DESC LIMIT $1::bigint";
inline constexpr const char* kInsertBatchRejection =
    "INSERT INTO collector_batch_rejections (author, batch_id, idx, uid, reason)"
    " VALUES ($1, $2, $3::bigint, $4, $5)";
inline constexpr const char* kSelectCommitRejections =
    "SELECT idx, sha, reason FROM collector_commit_rejections WHERE author = $1 AND batch_id = $2"
    " ORDER BY idx";
inline constexpr const char* kInsertCommitRejection =
    "INSERT INTO collector_commit_rejections (author, batch_id, idx, sha, reason)"
    " VALUES ($1, $2, $3::bigint, $4, $5)";

// Commits, set-based ($1 sent_by, $2 device id, $3 received_ms, then one
// array per column, source and trust last). One copy of (repo, sha), the
// most trusted one sent (commit_trust.hpp): the store reads the stored
// copies (locked) and what signed pushes said of the batch's commits,
// deletes the copies it replaces, then inserts. A commit another
// transaction is inserting waits for it, then is skipped (a duplicate).
// Returns the commits inserted; files and reworked lines go in for those only.
inline constexpr const char* kInsertNewCommits = R"sql(
INSERT INTO commits (sent_by, device_id, received_ms, repo, sha, parents, author_email,
  committer_email, author_ms, committer_ms, branch, task_keys, ai_coauthor, lines_added,
  lines_removed, scored_lines_added, ai_lines_added, on_default_branch, source, trust)
SELECT $1::text, $2::text, $3::bigint, t.*
FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[],
  $10::bigint[], $11::text[], $12::text[], $13::integer[], $14::bigint[], $15::bigint[],
  $16::bigint[], $17::bigint[], $18::integer[], $19::text[], $20::integer[]) AS t
ON CONFLICT (repo, sha) DO NOTHING
RETURNING repo, sha
)sql";
inline constexpr const char* kSelectCommitCopies = R"sql(
SELECT c.repo, c.sha, c.sent_by, c.trust
FROM commits c JOIN unnest($1::text[], $2::text[]) AS k(repo, sha)
  ON c.repo = k.repo AND c.sha = k.sha
ORDER BY c.repo, c.sha FOR UPDATE OF c
)sql";
inline constexpr const char* kSelectPushedAuthors = R"sql(
SELECT DISTINCT ON (p.repo, p.sha) p.repo, p.sha, p.author_email, p.time_ms, p.source
FROM pushed_commits p JOIN unnest($1::text[], $2::text[]) AS k(repo, sha)
  ON p.repo = k.repo AND p.sha = k.sha
WHERE p.author_email <> ''
ORDER BY p.repo, p.sha, p.time_ms, p.branch
)sql";
inline constexpr const char* kDeleteCommitFiles =
    "DELETE FROM commit_files f USING unnest($1::text[], $2::text[]) AS k(repo, sha)"
    " WHERE f.repo = k.repo AND f.sha = k.sha";
inline constexpr const char* kDeleteCommitReworks =
    "DELETE FROM commit_reworks w USING unnest($1::text[], $2::text[]) AS k(repo, sha)"
    " WHERE w.repo = k.repo AND w.sha = k.sha";
inline constexpr const char* kDeleteCommits =
    "DELETE FROM commits c USING unnest($1::text[], $2::text[]) AS k(repo, sha)"
    " WHERE c.repo = k.repo AND c.sha = k.sha";
inline constexpr const char* kInsertCommitFiles = R"sql(
INSERT INTO commit_files (repo, sha, idx, path, added, removed, is_binary, lines_added,
  ai_lines_added, lines_alive_21d, ai_lines_alive_21d, lines_alive_90d, ai_lines_alive_90d,
  ai_blocks, ai_blocks_repeated, other_blocks, other_blocks_repeated)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[],
  $6::bigint[], $7::integer[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],
  $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[])
)sql";
// Survival measured since a copy was stored (docs/PROVENANCE.md): a mark
// once measured is kept; a later copy fills the marks it lacks. Only for
// copies the same author sent ($8).
inline constexpr const char* kUpdateCommitFileSurvival = R"sql(
UPDATE commit_files f SET
  lines_alive_21d = CASE WHEN f.lines_alive_21d < 0 THEN t.a21 ELSE f.lines_alive_21d END,
  ai_lines_alive_21d = CASE WHEN f.lines_alive_21d < 0 THEN t.i21 ELSE f.ai_lines_alive_21d END,
  lines_alive_90d = CASE WHEN f.lines_alive_90d < 0 THEN t.a90 ELSE f.lines_alive_90d END,
  ai_lines_alive_90d = CASE WHEN f.lines_alive_90d < 0 THEN t.i90 ELSE f.ai_lines_alive_90d END
FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
  $7::bigint[]) AS t(repo, sha, idx, a21, i21, a90, i90), commits c
WHERE f.repo = t.repo AND f.sha = t.sha AND f.idx = t.idx AND f.lines_added > 0
  AND c.repo = t.repo AND c.sha = t.sha AND c.sent_by = $8::text
)sql";
inline constexpr const char* kInsertCommitReworks = R"sql(
INSERT INTO commit_reworks (repo, sha, idx, original_sha, path, lines, ai_lines, kind)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[],
  $7::bigint[], $8::bigint[])
)sql";

// load_commits, as in the SQLite store (commit_rows.hpp lists the columns).
inline constexpr const char* kSelectCommits =
    "SELECT repo, sha, parents, author_email, committer_email, author_ms, committer_ms, branch,"
    " task_keys, ai_coauthor, on_default_branch FROM commits"
    " WHERE committer_ms >= $1::bigint AND committer_ms < $2::bigint"
    " ORDER BY committer_ms, sha, repo";
inline constexpr const char* kSelectCommitFiles =
    "SELECT f.repo, f.sha, f.path, f.added, f.removed, f.is_binary, f.lines_added,"
    " f.ai_lines_added, f.lines_alive_21d, f.ai_lines_alive_21d, f.lines_alive_90d,"
    " f.ai_lines_alive_90d, f.ai_blocks, f.ai_blocks_repeated, f.other_blocks,"
    " f.other_blocks_repeated FROM commits c JOIN commit_files f ON f.repo = c.repo AND f.sha = "
    "c.sha"
    " WHERE c.committer_ms >= $1::bigint AND c.committer_ms < $2::bigint"
    " ORDER BY f.repo, f.sha, f.idx";
inline constexpr const char* kSelectCommitReworked =
    "SELECT w.repo, w.sha, w.original_sha, w.path, w.lines, w.ai_lines, w.kind"
    " FROM commits c JOIN commit_reworks w ON w.repo = c.repo AND w.sha = c.sha"
    " WHERE c.committer_ms >= $1::bigint AND c.committer_ms < $2::bigint"
    " ORDER BY w.repo, w.sha, w.idx";
inline constexpr const char* kSelectReworkOfCommits =
    "SELECT w.repo, w.original_sha, w.path, w.sha, r.committer_ms, w.lines, w.ai_lines"
    " FROM commits o"
    " JOIN commit_reworks w ON w.repo = o.repo AND w.original_sha = o.sha"
    " JOIN commits r ON r.repo = w.repo AND r.sha = w.sha"
    " WHERE o.committer_ms >= $1::bigint AND o.committer_ms < $2::bigint AND w.kind = 0"
    " ORDER BY o.committer_ms, o.sha, r.committer_ms, w.sha, w.idx";

// Records. upsert_record_sql() takes one record, in one statement: inserts
// it, or keeps the stored version, or replaces a lower revision (keeping what
// it took out in usage_retractions). Returns (inserted id, existing id, stored
// revision); both ids NULL means a concurrent insert of the same record won
// the race: run it again. Its parameters (record_param) are added in order:
// the listed fields (common/record/usage_columns.hpp) from kFirstField on.
namespace record_param {
inline constexpr int kAuthor = 1, kUid = 2, kRevision = 3, kDeviceId = 4;
inline constexpr int kFirstField = 5;
inline constexpr int kTools = kFirstField + static_cast<int>(kUsageColumnCount);
inline constexpr int kReceivedMs = kTools + 1;
}  // namespace record_param
const std::string& upsert_record_sql();

// The fast path of a batch: every record not stored yet, in one statement:
// the values every row shares, then one array per column (new_records_param).
// Returns the uids inserted; the others exist and go through
// upsert_record_sql().
namespace new_records_param {
inline constexpr int kAuthor = 1, kDeviceId = 2, kReceivedMs = 3;
inline constexpr int kUids = 4, kRevisions = 5;
inline constexpr int kFirstField = 6;
inline constexpr int kTools = kFirstField + static_cast<int>(kUsageColumnCount);
}  // namespace new_records_param
const std::string& insert_new_records_sql();

// The report engine's columns (report::kUsageFactColumns) of a retraction
// (whose revision no reader asks: 0).
inline constexpr const char* kRetractionFactColumns =
    "record_id, author, session_id, model, fast, repo, branch, task_keys, turn_id, ts_ms, input,"
    " output, cache_create_5m + cache_create_1h, cache_read, cache_create_1h, web_search,"
    " web_fetch, inference_geo, assistant, tools, 0";

// Followers (usage_follower.cpp). $1 is the snapshot a follower saw last.
inline constexpr const char* kBeginSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
inline constexpr const char* kCurrentSnapshot = "SELECT pg_current_snapshot()::text";
inline constexpr const char* kNewVersionsWhere =
    " WHERE txid >= pg_snapshot_xmin($1::pg_snapshot)"
    " AND NOT pg_visible_in_snapshot(txid, $1::pg_snapshot)";
inline constexpr const char* kRetractedSinceWhere =
    " WHERE txid >= pg_snapshot_xmin($1::pg_snapshot)"
    " AND NOT pg_visible_in_snapshot(txid, $1::pg_snapshot)"
    " AND pg_visible_in_snapshot(retracted_txid, $1::pg_snapshot)";
// Retractions older than any follower can still need (a day).
inline constexpr const char* kPruneRetractions =
    "DELETE FROM usage_retractions WHERE created_ms < $1::bigint";

inline constexpr const char* kSelectEpics =
    "SELECT task_key, epic_key FROM task_epics WHERE epic_key <> ''";
inline constexpr const char* kUpsertTask =
    "INSERT INTO task_epics (task_key, epic_key, updated_ms, issue_type, status, deleted, labels,"
    " components, story_points_milli, priority, created_ms, resolved_ms, caused_by, causes)"
    " VALUES ($1, $2, $3::bigint, $4, $5, $6::integer, $7, $8, $9::bigint, $10, $11::bigint,"
    " $12::bigint, $13, $14)"
    " ON CONFLICT (task_key) DO UPDATE SET epic_key = excluded.epic_key,"
    " updated_ms = excluded.updated_ms, issue_type = excluded.issue_type,"
    " status = excluded.status, deleted = excluded.deleted, labels = excluded.labels,"
    " components = excluded.components, story_points_milli = excluded.story_points_milli,"
    " priority = excluded.priority, created_ms = excluded.created_ms,"
    " resolved_ms = excluded.resolved_ms, caused_by = excluded.caused_by,"
    " causes = excluded.causes"
    " WHERE excluded.updated_ms > task_epics.updated_ms";
inline constexpr const char* kCountRecords = "SELECT count(*) FROM usage_records";
inline constexpr const char* kDatabaseSize = "SELECT pg_database_size(current_database())";

// Webhooks (the merge of pull request events and the reads are in
// webhook_sql.hpp, shared with SQLite). Of two collectors applying events of
// one pull request at once, the second waits for the first's row and merges
// into it; a delivery claimed by one is a duplicate for the other once the
// first commits.
inline constexpr const char* kClaimDelivery =
    "INSERT INTO webhook_deliveries (source, delivery_id, event, received_ms)"
    " VALUES ($1, $2, $3, $4::bigint) ON CONFLICT (source, delivery_id) DO NOTHING";
inline constexpr const char* kInsertPushedCommit =
    "INSERT INTO pushed_commits (repo, branch, sha, time_ms, author_email, pusher, source,"
    " parent_sha, is_merge, reverts_sha, hotfix, pushed_ms, task_keys, fixes_sha)"
    " VALUES ($1, $2, $3, $4::bigint, $5, $6, $7, $8, $9::bigint, $10, $11::bigint, $12::bigint,"
    " $13, $14)"
    " ON CONFLICT (repo, branch, sha) DO NOTHING";
// A push naming a commit's author, as in the SQLite store (sqlite_sql.hpp).
inline constexpr const char* kDropContradictedFiles =
    "DELETE FROM commit_files WHERE repo = $1 AND sha = $2 AND EXISTS (SELECT 1 FROM commits c"
    " WHERE c.repo = $1 AND c.sha = $2 AND lower(trim(c.author_email)) <> lower(trim($3)))";
inline constexpr const char* kDropContradictedReworks =
    "DELETE FROM commit_reworks WHERE repo = $1 AND sha = $2 AND EXISTS (SELECT 1 FROM commits c"
    " WHERE c.repo = $1 AND c.sha = $2 AND lower(trim(c.author_email)) <> lower(trim($3)))";
inline constexpr const char* kDropContradictedCommit =
    "DELETE FROM commits WHERE repo = $1 AND sha = $2 AND"
    " lower(trim(author_email)) <> lower(trim($3))";
inline constexpr const char* kAdoptPushedAuthor =
    "UPDATE commits SET author_email = $3, author_ms = $4::bigint, source = $5"
    " WHERE repo = $1 AND sha = $2";
inline constexpr const char* kInsertReview =
    "INSERT INTO pr_reviews (repo, number, reviewer, time_ms, state)"
    " VALUES ($1, $2::bigint, $3, $4::bigint, $5)"
    " ON CONFLICT (repo, number, reviewer, time_ms) DO NOTHING";
inline const std::string kUpsertPullRequest =
    std::string(webhook_sql::kInsertPullRequest) +
    "VALUES ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10::bigint, $11::bigint, $12::bigint,"
    " $13::bigint, $14::bigint, $15, $16::bigint)" +
    webhook_sql::kMergePullRequest;
inline const std::string kUpsertDeployment =
    std::string(delivery_sql::kInsertDeployment) +
    "VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, $8::bigint, $9, $10::bigint, $11::bigint,"
    " $12::bigint)" +
    delivery_sql::kMergeDeployment;
inline const std::string kUpsertIncident = std::string(delivery_sql::kInsertIncident) +
                                           "VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint)" +
                                           delivery_sql::kMergeIncident;

}  // namespace codepulse::collector::pg_sql
