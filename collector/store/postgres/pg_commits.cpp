#include "collector/store/postgres/pg_commits.hpp"

#include <map>
#include <string_view>
#include <utility>

#include "collector/store/postgres/pg_sql.hpp"

namespace codepulse::collector::pg_store {
namespace {

constexpr size_t kRowsPerInsert = 2000;

// The column arrays of one set-based INSERT (pg_sql's unnest statements),
// sent whenever kRowsPerInsert rows are in, and by flush() at the end.
class ArrayInsert {
 public:
  ArrayInsert(pg::Connection& conn, const char* name, const char* sql, size_t columns,
              pg::Params prefix = {})
      : conn_(conn), name_(name), sql_(sql), prefix_(std::move(prefix)), cols_(columns) {}

  pg::TextArray& operator[](size_t col) { return cols_[col]; }

  // After a row's columns are added; sends them when enough are in.
  Result<pg::Rows> end_row() {
    if (++rows_ < kRowsPerInsert) return pg::Rows();
    return flush();
  }
  Result<pg::Rows> flush() {
    if (rows_ == 0) return pg::Rows();
    pg::Params p = prefix_;
    for (pg::TextArray& col : cols_) {
      p.add(col.str());
      col = pg::TextArray();
    }
    rows_ = 0;
    return conn_.run(name_, sql_, p);
  }

 private:
  pg::Connection& conn_;
  const char* name_;
  const char* sql_;
  pg::Params prefix_;
  std::vector<pg::TextArray> cols_;
  size_t rows_ = 0;
};

// The files and reworked lines of the commits just inserted.
Status insert_parts(pg::Connection& conn, const std::vector<const CommitRecord*>& commits) {
  ArrayInsert files(conn, "codepulse_insert_commit_files", pg_sql::kInsertCommitFiles, 7);
  ArrayInsert reworks(conn, "codepulse_insert_commit_reworks", pg_sql::kInsertCommitReworks, 6);
  for (const CommitRecord* c : commits) {
    for (size_t i = 0; i < c->files.size(); ++i) {
      const CommitFile& f = c->files[i];
      files[0].add(c->repo);
      files[1].add(c->sha);
      files[2].add(static_cast<int64_t>(i));
      files[3].add(f.path);
      files[4].add(f.added);
      files[5].add(f.removed);
      files[6].add(int64_t{f.binary});
      if (auto r = files.end_row(); !r) return r.error();
    }
    for (size_t i = 0; i < c->reworked.size(); ++i) {
      const ReworkedLines& w = c->reworked[i];
      reworks[0].add(c->repo);
      reworks[1].add(c->sha);
      reworks[2].add(static_cast<int64_t>(i));
      reworks[3].add(w.original_sha);
      reworks[4].add(w.path);
      reworks[5].add(w.lines);
      if (auto r = reworks.end_row(); !r) return r.error();
    }
  }
  if (auto r = files.flush(); !r) return r.error();
  if (auto r = reworks.flush(); !r) return r.error();
  return {};
}

// A row of a PostgreSQL result, for CommitFactsBuilder.
class ResultRow final : public RowView {
 public:
  ResultRow(const pg::Rows& rows, int row) : rows_(rows), row_(row) {}
  std::string_view text(int col) const override { return rows_.text(row_, col); }
  int64_t int64(int col) const override { return rows_.int64(row_, col); }

 private:
  const pg::Rows& rows_;
  int row_;
};

std::pair<const char*, const char*> read_statement(CommitRead read) {
  switch (read) {
    case CommitRead::kCommits:
      return {"codepulse_select_commits", pg_sql::kSelectCommits};
    case CommitRead::kFiles:
      return {"codepulse_select_commit_files", pg_sql::kSelectCommitFiles};
    case CommitRead::kReworked:
      return {"codepulse_select_commit_reworked", pg_sql::kSelectCommitReworked};
    case CommitRead::kReworkOf:
      return {"codepulse_select_rework_of_commits", pg_sql::kSelectReworkOfCommits};
  }
  return {"", ""};
}

}  // namespace

Result<std::vector<bool>> insert_commits(pg::Connection& conn, const std::string& author,
                                         const std::string& device_id,
                                         const std::vector<const CommitRecord*>& sent,
                                         int64_t now_ms) {
  std::vector<bool> is_new(sent.size(), false);
  // Only the first copy of each (repo, sha) is sent, in key order, so two
  // collectors storing the same commits wait for each other in one order.
  std::map<std::pair<std::string_view, std::string_view>, size_t> first;
  for (size_t i = 0; i < sent.size(); ++i)
    first.emplace(std::make_pair(std::string_view(sent[i]->repo), std::string_view(sent[i]->sha)),
                  i);
  pg::Params prefix;
  prefix.add(author).add(device_id).add(now_ms);
  ArrayInsert insert(conn, "codepulse_insert_new_commits", pg_sql::kInsertNewCommits, 12, prefix);
  std::vector<const CommitRecord*> inserted;
  auto note = [&](const pg::Rows& rows) {
    for (int r = 0; r < rows.size(); ++r) {
      const auto at = first.find({rows.text(r, 0), rows.text(r, 1)});
      if (at == first.end()) continue;
      is_new[at->second] = true;
      inserted.push_back(sent[at->second]);
    }
  };
  for (const auto& [key, i] : first) {
    const CommitRecord& c = *sent[i];
    const CommitTotals totals = commit_totals(c);
    insert[0].add(c.repo);
    insert[1].add(c.sha);
    insert[2].add(join_parents(c.parents));
    insert[3].add(c.author_email);
    insert[4].add(c.committer_email);
    insert[5].add(c.author_ms);
    insert[6].add(c.committer_ms);
    insert[7].add(c.branch);
    insert[8].add(c.task_keys);
    insert[9].add(int64_t{c.ai_coauthor});
    insert[10].add(totals.added);
    insert[11].add(totals.removed);
    auto rows = insert.end_row();
    if (!rows) return rows.error();
    note(*rows);
  }
  auto rows = insert.flush();
  if (!rows) return rows.error();
  note(*rows);
  if (auto s = insert_parts(conn, inserted); !s) return s.error();
  return is_new;
}

Status read_commits(pg::Connection& conn, int64_t since_ms, int64_t until_ms,
                    CommitFactsBuilder& facts) {
  pg::Params range;
  range.add(since_ms).add(until_ms);
  for (const CommitRead read : kCommitReads) {
    const auto [name, sql] = read_statement(read);
    auto rows = conn.run(name, sql, range);
    if (!rows) return rows.error();
    for (int i = 0; i < rows->size(); ++i)
      if (auto s = facts.add(read, ResultRow(*rows, i)); !s) return s;
  }
  return {};
}

}  // namespace codepulse::collector::pg_store
