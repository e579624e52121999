#include "collector/store/commit_rows.hpp"

namespace codepulse::collector {

CommitTotals commit_totals(const CommitRecord& c) {
  CommitTotals t;
  for (const CommitFile& f : c.files) {
    t.added += f.added;
    t.removed += f.removed;
    t.scored_lines_added += f.lines_added;
    t.ai_lines_added += f.ai_lines_added;
  }
  return t;
}

Status CommitFactsBuilder::add(CommitRead read, const RowView& row) {
  switch (read) {
    case CommitRead::kCommits:
      add_commit(row);
      return {};
    case CommitRead::kFiles:
      return add_file(row);
    case CommitRead::kReworked:
      return add_reworked(row);
    case CommitRead::kReworkOf:
      add_rework_of(row);
      return {};
  }
  return make_error("unknown commit read");
}

void CommitFactsBuilder::add_commit(const RowView& row) {
  CommitRecord c;
  c.repo = row.text(0);
  c.sha = row.text(1);
  c.parents = split_object_names(row.text(2));
  c.author_email = row.text(3);
  c.committer_email = row.text(4);
  c.author_ms = row.int64(5);
  c.committer_ms = row.int64(6);
  c.branch = row.text(7);
  c.task_keys = row.text(8);
  c.ai_coauthor = row.int64(9) != 0;
  c.on_default_branch = row.int64(10) != 0;
  at_.emplace(std::make_pair(c.repo, c.sha), facts_.commits.size());
  facts_.commits.push_back(std::move(c));
}

Result<CommitRecord*> CommitFactsBuilder::owner(const RowView& row, const char* what) {
  const auto found = at_.find({std::string(row.text(0)), std::string(row.text(1))});
  if (found == at_.end())
    return make_error(std::string(what) + " of commit " + std::string(row.text(1)) + " in " +
                      std::string(row.text(0)) + " came without its commit row");
  return &facts_.commits[found->second];
}

Status CommitFactsBuilder::add_file(const RowView& row) {
  auto c = owner(row, "a file row");
  if (!c) return c.error();
  CommitFile f;
  f.path = row.text(2);
  f.added = row.int64(3);
  f.removed = row.int64(4);
  f.binary = row.int64(5) != 0;
  f.lines_added = row.int64(6);
  f.ai_lines_added = row.int64(7);
  f.lines_alive_21d = row.int64(8);
  f.ai_lines_alive_21d = row.int64(9);
  f.lines_alive_90d = row.int64(10);
  f.ai_lines_alive_90d = row.int64(11);
  f.ai_blocks = row.int64(12);
  f.ai_blocks_repeated = row.int64(13);
  f.other_blocks = row.int64(14);
  f.other_blocks_repeated = row.int64(15);
  (*c)->files.push_back(std::move(f));
  return {};
}

Status CommitFactsBuilder::add_reworked(const RowView& row) {
  auto c = owner(row, "a rework row");
  if (!c) return c.error();
  ReworkedLines r;
  r.original_sha = row.text(2);
  r.path = row.text(3);
  r.lines = row.int64(4);
  r.ai_lines = row.int64(5);
  (row.int64(6) == kFixBlameRow ? (*c)->fix_blame : (*c)->reworked).push_back(std::move(r));
  return {};
}

void CommitFactsBuilder::add_rework_of(const RowView& row) {
  report::ReworkFact f;
  f.repo = row.text(0);
  f.original_sha = row.text(1);
  f.path = row.text(2);
  f.reworking_sha = row.text(3);
  f.reworking_ms = row.int64(4);
  f.lines = row.int64(5);
  f.ai_lines = row.int64(6);
  facts_.rework_of_commits.push_back(std::move(f));
}

}  // namespace codepulse::collector
