// The usage record's statements of the SQLite store, built once from its
// column list (common/record/usage_columns.hpp).
#include "collector/store/sqlite/sqlite_sql.hpp"

namespace codepulse::collector::sql_text {
namespace {

std::string param(int n) {
  return "?" + std::to_string(n);
}

}  // namespace

const std::string& insert_record_sql() {
  using namespace record_param;
  static const std::string sql =
      "INSERT INTO usage_records (author, uid, revision, device_id, " + usage_column_names() +
      ", tools, received_ms, uid_key) VALUES (" + param(kAuthor) + ", " + param(kUid) + ", " +
      param(kRevision) + ", " + param(kDeviceId) + ", " + usage_sqlite_placeholders(kFirstField) +
      ", " + param(kTools) + ", " + param(kReceivedMs) + ", " + param(kUidKey) + ")";
  return sql;
}

const std::string& replace_record_sql() {
  using namespace record_param;
  static const std::string sql =
      "UPDATE usage_records SET revision=" + param(kRevision) + ", device_id=" + param(kDeviceId) +
      ", " + usage_sqlite_assignments(kFirstField) + ", tools=" + param(kTools) +
      ", received_ms=" + param(kReceivedMs) + ", uid_key=" + param(kUidKey) +
      " WHERE id = " + param(kRowId);
  return sql;
}

}  // namespace codepulse::collector::sql_text
