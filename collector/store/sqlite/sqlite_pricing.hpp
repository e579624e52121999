// The SQLite store's price rows read from any connection to the file, so that
// a read-only `report --db` prices with the book and overrides in force too.
#pragma once

#include "collector/store/price_rows.hpp"
#include "common/sqlite.hpp"

namespace codepulse::collector::sqlite_store {

// The book in force and the active overrides, in one read transaction (none
// of either in a file from before schema version 7).
Result<PricingRows> load_pricing_rows(sql::Database& db);

}  // namespace codepulse::collector::sqlite_store
