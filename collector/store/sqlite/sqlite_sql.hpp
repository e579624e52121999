// The statements of the collector's SQLite store (the tables are made in
// sqlite_schema.hpp). The usage record's statements are built from its
// column list (common/record/usage_columns.hpp), in sqlite_sql.cpp.
#pragma once

#include <string>

#include "collector/store/delivery_sql.hpp"
#include "collector/store/webhook_sql.hpp"
#include "common/record/usage_columns.hpp"

namespace codepulse::collector::sql_text {

// Tokens.
inline constexpr const char* kInsertToken =
    "INSERT INTO collector_tokens (token_hash, author, role, label, created_ms, scope)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr const char* kSelectTokenByHash =
    "SELECT id, author, role, created_ms, revoked_ms, label, scope FROM collector_tokens"
    " WHERE token_hash = ?1";
inline constexpr const char* kSelectTokens =
    "SELECT id, author, role, created_ms, revoked_ms, label, scope FROM collector_tokens"
    " ORDER BY id";
inline constexpr const char* kRevokeToken =
    "UPDATE collector_tokens SET revoked_ms = coalesce(revoked_ms, ?2) WHERE id = ?1";

// Batches: the outcome of a batch is kept so a resent batch gets the same reply.
inline constexpr const char* kSelectBatch =
    "SELECT records_new, duplicates, replaced, stale, rejected, commits_new, commits_duplicate,"
    " commits_rejected FROM collector_batches WHERE author = ?1 AND batch_id = ?2";
inline constexpr const char* kSelectBatchRejections =
    "SELECT idx, uid, reason FROM collector_batch_rejections WHERE author = ?1 AND batch_id = ?2"
    " ORDER BY idx";
inline constexpr const char* kInsertBatch =
    "INSERT INTO collector_batches (author, batch_id, device_id, tracker_version, created_ms,"
    " received_ms, record_count, records_new, duplicates, replaced, stale, rejected,"
    " commit_count, commits_new, commits_duplicate, commits_rejected)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
// Per device, for the health view: SQLite takes the bare tracker_version
// from the row where max(received_ms) is found.
inline constexpr const char* kSelectDeviceActivity =
    "SELECT author, device_id, tracker_version, max(received_ms), min(received_ms), count(*),"
    " sum(record_count), sum(records_new), sum(rejected), sum(rejected > 0)"
    " FROM collector_batches GROUP BY author, device_id ORDER BY 4 DESC LIMIT ?1";
inline constexpr const char* kInsertBatchRejection =
    "INSERT INTO collector_batch_rejections (author, batch_id, idx, uid, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kSelectCommitRejections =
    "SELECT idx, sha, reason FROM collector_commit_rejections WHERE author = ?1 AND batch_id = ?2"
    " ORDER BY idx";
inline constexpr const char* kInsertCommitRejection =
    "INSERT INTO collector_commit_rejections (author, batch_id, idx, sha, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";

// Commits: one copy of (repo, sha), the most trusted one sent
// (commit_trust.hpp): the store reads the stored copy and what a signed push
// said of the commit, then inserts, replaces (deleting the old copy's rows
// first) or keeps what it has. Files and reworks go in with the copy.
inline constexpr const char* kInsertCommit =
    "INSERT INTO commits (repo, sha, parents, author_email, committer_email, author_ms,"
    " committer_ms, branch, task_keys, ai_coauthor, lines_added, lines_removed,"
    " scored_lines_added, ai_lines_added, on_default_branch, sent_by, device_id, received_ms,"
    " source, trust) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
    " ?16, ?17, ?18, ?19, ?20)"
    " ON CONFLICT (repo, sha) DO NOTHING";
inline constexpr const char* kSelectCommitCopy =
    "SELECT sent_by, trust FROM commits WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kSelectPushedAuthor =
    "SELECT author_email, time_ms, source FROM pushed_commits"
    " WHERE repo = ?1 AND sha = ?2 AND author_email <> '' ORDER BY time_ms, branch LIMIT 1";
inline constexpr const char* kDeleteCommitFiles =
    "DELETE FROM commit_files WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kDeleteCommitReworks =
    "DELETE FROM commit_reworks WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kDeleteCommit = "DELETE FROM commits WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kInsertCommitFile =
    "INSERT INTO commit_files (repo, sha, idx, path, added, removed, is_binary, lines_added,"
    " ai_lines_added, lines_alive_21d, ai_lines_alive_21d, lines_alive_90d, ai_lines_alive_90d,"
    " ai_blocks, ai_blocks_repeated, other_blocks, other_blocks_repeated)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
// Survival measured since a copy was stored (docs/PROVENANCE.md): a mark
// once measured is kept; a later copy fills the marks it lacks.
inline constexpr const char* kUpdateCommitFileSurvival =
    "UPDATE commit_files SET"
    " lines_alive_21d = CASE WHEN lines_alive_21d < 0 THEN ?4 ELSE lines_alive_21d END,"
    " ai_lines_alive_21d = CASE WHEN lines_alive_21d < 0 THEN ?5 ELSE ai_lines_alive_21d END,"
    " lines_alive_90d = CASE WHEN lines_alive_90d < 0 THEN ?6 ELSE lines_alive_90d END,"
    " ai_lines_alive_90d = CASE WHEN lines_alive_90d < 0 THEN ?7 ELSE ai_lines_alive_90d END"
    " WHERE repo = ?1 AND sha = ?2 AND idx = ?3 AND lines_added > 0";
inline constexpr const char* kInsertCommitRework =
    "INSERT INTO commit_reworks (repo, sha, idx, original_sha, path, lines, ai_lines, kind)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

// load_commits: the commits of [?1, ?2) by committer time, their files and
// reworked lines, and the rework of them by any commit (commit_rows.hpp
// lists each read's columns).
inline constexpr const char* kSelectCommits =
    "SELECT repo, sha, parents, author_email, committer_email, author_ms, committer_ms, branch,"
    " task_keys, ai_coauthor, on_default_branch FROM commits"
    " WHERE committer_ms >= ?1 AND committer_ms < ?2"
    " ORDER BY committer_ms, sha, repo";
inline constexpr const char* kSelectCommitFiles =
    "SELECT f.repo, f.sha, f.path, f.added, f.removed, f.is_binary, f.lines_added,"
    " f.ai_lines_added, f.lines_alive_21d, f.ai_lines_alive_21d, f.lines_alive_90d,"
    " f.ai_lines_alive_90d, f.ai_blocks, f.ai_blocks_repeated, f.other_blocks,"
    " f.other_blocks_repeated FROM commits c JOIN commit_files f ON f.repo = c.repo AND f.sha = "
    "c.sha"
    " WHERE c.committer_ms >= ?1 AND c.committer_ms < ?2 ORDER BY f.repo, f.sha, f.idx";
inline constexpr const char* kSelectCommitReworked =
    "SELECT w.repo, w.sha, w.original_sha, w.path, w.lines, w.ai_lines, w.kind"
    " FROM commits c JOIN commit_reworks w ON w.repo = c.repo AND w.sha = c.sha"
    " WHERE c.committer_ms >= ?1 AND c.committer_ms < ?2 ORDER BY w.repo, w.sha, w.idx";
inline constexpr const char* kSelectReworkOfCommits =
    "SELECT w.repo, w.original_sha, w.path, w.sha, r.committer_ms, w.lines, w.ai_lines"
    " FROM commits o"
    " JOIN commit_reworks w ON w.repo = o.repo AND w.original_sha = o.sha"
    " JOIN commits r ON r.repo = w.repo AND r.sha = w.sha"
    " WHERE o.committer_ms >= ?1 AND o.committer_ms < ?2 AND w.kind = 0"
    " ORDER BY o.committer_ms, o.sha, r.committer_ms, w.sha, w.idx";

// Records. insert_record_sql() and replace_record_sql() share their
// parameters (record_param); the listed fields (usage_columns.hpp) take
// kFirstField on, in the list's order.
// The tokens of an author's UTC day (author_day_limit.hpp, migration 11),
// what a batch adds to it (with its records and their revisions: migration
// 28), a stored record's day and tokens, and every author's days summed.
inline constexpr const char* kSelectAuthorDay =
    "SELECT tokens FROM author_day_tokens WHERE author = ?1 AND day_ms = ?2";
inline constexpr const char* kAddAuthorDay =
    "INSERT INTO author_day_tokens (author, day_ms, tokens, records, revisions)"
    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (author, day_ms) DO UPDATE SET"
    " tokens = tokens + excluded.tokens, records = records + excluded.records,"
    " revisions = revisions + excluded.revisions";
inline constexpr const char* kSelectRecordDayTokens =
    "SELECT ts_ms - ts_ms % 86400000,"
    " input + output + cache_create_5m + cache_create_1h + cache_read"
    " FROM usage_records WHERE id = ?1";
inline constexpr const char* kSelectUsageDays =
    "SELECT day_ms, SUM(records), SUM(revisions) FROM author_day_tokens"
    " WHERE day_ms >= ?1 AND day_ms < ?2 GROUP BY day_ms HAVING SUM(records) <> 0"
    " ORDER BY day_ms";
inline constexpr const char* kSelectIdentity =
    "SELECT author, uid, revision FROM usage_records WHERE id = ?1";
namespace record_param {
inline constexpr int kAuthor = 1, kUid = 2, kRevision = 3, kDeviceId = 4;
inline constexpr int kFirstField = 5;
inline constexpr int kTools = kFirstField + static_cast<int>(kUsageColumnCount);
inline constexpr int kReceivedMs = kTools + 1;
inline constexpr int kUidKey = kTools + 2;  // codepulse_uid_key(uid)
inline constexpr int kRowId = kTools + 3;   // the row replace_record_sql() replaces
}  // namespace record_param
const std::string& insert_record_sql();
const std::string& replace_record_sql();
inline constexpr const char* kCountRecords = "SELECT count(*) FROM usage_records";
inline constexpr const char* kUpsertTask =
    "INSERT INTO task_epics (task_key, epic_key, updated_ms, issue_type, status, deleted, labels,"
    " components, story_points_milli, priority, created_ms, resolved_ms, caused_by, causes)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    " ON CONFLICT (task_key) DO UPDATE SET epic_key = excluded.epic_key,"
    " updated_ms = excluded.updated_ms, issue_type = excluded.issue_type,"
    " status = excluded.status, deleted = excluded.deleted, labels = excluded.labels,"
    " components = excluded.components, story_points_milli = excluded.story_points_milli,"
    " priority = excluded.priority, created_ms = excluded.created_ms,"
    " resolved_ms = excluded.resolved_ms, caused_by = excluded.caused_by,"
    " causes = excluded.causes"
    " WHERE excluded.updated_ms > task_epics.updated_ms";

// Webhooks (the merge of pull request events and the reads are in
// webhook_sql.hpp, shared with PostgreSQL).
inline constexpr const char* kClaimDelivery =
    "INSERT INTO webhook_deliveries (source, delivery_id, event, received_ms)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source, delivery_id) DO NOTHING";
inline constexpr const char* kInsertPushedCommit =
    "INSERT INTO pushed_commits (repo, branch, sha, time_ms, author_email, pusher, source,"
    " parent_sha, is_merge, reverts_sha, hotfix, pushed_ms, task_keys, fixes_sha)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    " ON CONFLICT (repo, branch, sha) DO NOTHING";
// A push naming a commit's author (webhook_rows::Write): a tracker's copy
// naming another author is dropped (?1 repo, ?2 sha, ?3 the push's author
// email), and a copy that agrees takes the push's author, time and source
// (?3, ?4, ?5).
inline constexpr const char* kDropContradictedFiles =
    "DELETE FROM commit_files WHERE repo = ?1 AND sha = ?2 AND EXISTS (SELECT 1 FROM commits c"
    " WHERE c.repo = ?1 AND c.sha = ?2 AND lower(trim(c.author_email)) <> lower(trim(?3)))";
inline constexpr const char* kDropContradictedReworks =
    "DELETE FROM commit_reworks WHERE repo = ?1 AND sha = ?2 AND EXISTS (SELECT 1 FROM commits c"
    " WHERE c.repo = ?1 AND c.sha = ?2 AND lower(trim(c.author_email)) <> lower(trim(?3)))";
inline constexpr const char* kDropContradictedCommit =
    "DELETE FROM commits WHERE repo = ?1 AND sha = ?2 AND"
    " lower(trim(author_email)) <> lower(trim(?3))";
inline constexpr const char* kAdoptPushedAuthor =
    "UPDATE commits SET author_email = ?3, author_ms = ?4, source = ?5 WHERE repo = ?1 AND sha = "
    "?2";
inline constexpr const char* kInsertReview =
    "INSERT INTO pr_reviews (repo, number, reviewer, time_ms, state) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (repo, number, reviewer, time_ms) DO NOTHING";
inline const std::string kUpsertPullRequest =
    std::string(webhook_sql::kInsertPullRequest) +
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)" +
    webhook_sql::kMergePullRequest;
inline const std::string kUpsertDeployment =
    std::string(delivery_sql::kInsertDeployment) +
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)" + delivery_sql::kMergeDeployment;
inline const std::string kUpsertIncident = std::string(delivery_sql::kInsertIncident) +
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)" +
                                           delivery_sql::kMergeIncident;

}  // namespace codepulse::collector::sql_text
