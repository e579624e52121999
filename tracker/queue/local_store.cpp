#include "tracker/queue/local_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/c_handles.hpp"
#include "common/hashing.hpp"
#include "common/time.hpp"
#include "tracker/queue/store_sql.hpp"

namespace codepulse::tracker {
namespace {

Status make_private_dir(const std::string& dir) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
      return make_error("cannot create state directory " + partial + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error("state directory " + dir + " is not a directory");
  return {};
}

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
}

struct Existing {
  int64_t id = 0;
  bool sidechain = false;
  int64_t total = 0;
  bool fast = false;
};

constexpr size_t kFreshLimit = 4'000'000;  // stop remembering after this many inserts

}  // namespace

Result<LocalStore> LocalStore::open(const std::string& state_dir) {
  if (auto s = make_private_dir(state_dir); !s) return s.error();
  const std::string path = state_dir + "/tracker.db";
  {
    // Create the file ourselves so it is private from the first byte.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid())
      return make_error("cannot create database " + path + ": " + std::strerror(errno));
  }
  auto db = sql::Database::open(path);
  if (!db) return db.error();
  LocalStore store(std::move(db).value());
  if (auto s = store.db_.exec(sql_text::kPragmas); !s) return s.error();
  if (auto s = store.migrate(); !s) return s.error();
  if (auto s = store.prepare_all(); !s) return s.error();
  auto count = store.record_count();
  if (!count) return count.error();
  store.fresh_ = *count == 0;
  return store;
}

