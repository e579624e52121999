// What each device's tracker has sent, from the SQLite store's batches, for
// the dashboard's health view.
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "collector/store/stored_rows.hpp"

namespace codepulse::collector::sqlite_store {

Result<std::vector<DeviceActivity>> SqliteStore::device_activity(size_t limit) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  auto st = reader_.prepare(sql_text::kSelectDeviceActivity);
  if (!st) return st.error();
  st->bind(1, static_cast<int64_t>(limit));
  std::vector<DeviceActivity> out;
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_device_activity(StatementRow(*st)));
  }
  return out;
}

}  // namespace codepulse::collector::sqlite_store
