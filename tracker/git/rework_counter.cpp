#include "tracker/git/rework_counter.hpp"

#include <algorithm>
#include <map>

#include "tracker/git/blame_reader.hpp"
#include "tracker/git/patch_deltas.hpp"

namespace codepulse::tracker {
namespace {

constexpr size_t kRangesPerBlame = 400;  // keeps each command line short

bool removes_text_lines(const CommitRecord& c) {
  return std::any_of(c.files.begin(), c.files.end(),
                     [](const CommitFile& f) { return !f.binary && f.removed > 0; });
}

struct LineRange {
  int64_t start = 0, count = 0;  // 1-based first line in the parent's file, lines
};

// The line ranges the commit removed, per file, keyed by the path in the
// parent (a renamed file's old name).
Result<std::map<std::string, std::vector<LineRange>>> removed_ranges(GitDiffs& diffs,
                                                                     const std::string& parent,
                                                                     const std::string& sha) {
  PatchDeltaReader reader(false);
  if (auto s = diffs.diff(sha, parent,
                          [&](std::string_view line, bool cut) { return reader.feed(line, cut); });
      !s)
    return s.error();
  auto files = reader.finish();
  if (!files) return files.error();
  std::map<std::string, std::vector<LineRange>> out;
  for (const FileDelta& f : *files)
    for (const PatchHunk& h : f.hunks)
      if (h.old_count > 0) out[f.old_path].push_back(LineRange{h.old_start, h.old_count});
  return out;
}

}  // namespace

std::vector<std::string> removed_range_diff_options() {
  std::vector<std::string> options = zero_context_patch_options();
  options.push_back("--full-index");  // the blobs' full names, as the patch reader wants them
  return options;
}

Result<CommitBlame> count_rework(const GitRunner& git, GitDiffs& diffs,
                                 const std::string& repo_root, const CommitRecord& commit,
                                 const ReworkWindows& windows, ReworkClassifier* classify,
                                 const FileTouches* touches) {
  CommitBlame out;
  if (commit.parents.size() != 1 || !removes_text_lines(commit)) return out;
  const std::string& parent = commit.parents.front();
  auto ranges = removed_ranges(diffs, parent, commit.sha);
  if (!ranges) return ranges.error();
  const int64_t cutoff_s = (commit.committer_ms - windows.rework_ms) / 1000;
  // How far back blame reaches: the fix window for a commit naming a task key.
  const bool fix = !commit.task_keys.empty() && windows.fix_ms > windows.rework_ms;
  const int64_t since_s = fix ? (commit.committer_ms - windows.fix_ms) / 1000 : cutoff_s;
  ReworkTally tally(classify);
  for (const auto& [path, list] : *ranges) {
    // Nothing changed the file inside the window: its lost lines are older.
    if (touches && !touches->changed_since(path, since_s, commit.sha)) continue;
    for (size_t first = 0; first < list.size(); first += kRangesPerBlame) {
      // --since bounds blame's walk: older lines land on the boundary commit.
      std::vector<std::string> args = {"blame", "--porcelain", "--root",
                                       "--since=@" + std::to_string(since_s)};
      const size_t last = std::min(list.size(), first + kRangesPerBlame);
      for (size_t i = first; i < last; ++i)
        args.push_back("-L" + std::to_string(list[i].start) + ",+" + std::to_string(list[i].count));
      args.insert(args.end(), {parent, "--", path});
      // Blamed lines before the window are not rework: they are not
      // classified either (their fingerprints would be consumed for nothing).
      std::map<std::pair<std::string, std::string>, std::vector<std::string>> texts;
      BlameReader reader =
          classify
              ? BlameReader([&texts](const std::string& writer, const std::string& written_path,
                                     int64_t, std::string_view text, bool cut) {
                  // A text git cut is not given: it cannot be matched.
                  if (!cut) texts[{writer, written_path}].emplace_back(text);
                })
              : BlameReader();
      if (auto s = git.run(repo_root, args, '\n',
                           [&](std::string_view line, bool cut) -> Status {
                             if (auto r = reader.feed(line, cut); !r)
                               return make_error("`git blame` in " + repo_root + " for " +
                                                 commit.sha + ": " + r.error().message);
                             return {};
                           });
          !s)
        return s.error();
      for (const auto& [sha, blamed] : reader.result()) {
        if (blamed.boundary || blamed.committer_s < since_s) continue;
        const bool before_window = blamed.committer_s < cutoff_s;  // the fix's blame
        for (const auto& [original_path, n] : blamed.lines_by_path) {
          if (before_window)
            tally.add_fix_blame(sha, original_path, n);
          else
            tally.add_rework(sha, original_path, n, texts[{sha, original_path}]);
        }
      }
    }
  }
  return tally.finish();
}

void ReworkTally::add_rework(const std::string& sha, const std::string& path, int64_t n,
                             const std::vector<std::string>& texts) {
  const Key key{sha, path};
  counts_[key] += n;
  if (!classify_) return;
  int64_t& ai = ai_counts_[key];
  for (const std::string& text : texts) {
    const std::optional<bool> is_ai = classify_->is_ai(sha, path, text);
    if (!is_ai)
      ai = -1;
    else if (*is_ai && ai >= 0)
      ++ai;
  }
  // A line git cut was counted but not given: its kind is unknown.
  if (static_cast<int64_t>(texts.size()) != n) ai = -1;
}

void ReworkTally::add_fix_blame(const std::string& sha, const std::string& path, int64_t n) {
  fix_counts_[{sha, path}] += n;
}

CommitBlame ReworkTally::finish() const {
  CommitBlame out;
  for (const auto& [key, n] : counts_) {
    const auto ai = ai_counts_.find(key);
    out.reworked.push_back(
        ReworkedLines{key.first, key.second, n, ai == ai_counts_.end() ? -1 : ai->second});
  }
  for (const auto& [key, n] : fix_counts_)
    out.fix_blame.push_back(ReworkedLines{key.first, key.second, n, -1});
  return out;
}

}  // namespace codepulse::tracker
