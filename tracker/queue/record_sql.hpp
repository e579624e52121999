// The statements of the record table (usage_records, store_sql.hpp): lookups
// for the dedupe rule, insert and replace, tool calls and their pending
// results. Insert and replace name the record's listed columns from
// common/record/usage_columns.hpp.
#pragma once

#include <string>

namespace codepulse::tracker::sql_text {

// Every record that a record with this dedupe key could be: those with its
// message id (a sidechain replay shares message.id with the original but not
// requestId; a request's advisor calls share it too), or, for a record
// without a message id, those with its dedupe key's hash. The message id is
// part of the dedupe key, so one index answers both lookups
// (LocalStore::find_existing picks among the rows).
inline constexpr const char* kSelectByMessage =
    "SELECT id, sidechain, input + output + cache_create_5m + cache_create_1h + cache_read, fast,"
    " tools, dedupe_key, message_id, iteration FROM usage_records"
    " WHERE message_hash = ?1 AND message_hash <> 0";
inline constexpr const char* kSelectByKeyWithoutMessage =
    "SELECT id, sidechain, input + output + cache_create_5m + cache_create_1h + cache_read, fast,"
    " tools, dedupe_key, message_id, iteration FROM usage_records"
    " WHERE key_hash = ?1 AND message_hash = 0";
inline constexpr const char* kSelectById =
    "SELECT id, sidechain, input + output + cache_create_5m + cache_create_1h + cache_read, fast,"
    " tools, dedupe_key, message_id, iteration FROM usage_records WHERE id = ?1";

// Insert and replace take the same parameters: ?1 the record uid (insert) or
// the row id (replace), ?2 dedupe_key, ?3 author, ?4 the time (created_ms and
// updated_ms on insert, updated_ms on replace), ?5 tools, ?6 key_hash,
// ?7 message_hash, then the listed columns from kFirstListedParam on.
inline constexpr int kFirstListedParam = 8;
const std::string& insert_record();
const std::string& replace_record();  // and revision + 1
inline constexpr const char* kUpdateTools =
    "UPDATE usage_records SET tools = ?2, revision = revision + 1, updated_ms = ?3 WHERE id = ?1";
inline constexpr const char* kAnyRecord = "SELECT EXISTS (SELECT 1 FROM usage_records)";

inline constexpr const char* kInsertPending =
    "INSERT OR REPLACE INTO pending_results (tool_use_id, record_id, kind, created_ms)"
    " VALUES (?1, ?2, ?3, ?4)";
inline constexpr const char* kSelectPending = "SELECT tool_use_id, kind FROM pending_results";
inline constexpr const char* kSelectPendingRecord =
    "SELECT record_id FROM pending_results WHERE tool_use_id = ?1";
inline constexpr const char* kDeletePending = "DELETE FROM pending_results WHERE tool_use_id = ?1";
// The call's wait for this record only (another record may wait on the same id).
inline constexpr const char* kDeleteRecordPending =
    "DELETE FROM pending_results WHERE tool_use_id = ?1 AND record_id = ?2";

}  // namespace codepulse::tracker::sql_text
