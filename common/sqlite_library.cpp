#include "common/sqlite_library.hpp"

#include <sqlite3.h>

namespace codepulse::sql {

bool configure_library() {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

}  // namespace codepulse::sql
