#include "tracker/queue/local_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/c_handles.hpp"
#include "common/hashing.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"
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
  f.oversized_open = st.int64(11) != 0;
}

constexpr size_t kBulkLimit = 200'000;  // rows looked up in memory before indexes are built

}  // namespace

Status LocalStore::prepare_state_dir(const std::string& state_dir) {
  return make_private_dir(state_dir);
}

Result<LocalStore> LocalStore::open(const std::string& state_dir, bool writer) {
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
  // Only a writer sets the journal mode: a reader asking for WAL while an
  // empty store is being filled would have to wait for the fill.
  if (writer) store.rollback_journal_ = !store.try_journal_mode("wal", /*wait=*/true);
  if (auto s = store.migrate(); !s) return s.error();
  if (auto s = store.prepare_all(); !s) return s.error();
  auto count = store.record_count();
  if (!count) return count.error();
  if (!writer) return store;
  store.bulk_ = *count == 0;
  // Indexes exist on any non-empty store (also after a crash mid bulk load).
  if (auto s = store.db_.exec(store.bulk_ ? sql_text::kDropIndexes : sql_text::kCreateIndexes); !s)
    return s.error();
  // A crash before the fill's first commit leaves a hot journal, rolled back
  // at the next open: the store is empty again and is filled again.
  if (store.bulk_ && !store.rollback_journal_)
    store.rollback_journal_ = store.try_journal_mode("delete", /*wait=*/false);
  return store;
}

bool LocalStore::try_journal_mode(std::string_view mode, bool wait) {
  if (!wait) db_.set_busy_timeout(0);
  bool in_force = false;
  if (auto st = db_.prepare("PRAGMA journal_mode=" + std::string(mode))) {
    auto row = st->step();
    in_force = row && *row && st->text(0) == mode;
  }
  if (!wait) db_.set_busy_timeout(sql::Database::kBusyTimeoutMs);
  // NORMAL is crash-safe with the WAL; a rollback journal needs FULL.
  const bool wal = in_force ? mode == "wal" : mode != "wal";
  (void)db_.exec(wal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
  return in_force;
}

Result<LocalStore> LocalStore::open_recovering(const std::string& state_dir,
                                               std::string& moved_to) {
  const std::string path = state_dir + "/tracker.db";
  std::string why;
  {
    auto store = open(state_dir);
    if (store) {
      auto st = store->db_.prepare("PRAGMA quick_check(1)");
      if (!st) {
        why = st.error().message;
      } else if (auto row = st->step(); !row) {
        why = row.error().message;
      } else if (*row && st->text(0) != "ok") {
        why = std::string(st->text(0));
      } else {
        return store;
      }
    } else {
      why = store.error().message;
    }
    const bool corrupt = why.find("malformed") != std::string::npos ||
                         why.find("not a database") != std::string::npos ||
                         why.find("corrupt") != std::string::npos;
    if (!corrupt || why.find("cannot create") != std::string::npos) return make_error(why);
  }
  // Closed above; move the file and its WAL or journal aside, keep them for inspection.
  moved_to = path + ".corrupt-" + std::to_string(now_utc_ms());
  if (::rename(path.c_str(), moved_to.c_str()) != 0)
    return make_error("database " + path + " is corrupt (" + why +
                      ") and cannot be moved aside: " + std::strerror(errno));
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    (void)::rename((path + suffix).c_str(), (moved_to + suffix).c_str());
  moved_to += " (" + why + ")";
  return open(state_dir);
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
    version = 1;
  }
  const std::pair<int, const char*> steps[] = {
      {2, sql_text::kMigration2}, {3, sql_text::kMigration3}, {4, sql_text::kMigration4}};
  for (const auto& [to, text] : steps) {
    if (*version >= to) continue;
    auto txn = sql::Transaction::begin(db_);
    if (!txn) return txn.error();
    if (auto s = db_.exec(text); !s) return s.error();
    const std::string set_version = "PRAGMA user_version = " + std::to_string(to);
    if (auto s = db_.exec(set_version.c_str()); !s) return s.error();
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
                        {&select_id_, sql_text::kSelectById},
                        {&insert_record_, sql_text::kInsertRecord},
                        {&replace_record_, sql_text::kReplaceRecord},
                        {&update_tools_, sql_text::kUpdateTools},
                        {&insert_pending_, sql_text::kInsertPending},
                        {&select_pending_, sql_text::kSelectPending},
                        {&select_pending_record_, sql_text::kSelectPendingRecord},
                        {&delete_pending_, sql_text::kDeletePending}};
  for (const auto& item : items) {
    auto st = db_.prepare(item.text);
    if (!st) return st.error();
    *item.st = std::move(st).value();
  }
  return {};
}

