// Reads commits from `git log` on all local branches: metadata, per-file line
// counts (renames detected), the facts of the message (task keys, an AI
// co-author) — never the message or a line of a file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/result.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

struct LogRange {
  int64_t since_s = 0;                  // committer time bound (unix seconds); 0 = none
  std::vector<std::string> known_tips;  // commits reachable from these are not read
};

// The repository's default branch when it exists locally: the branch
// origin/HEAD names, else main, else master; "" when none.
Result<std::string> default_branch(const GitRunner& git, const std::string& repo_root);

// Commits reachable from a local branch and not from a known tip, newest
// first. `repo` is left empty; paths are repository-relative and plain (the
// caller applies keyed hashing); `branch` is the default branch (origin/HEAD's,
// else main, else master) for a commit on its first-parent chain, else the
// branch git reached it from (git log --source, which may reach history a
// feature branch shares with the default branch from the feature first).
// Names every commit of `commits` on the default branch's first-parent chain
// after it.
Status name_by_default_branch(const GitRunner& git, const std::string& repo_root,
                              const LogRange& range, std::vector<CommitRecord>& commits);

Result<std::vector<CommitRecord>> read_commit_log(const GitRunner& git,
                                                  const std::string& repo_root,
                                                  const LogRange& range);

// The local branches' tips (full object names), sorted and unique.
Result<std::vector<std::string>> read_branch_tips(const GitRunner& git,
                                                  const std::string& repo_root);

}  // namespace codepulse::tracker
