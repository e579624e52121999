// Repository identity for a working directory taken from a Claude Code log:
// walks up from the cwd with the worktree probe (worktree_probe.hpp), reads
// the remote URL from the repository's config (git_config.hpp) and names it
// with remote_url.hpp.
//
// Privacy contract: everything here is derived from git *metadata* files only
// (".git" pointer files, HEAD, commondir, config and the user's global git
// config). No tracked file of a repository is ever opened, and neither git nor
// a shell is ever run.
#pragma once

#include <string>
#include <unordered_map>

namespace codepulse {

struct RepoInfo {
  // Normalized origin URL, e.g. "github.com/acme/api".
  // "local/<worktree folder name>" when the repository has no usable remote,
  // "local/<cwd folder name>" when the cwd is not inside a repository.
  std::string identity;
  // Absolute path of the worktree root (the folder holding ".git"); empty when
  // no repository was found.
  std::string root;
  // True when a ".git" entry marks `root` as a worktree root. This stays true
  // when that ".git" is broken (gitdir pointing nowhere, unreadable config):
  // the project root is still known, only its remote is not.
  bool in_repo = false;
};

// Maps a cwd (absolute path, possibly no longer existing) to its repository.
// Results are cached per cwd and per repository root; not thread-safe, use
// one resolver per scan.
class RepoResolver {
 public:
  // The reference stays valid for the resolver's lifetime.
  const RepoInfo& resolve(const std::string& cwd);
  // Every worktree root found so far -> its identity.
  const std::unordered_map<std::string, std::string>& roots() const { return identity_by_root_; }

 private:
  RepoInfo compute(const std::string& cwd);

  std::unordered_map<std::string, RepoInfo> by_cwd_;
  std::unordered_map<std::string, std::string> identity_by_root_;
};

}  // namespace codepulse
