#include "tracker/git/rework_counter.hpp"

#include <algorithm>
#include <map>

#include "tracker/git/blame_reader.hpp"
#include "tracker/git/patch_ranges.hpp"

namespace codepulse::tracker {
namespace {

constexpr size_t kRangesPerBlame = 400;  // keeps each command line short

bool removes_text_lines(const CommitRecord& c) {
  return std::any_of(c.files.begin(), c.files.end(),
                     [](const CommitFile& f) { return !f.binary && f.removed > 0; });
}

Result<RemovedRanges> removed_ranges(const GitRunner& git, const std::string& root,
                                     const std::string& parent, const std::string& sha) {
  PatchRangeReader reader;
  const std::vector<std::string> args = {"diff-tree",
                                         "-r",
                                         "-p",
                                         "--unified=0",
                                         "-M",
                                         "--no-color",
                                         "--no-ext-diff",
                                         "--no-textconv",
                                         "--src-prefix=a/",
                                         "--dst-prefix=b/",
                                         parent,
                                         sha};
  if (auto s = git.run(root, args, '\n',
                       [&](std::string_view line, bool cut) -> Status {
                         if (auto r = reader.feed(line, cut); !r)
                           return make_error("`git diff-tree` in " + root + " for " + sha + ": " +
                                             r.error().message);
                         return {};
                       });
      !s)
    return s.error();
  return reader.finish();
}

}  // namespace

Result<std::vector<ReworkedLines>> count_rework(const GitRunner& git, const std::string& repo_root,
                                                const CommitRecord& commit, int64_t window_ms) {
  std::vector<ReworkedLines> out;
  if (commit.parents.size() != 1 || !removes_text_lines(commit)) return out;
  const std::string& parent = commit.parents.front();
  auto ranges = removed_ranges(git, repo_root, parent, commit.sha);
  if (!ranges) return ranges.error();
  const int64_t cutoff_s = (commit.committer_ms - window_ms) / 1000;
  std::map<std::pair<std::string, std::string>, int64_t> counts;  // (sha, path) -> lines
  for (const auto& [path, list] : *ranges) {
    for (size_t first = 0; first < list.size(); first += kRangesPerBlame) {
      // --since bounds blame's walk: older lines land on the boundary commit.
      std::vector<std::string> args = {"blame", "--porcelain", "--root",
                                       "--since=@" + std::to_string(cutoff_s)};
      const size_t last = std::min(list.size(), first + kRangesPerBlame);
      for (size_t i = first; i < last; ++i)
        args.push_back("-L" + std::to_string(list[i].start) + ",+" + std::to_string(list[i].count));
      args.insert(args.end(), {parent, "--", path});
      BlameReader reader;
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
        if (blamed.boundary || blamed.committer_s < cutoff_s) continue;
        for (const auto& [original_path, n] : blamed.lines_by_path)
          counts[{sha, original_path}] += n;
      }
    }
  }
  for (auto& [key, n] : counts)
    out.push_back(ReworkedLines{key.first, key.second, n});
  return out;
}

}  // namespace codepulse::tracker
