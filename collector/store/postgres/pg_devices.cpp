// What each device's tracker has sent, from the PostgreSQL store's batches,
// for the dashboard's health view.
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/stored_rows.hpp"

namespace codepulse::collector::pg_store {

Result<std::vector<DeviceActivity>> PostgresStore::device_activity(size_t limit) {
  pg::Params p;
  p.add(static_cast<int64_t>(limit));
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->run("codepulse_device_activity", pg_sql::kSelectDeviceActivity, p);
  if (!rows) return rows.error();
  std::vector<DeviceActivity> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back(read_device_activity(ResultRow(*rows, i)));
  return out;
}

}  // namespace codepulse::collector::pg_store
