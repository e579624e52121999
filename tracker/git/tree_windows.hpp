// Duplication for a pass of many commits without a `git grep` per commit
// (docs/PROVENANCE.md, "Duplication"): the windows of 6 fingerprinted lines
// that the pass's blocks hold are counted in each commit's tree, carried
// from parent to child by the blobs each commit's raw diff replaced. A
// block repeats code when one of its windows occurs in its commit's tree
// more often than the block itself holds it. Each blob is read and
// fingerprinted once; a tree the walk did not reach from a parent (the
// pass's first commits) is read whole, once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "common/result.hpp"
#include "tracker/git/git_objects.hpp"
#include "tracker/git/git_process.hpp"
#include "tracker/git/pass_blame.hpp"

namespace codepulse::tracker {

// How often each wanted window occurs in one commit's tree (absent: 0).
using WindowCounts = std::unordered_map<uint64_t, int64_t>;

// Called for each commit of the log, parents first, with its tree's counts.
using TreeCountsFn = std::function<void(size_t log_index, const WindowCounts& counts)>;

class TreeWindows {
 public:
  // `wanted`: the windows worth counting (those of the pass's blocks).
  TreeWindows(const GitRunner& git, GitObjects& objects, std::string repo_root,
              LineFingerprinter& fp, std::unordered_set<uint64_t> wanted);

  // Walks `log` (newest first, as read); an error stops the walk, naming
  // the commit (commits before it were given).
  Status walk(const std::vector<ReplayCommit>& log, const TreeCountsFn& at_commit);

  int64_t blobs_read() const { return static_cast<int64_t>(blobs_.size()); }

 private:
  using Windows = std::vector<std::pair<uint64_t, int64_t>>;
  Result<const Windows*> windows_of(const std::string& blob);
  Status add(WindowCounts& counts, const std::string& blob, int64_t sign);
  Status whole_tree(const std::string& commit, WindowCounts& counts);

  const GitRunner& git_;
  GitObjects& objects_;
  std::string root_;
  LineFingerprinter& fp_;
  std::unordered_set<uint64_t> wanted_;
  std::unordered_map<std::string, Windows> blobs_;  // blob -> its wanted windows
};

}  // namespace codepulse::tracker
