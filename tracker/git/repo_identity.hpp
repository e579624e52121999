// Repository identity for a working directory taken from a Claude Code log.
//
// Privacy contract: everything here is derived from git *metadata* files only
// (".git" pointer files, HEAD, commondir, config and the user's global git
// config). No tracked file of a repository is ever opened, and neither git nor
// a shell is ever run.
#pragma once

#include <optional>
#include <string>
#include <string_view>
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

// Normalizes a remote URL to "host/path": no scheme, user, password, port,
// query, fragment, trailing ".git" or "/". The host is lowercased, the path
// keeps its case. Understood forms:
//   scheme://[user[:password]@]host[:port]/path    (https, ssh, git, ...)
//   [user@]host:path                                (scp-like ssh)
//   file:///abs/path and /abs/path                  -> "file/abs/path"
//   Azure DevOps: https://dev.azure.com/org/proj/_git/repo,
//     https://org.visualstudio.com/[DefaultCollection/]proj/_git/repo,
//     git@ssh.dev.azure.com:v3/org/proj/repo and
//     org@vs-ssh.visualstudio.com:v3/org/proj/repo  -> "dev.azure.com/org/proj/repo"
// Scrubbing rule: anything else (relative paths, remote-helper syntax such as
// "codecommit::...", control characters, an '@' left in the path, a bad port or
// host) is not guessed at: the result is the EMPTY string and the caller must
// fall back to a local identity. The raw URL, which may carry credentials, is
// never returned.
std::string normalize_remote_url(std::string_view url);

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

// user.email from the user's global git config: <xdg_config_home>/git/config
// (or <home>/.config/git/config when xdg_config_home is empty), then
// <home>/.gitconfig; the later value wins, as with git. "[include] path = ..."
// is followed (relative to the including file, "~/" expanded to home) up to 10
// levels deep; "[includeIf ...]" is not evaluated since there is no repository
// context here. Non-absolute home / xdg_config_home are ignored. nullopt when
// unset or empty.
std::optional<std::string> read_git_user_email(const std::string& home,
                                               const std::string& xdg_config_home);

// Branch checked out in the worktree rooted at repo_root (a RepoInfo::root):
// "ref: refs/heads/x" -> "x". Detached HEAD, a non-branch ref, a reftable
// stub or any read error -> nullopt.
std::optional<std::string> read_head_branch(const std::string& repo_root);

}  // namespace codepulse
