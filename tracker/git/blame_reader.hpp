// Lines of a parent commit counted by the commit that wrote them, from
// `git blame --porcelain` fed line by line. The text of each line, the
// summary (the message's first line) and the author names git prints are
// read past and dropped; only counts per (commit, path) are kept.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.hpp"

namespace codepulse::tracker {

struct BlamedLines {
  int64_t committer_s = 0;                       // the writing commit's committer time
  bool boundary = false;                         // blamed on the range boundary: written before it
  std::map<std::string, int64_t> lines_by_path;  // as that commit named the file
};

// Called with each blamed line (writing commit, its path for the file, its
// line number in the blamed version, its text; the text is empty when git
// cut it) before the text is dropped: line-level rework fingerprints it,
// the pass's replay (pass_blame.hpp) places it.
using BlamedLineFn = std::function<void(const std::string& sha, const std::string& path,
                                        int64_t final_line, std::string_view text, bool cut)>;

class BlameReader {
 public:
  BlameReader() = default;
  explicit BlameReader(BlamedLineFn on_line) : on_line_(std::move(on_line)) {}
  Status feed(std::string_view line, bool cut);
  // Per writing commit (full object name).
  std::map<std::string, BlamedLines>& result() { return commits_; }

 private:
  std::map<std::string, BlamedLines> commits_;
  std::string current_;                         // commit of the line being described
  std::string filename_;                        // its file name in that commit
  int64_t final_line_ = 0;                      // the line's number in the blamed version
  std::map<std::string, std::string> path_of_;  // last file name given per commit
  bool expect_header_ = true;
  BlamedLineFn on_line_;
};

}  // namespace codepulse::tracker
