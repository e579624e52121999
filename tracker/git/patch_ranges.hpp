// The line ranges a commit removed, per file, from a `git diff-tree -p
// --unified=0` patch fed line by line. Only hunk headers and file headers are
// looked at; the removed and added lines themselves are counted off and
// dropped as they stream past.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::tracker {

struct LineRange {
  int64_t start = 0, count = 0;  // 1-based first line in the parent's file, lines
};

// Keyed by the path in the parent (a renamed file's old name).
using RemovedRanges = std::map<std::string, std::vector<LineRange>>;

class PatchRangeReader {
 public:
  // One line of the patch without its newline; `cut` when it was too long
  // (only removed or added lines can be: their text is never needed).
  Status feed(std::string_view line, bool cut);
  Result<RemovedRanges> finish();

 private:
  RemovedRanges ranges_;
  std::string old_path_;  // "" for a file the commit created
  int64_t old_left_ = 0, new_left_ = 0;
};

// Git's C-style quoted path ("\"a\\tb\"") unquoted; plain text as is.
std::string unquote_git_path(std::string_view text);

}  // namespace codepulse::tracker
