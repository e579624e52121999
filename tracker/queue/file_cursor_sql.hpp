// The statements of the file cursors: how far each transcript file has been
// read (tail_files, store_sql.hpp).
#pragma once

namespace codepulse::tracker::sql_text {

inline constexpr const char* kSelectFile =
    "SELECT path, dev, ino, size, mtime_ns, offset, head_len, head_hash, turn_id, lines,"
    " malformed_lines, oversized_open FROM tail_files WHERE path = ?1";
inline constexpr const char* kSelectFileByIdentity =
    "SELECT path, dev, ino, size, mtime_ns, offset, head_len, head_hash, turn_id, lines,"
    " malformed_lines, oversized_open FROM tail_files WHERE dev = ?1 AND ino = ?2";
inline constexpr const char* kUpsertFile =
    "INSERT INTO tail_files (path, dev, ino, size, mtime_ns, offset, head_len, head_hash, turn_id,"
    " lines, malformed_lines, last_error, updated_ms, oversized_open)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    " ON CONFLICT(path) DO UPDATE SET dev=?2, ino=?3, size=?4, mtime_ns=?5, offset=?6,"
    " head_len=?7, head_hash=?8, turn_id=?9, lines=?10, malformed_lines=?11, last_error=?12,"
    " updated_ms=?13, oversized_open=?14";
inline constexpr const char* kSelectFileIdentities =
    "SELECT path, dev, ino, size, mtime_ns FROM tail_files";
inline constexpr const char* kRenameFile = "UPDATE tail_files SET path = ?2 WHERE path = ?1";
inline constexpr const char* kFilesWithProblems =
    "SELECT path, malformed_lines FROM tail_files WHERE malformed_lines > 0 ORDER BY path";

}  // namespace codepulse::tracker::sql_text
