#include "tracker/tail/line_reader.hpp"

#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace codepulse::tracker {
namespace {

constexpr size_t kPad = simdjson::SIMDJSON_PADDING;

}  // namespace

LineReader::LineReader(TailLimits limits) : limits_(limits) {}

Result<ReadOutcome> LineReader::read(int fd, int64_t offset, const std::string& path,
                                     const LineReaderCallbacks& cb, bool resume_oversized) {
  auto result = read_lines(fd, offset, path, cb, resume_oversized);
  // A buffer grown for one huge line is given back afterwards.
  if (buf_.capacity() > 4 * (limits_.chunk_bytes + kPad)) std::vector<char>().swap(buf_);
  return result;
}

Result<ReadOutcome> LineReader::read_lines(int fd, int64_t offset, const std::string& path,
                                           const LineReaderCallbacks& cb, bool resume_oversized) {
  if (buf_.size() < limits_.chunk_bytes + kPad) buf_.resize(limits_.chunk_bytes + kPad);
  ReadOutcome out;
  out.consumed_offset = offset;
  size_t len = 0;                    // bytes held in buf_ (from file offset `base`)
  size_t searched = 0;               // buf_[0, searched) holds no newline
  int64_t base = offset;             // file offset of buf_[0]
  bool skipping = resume_oversized;  // inside an oversized line (already reported)
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
    if (cb.stop && cb.stop()) return make_error("read " + path + ": stopped");
    file_pos += n;
    out.bytes_read += n;
    len += static_cast<size_t>(n);
    size_t start = 0;
    while (true) {
      const void* nl = std::memchr(buf_.data() + searched, '\n', len - searched);
      if (!nl) break;
      const size_t stop = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
      if (skipping) {
        skipping = false;  // the oversized line ends here
      } else if (stop - start > limits_.max_line_bytes) {
        cb.on_oversized(base + static_cast<int64_t>(start));
      } else {
        const LineVerdict v = cb.classify(std::string_view(buf_.data() + start, stop - start));
        if (v.keep) {
          cb.on_line(std::string_view(buf_.data() + start, stop - start), buf_.size() - start,
                     base + static_cast<int64_t>(stop) + 1);
        } else {
          cb.on_skipped(v.code, base + static_cast<int64_t>(start),
                        base + static_cast<int64_t>(stop) + 1);
        }
      }
      start = searched = stop + 1;
      out.consumed_offset = base + static_cast<int64_t>(start);
    }
    searched = len;  // a long line is searched once, not once per refill
    // Keep the unfinished line at the front of the buffer.
    if (start > 0) {
      std::memmove(buf_.data(), buf_.data() + start, len - start);
      len -= start;
      searched -= start;
      base += static_cast<int64_t>(start);
    }
    if (!skipping && len > limits_.max_line_bytes) {
      skipping = true;
      cb.on_oversized(base);
    }
    if (skipping) {  // drop what we hold of the oversized line
      base += static_cast<int64_t>(len);
      len = searched = 0;
      out.consumed_offset = base;
    }
  }
  out.eof_offset = file_pos;
  // A file cut shorter while it was read (a rewrite): what was handed over
  // may not belong to its new contents, so the caller must not keep it.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < file_pos)
    return make_error("read " + path + ": the file shrank while it was being read");
  if (skipping) {
    // The oversized line has no end yet: what there is of it was skipped;
    // the next read skips on to its newline.
    out.inside_oversized = true;
  } else if (len > 0 && cb.on_unterminated &&
             cb.on_unterminated(std::string_view(buf_.data(), len), buf_.size())) {
    out.consumed_offset = base + static_cast<int64_t>(len);
  }
  return out;
}

}  // namespace codepulse::tracker
