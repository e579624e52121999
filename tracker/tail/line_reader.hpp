// tail: reads the complete lines of a file from an offset, in bounded memory.
//
// Bytes come in through pread() into one buffer kept across files; lines are
// handed over in place, with simdjson padding after them. (Memory-mapping the
// files was slower on virtual machines, where page faults and unmapping cost
// more than the copy: docs/BENCHMARKS.md, "How the scan got here".)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::tracker {

struct TailLimits {
  size_t chunk_bytes = 1 << 20;       // one read()
  size_t max_line_bytes = 64u << 20;  // longer lines are skipped and reported
};

// A classifier's answer: keep the line (it is handed to on_line), or skip it
// with a code that on_skipped gets back.
struct LineVerdict {
  bool keep = false;
  uint8_t code = 0;
};

struct LineReaderCallbacks {
  // Must be pure and allocation-free, and must not keep `line`: the buffer is
  // refilled.
  std::function<LineVerdict(std::string_view line)> classify;
  // A kept line (without '\n'); bytes up to line.data() + capacity are
  // readable. `end_offset` is the file offset just after the newline.
  std::function<void(std::string_view line, size_t capacity, int64_t end_offset)> on_line;
  // A skipped line: the classifier's code and where the line is.
  std::function<void(uint8_t code, int64_t start_offset, int64_t end_offset)> on_skipped;
  // A line longer than max_line_bytes, skipped: where it starts. Called once
  // per line, when it is found to be too long (it may still be being written).
  std::function<void(int64_t start_offset)> on_oversized;
  // The bytes after the last newline at end of file (a padded copy). Return
  // true when they form a complete line (it is then consumed).
  std::function<bool(std::string_view tail, size_t capacity)> on_unterminated;
  // Optional, asked after each read(): true ends reading there, as an error
  // that says so (a caller giving up on the file).
  std::function<bool()> stop;
};

struct ReadOutcome {
  int64_t consumed_offset = 0;  // just after the last consumed line
  int64_t bytes_read = 0;
  int64_t eof_offset = 0;  // where reading met the end of the file
  // Reading ended inside an oversized line (consumed_offset is past what was
  // skipped of it): pass resume_oversized next time to skip on to its newline.
  bool inside_oversized = false;
};

class LineReader {
 public:
  explicit LineReader(TailLimits limits);
  // Reads `fd` from `offset` to end of file. resume_oversized: `offset` is
  // inside an oversized line already reported; skip to its end first.
  Result<ReadOutcome> read(int fd, int64_t offset, const std::string& path_for_errors,
                           const LineReaderCallbacks& cb, bool resume_oversized = false);

 private:
  Result<ReadOutcome> read_lines(int fd, int64_t offset, const std::string& path,
                                 const LineReaderCallbacks& cb, bool resume_oversized);

  TailLimits limits_;
  std::vector<char> buf_;  // kept across files: no allocation per file
};

}  // namespace codepulse::tracker
