// The SQLite store's online backup: a consistent copy made while a collector
// serves the file, carrying a generation of its own (store.hpp,
// StoreGeneration), for `codepulse-collector backup`.
#pragma once

#include <string>

#include "collector/store/store.hpp"

namespace codepulse::collector {

// Copies the database at `db_path` (VACUUM INTO: one snapshot, ingest goes
// on) to `path`, a new file of mode 0600, and marks the copy as a backup of
// this moment with a new generation; a serve that starts on the copy renews
// it again, so restoring one copy twice is seen twice. Returns the copy's
// generation. The file is removed again when anything fails.
Result<StoreGeneration> backup_sqlite_store(const std::string& db_path, const std::string& path);

}  // namespace codepulse::collector