Status LocalStore::end_bulk_load() {
  if (!bulk_) return {};
  bulk_ = false;
  bulk_keys_ = {};
  bulk_messages_ = {};
  candidates_ = {};
  return db_.exec(sql_text::kCreateIndexes);
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
  // Back to WAL once the bulk load is over. The commit stands either way: a
  // reader holding the store keeps the rollback journal until a later commit.
  if (rollback_journal_ && !bulk_) rollback_journal_ = !try_journal_mode("wal", /*wait=*/false);
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
      .bind(14, int64_t{f.oversized_open})
      .run();
}

Status LocalStore::rename_file(const std::string& from, const std::string& to) {
  return rename_file_.bind(1, from).bind(2, to).run();
}

LocalStore::KeyHashes LocalStore::hashes_of(const UsageRecord& r) {
  return {fnv1a64(r.dedupe_key), r.message_id.empty() ? 0 : fnv1a64(r.message_id)};
}

void LocalStore::bind_record(sql::Statement& st, const UsageRecord& r,
                             const std::string& tools_json, const KeyHashes& h) {
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
      .bind(26, now_utc_ms())
      .bind(27, tools_json)
      .bind(28, static_cast<int64_t>(h.key))
      .bind(29, static_cast<int64_t>(h.message));
}

bool LocalStore::candidate_wins(bool existing_sidechain, int64_t existing_total, bool existing_fast,
                                const UsageRecord& c) {
  if (existing_sidechain != c.sidechain) return !c.sidechain;
  if (c.token_total() != existing_total) return c.token_total() > existing_total;
  return c.fast && !existing_fast;
}

Result<std::optional<LocalStore::Existing>> LocalStore::load_by_id(int64_t id, std::string* key,
                                                                   std::string* message) {
  select_id_.bind(1, id);
  auto row = select_id_.step();
  std::optional<Existing> out;
  if (row && *row) {
    out = Existing{select_id_.int64(0), select_id_.int64(1) != 0, select_id_.int64(2),
                   select_id_.int64(3) != 0, std::string(select_id_.text(4))};
    if (key) *key = std::string(select_id_.text(5));
    if (message) *message = std::string(select_id_.text(6));
  }
  select_id_.reset();
  if (!row) return row.error();
  return out;
}

Result<std::optional<LocalStore::Existing>> LocalStore::find_existing(const UsageRecord& r,
                                                                      const KeyHashes& h) {
  std::optional<Existing> found;
  if (bulk_) {
    std::string key, message;
    candidates_.clear();
    bulk_keys_.find(h.key, candidates_);
    for (const int64_t id : candidates_) {
      auto row = load_by_id(id, &key, nullptr);
      if (!row) return row.error();
      if (*row && key == r.dedupe_key) return row;
    }
    if (r.message_id.empty()) return found;
    candidates_.clear();
    bulk_messages_.find(h.message, candidates_);
    for (const int64_t id : candidates_) {
      auto row = load_by_id(id, &key, &message);
      if (!row) return row.error();
      if (!*row || message != r.message_id || key == r.dedupe_key) continue;
      if (!(*row)->sidechain && !r.sidechain) continue;
      // Same order as the indexed query: main-session rows first, then oldest.
      if (!found || (found->sidechain && !(*row)->sidechain) ||
          (found->sidechain == (*row)->sidechain && (*row)->id < found->id))
        found = std::move(*row);
    }
    return found;
  }
  auto read = [&](sql::Statement& st) -> Status {
    auto row = st.step();
    if (row && *row)
      found = Existing{st.int64(0), st.int64(1) != 0, st.int64(2), st.int64(3) != 0,
                       std::string(st.text(4))};
    st.reset();
    if (!row) return row.error();
    return {};
  };
  select_key_.bind(1, static_cast<int64_t>(h.key)).bind(2, r.dedupe_key);
  if (auto s = read(select_key_); !s) return s.error();
  if (!found && !r.message_id.empty()) {
    select_message_.bind(1, static_cast<int64_t>(h.message))
        .bind(2, r.message_id)
        .bind(3, r.dedupe_key)
        .bind(4, int64_t{r.sidechain});
    if (auto s = read(select_message_); !s) return s.error();
  }
  return found;
}

