// The SQLite store's seats read from any connection to the file, so that a
// read-only `report --db` spreads the seats as effective cost too.
#pragma once

#include <vector>

#include "collector/store/seat_rows.hpp"
#include "common/sqlite.hpp"

namespace codepulse::collector::sqlite_store {

// Every seat, by id (none in a file from before schema version 13).
Result<std::vector<SeatRow>> load_seat_rows(sql::Database& db);

}  // namespace codepulse::collector::sqlite_store
