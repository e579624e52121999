// Rework of one commit: how many lines that earlier commits wrote within the
// rework window it deleted or rewrote, per (writing commit, path). The
// commit's removed line ranges come from `git diff-tree -p --unified=0 -M`
// against its parent; `git blame --porcelain` on the parent names the commit
// that wrote each of those lines (docs/METRICS.md, "Rework").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/result.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

// Empty for a merge, a root commit and a commit that removed no text line.
// Paths are plain; the caller applies keyed hashing.
Result<std::vector<ReworkedLines>> count_rework(const GitRunner& git, const std::string& repo_root,
                                                const CommitRecord& commit, int64_t window_ms);

}  // namespace codepulse::tracker
