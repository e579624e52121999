#include "collector/store/postgres/pg_commits.hpp"

#include <map>
#include <string_view>
#include <utility>

#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"

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

// Adds a value of commit_rows.hpp's lists to its column's array.
auto add_to(ArrayInsert& insert) {
  return [&insert](size_t column, auto value) { insert[column].add(value); };
}

// The files and reworked lines of the commits just inserted.
Status insert_parts(pg::Connection& conn, const std::vector<const CommitRecord*>& commits) {
  ArrayInsert files(conn, "codepulse_insert_commit_files", pg_sql::kInsertCommitFiles,
                    kCommitFileValues);
  ArrayInsert reworks(conn, "codepulse_insert_commit_reworks", pg_sql::kInsertCommitReworks,
                      kCommitReworkValues);
  for (const CommitRecord* c : commits) {
    for (size_t i = 0; i < c->files.size(); ++i) {
      for_each_commit_file_value(*c, i, add_to(files));
      if (auto r = files.end_row(); !r) return r.error();
    }
    for (size_t i = 0; i < c->reworked.size(); ++i) {
      for_each_commit_rework_value(*c, i, add_to(reworks));
      if (auto r = reworks.end_row(); !r) return r.error();
    }
  }
  if (auto r = files.flush(); !r) return r.error();
  if (auto r = reworks.flush(); !r) return r.error();
  return {};
}

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
  ArrayInsert insert(conn, "codepulse_insert_new_commits", pg_sql::kInsertNewCommits, kCommitValues,
                     prefix);
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
    for_each_commit_value(c, join_object_names(c.parents), add_to(insert));
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

Result<report::CommitFacts> PostgresStore::load_commits(int64_t since_ms, int64_t until_ms) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  CommitFactsBuilder facts;
  // One snapshot for the four reads, even while ingest goes on.
  if (auto s = (*conn)->exec(pg_sql::kBeginSnapshot); !s) return s.error();
  auto s = read_commits(**conn, since_ms, until_ms, facts);
  (void)(*conn)->exec(s ? "COMMIT" : "ROLLBACK");
  if (!s) return s.error();
  return facts.take();
}

}  // namespace codepulse::collector::pg_store
