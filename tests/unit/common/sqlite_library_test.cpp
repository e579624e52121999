// SQLite's process settings (common/sqlite_library.hpp): memory statistics
// off, and only before SQLite is initialised. Each case runs in a child
// process, where shutting SQLite down cannot touch this one's databases.
#include "common/sqlite_library.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "common/sqlite.hpp"

using namespace codepulse;

namespace {

// Runs `body` in a child process; its return value is the child's exit code.
int in_child(int (*body)()) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Bytes SQLite counts as in use after a database holds ~400 KB of rows.
int64_t counted_after_filling() {
  auto db = sql::Database::open(":memory:");
  if (!db || !db->exec("CREATE TABLE t (b BLOB); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
                       "SELECT i + 1 FROM c WHERE i < 4000) INSERT INTO t SELECT "
                       "zeroblob(100) FROM c"))
    return -1;
  auto n = db->scalar("SELECT count(*) FROM t");
  if (!n || *n != 4000) return -1;
  return sqlite3_memory_used();
}

}  // namespace

TEST_CASE("configure_library turns SQLite's memory statistics off before it starts", "[sqlite]") {
  const int code = in_child([]() -> int {
    if (sqlite3_shutdown() != SQLITE_OK) return 10;
    const int64_t before = sqlite3_memory_used();
    if (!sql::configure_library()) return 11;
    const int64_t after = counted_after_filling();
    if (after < 0) return 12;
    return after - before < 100'000 ? 0 : 13;  // with statistics on: over 400,000
  });
  CHECK(code == 0);
}

TEST_CASE("SQLite counts its memory unless configured, and refuses the setting once started",
          "[sqlite]") {
  const int code = in_child([]() -> int {
    if (sqlite3_shutdown() != SQLITE_OK) return 10;
    const int64_t before = sqlite3_memory_used();
    const int64_t after = counted_after_filling();  // initialises with the defaults
    if (after < 0) return 12;
    if (after - before < 400'000) return 13;
    return sql::configure_library() ? 14 : 0;  // too late: refused, nothing changes
  });
  CHECK(code == 0);
}