Status LocalStore::note_pending(const std::vector<ToolUse>& tools, int64_t record_id) {
  for (const ToolUse& t : tools) {
    if (!t.wants_result() || t.result_seen) continue;
    const int64_t kind =
        static_cast<int64_t>(t.git_commit ? ToolKind::kGitCommit : ToolKind::kChange);
    if (auto s = insert_pending_.bind(1, t.tool_use_id)
                     .bind(2, record_id)
                     .bind(3, kind)
                     .bind(4, now_utc_ms())
                     .run();
        !s)
      return s;
  }
  return {};
}

Result<UpsertOutcome> LocalStore::upsert(const UsageRecord& r) {
  const KeyHashes h = hashes_of(r);
  auto existing = find_existing(r, h);
  if (!existing) return existing.error();
  if (!*existing) {
    const std::string uid = sha256_.hex(r.dedupe_key, 32);
    const std::string tools = encode_tools(r.tools);
    insert_record_.bind(1, uid);
    bind_record(insert_record_, r, tools, h);
    if (auto s = insert_record_.run(); !s) return s.error();
    const int64_t id = db_.last_insert_rowid();
    if (bulk_) {
      bulk_keys_.insert(h.key, id);
      if (!r.message_id.empty()) bulk_messages_.insert(h.message, id);
      if (bulk_keys_.size() >= kBulkLimit) {
        if (auto s = end_bulk_load(); !s) return s.error();
      }
    }
    if (auto s = note_pending(r.tools, id); !s) return s.error();
    return UpsertOutcome::kInserted;
  }
  Existing& e = **existing;
  auto stored_tools = decode_tools(e.tools_json);
  if (!stored_tools)
    return make_error(db_.path() + ": record " + std::to_string(e.id) + ": " +
                      stored_tools.error().message);
  std::vector<ToolUse> tools = std::move(stored_tools).value();
  const bool tools_changed = merge_tools(tools, r.tools);
  if (candidate_wins(e.sidechain, e.total, e.fast, r)) {
    const std::string json = encode_tools(tools);
    replace_record_.bind(1, e.id);
    bind_record(replace_record_, r, json, h);
    if (auto s = replace_record_.run(); !s) return s.error();
    if (bulk_) {
      bulk_keys_.insert(h.key, e.id);
      if (!r.message_id.empty()) bulk_messages_.insert(h.message, e.id);
    }
    if (auto s = note_pending(tools, e.id); !s) return s.error();
    return UpsertOutcome::kReplaced;
  }
  // The stored copy stays; tool calls seen only in this copy still join it.
  if (tools_changed) {
    const std::string json = encode_tools(tools);
    if (auto s = update_tools_.bind(1, e.id).bind(2, json).bind(3, now_utc_ms()).run(); !s)
      return s.error();
    if (auto s = note_pending(tools, e.id); !s) return s.error();
  }
  return UpsertOutcome::kKept;
}

