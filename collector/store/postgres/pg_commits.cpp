#include "collector/store/postgres/pg_commits.hpp"

#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "collector/store/people_sql.hpp"
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
    for (size_t i = 0; i < commit_rework_rows(*c); ++i) {
      for_each_commit_rework_value(*c, i, add_to(reworks));
      if (auto r = reworks.end_row(); !r) return r.error();
    }
  }
  if (auto r = files.flush(); !r) return r.error();
  if (auto r = reworks.flush(); !r) return r.error();
  return {};
}

// Survival measured since the same author's copy was stored
// (docs/PROVENANCE.md, "Survival"): the marks a stored file lacks are filled.
Status update_survival(pg::Connection& conn, const std::string& author,
                       const std::vector<const CommitRecord*>& sent,
                       const std::vector<size_t>& which) {
  if (which.empty()) return {};
  std::vector<pg::TextArray> cols(7);
  for (const size_t i : which) {
    const CommitRecord c = capped_commit(*sent[i]);
    for (size_t k = 0; k < c.files.size(); ++k) {
      const CommitFile& f = c.files[k];
      if (f.lines_alive_21d < 0 && f.lines_alive_90d < 0) continue;
      cols[0].add(c.repo);
      cols[1].add(c.sha);
      cols[2].add(static_cast<int64_t>(k));
      cols[3].add(f.lines_alive_21d);
      cols[4].add(f.ai_lines_alive_21d);
      cols[5].add(f.lines_alive_90d);
      cols[6].add(f.ai_lines_alive_90d);
    }
  }
  pg::Params p;
  for (pg::TextArray& col : cols)
    p.add(col.str());
  p.add(author);
  auto r = conn.run("codepulse_update_commit_file_survival", pg_sql::kUpdateCommitFileSurvival, p);
  if (!r) return r.error();
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

Result<std::vector<CommitStored>> insert_commits(pg::Connection& conn, const std::string& author,
                                                 const std::string& device_id,
                                                 const std::vector<const CommitRecord*>& sent,
                                                 int64_t now_ms) {
  using Key = std::pair<std::string, std::string>;
  std::vector<CommitStored> out(sent.size(), CommitStored{CommitStored::kDuplicate, ""});
  if (sent.empty()) return out;
  // Only the first copy of each (repo, sha) is sent, in key order, so two
  // collectors storing the same commits wait for each other in one order.
  std::map<Key, size_t> first;
  for (size_t i = 0; i < sent.size(); ++i)
    first.emplace(Key(sent[i]->repo, sent[i]->sha), i);
  pg::TextArray repos, shas;
  for (const auto& [key, i] : first) {
    repos.add(key.first);
    shas.add(key.second);
  }
  pg::Params keys;
  keys.add(repos.str()).add(shas.str());
  // What is stored of these commits, and what signed pushes said of them.
  std::map<Key, StoredCopy> stored;
  std::map<Key, PushedAuthor> pushed;
  auto copies = conn.run("codepulse_select_commit_copies", pg_sql::kSelectCommitCopies, keys);
  if (!copies) return copies.error();
  for (int r = 0; r < copies->size(); ++r)
    stored[Key(copies->text(r, 0), copies->text(r, 1))] = {
        std::string(copies->text(r, 2)), static_cast<CommitTrust>(copies->int64(r, 3))};
  auto pushes = conn.run("codepulse_select_pushed_authors", pg_sql::kSelectPushedAuthors, keys);
  if (!pushes) return pushes.error();
  for (int r = 0; r < pushes->size(); ++r)
    pushed[Key(pushes->text(r, 0), pushes->text(r, 1))] = {
        std::string(pushes->text(r, 2)), pushes->int64(r, 3), std::string(pushes->text(r, 4))};

  // Who the author commits as, from the people directory (commit_trust.hpp).
  auto identities = [&conn](const std::string& who) -> Result<Identities> {
    pg::Params key;
    key.add(directory_key(who));
    auto rows = conn.run("codepulse_select_identities", people_sql::kSelectIdentities, key);
    if (!rows) return rows.error();
    std::vector<std::string> emails;
    for (int r = 0; r < rows->size(); ++r)
      emails.emplace_back(rows->text(r, 0));
    return identities_of(who, std::move(emails));
  };
  auto sender_identities = identities(author);
  if (!sender_identities) return sender_identities.error();
  const Identities& sender = *sender_identities;
  std::map<Key, std::pair<size_t, CommitDecision>> chosen;  // to store
  pg::TextArray replaced_repos, replaced_shas;
  bool any_replaced = false;
  std::vector<size_t> with_survival;  // duplicates carrying survival marks
  for (const auto& [key, i] : first) {
    const auto s = stored.find(key);
    const auto p = pushed.find(key);
    const auto push = p == pushed.end() ? std::nullopt : std::optional<PushedAuthor>(p->second);
    std::optional<Identities> stored_sender;  // only a push makes it matter
    if (s != stored.end() && push) {
      auto held = identities(s->second.sent_by);
      if (!held) return held.error();
      stored_sender = std::move(held).value();
    }
    CommitDecision d = decide_commit(
        *sent[i], sender, s == stored.end() ? std::nullopt : std::optional<StoredCopy>(s->second),
        push, stored_sender ? &*stored_sender : nullptr);
    if (d.kind == CommitDecision::kRefuse) out[i] = {CommitStored::kRefused, d.reason};
    if (d.kind == CommitDecision::kReplace) {
      replaced_repos.add(key.first);
      replaced_shas.add(key.second);
      any_replaced = true;
    }
    if (d.kind == CommitDecision::kDuplicate && carries_survival(*sent[i]))
      with_survival.push_back(i);
    if (d.kind == CommitDecision::kInsert || d.kind == CommitDecision::kReplace)
      chosen.emplace(key, std::make_pair(i, std::move(d)));
  }
  if (auto s = update_survival(conn, author, sent, with_survival); !s) return s.error();
  // A refused commit repeated later in the batch is refused there too.
  for (size_t i = 0; i < sent.size(); ++i) {
    const size_t at = first.at(Key(sent[i]->repo, sent[i]->sha));
    if (at != i && out[at].kind == CommitStored::kRefused) out[i] = out[at];
  }
  if (any_replaced) {
    pg::Params replaced;
    replaced.add(replaced_repos.str()).add(replaced_shas.str());
    const std::pair<const char*, const char*> deletes[] = {
        {"codepulse_delete_commit_files", pg_sql::kDeleteCommitFiles},
        {"codepulse_delete_commit_reworks", pg_sql::kDeleteCommitReworks},
        {"codepulse_delete_commits", pg_sql::kDeleteCommits}};
    for (const auto& [name, sql] : deletes)
      if (auto r = conn.run(name, sql, replaced); !r) return r.error();
  }

  pg::Params prefix;
  prefix.add(author).add(device_id).add(now_ms);
  ArrayInsert insert(conn, "codepulse_insert_new_commits", pg_sql::kInsertNewCommits,
                     kCommitValues + 2, prefix);
  std::vector<CommitRecord> to_store;  // capped, with a push's author
  to_store.reserve(chosen.size());
  std::map<Key, size_t> stored_at;  // key -> index in to_store
  std::vector<const CommitRecord*> inserted;
  auto note = [&](const pg::Rows& rows) {
    for (int r = 0; r < rows.size(); ++r) {
      const Key key(rows.text(r, 0), rows.text(r, 1));
      const auto at = chosen.find(key);
      if (at == chosen.end()) continue;
      out[at->second.first] = {CommitStored::kStored, ""};
      inserted.push_back(&to_store[stored_at.at(key)]);
    }
  };
  for (const auto& [key, choice] : chosen) {
    const auto p = pushed.find(key);
    const auto push = p == pushed.end() ? std::nullopt : std::optional<PushedAuthor>(p->second);
    stored_at[key] = to_store.size();
    to_store.push_back(commit_to_store(*sent[choice.first], push));
    const CommitRecord& c = to_store.back();
    for_each_commit_value(c, join_object_names(c.parents), add_to(insert));
    insert[kCommitValues].add(push ? push->source : tracker_source(author));
    insert[kCommitValues + 1].add(static_cast<int64_t>(choice.second.trust));
    auto rows = insert.end_row();
    if (!rows) return rows.error();
    note(*rows);
  }
  auto rows = insert.flush();
  if (!rows) return rows.error();
  note(*rows);
  if (auto s = insert_parts(conn, inserted); !s) return s.error();
  return out;
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
