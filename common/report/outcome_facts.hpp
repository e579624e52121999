// What the outcome metrics (commits, pull requests, rework, leverage: issue 6)
// read besides usage: commits the trackers shipped and pull requests the
// GitHub and Bitbucket webhooks described. docs/METRICS.md defines them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/record/commit_record.hpp"

namespace codepulse::report {

// A merge commit, not an author's work (docs/METRICS.md): more than one
// parent, or committed by GitHub's merge button (committer
// noreply@github.com).
bool is_merge_commit(const CommitRecord& c);

// A pull request as the webhooks last described it. Times are ms UTC, 0 when
// the event never happened (or was not seen).
struct PullRequestFact {
  std::string repo;          // "github.com/acme/api", "bitbucket.org/acme/api"
  int64_t number = 0;        // the vendor's PR number (Bitbucket: id)
  std::string author;        // the vendor's account: "github:login", "bitbucket:{uuid}"
  std::string author_email;  // of its commits, when a push or a tracker named it; may be ""
  std::string head_branch, base_branch;
  std::string task_keys;  // comma-separated keys found in the head branch and title (keys only)
  enum class State { kOpen, kMerged, kClosed } state = State::kOpen;
  int64_t opened_ms = 0;
  int64_t ready_ms = 0;         // left draft; = opened_ms when it never was a draft
  int64_t first_review_ms = 0;  // first review (or approval) by someone other than the author
  int64_t merged_ms = 0, closed_ms = 0;
  int64_t first_commit_ms = 0;  // earliest commit pushed to its head branch the webhooks saw
  std::string merge_sha, head_sha;
  std::vector<std::string> commit_shas;  // its commits the webhooks named (pushes, head, merge)
};

// Lines a commit wrote that a later commit deleted or rewrote within the
// rework window (the later commit's CommitRecord::reworked, keyed the other
// way round): rework is charged to the commit that wrote the lines.
struct ReworkFact {
  std::string repo, original_sha, path;
  std::string reworking_sha;
  int64_t reworking_ms = 0;  // the reworking commit's committer time
  int64_t lines = 0;
  int64_t ai_lines = -1;  // of lines, the assistants' (line level); -1 unknown
};

// The commits of a report's range (committer time in [since, until)), each
// with its files and the lines it reworked, and the rework of those commits
// by any later commit, whenever it was shipped.
struct CommitFacts {
  std::vector<CommitRecord> commits;
  // Parallel to `commits` (or empty: none): true for a commit only a
  // webhook's push named, which no tracker sent: no files, AI status unknown.
  std::vector<bool> pushed_only;
  std::vector<bool> pushed_merge;  // the same: its push said it is a merge
  std::vector<ReworkFact> rework_of_commits;
};

}  // namespace codepulse::report
