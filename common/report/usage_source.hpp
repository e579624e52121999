// Where the report engine's usage facts come from: rows of a store's
// usage_records table (the tracker's or the collector's), or a record as the
// collector decoded it from a batch.
#pragma once

#include <functional>
#include <string_view>

#include "common/report/usage_cube.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"

namespace codepulse::report {

// The columns of usage_records a fact is read from, in read_usage_fact's order.
inline constexpr const char* kUsageFactColumns =
    "id, author, session_id, model, fast, repo, branch, task_keys, turn_id, ts_ms, input,"
    " output, cache_create_5m + cache_create_1h, cache_read, cache_create_1h, web_search,"
    " web_fetch, inference_geo, assistant, tools, revision";

// The fact of the row `st` stands on (selected with kUsageFactColumns).
// Without `with_tools` its tools are left empty.
Status read_usage_fact(const sql::Statement& st, bool with_tools, UsageFact& f);

// Calls `fn` with every record whose timestamp is in [since, until), from
// one statement (so one snapshot inside a transaction). The fact passed is
// reused between calls. `fn` returns false to stop the scan (an error).
Status scan_usage(sql::Database& db, int64_t since_ms, int64_t until_ms, bool with_tools,
                  const std::function<bool(const UsageFact&)>& fn);

// The same for the records with these row ids, by id, with their tool calls.
Status scan_usage_ids(sql::Database& db, const std::vector<int64_t>& ids,
                      const std::function<bool(const UsageFact&)>& fn);

// The fact of a record the collector stores for `author` as row `record_id`.
UsageFact usage_fact(const UsageRecord& u, std::string_view author, int64_t record_id);

}  // namespace codepulse::report
