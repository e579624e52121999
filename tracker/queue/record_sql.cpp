// The record table's statements that name the listed columns, built once.
#include "tracker/queue/record_sql.hpp"

#include "common/record/usage_columns.hpp"

namespace codepulse::tracker::sql_text {

const std::string& insert_record() {
  static const std::string text =
      "INSERT INTO usage_records (record_uid, dedupe_key, author, created_ms, updated_ms, tools,"
      " key_hash, message_hash, " +
      usage_column_names() + ") VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, " +
      usage_sqlite_placeholders(kFirstListedParam) + ")";
  return text;
}

const std::string& replace_record() {
  static const std::string text =
      "UPDATE usage_records SET dedupe_key=?2, author=?3, updated_ms=?4, tools=?5, key_hash=?6,"
      " message_hash=?7, " +
      usage_sqlite_assignments(kFirstListedParam) + ", revision=revision+1 WHERE id=?1";
  return text;
}

}  // namespace codepulse::tracker::sql_text