Status LocalStore::apply_tool_result(const ToolResultLine& t) {
  select_pending_record_.bind(1, t.tool_use_id);
  auto row = select_pending_record_.step();
  std::optional<int64_t> record_id;
  if (row && *row) record_id = select_pending_record_.int64(0);
  select_pending_record_.reset();
  if (!row) return row.error();
  if (!record_id) return {};  // never seen, or already resolved
  auto existing = load_by_id(*record_id, nullptr, nullptr);
  if (!existing) return existing.error();
  if (*existing) {
    auto tools = decode_tools((*existing)->tools_json);
    if (!tools)
      return make_error(db_.path() + ": record " + std::to_string(*record_id) + ": " +
                        tools.error().message);
    for (ToolUse& tool : *tools) {
      if (tool.tool_use_id != t.tool_use_id || tool.result_seen) continue;
      tool.result_seen = true;
      tool.lines_added = t.lines_added;
      tool.lines_removed = t.lines_removed;
      tool.commit_sha = t.commit_sha;
      const std::string json = encode_tools(*tools);
      if (auto s = update_tools_.bind(1, *record_id).bind(2, json).bind(3, now_utc_ms()).run(); !s)
        return s;
      break;
    }
  }
  return delete_pending_.bind(1, t.tool_use_id).run();
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

Result<std::vector<proto::WireRecord>> LocalStore::unshipped(size_t limit,
                                                             std::vector<int64_t>* ids) {
  std::vector<proto::WireRecord> out;
  if (ids) ids->clear();
  auto st = db_.prepare(sql_text::kSelectUnshipped);
  if (!st) return st.error();
  st->bind(1, static_cast<int64_t>(limit));
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    proto::WireRecord w;
    w.record_uid = std::string(st->text(0));
    w.revision = st->int64(1);
    UsageRecord& r = w.usage;
    r.dedupe_key = std::string(st->text(2));
    r.message_id = std::string(st->text(3));
    r.request_id = std::string(st->text(4));
    r.timestamp_ms = st->int64(5);
    r.session_id = std::string(st->text(6));
    r.sidechain = st->int64(7) != 0;
    r.agent_id = std::string(st->text(8));
    r.model = std::string(st->text(9));
    r.input = st->int64(10);
    r.output = st->int64(11);
    r.cache_create_5m = st->int64(12);
    r.cache_create_1h = st->int64(13);
    r.cache_read = st->int64(14);
    r.web_search_requests = st->int64(15);
    r.fast = st->int64(16) != 0;
    r.cost_nanos = st->opt_int64(17);
    r.long_context = st->int64(18) != 0;
    r.price_version = std::string(st->text(19));
    r.cc_version = std::string(st->text(20));
    r.author = std::string(st->text(21));
    r.repo = std::string(st->text(22));
    r.branch = std::string(st->text(23));
    r.task_keys = std::string(st->text(24));
    r.turn_id = std::string(st->text(25));
    auto tools = decode_tools(st->text(26));
    if (!tools)
      return make_error(db_.path() + ": record " + w.record_uid + ": " + tools.error().message);
    r.tools = std::move(tools).value();
    if (ids) ids->push_back(st->int64(27));
    out.push_back(std::move(w));
  }
  return out;
}

Status LocalStore::mark_shipped(const std::vector<Sent>& sent) {
  auto st = db_.prepare(sql_text::kMarkShipped);
  if (!st) return st.error();
  for (const Sent& r : sent) {
    if (auto s = st->bind(1, r.id).bind(2, r.revision).bind(3, r.uid).run(); !s) return s;
  }
  return {};
}

Status LocalStore::quarantine(const std::vector<QuarantineEntry>& entries) {
  auto mark = db_.prepare(sql_text::kQuarantine);
  if (!mark) return mark.error();
  auto note = db_.prepare(sql_text::kInsertQuarantine);
  if (!note) return note.error();
  const int64_t now = now_utc_ms();
  for (const QuarantineEntry& e : entries) {
    if (auto s = mark->bind(1, e.record_id).bind(2, e.revision).bind(3, e.record_uid).run(); !s)
      return s;
    const int64_t status = e.http_status;
    if (auto s = note->bind(1, e.record_id)
                     .bind(2, e.revision)
                     .bind(3, e.record_uid)
                     .bind(4, e.batch_id)
                     .bind(5, status)
                     .bind(6, e.reason)
                     .bind(7, now)
                     .run();
        !s)
      return s;
  }
  return {};
}

