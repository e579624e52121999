// Attribution (docs/ATTRIBUTION.md): which task, epic, file, commit and pull
// request usage goes to, and how a group's sums are split over them into
// integer shares that add up exactly to the group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/record/usage_record.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/report/report.hpp"
#include "common/report/session_links.hpp"

namespace codepulse::report {

class Dictionary;  // usage_cube.hpp

// The keys of usage without a value.
inline constexpr const char* kUnknownAuthor = "(unknown)";
inline constexpr const char* kNoBranch = "(no branch)";
inline constexpr const char* kNoTask = "(no task)";
inline constexpr const char* kNoEpic = "(no epic)";
inline constexpr const char* kNoFile = "(no file)";
inline constexpr const char* kNoCommit = "(no commit)";
inline constexpr const char* kNoPr = "(no pr)";

// The tasks of comma-separated task keys: each key once, in order; none:
// kNoTask.
std::vector<std::string> attributed_tasks(std::string_view task_keys);
// The epic of a task (kNoEpic when `epics` has none).
std::string_view epic_of(const EpicMap& epics, const std::string& task);

// 128-bit products: a cost in nano-dollars times a line count can exceed 64 bits.
__extension__ typedef __int128 Wide;
inline constexpr int64_t kMaxWeight = 1'000'000'000;  // lines per file: products stay in 128 bits

// `total` divided by `weights` into integer shares that add up to `total`
// exactly: each gets floor(total * w / W), and the units left over go to the
// largest remainders (earlier entries first on ties). No weights (or none
// positive): evenly, the first entries getting the units left over.
// `scratch` is working memory.
void apportion(int64_t total, const int64_t* weights, size_t n, int64_t* out,
               std::vector<std::pair<Wide, size_t>>& scratch);

// What a turn's tool calls did to one file.
struct TurnFile {
  uint32_t file = 0;
  int32_t changes = 0, reads = 0, unknown = 0;  // tool calls; unknown: no line counts seen
  int64_t lines = 0;                            // lines added + removed by the changes
};

// What one tool call adds to its file's TurnFile counts (zeros: a call
// without a path or an action, which counts for no file).
struct FileEffect {
  int32_t changes = 0, reads = 0, unknown = 0;
  int64_t lines = 0;  // each call's added and removed lines clamped to a billion
  bool counts() const { return changes > 0 || reads > 0; }
};
FileEffect file_effect(const ToolUse& tool);

// The files a turn's usage goes to, appended to `ids` and `weights` in path
// order (`paths` names the file ids): what it changed, weighted by lines
// changed (evenly when a change's line counts are unknown); else what it
// read, evenly; else `no_file`. Returns how many were appended.
size_t attributed_files(const std::vector<TurnFile>& files, uint32_t no_file,
                        const Dictionary& paths, std::vector<uint32_t>& ids,
                        std::vector<int64_t>& weights);

// The sums a group is split by: input, output, cache_create, cache_read,
// cost (organisation rates), list cost and effective cost (seats spread).
inline constexpr int kShareSums = 7;

// One share of a group: its task, file and commit ids, and its part of each
// of the group's sums.
struct Share {
  uint32_t task = 0, file = 0, commit = 0;
  int64_t m[kShareSums] = {};
};

// The working memory of the splits, reused from group to group.
struct SplitScratch {
  std::vector<int64_t> by_task, by_file, by_commit;
  std::vector<Share> before_commits;
  std::vector<std::pair<Wide, size_t>> remainders;
};

// `totals` over tasks evenly first (so a task's total is the same whether or
// not the report asks for files), then each task's share over the files by
// weight, into `shares`: share i = task * file_count + file. Null `tasks` or
// `files`: one share with id 0 (not split by it); null `weights`: evenly.
void split_shares(const int64_t (&totals)[kShareSums], const uint32_t* tasks, size_t task_count,
                  const uint32_t* files, const int64_t* weights, size_t file_count,
                  SplitScratch& scratch, std::vector<Share>& shares);
// Each share over `commits` (at least one), evenly: share i * n + c.
void split_over_commits(const std::vector<uint32_t>& commits, SplitScratch& scratch,
                        std::vector<Share>& shares);

// The key of a pull request in the pr dimension: "github.com/acme/api#42".
std::string pr_key(const PullRequestFact& pr);
// The key of a commit in the commit dimension: its first 12 hex digits.
std::string commit_key(const std::string& sha);

// Commits to their pull request (full SHA -> index into `prs`): the commits
// a webhook named, then, for a pull request no push named commits of, the
// commits of its head branch until it was merged or closed (the earliest
// such PR when a branch name was reused).
std::unordered_map<std::string, size_t> commit_prs(const std::vector<CommitRecord>& commits,
                                                   const std::vector<PullRequestFact>& prs);

// Spend by commit and pull request (the commit and pr dimensions): each
// session's records are split evenly over the commits it is linked to (its
// key in session_commits; a session not there: kNoCommit), so spend is
// never counted twice; a commit's pull request comes from commit_pr (kNoPr
// when absent).
struct CommitAttribution {
  std::unordered_map<std::string, std::vector<std::string>> session_commits;
  std::unordered_map<std::string, std::string> commit_pr;
};
// Each session to the commits `links` link it to, each commit of `pr_of`
// (commit_prs) to its pull request.
CommitAttribution attribute_commits(const std::vector<SessionActivity>& sessions,
                                    const std::vector<CommitRecord>& commits,
                                    const std::vector<SessionCommitLink>& links,
                                    const std::vector<PullRequestFact>& prs,
                                    const std::unordered_map<std::string, size_t>& pr_of);

}  // namespace codepulse::report
