#include "tracker/git/repo_identity.hpp"

#include <optional>
#include <utility>

#include "tracker/git/git_config.hpp"
#include "tracker/git/metadata_files_internal.hpp"
#include "tracker/git/remote_url.hpp"
#include "tracker/git/worktree_probe.hpp"

namespace codepulse {

using namespace git_internal;

namespace {

// The normalized remote URL of the repository at `location`, else
// "local/<root folder name>".
std::string identity_of(const GitLocation& location, const std::string& root) {
  const std::string fallback = local_identity(last_component(root));
  if (!location.valid) return fallback;
  const std::optional<std::string> url =
      pick_remote_url(read_git_config_file(join_path(location.common_dir, "config")));
  if (!url) return fallback;
  std::string normalized = normalize_remote_url(*url);
  return normalized.empty() ? fallback : normalized;
}

}  // namespace

const RepoInfo& RepoResolver::resolve(const std::string& cwd) {
  if (const auto it = by_cwd_.find(cwd); it != by_cwd_.end()) return it->second;
  // unordered_map never moves its nodes, so the reference outlives rehashes.
  return by_cwd_.emplace(cwd, compute(cwd)).first->second;
}

RepoInfo RepoResolver::compute(const std::string& cwd) {
  const std::optional<std::string> normal = normalize_absolute(cwd);
  if (!normal) {
    // Relative or NUL-carrying: resolving it would depend on our own working
    // directory, so do not touch the file system at all.
    return RepoInfo{local_identity(last_component(cwd.substr(0, cwd.find('\0')))), "", false};
  }
  // Walk up through the existing ancestors; folders that no longer exist
  // simply have no ".git". The string is shortened in place: linear overall.
  std::string dir = *normal;
  for (;;) {
    if (const auto it = identity_by_root_.find(dir); it != identity_by_root_.end()) {
      return RepoInfo{it->second, dir, true};
    }
    if (const std::optional<GitLocation> location = probe_worktree_root(dir)) {
      std::string identity = identity_of(*location, dir);
      identity_by_root_.emplace(dir, identity);
      return RepoInfo{std::move(identity), dir, true};
    }
    if (dir == "/") break;
    const size_t slash = dir.rfind('/');
    dir.resize(slash == 0 ? 1 : slash);
  }
  return RepoInfo{local_identity(last_component(*normal)), "", false};
}

}  // namespace codepulse
