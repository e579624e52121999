// Reads another program's SQLite database for a test, read-only and in
// place (a WAL database's rows may all still be in its -wal file).
#pragma once

#include <string>
#include <vector>

namespace codepulse::test {

// Every row of `sql` on the database at `path`, each column as text (NULL
// as ""); throws with SQLite's message when it cannot be read.
std::vector<std::vector<std::string>> query_read_only(const std::string& path,
                                                      const std::string& sql);

}  // namespace codepulse::test
