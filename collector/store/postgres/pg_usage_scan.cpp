#include "collector/store/postgres/pg_usage_scan.hpp"

#include "common/tool_codec.hpp"

namespace codepulse::collector::pg_store {

Status read_fact(const pg::Rows& rows, int row, bool with_tools, report::UsageFact& f) {
  f.record_id = rows.int64(row, 0);
  f.author.assign(rows.text(row, 1));
  f.session.assign(rows.text(row, 2));
  f.model.assign(rows.text(row, 3));
  if (rows.int64(row, 4) != 0) f.model += "-fast";  // as the SQLite store names fast mode
  f.repo.assign(rows.text(row, 5));
  f.branch.assign(rows.text(row, 6));
  f.task_keys.assign(rows.text(row, 7));
  f.turn_id.assign(rows.text(row, 8));
  f.ts_ms = rows.int64(row, 9);
  f.input = rows.int64(row, 10);
  f.output = rows.int64(row, 11);
  f.cache_create = rows.int64(row, 12);
  f.cache_read = rows.int64(row, 13);
  f.cost_nanos = rows.opt_int64(row, 14);
  f.tools.clear();
  if (!with_tools) return {};
  auto tools = decode_tools(rows.text(row, 15));
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

}  // namespace codepulse::collector::pg_store
