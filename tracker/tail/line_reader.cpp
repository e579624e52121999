#include "tracker/tail/line_reader.hpp"

#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace codepulse::tracker {

LineReader::LineReader(TailLimits limits) : limits_(limits) {}

Result<ReadOutcome> LineReader::read(int fd, int64_t offset, const std::string& path,
                                     const LineReaderCallbacks& cb) {
  constexpr size_t kPad = simdjson::SIMDJSON_PADDING;
  if (buf_.size() < limits_.chunk_bytes + kPad) buf_.resize(limits_.chunk_bytes + kPad);
  ReadOutcome out;
  out.consumed_offset = offset;
  size_t len = 0;         // bytes held in buf_ (from file offset `base`)
  int64_t base = offset;  // file offset of buf_[0]
  bool skipping = false;  // inside an oversized line
  int64_t skip_start = 0;
  int64_t file_pos = offset;
  while (true) {
    if (buf_.size() - kPad - len < limits_.chunk_bytes / 2) {
      // Room for one more read: grow up to the longest allowed line.
      const size_t want = std::min(len + limits_.chunk_bytes, limits_.max_line_bytes + 1);
      if (want + kPad > buf_.size()) buf_.resize(want + kPad);
    }
    const size_t room = buf_.size() - kPad - len;
    ssize_t n;
    do {
      n = ::pread(fd, buf_.data() + len, room, file_pos);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
      return make_error("read " + path + " at byte " + std::to_string(file_pos) + ": " +
                        std::strerror(errno));
    if (n == 0) break;
    file_pos += n;
    out.bytes_read += n;
    len += static_cast<size_t>(n);
    size_t start = 0;
    while (true) {
      const void* nl = std::memchr(buf_.data() + start, '\n', len - start);
      if (!nl) break;
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
      if (skipping) {
        cb.on_oversized(skip_start, base + static_cast<int64_t>(end) - skip_start);
        skipping = false;
      } else {
        cb.on_line(std::string_view(buf_.data() + start, end - start), buf_.size() - start,
                   base + static_cast<int64_t>(end) + 1);
      }
      start = end + 1;
      out.consumed_offset = base + static_cast<int64_t>(start);
    }
    // Keep the unfinished line at the front of the buffer.
    if (start > 0) {
      std::memmove(buf_.data(), buf_.data() + start, len - start);
      len -= start;
      base += static_cast<int64_t>(start);
    }
    if (!skipping && len > limits_.max_line_bytes) {
      skipping = true;
      skip_start = base;
    }
    if (skipping) {  // drop what we hold of the oversized line
      base += static_cast<int64_t>(len);
      len = 0;
    }
  }
  out.eof_offset = file_pos;
  if (skipping) {
    // The oversized line has no end yet: report it and wait for its newline
    // from its start next time, so nothing after it is lost.
    cb.on_oversized(skip_start, file_pos - skip_start);
  } else if (len > 0 && cb.on_unterminated &&
             cb.on_unterminated(std::string_view(buf_.data(), len), buf_.size())) {
    out.consumed_offset = base + static_cast<int64_t>(len);
  }
  return out;
}

}  // namespace codepulse::tracker
