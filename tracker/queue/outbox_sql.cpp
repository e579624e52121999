// The outbox's statement that names the listed columns, built once.
#include "tracker/queue/outbox_sql.hpp"

#include "common/record/usage_columns.hpp"

namespace codepulse::tracker::sql_text {

const std::string& select_unshipped() {
  static const std::string text =
      "SELECT record_uid, revision, dedupe_key, author, tools, id, " + usage_column_names() +
      " FROM usage_records WHERE shipped_revision < revision AND quarantined_revision < revision"
      " ORDER BY ts_ms, id LIMIT ?1";
  return text;
}

}  // namespace codepulse::tracker::sql_text
