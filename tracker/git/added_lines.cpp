#include "tracker/git/added_lines.hpp"

#include <algorithm>

#include "common/ascii.hpp"
#include "tracker/git/git_path.hpp"

namespace codepulse::tracker {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

}  // namespace

bool scores_commit(const CommitRecord& commit, const AddedLineLimits& limits) {
  if (commit.parents.size() > 1) return false;
  int64_t added = 0;
  for (const CommitFile& f : commit.files)
    if (!f.binary) added += f.added;
  return added > 0 && added <= limits.max_commit_lines;
}

AddedLineReader::AddedLineReader(LineFingerprinter& fp, std::vector<std::string> skipped_paths,
                                 AddedLineDetail* detail)
    : fp_(fp), skipped_(std::move(skipped_paths)), detail_(detail) {
  std::sort(skipped_.begin(), skipped_.end());
}

void AddedLineReader::hunk_starts() {
  if (detail_ != nullptr && file_ != nullptr) detail_->hunk_starts[path_].push_back(file_->size());
}

Status AddedLineReader::feed(std::string_view line, bool cut) {
  if (starts_with(line, "diff --git ")) {
    in_hunk_ = false;
    file_ = nullptr;
    return {};
  }
  if (!in_hunk_) {
    if (starts_with(line, "+++ ")) {
      const std::string path = patch_header_path(line.substr(4));
      if (cut) return make_error("a file name longer than git's record limit");
      file_ = path.empty() || std::binary_search(skipped_.begin(), skipped_.end(), path)
                  ? nullptr
                  : &prints_[path];
      if (detail_ != nullptr) path_ = path;
    } else if (starts_with(line, "@@")) {
      in_hunk_ = true;
      hunk_starts();
    }
    return {};
  }
  if (line.empty()) return {};
  switch (line[0]) {
    case '@':
      hunk_starts();
      return {};
    case '+':
      if (file_ != nullptr && !cut) {
        if (auto p = fp_.fingerprint(line.substr(1))) {
          file_->push_back(*p);
          if (detail_ != nullptr) detail_->texts[path_].emplace_back(trim(line.substr(1), " \t\r"));
        }
      }
      return {};
    case '-':
    case ' ':
    case '\\':  // "\ No newline at end of file"
      return {};
    default:
      // A line outside any hunk: the next file's extended header (index,
      // mode, rename, Binary files ... differ) before its "diff --git".
      in_hunk_ = false;
      return {};
  }
}

std::vector<std::string> added_line_diff_options() {
  // A root commit's lines are added too; a line whose only change is CRLF is not.
  std::vector<std::string> options = zero_context_patch_options();
  options.insert(options.end(), {"--root", "--ignore-cr-at-eol"});
  return options;
}

Result<AddedLinePrints> read_added_lines(GitDiffs& diffs, const CommitRecord& commit,
                                         LineFingerprinter& fp, const AddedLineLimits& limits,
                                         AddedLineDetail* detail) {
  if (!scores_commit(commit, limits)) return AddedLinePrints{};
  std::vector<std::string> skipped;
  for (const CommitFile& f : commit.files)
    if (f.binary || f.added > limits.max_file_lines) skipped.push_back(f.path);
  AddedLineReader reader(fp, std::move(skipped), detail);
  if (auto s = diffs.diff(commit.sha, "",
                          [&](std::string_view line, bool cut) { return reader.feed(line, cut); });
      !s)
    return s.error();
  return reader.take();
}

}  // namespace codepulse::tracker