Result<std::vector<QuarantineEntry>> LocalStore::quarantined(size_t limit) {
  std::vector<QuarantineEntry> out;
  auto st = db_.prepare(sql_text::kSelectQuarantine);
  if (!st) return st.error();
  st->bind(1, static_cast<int64_t>(limit));
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    QuarantineEntry e;
    e.record_uid = std::string(st->text(0));
    e.revision = st->int64(1);
    e.batch_id = std::string(st->text(2));
    e.http_status = static_cast<int>(st->int64(3));
    e.reason = std::string(st->text(4));
    e.at_ms = st->int64(5);
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> LocalStore::release_quarantine() {
  auto n = db_.scalar("SELECT count(*) FROM usage_records WHERE quarantined_revision > 0");
  if (!n) return n.error();
  if (auto s = db_.exec(sql_text::kReleaseQuarantine); !s) return s.error();
  return *n;
}

Result<std::string> LocalStore::device_id() {
  auto st = db_.prepare(sql_text::kSelectMeta);
  if (!st) return st.error();
  st->bind(1, std::string_view("device_id"));
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return make_error(db_.path() + ": no device id");
  return std::string(st->text(0));
}

Result<QueueStats> LocalStore::queue_stats() {
  QueueStats q;
  auto st = db_.prepare(sql_text::kQueueStats);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (*row) {
    q.records = st->int64(0);
    q.unshipped = st->int64(1);
    q.oldest_unshipped_ms = st->opt_int64(2);
    q.quarantined = st->int64(3);
  }
  auto used = db_.scalar(sql_text::kUsedBytes);
  if (!used) return used.error();
  q.used_bytes = *used;
  auto meta = db_.prepare(
      "SELECT key, CAST(value AS INTEGER) FROM tracker_meta WHERE key IN"
      " ('evicted_shipped', 'evicted_unshipped', 'expired')");
  if (!meta) return meta.error();
  while (true) {
    auto r = meta->step();
    if (!r) return r.error();
    if (!*r) break;
    const std::string_view key = meta->text(0);
    int64_t& slot = key == "evicted_shipped" ? q.evicted_shipped
                    : key == "expired"       ? q.expired
                                             : q.evicted_unshipped;
    slot = meta->int64(1);
  }
  return q;
}

Result<BoundsOutcome> LocalStore::enforce_bounds(int64_t max_bytes, int64_t retention_cutoff_ms) {
  BoundsOutcome out;
  auto run_counted = [&](const char* sql, int64_t arg, int64_t& counter) -> Status {
    auto st = db_.prepare(sql);
    if (!st) return st.error();
    st->bind(1, arg);
    if (auto s = st->run(); !s) return s;
    counter += db_.changes();
    return {};
  };
  if (auto s = run_counted(sql_text::kDeleteExpired, retention_cutoff_ms, out.expired); !s)
    return s.error();
  constexpr int64_t kChunk = 500;
  while (true) {
    auto used = db_.scalar(sql_text::kUsedBytes);
    if (!used) return used.error();
    if (*used <= max_bytes) break;
    const int64_t before = out.evicted_shipped + out.evicted_unshipped;
    if (auto s = run_counted(sql_text::kEvictOldestShipped, kChunk, out.evicted_shipped); !s)
      return s.error();
    if (out.evicted_shipped + out.evicted_unshipped == before) {
      if (auto s = run_counted(sql_text::kEvictOldestUnshipped, kChunk, out.evicted_unshipped); !s)
        return s.error();
    }
    if (out.evicted_shipped + out.evicted_unshipped == before) break;  // nothing left to remove
  }
  if (out.expired + out.evicted_shipped + out.evicted_unshipped == 0) return out;
  if (auto s = db_.exec(sql_text::kDeleteOrphanPending); !s) return s.error();
  if (auto s = db_.exec(sql_text::kDeleteOrphanQuarantine); !s) return s.error();
  auto add = db_.prepare(sql_text::kAddCounter);
  if (!add) return add.error();
  const std::pair<const char*, int64_t> counters[] = {{"expired", out.expired},
                                                      {"evicted_shipped", out.evicted_shipped},
                                                      {"evicted_unshipped", out.evicted_unshipped}};
  for (const auto& [key, n] : counters) {
    if (n == 0) continue;
    const std::string value = std::to_string(n);
    if (auto s = add->bind(1, std::string_view(key)).bind(2, value).run(); !s) return s.error();
  }
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> LocalStore::files_with_problems() {
  std::vector<std::pair<std::string, int64_t>> out;
  auto st = db_.prepare(sql_text::kFilesWithProblems);
  if (!st) return st.error();
  while (true) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.emplace_back(std::string(st->text(0)), st->int64(1));
  }
  return out;
}

}  // namespace codepulse::tracker
