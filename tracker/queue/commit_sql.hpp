// The statements of the tracker's git tables (migration 4, store_sql.hpp):
// repositories seen, branch tips read, and the commit queue.
#pragma once

namespace codepulse::tracker::sql_text {

inline constexpr const char* kUpsertGitRepo =
    "INSERT INTO git_repos (root, identity, seen_ms) VALUES (?1, ?2, ?3)"
    " ON CONFLICT(root) DO UPDATE SET identity = ?2, seen_ms = ?3";
inline constexpr const char* kSelectGitRepos = "SELECT root, identity FROM git_repos ORDER BY root";
inline constexpr const char* kSelectGitTips =
    "SELECT sha FROM git_tips WHERE root = ?1 ORDER BY sha";
inline constexpr const char* kDeleteGitTips = "DELETE FROM git_tips WHERE root = ?1";
inline constexpr const char* kInsertGitTip =
    "INSERT OR IGNORE INTO git_tips (root, sha) VALUES (?1, ?2)";
inline constexpr const char* kHasCommit =
    "SELECT count(*) FROM git_commits WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kInsertCommit =
    "INSERT OR IGNORE INTO git_commits (repo, sha, parents, author_email, committer_email,"
    " author_ms, committer_ms, branch, task_keys, ai_coauthor, files, reworked, created_ms,"
    " on_default_branch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
inline constexpr const char* kSelectUnshippedCommits =
    "SELECT id, repo, sha, parents, author_email, committer_email, author_ms, committer_ms, branch,"
    " task_keys, ai_coauthor, files, reworked, on_default_branch FROM git_commits"
    " WHERE shipped = 0 AND quarantined = 0 ORDER BY id LIMIT ?1";
inline constexpr const char* kMarkCommitShipped =
    "UPDATE git_commits SET shipped = 1,"
    " shipped_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = ?1";
inline constexpr const char* kQuarantineCommit =
    "UPDATE git_commits SET quarantined = 1 WHERE id = ?1";
inline constexpr const char* kCommitStats =
    "SELECT count(*), coalesce(sum(shipped = 0 AND quarantined = 0), 0),"
    " coalesce(sum(quarantined), 0) FROM git_commits";
// A commit whose survival is still to be measured (line_survival,
// migration 9) stays: its files are sent again at each mark.
inline constexpr const char* kDeleteExpiredCommits =
    "DELETE FROM git_commits WHERE shipped = 1 AND created_ms < ?1 AND NOT EXISTS"
    " (SELECT 1 FROM line_survival s WHERE s.repo = git_commits.repo AND s.sha = git_commits.sha)";
inline constexpr const char* kSelectQueuedFiles =
    "SELECT files FROM git_commits WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kRequeueFiles =
    "UPDATE git_commits SET files = ?3, shipped = 0 WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kDeleteCommit = "DELETE FROM git_commits WHERE id = ?1";
// Commits never queued or dropped from the queue for not being the tracker's
// author's: counters in tracker_meta (added with outbox_sql.hpp's kAddCounter).
inline constexpr const char* kCommitsByOthers = "commits_by_others";
inline constexpr const char* kCommitsNotOursDropped = "commits_not_ours_dropped";
inline constexpr const char* kSelectCommitCounters =
    "SELECT key, CAST(value AS INTEGER) FROM tracker_meta WHERE key IN"
    " ('commits_by_others', 'commits_not_ours_dropped')";
inline constexpr const char* kReleaseCommitQuarantine =
    "UPDATE git_commits SET quarantined = 0 WHERE quarantined = 1";

}  // namespace codepulse::tracker::sql_text
