// The worktree probe: finding a worktree's git dir from its ".git" folder or
// "gitdir:" pointer file, the shared dir from "commondir", and HEAD's branch.
#include "tracker/git/worktree_probe.hpp"

#include <sys/stat.h>

#include <cstddef>
#include <string_view>
#include <utility>

#include "common/ascii.hpp"
#include "common/result.hpp"
#include "tracker/git/metadata_files_internal.hpp"

namespace codepulse {

using namespace git_internal;

namespace {

// Longer paths cannot be resolved by the kernel (PATH_MAX) once "/.git/HEAD"
// is appended; the walk skips them without a system call.
constexpr size_t kMaxProbePathBytes = 4000;

// Reads a "gitdir: <path>" pointer file; relative paths are relative to the
// folder holding the file.
std::optional<std::string> read_gitdir_pointer(const std::string& dot_git,
                                               const std::string& worktree) {
  Result<std::string> text = read_small_file(dot_git, kMaxPointerFileBytes);
  if (!text) return std::nullopt;
  constexpr std::string_view kPrefix = "gitdir:";
  const std::string_view content = trim(*text, kSpace);
  if (!content.starts_with(kPrefix)) return std::nullopt;
  const std::string_view target = trim(content.substr(kPrefix.size()), kSpace);
  if (target.empty() || has_control(target)) return std::nullopt;
  return is_absolute(target) ? std::string(target) : join_path(worktree, target);
}

// Stat-only check that a folder is a git dir, before anything in it is read:
// HEAD plus either an object store (main repository, submodule) or a
// "commondir" file (linked worktree). A pointer file naming an ordinary
// project folder that happens to hold "HEAD" and "config" is thus refused.
bool looks_like_git_dir(const std::string& dir) {
  return is_regular_file(join_path(dir, "HEAD")) &&
         (is_directory(join_path(dir, "objects")) || is_regular_file(join_path(dir, "commondir")));
}

// Linked worktrees name the shared git dir in "commondir" (usually "../..").
std::string common_dir_of(const std::string& git_dir) {
  Result<std::string> text = read_small_file(join_path(git_dir, "commondir"), kMaxPointerFileBytes);
  if (!text) return git_dir;
  const std::string_view target = trim(*text, kSpace);
  if (target.empty() || has_control(target)) return git_dir;
  return is_absolute(target) ? std::string(target) : join_path(git_dir, target);
}

}  // namespace

std::optional<GitLocation> probe_worktree_root(const std::string& dir) {
  if (dir.size() > kMaxProbePathBytes) return std::nullopt;
  const std::string dot_git = join_path(dir, ".git");
  struct stat st {};
  if (::stat(dot_git.c_str(), &st) != 0) return std::nullopt;
  if (S_ISDIR(st.st_mode)) {
    // Like git, a ".git" folder that is not a git dir does not count: keep looking.
    if (!looks_like_git_dir(dot_git)) return std::nullopt;
    return GitLocation{true, dot_git, common_dir_of(dot_git)};
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  // A pointer file: linked worktree or submodule. Like git, a broken one stops
  // the search here instead of silently attributing the cwd to an outer repo.
  std::optional<std::string> git_dir = read_gitdir_pointer(dot_git, dir);
  if (!git_dir || !looks_like_git_dir(*git_dir)) return GitLocation{};
  std::string common = common_dir_of(*git_dir);
  return GitLocation{true, std::move(*git_dir), std::move(common)};
}

std::optional<std::string> read_head_branch(const std::string& repo_root) {
  const std::optional<std::string> root = normalize_absolute(repo_root);
  if (!root) return std::nullopt;
  const std::optional<GitLocation> location = probe_worktree_root(*root);
  if (!location || !location->valid) return std::nullopt;
  Result<std::string> head =
      read_small_file(join_path(location->git_dir, "HEAD"), kMaxPointerFileBytes);
  if (!head) return std::nullopt;
  constexpr std::string_view kRef = "ref:";
  constexpr std::string_view kHeads = "refs/heads/";
  std::string_view text = trim(*head, kSpace);
  if (!text.starts_with(kRef)) return std::nullopt;  // detached: an object id
  text = trim(text.substr(kRef.size()), kSpace);
  if (!text.starts_with(kHeads)) return std::nullopt;
  const std::string_view branch = text.substr(kHeads.size());
  // With the reftable backend HEAD is a stub naming "refs/heads/.invalid".
  if (branch.empty() || branch == ".invalid" || has_control(branch)) return std::nullopt;
  return std::string(branch);
}

}  // namespace codepulse
