// tail: reads the complete lines of a file from an offset, in bounded memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::tracker {

struct TailLimits {
  size_t chunk_bytes = 1 << 20;       // one read
  size_t max_line_bytes = 64u << 20;  // longer lines are skipped and reported
};

struct LineReaderCallbacks {
  // A complete line (without '\n'); bytes up to line.data() + capacity are
  // readable. `end_offset` is the file offset just after the newline.
  std::function<void(std::string_view line, size_t capacity, int64_t end_offset)> on_line;
  // A line longer than max_line_bytes, skipped: where it starts, its length.
  std::function<void(int64_t start_offset, int64_t length)> on_oversized;
  // The bytes after the last newline at end of file. Return true when they
  // form a complete line (it is then consumed), false to leave them for later.
  std::function<bool(std::string_view tail, size_t capacity)> on_unterminated;
};

struct ReadOutcome {
  int64_t consumed_offset = 0;  // just after the last consumed line
  int64_t bytes_read = 0;
  int64_t eof_offset = 0;  // where reading met the end of the file
};

class LineReader {
 public:
  explicit LineReader(TailLimits limits);
  // Reads `fd` from `offset` to end of file.
  Result<ReadOutcome> read(int fd, int64_t offset, const std::string& path_for_errors,
                           const LineReaderCallbacks& cb);

 private:
  TailLimits limits_;
  std::vector<char> buf_;  // kept across files: no allocation per file
};

}  // namespace codepulse::tracker
