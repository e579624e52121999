// The scanner's step for OpenCode's SQLite database: read again only when
// the database or its -wal file changed (size or mtime), from the cursor
// kept with the file's state; the records and the moved cursor commit in one
// transaction. A database that cannot be read (locked, corrupt, not
// OpenCode's) is reported with its path and read again when it next changes.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "tracker/flow/scanner.hpp"

namespace codepulse::tracker {
namespace {

struct FileStamp {
  bool exists = false;
  int64_t dev = 0, ino = 0, size = -1, mtime_ns = 0;
};

FileStamp stamp_of(const std::string& path, int& error) {
  FileStamp s;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = errno;
    return s;
  }
  error = S_ISREG(st.st_mode) ? 0 : EINVAL;
  s.exists = true;
  s.dev = static_cast<int64_t>(st.st_dev);
  s.ino = static_cast<int64_t>(st.st_ino);
  s.size = static_cast<int64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

}  // namespace

Status Scanner::scan_database(const SourceFile& file, ScanStats& stats) {
  int error = 0;
  const FileStamp db = stamp_of(file.path, error);
  if (!db.exists && error == ENOENT) return {};  // removed (its -wal changed last)
  if (error != 0) {
    ++stats.skipped_files;
    problems_.push_back({file.path, error == EINVAL
                                        ? std::string("not a regular file")
                                        : std::string("cannot stat: ") + std::strerror(error)});
    return {};
  }
  int wal_error = 0;
  const FileStamp wal = stamp_of(file.path + "-wal", wal_error);
  if (db.size == 0 && wal.size <= 0) return {};  // made, not yet written

  auto known = store_.file_state(file.path);
  if (!known) return known.error();
  opencode::Cursor cursor;
  if (*known) {
    const FileState& k = **known;
    const auto carried = opencode::Cursor::decode(k.turn_id);
    const bool same_file = k.dev == db.dev && k.ino == db.ino;
    if (same_file && carried && k.size == db.size && k.mtime_ns == db.mtime_ns &&
        carried->wal_size == wal.size && carried->wal_mtime_ns == wal.mtime_ns)
      return {};  // neither the database nor its -wal changed
    if (same_file && carried) {
      cursor = *carried;
    } else {
      ++stats.files_reset;
      problems_.push_back({file.path, same_file ? "state kept from the last read is unusable; "
                                                  "read again from the start"
                                                : "replaced by another file; read again from "
                                                  "the start"});
    }
  }

  FileState state;
  if (*known) state = **known;
  state.path = file.path;
  if (auto s = load_pending_tools(); !s) return s;  // as every file's first step
  if (auto s = store_.begin(); !s) return s;
  FileRead read(file.path, state, stats);
  read.assistant = file.assistant;
  read.format = file.format;
  auto sink = [this, &read](std::vector<RequestLine>& requests) -> Status {
    for (const RequestLine& r : requests)
      queue_request(read, r);
    if (read.status && batch_.size() >= options_.max_batch_records) read.status = flush(read.stats);
    return read.status;
  };
  auto bad_row = [this, &read](const std::string& what) {
    ++read.stats.malformed_lines;
    ++read.state.malformed_lines;
    report(read.path, what, read.problems);
  };
  opencode::DatabaseRead got;
  const Status outcome = opencode_db_.read(file.path, cursor, sink, bad_row, got);
  stats.bytes_read += got.bytes;
  stats.lines += got.messages + got.parts;
  state.lines += got.messages + got.parts;
  if (read.status) read.status = flush(stats);
  if (!read.status) {
    abort();
    return make_error("storing records from " + file.path + ": " + read.status.error().message);
  }
  if (read.problems > options_.max_problems_per_file)
    problems_.push_back({read.path, std::to_string(read.problems - options_.max_problems_per_file) +
                                        " more problems in this file"});
  if (!outcome) {
    // What was read stays (its records are whole and keyed); the cursor does
    // not move, so the next change reads it all again.
    ++stats.skipped_files;
    problems_.push_back(
        {file.path, outcome.error().message + " (read again when it next changes)"});
    return keep_file_part(read);
  }
  cursor.wal_size = wal.size;
  cursor.wal_mtime_ns = wal.mtime_ns;
  state.dev = db.dev;
  state.ino = db.ino;
  state.size = db.size;
  state.mtime_ns = db.mtime_ns;
  state.offset = db.size;  // a database is read whole: nothing is left behind
  state.head_len = 0;
  state.head_hash = 0;
  state.oversized_open = false;
  state.turn_id = cursor.encode();
  Status saved = store_.save_file_state(state);
  if (saved) saved = keep_file_part(read);
  if (!saved) {
    abort();
    return saved;
  }
  uncommitted_bytes_ += got.bytes;
  if (uncommitted_bytes_ >= options_.commit_every_bytes) return commit();
  return {};
}

}  // namespace codepulse::tracker
