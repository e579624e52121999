// queue: the fingerprints of the lines the tracker's own commits added, kept
// to measure their survival (migration 9, docs/PROVENANCE.md, "Survival")
// and their rework at line level. Per scored file of a queued commit: the
// assistants' fingerprints and the others', never the text. Nothing here is
// ever queued or shipped; a row goes once both marks were measured.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/sqlite.hpp"

namespace codepulse::tracker {

struct SurvivalFile {
  std::string repo, sha;  // the queued commit
  int64_t idx = 0;        // its file's position in the commit's files
  std::string root;       // the worktree it was read in
  std::string path;       // plain, as the commit named it
  int64_t committed_ms = 0;
  std::vector<int64_t> ai_prints, other_prints;  // keyed fingerprints, any order
  int marks = 0;                                 // measured: 1 the 21-day mark, 2 the 90-day mark
};

// The marks, in days after the commit's committer time.
inline constexpr int kSurvivalMarks[] = {21, 90};
inline constexpr int mark_bit(int days) {
  return days == 21 ? 1 : 2;
}

class LineSurvival {
 public:
  explicit LineSurvival(sql::Database& db) : db_(db) {}

  Status add(const SurvivalFile& file);
  // Files with a mark due at now_ms not measured yet, oldest commit first.
  Result<std::vector<SurvivalFile>> due(int64_t now_ms, size_t limit);
  // The scored file(s) of `sha` named `path` in `repo` (a commit's lines
  // being reworked); empty when the commit was not the tracker's or not scored.
  Result<std::vector<SurvivalFile>> of_commit(const std::string& repo, const std::string& sha,
                                              const std::string& path);
  // Records a measured mark; the row goes once both are.
  Status set_measured(const std::string& repo, const std::string& sha, int64_t idx, int marks);
  // Rows of commits older than cutoff_ms whatever they hold (a repository
  // gone before a mark could be measured); returns how many went.
  Result<int64_t> expire(int64_t cutoff_ms);
  Result<int64_t> count();

 private:
  sql::Database& db_;
};

// Packs fingerprints as hexadecimal text (16 digits each) and back.
std::string pack_prints(const std::vector<int64_t>& prints);
Result<std::vector<int64_t>> unpack_prints(std::string_view text);

}  // namespace codepulse::tracker
