// A commit's zero-context patch (`git diff-tree -p --unified=0 -M
// --full-index`) read file by file: the blobs before and after, the paths,
// the hunks and, when asked, the text of each removed line. What the pass's
// replay of blame (pass_blame.hpp) needs from each commit.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "tracker/git/line_runs.hpp"

namespace codepulse::tracker {

struct FileDelta {
  std::string old_path, new_path;  // "" for a file created / deleted
  std::string old_blob, new_blob;  // full object names; "" when absent or unchanged
  bool binary = false;
  std::vector<PatchHunk> hunks;
  // With texts asked for: each removed line's text in file order, nullopt
  // for a line git cut.
  std::vector<std::optional<std::string>> removed_texts;
};

class PatchDeltaReader {
 public:
  explicit PatchDeltaReader(bool keep_removed_texts) : keep_texts_(keep_removed_texts) {}
  // One line of the patch without its newline; `cut` when git's record
  // limit cut it (only a removed or added line's text may be).
  Status feed(std::string_view line, bool cut);
  Result<std::vector<FileDelta>> finish();

 private:
  std::vector<FileDelta> files_;
  bool keep_texts_;
  int64_t old_left_ = 0, new_left_ = 0;
};

}  // namespace codepulse::tracker
