// One pass of git metadata reading over every repository sessions ran in:
// new commits on all local branches (the last git_history_days on the first
// pass, then only commits not read before), each with its rework, queued in
// the local store once per (repository, sha) when it is the tracker's
// author's; teammates' commits are counted, not queued. `codepulse-tracker scan` runs it
// once; the daemon every git_scan_interval, on its own thread and connection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"
#include "tracker/git/added_lines.hpp"
#include "tracker/git/duplicate_blocks.hpp"
#include "tracker/git/git_process.hpp"
#include "tracker/queue/line_survival.hpp"

namespace codepulse::tracker {

struct GitScanOptions {
  bool enabled = true;
  int64_t history_days = 90;
  int64_t rework_window_days = 21;
  // A commit naming a task key: the commits that wrote the lines it removed,
  // older than the rework window, blamed back this far (0: not at all).
  int64_t fix_blame_days = 90;
  std::vector<std::string> include, exclude;  // repo_filter.hpp
  int64_t interval_ms = 300'000;              // the daemon's pause between passes
  std::optional<std::string> hash_key;        // paths and branches as keyed hashes
  // Whose commits are queued (tracker/git/commit_identity.hpp): those whose
  // author or committer is one of `identities` (the configured author, the
  // author the collector named at enrolment) or, when `repo_user_email`, the
  // user.email of the repository (else `global_user_email`). Others' commits
  // are counted, never queued; with no identity at all a repository is not
  // read (a problem) until one is known.
  std::vector<std::string> identities;
  bool repo_user_email = false;
  std::string global_user_email;
  GitLimits limits;
  // Line provenance (docs/PROVENANCE.md): the laptop's line key (empty = off),
  // how long written lines are kept to match commits, the store's cap and
  // the bounds on what one commit's matching reads.
  std::string line_key;
  int64_t line_days = 90;
  int64_t max_line_prints = 2'000'000;
  // Survival: file marks measured per pass at most (the rest the next pass).
  int64_t max_survival_files = 2'000;
  AddedLineLimits line_limits;
  DuplicationLimits duplication_limits;
  bool operator==(const GitScanOptions&) const = default;
};

struct GitScanStats {
  int64_t repos = 0;                  // read
  int64_t repos_excluded = 0;         // by git_include / git_exclude
  int64_t repos_failed = 0;           // gone, not a repository any more, or git failed
  int64_t commits_new = 0;            // queued by this pass
  int64_t commits_known = 0;          // read again, already queued before
  int64_t commits_by_others = 0;      // read, neither author nor committer is the tracker's
  int64_t commits_scored = 0;         // of commits_new: their added lines matched
  int64_t line_prints_expired = 0;    // written lines past line_days (or the cap) dropped
  int64_t survival_measured = 0;      // file marks measured (docs/PROVENANCE.md, "Survival")
  int64_t survival_pending = 0;       // file marks due and left for the next pass
  std::vector<std::string> problems;  // one line each, naming the repository
};

class GitScan {
 public:
  // `db`: a connection to tracker.db (migrated). `cancelled` is polled between
  // commits and while git runs.
  GitScan(sql::Database& db, GitScanOptions options, CancelFn cancelled = {});

  // A missing git binary is a problem in the stats, not an error; only a
  // failing store is an error.
  Result<GitScanStats> run(int64_t now_ms);

 private:
  Status scan_repo(const std::string& root, const std::string& identity, int64_t now_ms,
                   GitScanStats& stats);
  // Fills the commit's files' lines_added and ai_lines_added, and `survival`
  // with their fingerprints; false when it was not scored.
  Result<bool> score_lines(GitDiffs& diffs, const std::string& root, CommitRecord& c,
                           std::vector<SurvivalFile>& survival,
                           std::map<std::string, AddedFileLines>& blocks);
  // Measures the survival marks due (docs/PROVENANCE.md, "Survival").
  Status measure_survival(int64_t now_ms, GitScanStats& stats);

  sql::Database& db_;
  GitScanOptions options_;
  CancelFn cancelled_;
  GitRunner git_;
  std::unique_ptr<LineFingerprinter> fingerprinter_;  // line provenance on
};

}  // namespace codepulse::tracker
