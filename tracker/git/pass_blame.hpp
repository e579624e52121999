// Rework for a whole pass without a `git blame` per commit and file
// (docs/PROVENANCE.md, "Rework"). Every commit the pass read, anyone's, is
// replayed parents first from its zero-context patch: who wrote each line of
// each file version is kept as runs (line_runs.hpp), keyed by the version's
// blob. A commit's removed lines then name their writers at once. Lines of a
// version from before the pass are blamed by git once per version, and only
// when a commit removes some of them that a commit inside the window may
// have written. A merge's version takes each line from its first parent
// that has it, as blame does; a line no parent has is the merge's.
//
// Where a commit cannot be replayed (its patch unreadable, or not fitting
// the lines kept), it is left out of the result and the caller counts it
// with count_rework; its versions are forgotten, so later commits fall back
// to git's blame of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "tracker/git/file_touches.hpp"
#include "tracker/git/git_diffs.hpp"
#include "tracker/git/git_process.hpp"
#include "tracker/git/rework_counter.hpp"

namespace codepulse::tracker {

// A commit of the pass's log, as the replay needs it.
struct ReplayCommit {
  std::string sha;
  std::vector<std::string> parents;
  int64_t committer_ms = 0;
  bool names_task = false;  // its message names a task key (its blame reaches the fix window)
  bool wanted = false;      // its rework is counted
};

// Indexes into `log` (newest first, as git log gives it), parents before
// their children, oldest first otherwise.
std::vector<size_t> parents_first(const std::vector<ReplayCommit>& log);

// How many commits of `log` name each commit as a parent.
std::unordered_map<std::string, int> children_in(const std::vector<ReplayCommit>& log);

// The options of the patches the replay reads (a GitDiffs made with them).
std::vector<std::string> replay_diff_options();

struct PassBlameResult {
  std::unordered_map<std::string, CommitBlame> blamed;      // per wanted commit replayed
  std::vector<std::pair<std::string, std::string>> failed;  // (commit, why) not replayed
  int64_t blames = 0;                                       // `git blame` processes run
};

// Runs kept for file versions at most (about 24 bytes each); past it the
// oldest versions are forgotten, and git blames them if a later commit
// removes their lines.
inline constexpr size_t kMaxKeptRuns = 400'000;

// `diffs`: a GitDiffs made with replay_diff_options(). `touches` as for
// count_rework. Errors only when the pass cannot go on (a cancelled git).
Result<PassBlameResult> replay_rework(const GitRunner& git, GitDiffs& diffs,
                                      const std::string& repo_root,
                                      const std::vector<ReplayCommit>& log,
                                      const ReworkWindows& windows,
                                      ReworkClassifier* classify = nullptr,
                                      const FileTouches* touches = nullptr,
                                      size_t max_kept_runs = kMaxKeptRuns);

}  // namespace codepulse::tracker
