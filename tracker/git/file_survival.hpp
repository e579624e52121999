// Survival of a commit's lines (docs/PROVENANCE.md, "Survival"): the default
// branch as it stood at a mark (the last commit of its first-parent chain
// made by then), the file at that commit (following a rename git detects
// since the commit), and how many of the commit's fingerprinted lines the
// file still holds, matched by content. Each line of the file is
// fingerprinted as it streams past and dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "common/result.hpp"
#include "tracker/git/git_objects.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

// A branch's first-parent chain, newest first: (object name, committer time s).
using FirstParentChain = std::vector<std::pair<std::string, int64_t>>;

// `ref`'s first-parent chain back to since_s (git's --since: older commits
// may end it early, never start it late).
Result<FirstParentChain> read_first_parent_chain(const GitRunner& git, const std::string& root,
                                                 const std::string& ref, int64_t since_s);

// The branch's commit at at_s: the newest of the chain made at or before it;
// "" when the branch did not exist yet (or the chain does not reach back).
std::string commit_at(const FirstParentChain& chain, int64_t at_s);

// The blob `path` names in `rev`; when `path` is not there, the file git's
// rename detection finds it became between `since` and `rev`. nullopt when
// the file is gone (deleted, or not a regular file any more).
Result<std::optional<std::string>> blob_at(const GitRunner& git, GitObjects& objects,
                                           const std::string& root, const std::string& since,
                                           const std::string& rev, const std::string& path);

// How many times each fingerprint occurs among the blob's lines (trivial
// lines and lines git's output cut are not counted), into `counts` (cleared
// first).
using PrintCounts = std::unordered_map<int64_t, int64_t>;
Status blob_prints(GitObjects& objects, const std::string& blob, LineFingerprinter& fp,
                   PrintCounts& counts);

// The commit's lines still in the file: each of the assistants' lines claims
// one copy of its fingerprint first, then each of the others' claims one of
// what is left.
struct AliveLines {
  int64_t lines = 0, ai = 0;  // ai is a part of lines
  bool operator==(const AliveLines&) const = default;
};
AliveLines count_alive(const std::vector<int64_t>& ai_prints,
                       const std::vector<int64_t>& other_prints, const PrintCounts& file);

}  // namespace codepulse::tracker
