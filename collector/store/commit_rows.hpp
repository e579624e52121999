// How a commit maps to the rows of the commits, commit_files and
// commit_reworks tables and back, the same for every store: what a commit row
// derives from the record, and the assembly of report::CommitFacts from the
// rows of load_commits' four reads (the column orders are listed below; each
// store's SQL selects them in that order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/store/row_view.hpp"
#include "common/record/commit_columns.hpp"
#include "common/record/commit_record.hpp"
#include "common/record/object_names.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// What the commit row holds besides the record's own fields.
struct CommitTotals {
  int64_t added = 0, removed = 0;  // over its files
  // Line provenance over its files (docs/PROVENANCE.md): the added lines the
  // tracker scored, and of them the AI's.
  int64_t scored_lines_added = 0, ai_lines_added = 0;
};
CommitTotals commit_totals(const CommitRecord& c);

// The rows a store writes for a commit, its files and its reworked lines:
// fn(column, value) for each column in the order both stores' INSERTs list
// them (sqlite_sql.hpp kInsertCommit, kInsertCommitFile, kInsertCommitRework;
// pg_sql.hpp kInsertNewCommits, kInsertCommitFiles, kInsertCommitReworks),
// the value a std::string_view or an int64_t. The sender's columns (sent_by,
// device_id, received_ms) are each store's own.
// - commits: repo, sha, parents (`parents`, join_object_names' text, which must
//   outlive a SQLite binding), author_email, committer_email, author_ms,
//   committer_ms, branch, task_keys, ai_coauthor, lines_added, lines_removed,
//   scored_lines_added, ai_lines_added, on_default_branch
// - commit_files, for c.files[i]: repo, sha, idx, path, added, removed, is_binary,
//   lines_added, ai_lines_added, lines_alive_21d, ai_lines_alive_21d,
//   lines_alive_90d, ai_lines_alive_90d, ai_blocks, ai_blocks_repeated,
//   other_blocks, other_blocks_repeated
// - commit_reworks, for row i of commit_rework_rows(c) (c.reworked, then
//   c.fix_blame): repo, sha, idx, original_sha, path, lines, ai_lines, kind
//   (kReworkRow or kFixBlameRow)
inline constexpr size_t kCommitValues = 15, kCommitFileValues = 17, kCommitReworkValues = 8;
inline constexpr int64_t kReworkRow = 0, kFixBlameRow = 1;
inline size_t commit_rework_rows(const CommitRecord& c) {
  return c.reworked.size() + c.fix_blame.size();
}
template <class Fn>
void for_each_commit_value(const CommitRecord& c, const std::string& parents, Fn&& fn);
template <class Fn>
void for_each_commit_file_value(const CommitRecord& c, size_t i, Fn&& fn);
template <class Fn>
void for_each_commit_rework_value(const CommitRecord& c, size_t i, Fn&& fn);

// load_commits' four reads of a range, in the order they are made, and the
// columns each selects:
// - kCommits: repo, sha, parents, author_email, committer_email, author_ms,
//   committer_ms, branch, task_keys, ai_coauthor, on_default_branch (in the
//   order the facts keep)
// - kFiles: repo, sha, path, added, removed, is_binary, lines_added,
//   ai_lines_added, lines_alive_21d, ai_lines_alive_21d, lines_alive_90d,
//   ai_lines_alive_90d, ai_blocks, ai_blocks_repeated, other_blocks,
//   other_blocks_repeated (in the order sent)
// - kReworked: repo, sha (the reworking commit), original_sha, path, lines,
//   ai_lines, kind (rework or fix blame)
// - kReworkOf: repo, original_sha, path, sha (the reworking commit), its
//   committer_ms, lines, ai_lines (rework rows only)
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

template <class Fn>
void for_each_commit_value(const CommitRecord& c, const std::string& parents, Fn&& fn) {
  const CommitTotals totals = commit_totals(c);
  for_each_commit_field(c, parents, fn);
  fn(kCommitFieldCount, totals.added);
  fn(kCommitFieldCount + 1, totals.removed);
  fn(kCommitFieldCount + 2, totals.scored_lines_added);
  fn(kCommitFieldCount + 3, totals.ai_lines_added);
  fn(kCommitFieldCount + 4, int64_t{c.on_default_branch});
}

template <class Fn>
void for_each_commit_file_value(const CommitRecord& c, size_t i, Fn&& fn) {
  const CommitFile& f = c.files[i];
  size_t col = 0;
  fn(col++, std::string_view(c.repo));
  fn(col++, std::string_view(c.sha));
  fn(col++, static_cast<int64_t>(i));
  fn(col++, std::string_view(f.path));
  fn(col++, f.added);
  fn(col++, f.removed);
  fn(col++, int64_t{f.binary});
  fn(col++, f.lines_added);
  fn(col++, f.ai_lines_added);
  fn(col++, f.lines_alive_21d);
  fn(col++, f.ai_lines_alive_21d);
  fn(col++, f.lines_alive_90d);
  fn(col++, f.ai_lines_alive_90d);
  fn(col++, f.ai_blocks);
  fn(col++, f.ai_blocks_repeated);
  fn(col++, f.other_blocks);
  fn(col++, f.other_blocks_repeated);
}

template <class Fn>
void for_each_commit_rework_value(const CommitRecord& c, size_t i, Fn&& fn) {
  const bool rework = i < c.reworked.size();
  const ReworkedLines& r = rework ? c.reworked[i] : c.fix_blame[i - c.reworked.size()];
  size_t col = 0;
  fn(col++, std::string_view(c.repo));
  fn(col++, std::string_view(c.sha));
  fn(col++, static_cast<int64_t>(i));
  fn(col++, std::string_view(r.original_sha));
  fn(col++, std::string_view(r.path));
  fn(col++, r.lines);
  fn(col++, r.ai_lines);
  fn(col++, rework ? kReworkRow : kFixBlameRow);
}

}  // namespace codepulse::collector
