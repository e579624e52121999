// Rework of one commit: how many lines that earlier commits wrote within the
// rework window it deleted or rewrote, per (writing commit, path). The
// commit's removed line ranges come from `git diff-tree -p --unified=0 -M`
// against its parent; `git blame --porcelain` on the parent names the commit
// that wrote each of those lines (docs/METRICS.md, "Rework").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/result.hpp"
#include "tracker/git/file_touches.hpp"
#include "tracker/git/git_diffs.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

// Tells a reworked line the original commit's assistants wrote from one they
// did not (line-level rework, docs/PROVENANCE.md): given the writing commit,
// its path and the line's text, true or false, or nullopt when that commit's
// file was not scored.
class ReworkClassifier {
 public:
  virtual ~ReworkClassifier() = default;
  virtual std::optional<bool> is_ai(const std::string& sha, const std::string& path,
                                    std::string_view text) = 0;
};

// The options of the diffs count_rework reads (a GitDiffs made with them
// serves a whole pass).
std::vector<std::string> removed_range_diff_options();

struct ReworkWindows {
  int64_t rework_ms = 0;  // a removed line written less than this before the commit is rework
  // A commit naming a task key (it may fix a bug): its removed lines written
  // before the rework window but less than this before the commit are its
  // fix blame (docs/DELIVERY.md, "Bugs"); 0 or not past rework_ms: none.
  int64_t fix_ms = 0;
};

struct CommitBlame {
  std::vector<ReworkedLines> reworked, fix_blame;
};

// A commit's blamed lines summed per (writing commit, path) into a
// CommitBlame: the one tally both ways of blaming (a `git blame` per file,
// the pass's replay) use.
class ReworkTally {
 public:
  explicit ReworkTally(ReworkClassifier* classify) : classify_(classify) {}
  // n reworked lines `sha` wrote in `path`; `texts`: the ones git gave (a
  // line git cut is missing, which makes the assistants' share unknown).
  void add_rework(const std::string& sha, const std::string& path, int64_t n,
                  const std::vector<std::string>& texts);
  void add_fix_blame(const std::string& sha, const std::string& path, int64_t n);
  CommitBlame finish() const;

 private:
  using Key = std::pair<std::string, std::string>;
  ReworkClassifier* classify_;
  std::map<Key, int64_t> counts_, fix_counts_;
  std::map<Key, int64_t> ai_counts_;  // the assistants' lines, -1 once one is unknown
};

// Which earlier commits wrote the lines `commit` removed: `git blame` of its
// parent, a process per file, except for a file `touches` says no other
// commit changed inside the window. Empty for a merge, a root commit and a
// commit that removed no text line. Paths are plain; the caller applies
// keyed hashing. With a classifier, each reworked entry's ai_lines counts the
// assistants' lines (-1 when any of its lines could not be told); fix-blame
// entries are not classified. `diffs`: a GitDiffs made with
// removed_range_diff_options().
Result<CommitBlame> count_rework(const GitRunner& git, GitDiffs& diffs,
                                 const std::string& repo_root, const CommitRecord& commit,
                                 const ReworkWindows& windows, ReworkClassifier* classify = nullptr,
                                 const FileTouches* touches = nullptr);

}  // namespace codepulse::tracker
