// Session <-> commit links (docs/METRICS.md, "Linking sessions to commits"):
// which Claude Code sessions produced which commits, each link with the rule
// that made it and that rule's confidence.
//   exact:  the session's `git commit` reported this commit's SHA;
//   strong: same author and repository, the commit changed a file the session
//           edited, committed between the session's first edit and
//           `strong_window_ms` after its last;
//   weak:   same author, repository and branch, committed while the session
//           was active or within `weak_window_ms` after its last request.
// A commit can link to several sessions, a session to several commits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/report/report.hpp"

namespace codepulse::report {

// What linking needs to know of a session, from its usage records.
struct SessionActivity {
  std::string session, author, repo, branch;
  std::vector<std::string> models;              // of its records, sorted
  std::vector<std::string> assistants;          // of its records, sorted
  int64_t first_ms = 0, last_ms = 0;            // its requests
  int64_t first_edit_ms = 0, last_edit_ms = 0;  // requests that changed a file (0: none)
  std::vector<std::string> edited_files;        // repository-relative, sorted, unique
  std::vector<std::string> commit_shas;         // what its `git commit` calls reported
};

struct LinkWindows {
  int64_t strong_ms = 8 * 3'600'000LL;
  int64_t weak_ms = 2 * 3'600'000LL;
};

using LinkLevel = ReportQuery::Links;

// Confidence of a rule: exact 1.0, strong 0.8, weak 0.4.
double link_confidence(LinkLevel level);
const char* link_level_name(LinkLevel level);

struct SessionCommitLink {
  size_t session = 0;  // index into the sessions given
  size_t commit = 0;   // index into the commits given
  LinkLevel level = LinkLevel::kExact;
};

// Every link of at most `weakest` level, the strongest rule for each pair,
// ordered by session then commit. Authors match a commit's author or
// committer email, case-insensitively.
std::vector<SessionCommitLink> link_sessions(const std::vector<SessionActivity>& sessions,
                                             const std::vector<CommitRecord>& commits,
                                             LinkLevel weakest, const LinkWindows& windows = {});

}  // namespace codepulse::report
