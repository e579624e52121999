// Rework of one commit: how many lines that earlier commits wrote within the
// rework window it deleted or rewrote, per (writing commit, path). The
// commit's removed line ranges come from `git diff-tree -p --unified=0 -M`
// against its parent; `git blame --porcelain` on the parent names the commit
// that wrote each of those lines (docs/METRICS.md, "Rework").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Empty for a merge, a root commit and a commit that removed no text line.
// Paths are plain; the caller applies keyed hashing. With a classifier, each
// entry's ai_lines counts the assistants' lines (-1 when any of its lines
// could not be told).
// The options of the diffs count_rework reads (a GitDiffs made with them
// serves a whole pass).
std::vector<std::string> removed_range_diff_options();

// `diffs`: a GitDiffs made with removed_range_diff_options(); blame runs
// through `git`, a process per file, except for a file `touches` says no
// other commit changed inside the window.
Result<std::vector<ReworkedLines>> count_rework(const GitRunner& git, GitDiffs& diffs,
                                                const std::string& repo_root,
                                                const CommitRecord& commit, int64_t window_ms,
                                                ReworkClassifier* classify = nullptr,
                                                const FileTouches* touches = nullptr);

}  // namespace codepulse::tracker
