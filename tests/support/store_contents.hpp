// Everything a store holds, for privacy checks that can fail: a SQLite store's
// files byte for byte (the database, -wal, -shm, -journal) and every row of
// every table as text; a PostgreSQL store's every row of every table.
#pragma once

#include <string>

namespace codepulse::test {

// `db` is what --db takes: a SQLite file or a postgresql:// URI. Throws when
// there is nothing to read (no such database), so a check never passes by
// reading nothing.
std::string store_contents(const std::string& db);

// Every file below `dir` byte for byte, and the rows of every SQLite
// database among them (a tracker's state folder, say). Throws when `dir`
// holds no file.
std::string folder_contents(const std::string& dir);

}  // namespace codepulse::test
