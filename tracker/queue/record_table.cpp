// The record table: usage records under the dedupe rule (lookup, insert,
// replace), the tool calls they carry, and the results still pending for them.
#include "common/hashing.hpp"
#include "common/record/usage_sqlite.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/queue/record_sql.hpp"
#include "tracker/queue/store_statements.hpp"

namespace codepulse::tracker {
namespace {

constexpr size_t kBulkLimit = 200'000;  // rows looked up in memory before indexes are built

}  // namespace

Status LocalStore::prepare_record_statements() {
  return prepare_statements(db_, {{&select_message_, sql_text::kSelectByMessage},
                                  {&select_no_message_, sql_text::kSelectByKeyWithoutMessage},
                                  {&select_id_, sql_text::kSelectById},
                                  {&insert_record_, sql_text::insert_record()},
                                  {&replace_record_, sql_text::replace_record()},
                                  {&update_tools_, sql_text::kUpdateTools},
                                  {&insert_pending_, sql_text::kInsertPending},
                                  {&select_pending_, sql_text::kSelectPending},
                                  {&select_pending_record_, sql_text::kSelectPendingRecord},
                                  {&delete_pending_, sql_text::kDeletePending},
                                  {&delete_record_pending_, sql_text::kDeleteRecordPending}});
}

LocalStore::KeyHashes LocalStore::hashes_of(const UsageRecord& r) {
  return {fnv1a64(r.dedupe_key), r.message_id.empty() ? 0 : fnv1a64(r.message_id)};
}

void LocalStore::bind_record(sql::Statement& st, const UsageRecord& r,
                             const std::string& tools_json, const KeyHashes& h) {
  // ?1, the uid or the row id, is the caller's (record_sql.hpp).
  st.bind(2, r.dedupe_key)
      .bind(3, r.author)
      .bind(4, now_utc_ms())
      .bind(5, tools_json)
      .bind(6, static_cast<int64_t>(h.key))
      .bind(7, static_cast<int64_t>(h.message));
  bind_usage_fields(st, sql_text::kFirstListedParam, r);
}

bool LocalStore::candidate_wins(bool existing_sidechain, int64_t existing_total, bool existing_fast,
                                const UsageRecord& c) {
  return candidate_wins(existing_sidechain, existing_total, existing_fast, c.sidechain,
                        c.token_total(), c.fast);
}

bool LocalStore::candidate_wins(bool existing_sidechain, int64_t existing_total, bool existing_fast,
                                bool sidechain, int64_t total, bool fast) {
  if (existing_sidechain != sidechain) return !sidechain;
  if (total != existing_total) return total > existing_total;
  return fast && !existing_fast;
}

// A row of kSelectById, kSelectByMessage or kSelectByKeyWithoutMessage (the
// same columns); its dedupe key and message id into `key` and `message`.
LocalStore::Existing LocalStore::existing_of(const sql::Statement& st, std::string* key,
                                             std::string* message) {
  if (key) key->assign(st.text(5));
  if (message) message->assign(st.text(6));
  return Existing{st.int64(0),      st.int64(1) != 0,        st.int64(2),
                  st.int64(3) != 0, std::string(st.text(4)), st.int64(7)};
}

Result<std::optional<LocalStore::Existing>> LocalStore::load_by_id(int64_t id, std::string* key,
                                                                   std::string* message) {
  select_id_.bind(1, id);
  auto row = select_id_.step();
  std::optional<Existing> out;
  if (row && *row) out = existing_of(select_id_, key, message);
  select_id_.reset();
  if (!row) return row.error();
  return out;
}

Result<std::optional<LocalStore::Existing>> LocalStore::find_existing(const UsageRecord& r,
                                                                      const KeyHashes& h) {
  // Among the records with this lookup hash: the one with this dedupe key;
  // else ccusage's sidechain fallback, a record with the same message id and
  // advisor call where either side is a sidechain, main-session rows first,
  // then the oldest.
  std::optional<Existing> fallback;
  std::string key, message;
  // True when `e` is the record with this dedupe key (the lookup ends).
  auto consider = [&](const Existing& e) {
    if (key == r.dedupe_key) return true;
    if (r.message_id.empty() || message != r.message_id) return false;
    if (e.iteration != r.iteration) return false;  // another advisor call of the request
    if (!e.sidechain && !r.sidechain) return false;
    if (!fallback || (fallback->sidechain && !e.sidechain) ||
        (fallback->sidechain == e.sidechain && e.id < fallback->id))
      fallback = e;
    return false;
  };
  if (bulk_) {
    candidates_.clear();
    bulk_lookup_.find(lookup_hash(h), candidates_);
    for (const int64_t id : candidates_) {
      auto row = load_by_id(id, &key, &message);
      if (!row) return row.error();
      if (!*row) continue;
      if (consider(**row)) return row;
    }
    return fallback;
  }
  sql::Statement& st = h.message != 0 ? select_message_ : select_no_message_;
  st.bind(1, static_cast<int64_t>(lookup_hash(h)));
  while (true) {
    auto row = st.step();
    if (!row) {
      st.reset();
      return row.error();
    }
    if (!*row) break;
    Existing e = existing_of(st, &key, &message);
    if (consider(e)) {
      st.reset();
      return std::optional<Existing>(std::move(e));
    }
  }
  st.reset();
  return fallback;
}

Status LocalStore::note_pending(const std::vector<ToolUse>& tools, std::string_view assistant,
                                int64_t record_id) {
  const bool failures_logged = logs_failures(assistant);
  for (const ToolUse& t : tools) {
    const ToolKind awaited = awaited_kind(t, failures_logged);
    if (awaited == ToolKind::kOther) continue;
    const auto kind = static_cast<int64_t>(awaited);
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
      bulk_lookup_.insert(lookup_hash(h), id);
      if (bulk_lookup_.size() >= kBulkLimit) {
        if (auto s = end_bulk_load(); !s) return s.error();
      }
    }
    if (auto s = note_pending(r.tools, r.assistant, id); !s) return s.error();
    return UpsertOutcome::kInserted;
  }
  Existing& e = **existing;
  auto stored_tools = decode_tools(e.tools_json);
  if (!stored_tools)
    return make_error(db_.path() + ": record " + std::to_string(e.id) + ": " +
                      stored_tools.error().message);
  std::vector<ToolUse> tools = std::move(stored_tools).value();
  // Calls the stored copy still waits for that this copy comes with the
  // result of (read in another file: a subagent's own, say): they wait no more.
  answered_.clear();
  for (const ToolUse& t : r.tools) {
    if (!t.result_seen) continue;
    for (const ToolUse& mine : tools)
      if (mine.tool_use_id == t.tool_use_id && !mine.result_seen)
        answered_.push_back(t.tool_use_id);
  }
  for (const std::string& id : answered_)
    if (auto s = delete_record_pending_.bind(1, id).bind(2, e.id).run(); !s) return s.error();
  const bool tools_changed = merge_tools(tools, r.tools);
  if (candidate_wins(e.sidechain, e.total, e.fast, r)) {
    const std::string json = encode_tools(tools);
    replace_record_.bind(1, e.id);
    bind_record(replace_record_, r, json, h);
    if (auto s = replace_record_.run(); !s) return s.error();
    // (Its lookup hash is the one it was found by: bulk_lookup_ holds it.)
    if (auto s = note_pending(tools, r.assistant, e.id); !s) return s.error();
    return UpsertOutcome::kReplaced;
  }
  // The stored copy stays; tool calls seen only in this copy still join it.
  if (tools_changed) {
    const std::string json = encode_tools(tools);
    if (auto s = update_tools_.bind(1, e.id).bind(2, json).bind(3, now_utc_ms()).run(); !s)
      return s.error();
    if (auto s = note_pending(tools, r.assistant, e.id); !s) return s.error();
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
      if (tool.tool_use_id != t.tool_use_id ||
          !result_adds_to(tool, t.lines_added, t.lines_removed, t.commit_sha))
        continue;
      tool.result_seen = true;
      tool.lines_added = t.lines_added;
      tool.lines_removed = t.lines_removed;
      tool.commit_sha = t.commit_sha;
      tool.error = t.error;
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

}  // namespace codepulse::tracker
