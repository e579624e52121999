// The worktree probe: whether a folder is a worktree root (holds ".git"),
// where its git dir and shared git dir are (following "gitdir:" pointer files
// and "commondir"), and the branch its HEAD names. Stat and metadata reads only.
#pragma once

#include <optional>
#include <string>

namespace codepulse {

struct GitLocation {
  bool valid = false;      // false: ".git" exists but leads nowhere usable
  std::string git_dir;     // per-worktree dir: HEAD lives here
  std::string common_dir;  // shared dir: config lives here
};

// Looks at <dir>/.git (dir absolute and lexically normal). nullopt means "not
// a worktree root, keep walking up"; an invalid GitLocation means a ".git"
// that marks the root but leads nowhere usable (like git, the search stops
// there). stat() failures of any kind (missing, ELOOP from a symlink loop,
// ENAMETOOLONG, EACCES) count as "no .git here".
std::optional<GitLocation> probe_worktree_root(const std::string& dir);

// Branch checked out in the worktree rooted at repo_root (a RepoInfo::root):
// "ref: refs/heads/x" -> "x". Detached HEAD, a non-branch ref, a reftable
// stub or any read error -> nullopt.
std::optional<std::string> read_head_branch(const std::string& repo_root);

}  // namespace codepulse
