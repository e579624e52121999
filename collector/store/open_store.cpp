// Which store --db names: a PostgreSQL URI or a SQLite file.
#include "collector/store/store.hpp"

namespace codepulse::collector {

bool is_postgres_uri(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> open_store(const std::string& db) {
  if (is_postgres_uri(db)) return open_postgres_store(db);
  return open_sqlite_store(db);
}

}  // namespace codepulse::collector
