// File cursors: where each transcript file's reading stands (offset, identity,
// head hash, the turn in force), its renames, and its malformed lines.
#include "common/time.hpp"
#include "tracker/queue/file_cursor_sql.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/queue/store_statements.hpp"

namespace codepulse::tracker {
namespace {

void read_file_state(const sql::Statement& st, FileState& f) {
  f.path = std::string(st.text(0));
  f.dev = st.int64(1);
  f.ino = st.int64(2);
  f.size = st.int64(3);
  f.mtime_ns = st.int64(4);
  f.offset = st.int64(5);
  f.head_len = st.int64(6);
  f.head_hash = st.int64(7);
  f.turn_id = std::string(st.text(8));
  f.lines = st.int64(9);
  f.malformed_lines = st.int64(10);
  f.oversized_open = st.int64(11) != 0;
}

}  // namespace

Status LocalStore::prepare_cursor_statements() {
  return prepare_statements(db_, {{&select_file_, sql_text::kSelectFile},
                                  {&select_file_identity_, sql_text::kSelectFileByIdentity},
                                  {&upsert_file_, sql_text::kUpsertFile},
                                  {&rename_file_, sql_text::kRenameFile}});
}

Result<std::optional<FileState>> LocalStore::file_state(const std::string& path) {
  select_file_.bind(1, path);
  auto row = select_file_.step();
  std::optional<FileState> out;
  if (row && *row) {
    out.emplace();
    read_file_state(select_file_, *out);
  }
  select_file_.reset();
  if (!row) return row.error();
  return out;
}

Result<std::optional<FileState>> LocalStore::file_by_identity(int64_t dev, int64_t ino) {
  select_file_identity_.bind(1, dev).bind(2, ino);
  auto row = select_file_identity_.step();
  std::optional<FileState> out;
  if (row && *row) {
    out.emplace();
    read_file_state(select_file_identity_, *out);
  }
  select_file_identity_.reset();
  if (!row) return row.error();
  return out;
}

Status LocalStore::save_file_state(const FileState& f) {
  return upsert_file_.bind(1, f.path)
      .bind(2, f.dev)
      .bind(3, f.ino)
      .bind(4, f.size)
      .bind(5, f.mtime_ns)
      .bind(6, f.offset)
      .bind(7, f.head_len)
      .bind(8, f.head_hash)
      .bind(9, f.turn_id)
      .bind(10, f.lines)
      .bind(11, f.malformed_lines)
      .bind(12, f.last_error)
      .bind(13, now_utc_ms())
      .bind(14, int64_t{f.oversized_open})
      .run();
}

Result<std::unordered_map<std::string, LocalStore::FileIdentity>> LocalStore::file_identities() {
  auto st = db_.prepare(sql_text::kSelectFileIdentities);
  if (!st) return st.error();
  std::unordered_map<std::string, FileIdentity> out;
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace(std::string(st->text(0)),
                FileIdentity{st->int64(1), st->int64(2), st->int64(3), st->int64(4)});
  }
  return out;
}

Status LocalStore::rename_file(const std::string& from, const std::string& to) {
  return rename_file_.bind(1, from).bind(2, to).run();
}

Result<std::vector<std::pair<std::string, int64_t>>> LocalStore::files_with_problems() {
  std::vector<std::pair<std::string, int64_t>> out;
  auto st = db_.prepare(sql_text::kFilesWithProblems);
  if (!st) return st.error();
  auto s = each_row(*st, [&]() -> Status {
    out.emplace_back(std::string(st->text(0)), st->int64(1));
    return {};
  });
  if (!s) return s.error();
  return out;
}

}  // namespace codepulse::tracker
