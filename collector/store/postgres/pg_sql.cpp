// The usage record's statements of the PostgreSQL store, built once from its
// column list (common/record/usage_columns.hpp).
#include "collector/store/postgres/pg_sql.hpp"

#include <initializer_list>
#include <string_view>
#include <utility>

namespace codepulse::collector::pg_sql {
namespace {

// {columns} stands for the listed columns, {values} for their parameters,
// {assignments} for "column = parameter" of each; the other {names} for the
// parameters of the columns around them.
constexpr const char* kUpsertRecord = R"sql(
WITH prev AS (
  SELECT id, revision, txid, author, session_id, model, fast, repo, branch, task_keys, turn_id,
         ts_ms, input, output, cache_create_5m, cache_create_1h, cache_read, cost_nanos,
         web_search, web_fetch, inference_geo, assistant, tools
  FROM usage_records WHERE author = {author} AND uid = {uid} FOR UPDATE
), ins AS (
  INSERT INTO usage_records (author, uid, revision, device_id, {columns}, tools, received_ms)
  SELECT {author}, {uid}, {revision}, {device_id}, {values}, {tools}, {received_ms}
  WHERE NOT EXISTS (SELECT 1 FROM prev)
  ON CONFLICT (author, uid) DO NOTHING
  RETURNING id
), upd AS (
  UPDATE usage_records r SET revision = {revision}, device_id = {device_id}, {assignments},
    tools = {tools}, received_ms = {received_ms}, txid = pg_current_xact_id()
  FROM prev WHERE r.id = prev.id AND prev.revision < {revision}
  RETURNING r.id
), retracted AS (
  INSERT INTO usage_retractions (retracted_txid, created_ms, record_id, author, session_id, model,
    fast, repo, branch, task_keys, turn_id, ts_ms, input, output, cache_create_5m,
    cache_create_1h, cache_read, cost_nanos, web_search, web_fetch, inference_geo, assistant,
    tools)
  SELECT txid, {received_ms}, id, author, session_id, model, fast, repo, branch, task_keys,
    turn_id, ts_ms, input, output, cache_create_5m, cache_create_1h, cache_read, cost_nanos,
    web_search, web_fetch, inference_geo, assistant, tools
  FROM prev WHERE prev.revision < {revision}
)
SELECT (SELECT id FROM ins), (SELECT id FROM prev), (SELECT revision FROM prev)
)sql";

constexpr const char* kInsertNewRecords = R"sql(
INSERT INTO usage_records (author, device_id, received_ms, uid, revision, {columns}, tools)
SELECT {author}, {device_id}, {received_ms}, t.*
FROM unnest({uids}, {revisions}, {values}, {tools}) AS t
ON CONFLICT (author, uid) DO NOTHING
RETURNING uid
)sql";

// "$n::type"
std::string param(int n, const char* type) {
  return "$" + std::to_string(n) + "::" + type;
}

// `text` with every {name} replaced by its value.
std::string fill(std::string text,
                 std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [name, value] : values) {
    const std::string token = "{" + std::string(name) + "}";
    for (size_t at = text.find(token); at != std::string::npos;
         at = text.find(token, at + value.size()))
      text.replace(at, token.size(), value);
  }
  return text;
}

}  // namespace

const std::string& upsert_record_sql() {
  using namespace record_param;
  static const std::string sql =
      fill(kUpsertRecord, {{"columns", usage_column_names()},
                           {"values", usage_pg_params(kFirstField)},
                           {"assignments", usage_pg_assignments(kFirstField)},
                           {"author", param(kAuthor, "text")},
                           {"uid", param(kUid, "text")},
                           {"revision", param(kRevision, "bigint")},
                           {"device_id", param(kDeviceId, "text")},
                           {"tools", param(kTools, "text")},
                           {"received_ms", param(kReceivedMs, "bigint")}});
  return sql;
}

const std::string& insert_new_records_sql() {
  using namespace new_records_param;
  static const std::string sql =
      fill(kInsertNewRecords, {{"columns", usage_column_names()},
                               {"values", usage_pg_params(kFirstField, /*array=*/true)},
                               {"author", param(kAuthor, "text")},
                               {"device_id", param(kDeviceId, "text")},
                               {"received_ms", param(kReceivedMs, "bigint")},
                               {"uids", param(kUids, "text[]")},
                               {"revisions", param(kRevisions, "bigint[]")},
                               {"tools", param(kTools, "text[]")}});
  return sql;
}

}  // namespace codepulse::collector::pg_sql
