// Bugs and the commits that introduced them (docs/DELIVERY.md, "Bugs"): the
// AI-attributed bug rate, bugs per 1,000 AI-written lines against bugs per
// 1,000 other lines, from Jira's bugs, their issue links and the fix commits
// that name them, and the line provenance of each commit (docs/PROVENANCE.md).
//
// The rule:
// - A bug is a Jira issue of type Bug (any case), not deleted.
// - The commits that introduced it: those naming (in their message, or
//   through a pull request whose branch or title names it) an issue linked to
//   the bug as its cause ("is caused by" on the bug, "causes" on the other
//   issue); and the commit a fix names: a commit naming the bug that reverts
//   a commit ("This reverts commit <sha>") or carries "Fixes: <sha>".
//   Merge commits introduce nothing (they are not an author's work).
// - Lines: of a commit, the added lines the tracker scored and of them those
//   an assistant wrote (commits.lines_added / ai_lines_added per file); other
//   lines = scored - AI. A commit without scored lines (no line provenance,
//   or sent by no tracker) is in neither count.
// - A bug counts in a range when a commit that introduced it is in it
//   (committer time); its weight of 1 is split between AI and other in
//   proportion to the AI and other lines of those commits; with no scored
//   line among them it is "unknown" and in neither rate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/store.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct BugCommit {
  std::string repo, sha;
  int64_t time_ms = 0;
  int64_t scored_lines = 0, ai_lines = 0;
  std::string via;  // "caused by PROJ-7", "reverted by <sha12>", "Fixes: in <sha12>"
};

struct BugView {
  std::string key, status, priority;
  int64_t created_ms = 0, resolved_ms = 0;
  std::vector<BugCommit> commits;  // its introducing commits in the range, by time
  std::optional<double> ai_share;  // its AI weight; none: unknown (no scored line)
};

struct BugReport {
  int64_t since_ms = 0, until_ms = 0;
  int64_t commits = 0;         // non-merge commits in the range
  int64_t scored_commits = 0;  // of them, those with scored lines
  int64_t ai_lines = 0, other_lines = 0;
  int64_t bugs = 0;  // bugs with an introducing commit in the range
  double bugs_ai = 0, bugs_other = 0;
  int64_t bugs_unknown = 0;
  // Bugs Jira created in the range for which no introducing commit is known
  // anywhere (no cause link to a task with commits, no fix naming a commit).
  int64_t bugs_unlinked = 0;
  std::vector<BugView> bugs_list;  // by first introducing commit, then key

  std::optional<double> ai_per_1000() const;     // bugs_ai per 1,000 AI lines
  std::optional<double> other_per_1000() const;  // bugs_other per 1,000 other lines
};

// From the store's rows (tasks and pushed commits), every tracker commit and
// every pull request, for commits in [since_ms, until_ms).
BugReport build_bug_report(const DeliveryRows& rows, const report::CommitFacts& commits,
                           const std::vector<report::PullRequestFact>& prs, int64_t since_ms,
                           int64_t until_ms);

Result<BugReport> bug_report(Store& store, int64_t since_ms, int64_t until_ms);

std::string bug_report_json(const BugReport& r);
std::string bug_report_table(const BugReport& r);

}  // namespace codepulse::collector
