// Duplication (docs/PROVENANCE.md, "Duplication"): a commit's blocks of 6 or
// more consecutive scored added lines of one kind (all the assistants', or
// all others'), and whether each repeats code found elsewhere in the
// repository's tree at the commit. Lines are fingerprinted and matched in
// windows of 6; `git grep` finds the files worth reading. Only the counts
// leave this file's functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "common/result.hpp"
#include "tracker/git/git_objects.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

inline constexpr size_t kBlockLines = 6;

struct DuplicationLimits {
  size_t max_blocks = 200;          // per commit; later blocks are not counted
  size_t max_files_read = 64;       // candidate files read per commit
  size_t candidates_per_block = 8;  // the files holding most of a block's lines
  size_t max_patterns = 32;         // a block's lines given to git grep
  // Matches read from the one git grep of a commit's blocks; past it, each
  // block asks git grep for its candidates on its own.
  size_t max_grep_hits = 200'000;
  // From this many commits in a pass, windows are counted in each commit's
  // tree from the pass's own diffs (tree_windows.hpp), the first tree read
  // whole once, instead of a `git grep` per commit.
  size_t tree_windows_from = 64;
  bool operator==(const DuplicationLimits&) const = default;
};

// One scored file of a commit: its scored added lines in order (fingerprint,
// the assistants' or not, trimmed text) and where each hunk starts.
struct AddedFileLines {
  std::vector<int64_t> prints;
  std::vector<bool> ai;
  std::vector<std::string> texts;
  std::vector<size_t> hunk_starts;
};

struct AddedBlock {
  size_t first = 0, count = 0;  // into the file's lines
  bool ai = false;
  bool operator==(const AddedBlock&) const = default;
};

// Maximal runs of at least kBlockLines lines of one kind inside one hunk.
std::vector<AddedBlock> find_blocks(const std::vector<bool>& ai,
                                    const std::vector<size_t>& hunk_starts);

struct BlockCounts {
  int64_t ai_blocks = 0, ai_repeated = 0, other_blocks = 0, other_repeated = 0;
  bool operator==(const BlockCounts&) const = default;
};

// The windows of 6 consecutive fingerprints of `prints`, each hashed to one
// number, with how often each occurs.
std::unordered_map<uint64_t, int64_t> window_counts(const std::vector<int64_t>& prints);

// The windows of every block count_duplicate_blocks would judge in `files`
// (at most limits.max_blocks), added to `out`; false when `files` holds no
// block.
bool add_block_windows(const std::map<std::string, AddedFileLines>& files,
                       const DuplicationLimits& limits, std::unordered_set<uint64_t>& out);

// Per file path, its blocks and those repeating code, given how often each
// of their windows occurs in the commit's whole tree (tree_windows.hpp):
// the same rule as count_duplicate_blocks, with no reading budget.
std::map<std::string, BlockCounts> count_blocks_in_tree(
    const std::map<std::string, AddedFileLines>& files, const DuplicationLimits& limits,
    const std::unordered_map<uint64_t, int64_t>& tree_windows);

// Per file path, its blocks and those repeating code: a block repeats when
// one of its windows occurs in the commit's tree more often than the block
// itself holds it (elsewhere in its file, or in another file).
Result<std::map<std::string, BlockCounts>> count_duplicate_blocks(
    const GitRunner& git, GitObjects& objects, const std::string& root, const std::string& sha,
    const std::map<std::string, AddedFileLines>& files, LineFingerprinter& fp,
    const DuplicationLimits& limits = {});

}  // namespace codepulse::tracker
