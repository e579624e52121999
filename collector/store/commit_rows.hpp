// How a commit maps to the rows of the commits, commit_files and
// commit_reworks tables and back, the same for every store: what a commit row
// derives from the record, and the assembly of report::CommitFacts from the
// rows of load_commits' four reads (the column orders are listed below; each
// store's SQL selects them in that order).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// What the commit row holds besides the record's own fields.
struct CommitTotals {
  int64_t added = 0, removed = 0;  // over its files
};
CommitTotals commit_totals(const CommitRecord& c);

// Parents as one column: the object names separated by single spaces, first
// parent first ("" for a root commit). Object names are hex, so this is
// unambiguous; split_parents is the inverse.
std::string join_parents(const std::vector<std::string>& parents);
std::vector<std::string> split_parents(std::string_view text);

// One row of a read, whichever store read it.
class RowView {
 public:
  virtual ~RowView() = default;
  virtual std::string_view text(int col) const = 0;
  virtual int64_t int64(int col) const = 0;
};

// load_commits' four reads of a range, in the order they are made, and the
// columns each selects:
// - kCommits: repo, sha, parents, author_email, committer_email, author_ms,
//   committer_ms, branch, task_keys, ai_coauthor (in the order the facts keep)
// - kFiles: repo, sha, path, added, removed, is_binary (in the order sent)
// - kReworked: repo, sha (the reworking commit), original_sha, path, lines
// - kReworkOf: repo, original_sha, path, sha (the reworking commit), its
//   committer_ms, lines
enum class CommitRead { kCommits, kFiles, kReworked, kReworkOf };
inline constexpr CommitRead kCommitReads[] = {CommitRead::kCommits, CommitRead::kFiles,
                                              CommitRead::kReworked, CommitRead::kReworkOf};

// Builds the CommitFacts of a range from the rows of its reads. Files and
// reworked lines find their commit by (repo, sha); an error names a row
// whose commit was not read.
class CommitFactsBuilder {
 public:
  Status add(CommitRead read, const RowView& row);
  report::CommitFacts take() { return std::move(facts_); }

 private:
  void add_commit(const RowView& row);
  Status add_file(const RowView& row);
  Status add_reworked(const RowView& row);
  void add_rework_of(const RowView& row);
  Result<CommitRecord*> owner(const RowView& row, const char* what);

  report::CommitFacts facts_;
  std::map<std::pair<std::string, std::string>, size_t> at_;  // (repo, sha) -> index
};

}  // namespace codepulse::collector
