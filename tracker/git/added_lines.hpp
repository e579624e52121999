// Line provenance (docs/PROVENANCE.md): the keyed fingerprints of the lines
// one commit added, per file, from `git diff-tree -p --unified=0 -M
// --ignore-cr-at-eol` against its parent (the empty tree for a root commit).
// Each added line is fingerprinted as it streams past and dropped; only the
// fingerprints are returned, to be matched and counted by the caller.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "common/record/commit_record.hpp"
#include "common/result.hpp"
#include "tracker/git/git_diffs.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

// The bounds that keep matching from stalling on huge or generated changes.
struct AddedLineLimits {
  int64_t max_commit_lines = 100'000;  // a commit adding more (git's count) is not scored
  int64_t max_file_lines = 20'000;     // a file adding more is not scored
  bool operator==(const AddedLineLimits&) const = default;
};

// The fingerprints of a file's scored added lines (non-trivial, not too
// long), in order. A file absent from the map had none, or was not scored.
using AddedLinePrints = std::map<std::string, std::vector<int64_t>>;

// What duplication (docs/PROVENANCE.md, "Duplication") needs besides the
// fingerprints, per file: each scored line's text, trimmed (kept on the
// laptop only while one commit is scored), and where each hunk starts (an
// index into the file's fingerprints).
struct AddedLineDetail {
  std::map<std::string, std::vector<std::string>> texts;
  std::map<std::string, std::vector<size_t>> hunk_starts;
};

// Whether `commit` is scored at all: one parent or none (a merge's lines are
// its parents' commits'), and at most max_commit_lines added text lines.
bool scores_commit(const CommitRecord& commit, const AddedLineLimits& limits);

// The options of the diffs read_added_lines reads (a GitDiffs made with
// them serves a whole pass).
std::vector<std::string> added_line_diff_options();

// Streams one commit's patch. Binary files carry no lines; a file over
// max_file_lines (by git's count in `commit.files`) is skipped, as is a line
// git's output cut. Paths are the commit's (a renamed file's new name).
Result<AddedLinePrints> read_added_lines(GitDiffs& diffs, const CommitRecord& commit,
                                         LineFingerprinter& fp, const AddedLineLimits& limits,
                                         AddedLineDetail* detail = nullptr);

// The patch reader on its own (fed `git diff-tree -p` output line by line).
class AddedLineReader {
 public:
  AddedLineReader(LineFingerprinter& fp, std::vector<std::string> skipped_paths,
                  AddedLineDetail* detail = nullptr);
  Status feed(std::string_view line, bool cut);
  AddedLinePrints take() { return std::move(prints_); }

 private:
  LineFingerprinter& fp_;
  std::vector<std::string> skipped_;  // sorted
  AddedLinePrints prints_;
  std::vector<int64_t>* file_ = nullptr;  // the current file's, null when not scored
  bool in_hunk_ = false;
  AddedLineDetail* detail_ = nullptr;
  std::string path_;  // the current file's, when detail_
  void hunk_starts();
};

}  // namespace codepulse::tracker