Status LocalStore::migrate() {
  auto version = db_.scalar("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > sql_text::kSchemaVersion)
    return make_error(db_.path() + " has schema version " + std::to_string(*version) +
                      ", newer than this tracker supports (" +
                      std::to_string(sql_text::kSchemaVersion) + ")");
  if (*version < 1) {
    auto txn = sql::Transaction::begin(db_);
    if (!txn) return txn.error();
    if (auto s = db_.exec(sql_text::kMigration1); !s) return s.error();
    // A random device id, made once; identifies this tracker's store.
    unsigned char raw[16];
    UniqueFd rnd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    if (!rnd.valid() || ::read(rnd.get(), raw, sizeof raw) != static_cast<ssize_t>(sizeof raw))
      return make_error("cannot read /dev/urandom for the device id");
    std::string device_id =
        sha256_hex(std::string_view(reinterpret_cast<char*>(raw), sizeof raw)).substr(0, 32);
    auto ins = db_.prepare(sql_text::kInsertMeta);
    if (!ins) return ins.error();
    if (auto s = ins->bind(1, std::string_view("device_id")).bind(2, device_id).run(); !s) return s;
    if (auto s = db_.exec("PRAGMA user_version = 1"); !s) return s.error();
    if (auto s = txn->commit(); !s) return s;
  }
  return {};
}

Status LocalStore::prepare_all() {
  struct Item {
    sql::Statement* st;
    const char* text;
  };
  const Item items[] = {{&select_file_, sql_text::kSelectFile},
                        {&select_file_identity_, sql_text::kSelectFileByIdentity},
                        {&upsert_file_, sql_text::kUpsertFile},
                        {&rename_file_, sql_text::kRenameFile},
                        {&select_key_, sql_text::kSelectByKey},
                        {&select_message_, sql_text::kSelectByMessage},
                        {&insert_record_, sql_text::kInsertRecord},
                        {&replace_record_, sql_text::kReplaceRecord},
                        {&bump_revision_, sql_text::kBumpRevision},
                        {&insert_tool_, sql_text::kInsertTool},
                        {&insert_pending_, sql_text::kInsertPending},
                        {&select_pending_, sql_text::kSelectPending},
                        {&delete_pending_, sql_text::kDeletePending},
                        {&apply_result_, sql_text::kApplyToolResult}};
  for (const auto& item : items) {
    auto st = db_.prepare(item.text);
    if (!st) return st.error();
    *item.st = std::move(st).value();
  }
  return {};
}

Status LocalStore::begin() {
  if (in_txn_) return {};
  if (auto s = db_.exec("BEGIN IMMEDIATE"); !s) return s;
  in_txn_ = true;
  return {};
}

Status LocalStore::commit() {
  if (!in_txn_) return {};
  in_txn_ = false;
  if (auto s = db_.exec("COMMIT"); !s) {
    (void)db_.exec("ROLLBACK");
    return s;
  }
  return {};
}

void LocalStore::rollback() {
  if (!in_txn_) return;
  in_txn_ = false;
  (void)db_.exec("ROLLBACK");
}

Status LocalStore::savepoint() {
  return db_.exec("SAVEPOINT file_pass");
}
Status LocalStore::release_savepoint() {
  return db_.exec("RELEASE file_pass");
}
Status LocalStore::rollback_to_savepoint() {
  if (auto s = db_.exec("ROLLBACK TO file_pass"); !s) return s;
  return db_.exec("RELEASE file_pass");
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
      .run();
}

Status LocalStore::rename_file(const std::string& from, const std::string& to) {
  return rename_file_.bind(1, from).bind(2, to).run();
}

void LocalStore::bind_record(sql::Statement& st, const UsageRecord& r) {
  st.bind(2, r.dedupe_key)
      .bind(3, r.message_id)
      .bind(4, r.request_id)
      .bind(5, r.timestamp_ms)
      .bind(6, r.session_id)
      .bind(7, int64_t{r.sidechain})
      .bind(8, r.agent_id)
      .bind(9, r.model)
      .bind(10, r.input)
      .bind(11, r.output)
      .bind(12, r.cache_create_5m)
      .bind(13, r.cache_create_1h)
      .bind(14, r.cache_read)
      .bind(15, r.web_search_requests)
      .bind(16, int64_t{r.fast})
      .bind(17, r.cost_nanos)
      .bind(18, int64_t{r.long_context})
      .bind(19, r.price_version)
      .bind(20, r.cc_version)
      .bind(21, r.author)
      .bind(22, r.repo)
      .bind(23, r.branch)
      .bind(24, r.task_keys)
      .bind(25, r.turn_id)
      .bind(26, now_utc_ms());
}

Status LocalStore::insert_tools(const UsageRecord& r, int64_t record_id, bool& any_new) {
  for (const ToolUse& t : r.tools) {
    insert_tool_.bind(1, t.tool_use_id)
        .bind(2, record_id)
        .bind(3, t.name)
        .bind(4, t.path)
        .bind(5, int64_t{t.action ? static_cast<int64_t>(*t.action) : 0})
        .bind(6, int64_t{t.git_commit})
        .bind(7, t.lines_added)
        .bind(8, t.lines_removed)
        .bind(9, t.commit_sha)
        .bind(10, int64_t{t.result_seen});
    if (auto s = insert_tool_.run(); !s) return s;
    if (db_.changes() == 0) {
      // Known from another copy; this copy may bring the result.
      if (t.result_seen) {
        if (auto s = apply_result(t.tool_use_id, t.lines_added, t.lines_removed, t.commit_sha); !s)
          return s;
      }
      continue;
    }
    any_new = true;
    if (t.wants_result() && !t.result_seen) {
      const int64_t kind =
          static_cast<int64_t>(t.git_commit ? ToolKind::kGitCommit : ToolKind::kChange);
      if (auto s = insert_pending_.bind(1, t.tool_use_id).bind(2, kind).bind(3, now_utc_ms()).run();
          !s)
        return s;
    }
  }
  return {};
}

bool LocalStore::candidate_wins(bool existing_sidechain, int64_t existing_total, bool existing_fast,
                                const UsageRecord& c) {
  if (existing_sidechain != c.sidechain) return !c.sidechain;
  if (c.token_total() != existing_total) return c.token_total() > existing_total;
  return c.fast && !existing_fast;
}

bool LocalStore::certainly_new(const UsageRecord& r) const {
  return fresh_ && !new_keys_.count(fnv1a64(r.dedupe_key)) &&
         (r.message_id.empty() || !new_messages_.count(fnv1a64(r.message_id)));
}

void LocalStore::remember_new(const UsageRecord& r) {
  if (!fresh_) return;
  if (new_keys_.size() >= kFreshLimit) {
    fresh_ = false;
    new_keys_ = {};
    new_messages_ = {};
    return;
  }
  new_keys_.insert(fnv1a64(r.dedupe_key));
  if (!r.message_id.empty()) new_messages_.insert(fnv1a64(r.message_id));
}

Result<UpsertOutcome> LocalStore::upsert(const UsageRecord& r) {
  std::optional<Existing> existing;
  auto read_existing = [&](sql::Statement& st) -> Status {
    auto row = st.step();
    if (row && *row)
      existing = Existing{st.int64(0), st.int64(1) != 0, st.int64(2), st.int64(3) != 0};
    st.reset();
    if (!row) return row.error();
    return {};
  };
  if (!certainly_new(r)) {
    select_key_.bind(1, r.dedupe_key);
    if (auto s = read_existing(select_key_); !s) return s.error();
    if (!existing && !r.message_id.empty()) {
      select_message_.bind(1, r.message_id).bind(2, r.dedupe_key).bind(3, int64_t{r.sidechain});
      if (auto s = read_existing(select_message_); !s) return s.error();
    }
  }
  bool any_new_tool = false;
  if (!existing) {
    const std::string uid = sha256_hex(r.dedupe_key).substr(0, 32);
    insert_record_.bind(1, uid);
    bind_record(insert_record_, r);
    if (auto s = insert_record_.run(); !s) return s.error();
    if (auto s = insert_tools(r, db_.last_insert_rowid(), any_new_tool); !s) return s.error();
    remember_new(r);
    return UpsertOutcome::kInserted;
  }
  if (candidate_wins(existing->sidechain, existing->total, existing->fast, r)) {
    replace_record_.bind(1, existing->id);
    bind_record(replace_record_, r);
    if (auto s = replace_record_.run(); !s) return s.error();
    if (auto s = insert_tools(r, existing->id, any_new_tool); !s) return s.error();
    return UpsertOutcome::kReplaced;
  }
  // The stored copy stays; tool calls seen only in this copy still join it.
  if (auto s = insert_tools(r, existing->id, any_new_tool); !s) return s.error();
  if (any_new_tool) {
    if (auto s = bump_revision_.bind(1, existing->id).bind(2, now_utc_ms()).run(); !s)
      return s.error();
  }
  return UpsertOutcome::kKept;
}

Status LocalStore::apply_tool_result(const ToolResultLine& t) {
  return apply_result(t.tool_use_id, t.lines_added, t.lines_removed, t.commit_sha);
}

Status LocalStore::apply_result(std::string_view tool_use_id, int64_t added, int64_t removed,
                                std::string_view commit_sha) {
  apply_result_.bind(1, tool_use_id).bind(2, added).bind(3, removed).bind(4, commit_sha);
  auto row = apply_result_.step();
  std::optional<int64_t> record_id;
  if (row && *row) record_id = apply_result_.int64(0);
  apply_result_.reset();
  if (!row) return row.error();
  if (record_id) {
    if (auto s = bump_revision_.bind(1, *record_id).bind(2, now_utc_ms()).run(); !s) return s;
  }
  return delete_pending_.bind(1, tool_use_id).run();
}

Status LocalStore::load_pending_tools(PendingTools& out) {
  while (true) {
    auto row = select_pending_.step();
    if (!row) {
      select_pending_.reset();
      return row.error();
    }
    if (!*row) break;
    out.emplace(std::string(select_pending_.text(0)),
                static_cast<ToolKind>(select_pending_.int64(1)));
  }
  select_pending_.reset();
  return {};
}

Result<int64_t> LocalStore::record_count() {
  return db_.scalar(sql_text::kCountRecords);
}

}  // namespace codepulse::tracker
