// Usage facts (the report engine's input) read from PostgreSQL rows selected
// with report::kUsageFactColumns (or pg_sql::kRetractionFactColumns).
#pragma once

#include <string>

#include "collector/store/postgres/pg_connection.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector::pg_store {

// The fact of row `row` of `rows`. Without `with_tools` its tools are empty.
Status read_fact(const pg::Rows& rows, int row, bool with_tools, report::UsageFact& f);

// Runs `select` (inside the caller's open transaction) through a cursor, a
// few thousand rows at a time, so a scan of millions of records needs little
// memory; `scan` returns false to stop (an error).
Status scan_facts(pg::Connection& conn, const std::string& select, const pg::Params& params,
                  bool with_tools, const UsageScan& scan);

}  // namespace codepulse::collector::pg_store
