// Usage facts from PostgreSQL rows, the cursor scan over them, and the
// store's read_usage (the epics and the records of a range in one snapshot),
// and the days' counts kept at ingest.
#include "collector/store/postgres/pg_usage_scan.hpp"

#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"
#include "common/report/usage_source.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::collector::pg_store {

Status read_fact(const pg::Rows& rows, int row, bool with_tools, report::UsageFact& f) {
  f.record_id = rows.int64(row, 0);
  f.author.assign(rows.text(row, 1));
  f.session.assign(rows.text(row, 2));
  f.model.assign(rows.text(row, 3));
  f.fast = rows.int64(row, 4) != 0;
  if (f.fast) f.model += "-fast";  // as the SQLite store names fast mode
  f.repo.assign(rows.text(row, 5));
  f.branch.assign(rows.text(row, 6));
  f.task_keys.assign(rows.text(row, 7));
  f.turn_id.assign(rows.text(row, 8));
  f.ts_ms = rows.int64(row, 9);
  f.input = rows.int64(row, 10);
  f.output = rows.int64(row, 11);
  f.cache_create = rows.int64(row, 12);
  f.cache_read = rows.int64(row, 13);
  f.cache_create_1h = rows.int64(row, 14);
  f.web_search = rows.int64(row, 15);
  f.web_fetch = rows.int64(row, 16);
  f.inference_geo.assign(rows.text(row, 17));
  f.assistant.assign(rows.text(row, 18));
  f.revision = rows.int64(row, 20);
  f.tools.clear();
  if (!with_tools) return {};
  auto tools = decode_tools(rows.text(row, 19));
  if (!tools)
    return make_error("usage record " + std::to_string(f.record_id) +
                      ": tools: " + tools.error().message);
  f.tools = std::move(tools).value();
  return {};
}

Status scan_facts(pg::Connection& conn, const std::string& select, const pg::Params& params,
                  bool with_tools, const UsageScan& scan) {
  constexpr int kFetchRows = 5000;
  auto declared = conn.query("DECLARE codepulse_scan NO SCROLL CURSOR FOR " + select, params);
  if (!declared) return declared.error();
  report::UsageFact f;
  Status result;
  while (result) {
    auto rows = conn.query("FETCH " + std::to_string(kFetchRows) + " FROM codepulse_scan");
    if (!rows) {
      result = rows.error();
      break;
    }
    for (int i = 0; i < rows->size() && result; ++i) {
      if (auto s = read_fact(*rows, i, with_tools, f); !s)
        result = s;
      else if (!scan(f))
        result = make_error("the scan of usage records was stopped");
    }
    if (rows->size() < kFetchRows) break;
  }
  if (result) {
    if (auto s = conn.exec("CLOSE codepulse_scan"); !s) return s;
  }
  return result;
}

Status PostgresStore::read_usage(int64_t since_ms, int64_t until_ms, bool with_tools,
                                 report::EpicMap& epics, const UsageScan& scan) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  // One snapshot for the epics and the records, even while ingest goes on.
  if (auto s = (*conn)->exec(pg_sql::kBeginSnapshot); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = read_epics(**conn, epics); !s) return s;
    pg::Params range;
    range.add(since_ms).add(until_ms);
    return scan_facts(**conn,
                      std::string("SELECT ") + report::kUsageFactColumns +
                          " FROM usage_records WHERE ts_ms >= $1::bigint AND ts_ms < "
                          "$2::bigint",
                      range, with_tools, scan);
  };
  auto s = run();
  (void)(*conn)->exec(s ? "COMMIT" : "ROLLBACK");
  return s;
}

Status PostgresStore::read_usage_by_ids(const std::vector<int64_t>& ids, const UsageScan& scan) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  std::string list = "{";  // a bigint[] in PostgreSQL's text form
  for (const int64_t id : ids) {
    if (list.size() > 1) list.push_back(',');
    list += std::to_string(id);
  }
  list.push_back('}');
  if (auto s = (*conn)->exec("BEGIN"); !s) return s;
  pg::Params params;
  params.add(list);
  auto s = scan_facts(**conn,
                      std::string("SELECT ") + report::kUsageFactColumns +
                          " FROM usage_records WHERE id = ANY($1::bigint[]) ORDER BY id",
                      params, true, scan);
  (void)(*conn)->exec(s ? "COMMIT" : "ROLLBACK");
  return s;
}

Result<std::vector<UsageDayCount>> PostgresStore::usage_days(int64_t since_ms, int64_t until_ms) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params range;
  range.add(since_ms).add(until_ms);
  auto rows = (*conn)->run("codepulse_select_usage_days", pg_sql::kSelectUsageDays, range);
  if (!rows) return rows.error();
  std::vector<UsageDayCount> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->int64(i, 0), rows->int64(i, 1), rows->int64(i, 2)});
  return out;
}

}  // namespace codepulse::collector::pg_store
