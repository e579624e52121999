// The statements of the survival table (migration 9, store_sql.hpp).
#pragma once

namespace codepulse::tracker::sql_text {

inline constexpr const char* kInsertSurvivalFile =
    "INSERT OR IGNORE INTO line_survival (repo, sha, idx, root, path, committed_ms, ai_prints,"
    " other_prints, marks) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
// ?1 now - 21 days, ?2 now - 90 days.
inline constexpr const char* kSelectDueSurvival =
    "SELECT repo, sha, idx, root, path, committed_ms, ai_prints, other_prints, marks"
    " FROM line_survival WHERE marks < 3 AND ((marks & 1 = 0 AND committed_ms <= ?1)"
    " OR (marks & 2 = 0 AND committed_ms <= ?2)) ORDER BY committed_ms, repo, sha, idx LIMIT ?3";
inline constexpr const char* kSelectSurvivalOf =
    "SELECT repo, sha, idx, root, path, committed_ms, ai_prints, other_prints, marks"
    " FROM line_survival WHERE repo = ?1 AND sha = ?2 AND path = ?3 ORDER BY idx";
inline constexpr const char* kSetSurvivalMarks =
    "UPDATE line_survival SET marks = ?4 WHERE repo = ?1 AND sha = ?2 AND idx = ?3";
inline constexpr const char* kDeleteMeasuredSurvival =
    "DELETE FROM line_survival WHERE repo = ?1 AND sha = ?2 AND idx = ?3 AND marks >= 3";
inline constexpr const char* kExpireSurvival = "DELETE FROM line_survival WHERE committed_ms < ?1";
inline constexpr const char* kCountSurvival = "SELECT count(*) FROM line_survival";

}  // namespace codepulse::tracker::sql_text
