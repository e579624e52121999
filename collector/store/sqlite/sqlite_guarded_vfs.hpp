// The SQLite VFS the collector's store opens its files with: SQLite's own
// (unix) VFS, plus containment of faults in the shared-memory (-shm) file.
// SQLite maps the -shm file into memory; if that file is truncated, made
// immutable or cannot be backed (full copy-on-write disk), touching the
// mapping raises SIGBUS, which would kill the process. Here a SIGBUS inside
// a mapped -shm region replaces that region with private zeroed memory and
// counts the fault; every file opened before the fault then fails its reads
// and writes (SQLITE_IOERR), so nothing built on the lost index is written,
// until the store closes its connections and opens them again
// (storage_faults() tells it when). The database file itself is never mapped
// (xFetch maps nothing, whatever mmap_size says).
#pragma once

#include <cstdint>

#include "common/result.hpp"

namespace codepulse::collector::sqlite_store {

inline constexpr const char* kGuardedVfs = "codepulse-guarded";

// Registers the VFS and installs the SIGBUS handler, once per process (a
// SIGBUS outside a -shm mapping goes to the handler installed before, or
// kills the process as usual).
Status register_guarded_vfs();

// What has gone wrong below the store since the process started.
struct StorageFaults {
  uint64_t sigbus = 0;  // SIGBUS in a -shm mapping: files opened before are unusable
  uint64_t io = 0;      // failed reads, writes, syncs, or a -shm SQLite could only map read-only
  bool operator==(const StorageFaults&) const = default;
};
StorageFaults storage_faults();

}  // namespace codepulse::collector::sqlite_store
