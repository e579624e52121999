#include "tracker/queue/commit_store.hpp"

#include <simdjson.h>

#include "common/json_writer.hpp"
#include "common/record/commit_sqlite.hpp"
#include "common/record/object_names.hpp"
#include "common/time.hpp"
#include "proto/commit_lists.hpp"
#include "tracker/queue/commit_sql.hpp"
#include "tracker/queue/outbox_sql.hpp"
#include "tracker/queue/store_statements.hpp"

namespace codepulse::tracker {
namespace {

// Calls fn for each object of a stored JSON array.
template <class Fn>
Status each_object(std::string_view json, const char* what, Fn fn) {
  if (json.empty() || json == "[]") return {};
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array arr;
  if (parser.parse(padded).get_array().get(arr))
    return make_error(std::string("stored ") + what + " are not a JSON array");
  for (simdjson::dom::element e : arr) {
    if (auto s = fn(e); !s) return s;
  }
  return {};
}

}  // namespace

std::string encode_commit_files(const std::vector<CommitFile>& files) {
  std::string out;
  JsonWriter w(out);
  proto::write_commit_files(w, files);
  return out;
}

Result<std::vector<CommitFile>> decode_commit_files(std::string_view json) {
  std::vector<CommitFile> files;
  auto s = each_object(json, "commit files", [&](simdjson::dom::element e) -> Status {
    CommitFile f;
    std::string_view path;
    if (e["path"].get_string().get(path) || e["added"].get_int64().get(f.added) ||
        e["removed"].get_int64().get(f.removed) || e["binary"].get_bool().get(f.binary))
      return make_error("a stored commit file lacks a field");
    f.path = std::string(path);
    // Provenance counts: absent for a file not scored (and in rows queued
    // before line provenance).
    if (e["lines_added"].get_int64().get(f.lines_added)) f.lines_added = 0;
    if (e["ai_lines_added"].get_int64().get(f.ai_lines_added)) f.ai_lines_added = 0;
    // Duplication: absent for a file without a block.
    for (auto [key, target] : {std::pair{"ai_blocks", &f.ai_blocks},
                               std::pair{"ai_blocks_repeated", &f.ai_blocks_repeated},
                               std::pair{"other_blocks", &f.other_blocks},
                               std::pair{"other_blocks_repeated", &f.other_blocks_repeated}})
      if (e[key].get_int64().get(*target)) *target = 0;
    // Survival: absent until measured.
    const auto mark = [&e](const char* all, const char* ai, int64_t& alive, int64_t& ai_alive) {
      if (e[all].get_int64().get(alive) || e[ai].get_int64().get(ai_alive)) alive = ai_alive = -1;
    };
    mark("lines_alive_21d", "ai_lines_alive_21d", f.lines_alive_21d, f.ai_lines_alive_21d);
    mark("lines_alive_90d", "ai_lines_alive_90d", f.lines_alive_90d, f.ai_lines_alive_90d);
    files.push_back(std::move(f));
    return {};
  });
  if (!s) return s.error();
  return files;
}

std::string encode_reworked(const std::vector<ReworkedLines>& reworked,
                            const std::vector<ReworkedLines>& fix_blame) {
  // One array: the reworked entries, then the fix-blame ones (marked).
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  proto::write_reworked_entries(w, reworked);
  proto::write_reworked_entries(w, fix_blame, "fix");
  w.end_array();
  return out;
}

Status decode_reworked(std::string_view json, CommitRecord& c) {
  auto s = each_object(json, "reworked lines", [&](simdjson::dom::element e) -> Status {
    ReworkedLines r;
    std::string_view sha, path;
    if (e["original_sha"].get_string().get(sha) || e["path"].get_string().get(path) ||
        e["lines"].get_int64().get(r.lines))
      return make_error("a stored reworked-lines entry lacks a field");
    if (e["ai_lines"].get_int64().get(r.ai_lines)) r.ai_lines = -1;
    r.original_sha = std::string(sha);
    r.path = std::string(path);
    bool fix = false;
    if (e["fix"].get_bool().get(fix)) fix = false;
    (fix ? c.fix_blame : c.reworked).push_back(std::move(r));
    return {};
  });
  if (!s) return s.error();
  return {};
}

Status CommitStore::note_repo(const std::string& root, const std::string& identity) {
  auto st = db_.prepare(sql_text::kUpsertGitRepo);
  if (!st) return st.error();
  return st->bind(1, root).bind(2, identity).bind(3, now_utc_ms()).run();
}

Result<std::vector<GitRepo>> CommitStore::repos() {
  std::vector<GitRepo> out;
  auto st = db_.prepare(sql_text::kSelectGitRepos);
  if (!st) return st.error();
  auto s = each_row(*st, [&]() -> Status {
    out.push_back(GitRepo{std::string(st->text(0)), std::string(st->text(1))});
    return {};
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<std::string>> CommitStore::tips(const std::string& root) {
  std::vector<std::string> out;
  auto st = db_.prepare(sql_text::kSelectGitTips);
  if (!st) return st.error();
  st->bind(1, root);
  auto s = each_row(*st, [&]() -> Status {
    out.emplace_back(st->text(0));
    return {};
  });
  if (!s) return s.error();
  return out;
}

Status CommitStore::set_tips(const std::string& root, const std::vector<std::string>& tips) {
  auto del = db_.prepare(sql_text::kDeleteGitTips);
  if (!del) return del.error();
  if (auto s = del->bind(1, root).run(); !s) return s;
  auto ins = db_.prepare(sql_text::kInsertGitTip);
  if (!ins) return ins.error();
  for (const auto& sha : tips) {
    if (auto s = ins->bind(1, root).bind(2, sha).run(); !s) return s;
  }
  return {};
}

Result<bool> CommitStore::has_commit(const std::string& repo, const std::string& sha) {
  auto st = db_.prepare(sql_text::kHasCommit);
  if (!st) return st.error();
  st->bind(1, repo).bind(2, sha);
  auto row = st->step();
  if (!row) return row.error();
  return *row && st->int64(0) > 0;
}

Result<bool> CommitStore::add(const CommitRecord& c) {
  auto st = db_.prepare(sql_text::kInsertCommit);
  if (!st) return st.error();
  const std::string parents = join_object_names(c.parents);
  const std::string files = encode_commit_files(c.files);
  const std::string reworked = encode_reworked(c.reworked, c.fix_blame);
  bind_commit_fields(*st, 1, c, parents);
  if (auto s = st->bind(11, files)
                   .bind(12, reworked)
                   .bind(13, now_utc_ms())
                   .bind(14, int64_t{c.on_default_branch})
                   .run();
      !s)
    return s.error();
  return db_.changes() > 0;
}

Result<std::vector<QueuedCommit>> CommitStore::unshipped(size_t limit) {
  std::vector<QueuedCommit> out;
  auto st = db_.prepare(sql_text::kSelectUnshippedCommits);
  if (!st) return st.error();
  st->bind(1, static_cast<int64_t>(limit));
  auto s = each_row(*st, [&]() -> Status {
    QueuedCommit q;
    q.id = st->int64(0);
    CommitRecord& c = q.commit;
    read_commit_fields(*st, 1, c);
    auto files = decode_commit_files(st->text(11));
    if (!files) return make_error(db_.path() + ": commit " + c.sha + ": " + files.error().message);
    c.files = std::move(files).value();
    if (auto reworked = decode_reworked(st->text(12), c); !reworked)
      return make_error(db_.path() + ": commit " + c.sha + ": " + reworked.error().message);
    c.on_default_branch = st->int64(13) != 0;
    out.push_back(std::move(q));
    return {};
  });
  if (!s) return s.error();
  return out;
}

Status CommitStore::run_for_ids(const char* sql, const std::vector<int64_t>& ids) {
  auto st = db_.prepare(sql);
  if (!st) return st.error();
  for (const int64_t id : ids) {
    if (auto s = st->bind(1, id).run(); !s) return s;
  }
  return {};
}

Status CommitStore::mark_shipped(const std::vector<int64_t>& ids) {
  return run_for_ids(sql_text::kMarkCommitShipped, ids);
}

Status CommitStore::quarantine(const std::vector<int64_t>& ids) {
  return run_for_ids(sql_text::kQuarantineCommit, ids);
}

Result<int64_t> CommitStore::release_quarantine() {
  if (auto s = db_.exec(sql_text::kReleaseCommitQuarantine); !s) return s.error();
  return int64_t{db_.changes()};
}

Status CommitStore::add_counter(const char* key, int64_t n) {
  if (n == 0) return {};
  auto st = db_.prepare(sql_text::kAddCounter);
  if (!st) return st.error();
  const std::string value = std::to_string(n);
  return st->bind(1, std::string_view(key)).bind(2, value).run();
}

Status CommitStore::count_by_others(int64_t n) {
  return add_counter(sql_text::kCommitsByOthers, n);
}

Status CommitStore::drop_not_ours(const std::vector<int64_t>& ids) {
  if (auto s = run_for_ids(sql_text::kDeleteCommit, ids); !s) return s;
  return add_counter(sql_text::kCommitsNotOursDropped, static_cast<int64_t>(ids.size()));
}

Result<CommitQueueStats> CommitStore::stats() {
  CommitQueueStats out;
  auto st = db_.prepare(sql_text::kCommitStats);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (*row) {
    out.commits = st->int64(0);
    out.unshipped = st->int64(1);
    out.quarantined = st->int64(2);
  }
  auto counters = db_.prepare(sql_text::kSelectCommitCounters);
  if (!counters) return counters.error();
  auto s = each_row(*counters, [&]() -> Status {
    const std::string_view key = counters->text(0);
    (key == sql_text::kCommitsByOthers ? out.by_others : out.not_ours_dropped) = counters->int64(1);
    return {};
  });
  if (!s) return s.error();
  return out;
}

Result<bool> CommitStore::set_survival(const std::string& repo, const std::string& sha, size_t idx,
                                       int days, int64_t lines_alive, int64_t ai_lines_alive) {
  auto select = db_.prepare(sql_text::kSelectQueuedFiles);
  if (!select) return select.error();
  select->bind(1, repo).bind(2, sha);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return false;
  auto files = decode_commit_files(select->text(0));
  if (!files) return make_error(db_.path() + ": commit " + sha + ": " + files.error().message);
  if (idx >= files->size()) return false;
  CommitFile& f = (*files)[idx];
  (days == 21 ? f.lines_alive_21d : f.lines_alive_90d) = lines_alive;
  (days == 21 ? f.ai_lines_alive_21d : f.ai_lines_alive_90d) = ai_lines_alive;
  const std::string json = encode_commit_files(*files);
  auto update = db_.prepare(sql_text::kRequeueFiles);
  if (!update) return update.error();
  if (auto s = update->bind(1, repo).bind(2, sha).bind(3, json).run(); !s) return s.error();
  return true;
}

Result<int64_t> CommitStore::expire(int64_t cutoff_ms) {
  auto st = db_.prepare(sql_text::kDeleteExpiredCommits);
  if (!st) return st.error();
  if (auto s = st->bind(1, cutoff_ms).run(); !s) return s.error();
  return int64_t{db_.changes()};
}

}  // namespace codepulse::tracker
