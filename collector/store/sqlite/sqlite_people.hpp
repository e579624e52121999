// The SQLite store's people directory read from any connection to the file,
// so that a read-only `report --db` answers the people dimensions too.
#pragma once

#include "collector/store/people_rows.hpp"
#include "common/sqlite.hpp"

namespace codepulse::collector::sqlite_store {

// The whole directory from one snapshot (empty in a file from before
// schema version 15).
Result<PeopleRows> load_people_rows(sql::Database& db);

}  // namespace codepulse::collector::sqlite_store
