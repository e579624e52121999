// tail: reads the complete lines of a file from an offset, in bounded memory.
//
// Large unread stretches are memory-mapped instead of copied through read():
// most bytes of a Claude Code log (tool results) are only looked at by the
// classifier and never copied. Lines the classifier keeps are copied out with
// simdjson padding, so nothing downstream touches the mapping. A file that
// shrinks while mapped raises SIGBUS; a guard turns that into an error.
#pragma once

#include <setjmp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::tracker {

struct TailLimits {
  size_t chunk_bytes = 1 << 20;       // one read() on the copying path
  size_t max_line_bytes = 64u << 20;  // longer lines are skipped and reported
  size_t map_min_bytes = 64u << 10;   // map when at least this much is unread
};

// A classifier's answer: keep the line (it is handed to on_line), or skip it
// with a code that on_skipped gets back.
struct LineVerdict {
  bool keep = false;
  uint8_t code = 0;
};

struct LineReaderCallbacks {
  // Must be pure and allocation-free, and must not keep `line`: it may point
  // into a mapping that disappears.
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
  Result<ReadOutcome> read_any(int fd, int64_t offset, const std::string& path,
                               const LineReaderCallbacks& cb, bool resume_oversized);
  Result<ReadOutcome> read_copying(int fd, int64_t offset, const std::string& path,
                                   const LineReaderCallbacks& cb, bool resume_oversized);
  Result<ReadOutcome> read_mapped(int fd, int64_t offset, int64_t size, const std::string& path,
                                  const LineReaderCallbacks& cb, bool resume_oversized,
                                  bool& mapped);

  struct MappedScan {
    const char* base = nullptr;
    const char* end = nullptr;
    const char* pos = nullptr;
    const char* released = nullptr;  // pages below this were given back
    int64_t aligned = 0;
    bool resume_oversized = false;
    ReadOutcome out;
  };
  [[gnu::noinline]] void scan_mapped(MappedScan& m, sigjmp_buf& jump,
                                     const LineReaderCallbacks& cb);

  TailLimits limits_;
  std::vector<char> buf_;  // kept across files: no allocation per file
};

}  // namespace codepulse::tracker
