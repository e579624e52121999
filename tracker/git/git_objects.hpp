// Objects of one repository read through long-lived `git cat-file --batch`
// and `--batch-check` children instead of a git process per blob: starting
// git costs 15-30 ms on a laptop, and a git pass reads thousands of blobs
// (the duplication count's candidate files, survival's files at each mark).
// Each child starts on first need and is stopped when its owner goes; one
// that fails, times out or is cancelled is stopped and the next request
// starts another. A name git's batch protocol cannot carry (a newline in a
// path) is read with a git process of its own.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "tracker/git/git_child.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

struct GitObjectInfo {
  std::string name;  // the object name (hex)
  std::string type;  // blob, tree, commit or tag
  int64_t size = 0;
};

class GitObjects {
 public:
  GitObjects(const GitRunner& git, std::string repo_root);
  GitObjects(const GitObjects&) = delete;
  GitObjects& operator=(const GitObjects&) = delete;

  // What `spec` ("<rev>:<path>" or an object name) names, or nullopt when it
  // names nothing.
  Result<std::optional<GitObjectInfo>> info(const std::string& spec);
  // The lines of the blob `spec` names, split at '\n' and cut past the
  // runner's record limit like GitRunner::run's records; false when `spec`
  // names nothing, an error when it names no blob.
  Result<bool> read_blob(const std::string& spec, const GitRecordFn& on_line);

  // How many git processes were started (children and single reads).
  int64_t processes() const { return batch_.processes() + check_.processes() + single_; }

 private:
  Result<std::optional<GitObjectInfo>> ask(GitChild& child, const std::string& spec);

  const GitRunner& git_;
  std::string root_;
  GitChild batch_, check_;
  int64_t single_ = 0;  // git processes of their own
};

}  // namespace codepulse::tracker
