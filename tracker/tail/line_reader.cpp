#include "tracker/tail/line_reader.hpp"

#include <setjmp.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace codepulse::tracker {
namespace {

constexpr size_t kPad = simdjson::SIMDJSON_PADDING;
constexpr ptrdiff_t kReleaseEvery = 8 << 20;  // a multiple of the page size

// The one piece of process-wide state in the tracker: a SIGBUS handler that
// jumps back into the reader whose mapped file shrank. It only acts while this
// thread is inside read_mapped(); any other SIGBUS keeps its default action.
thread_local sigjmp_buf* t_mapped_read = nullptr;

void on_sigbus(int sig, siginfo_t*, void*) {
  if (t_mapped_read) siglongjmp(*t_mapped_read, 1);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_sigbus_guard() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;  // not blocked after the jump
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, nullptr);
  });
}

struct Mapping {
  void* addr = MAP_FAILED;
  size_t len = 0;
  ~Mapping() {
    if (addr != MAP_FAILED) ::munmap(addr, len);
  }
};

}  // namespace

LineReader::LineReader(TailLimits limits) : limits_(limits) {}

Result<ReadOutcome> LineReader::read(int fd, int64_t offset, const std::string& path,
                                     const LineReaderCallbacks& cb, bool resume_oversized) {
  auto result = read_any(fd, offset, path, cb, resume_oversized);
  // A buffer grown for one huge line is given back afterwards.
  if (buf_.capacity() > 4 * (limits_.chunk_bytes + kPad)) std::vector<char>().swap(buf_);
  return result;
}

Result<ReadOutcome> LineReader::read_any(int fd, int64_t offset, const std::string& path,
                                         const LineReaderCallbacks& cb, bool resume_oversized) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size - offset >= static_cast<int64_t>(limits_.map_min_bytes)) {
    bool mapped = false;
    auto r = read_mapped(fd, offset, st.st_size, path, cb, resume_oversized, mapped);
    if (mapped) return r;  // else: mapping refused, read by copying
  }
  return read_copying(fd, offset, path, cb, resume_oversized);
}

Result<ReadOutcome> LineReader::read_mapped(int fd, int64_t offset, int64_t size,
                                            const std::string& path, const LineReaderCallbacks& cb,
                                            bool resume_oversized, bool& mapped) {
  install_sigbus_guard();
  const int64_t page = ::sysconf(_SC_PAGESIZE);
  const int64_t aligned = offset - offset % page;
  Mapping map;
  map.len = static_cast<size_t>(size - aligned);
  map.addr = ::mmap(nullptr, map.len, PROT_READ, MAP_SHARED, fd, aligned);
  if (map.addr == MAP_FAILED) return ReadOutcome{};
  mapped = true;
  ::madvise(map.addr, map.len, MADV_SEQUENTIAL);
  MappedScan m;
  m.base = static_cast<const char*>(map.addr);
  m.end = m.base + map.len;
  m.pos = m.base + (offset - aligned);
  m.released = m.base;
  m.aligned = aligned;
  m.resume_oversized = resume_oversized;
  m.out.consumed_offset = offset;
  m.out.eof_offset = size;
  m.out.bytes_read = size - offset;
  sigjmp_buf jump;
  if (sigsetjmp(jump, 0) != 0) {
    t_mapped_read = nullptr;
    return make_error("read " + path + ": the file shrank while it was being read");
  }
  t_mapped_read = &jump;
  scan_mapped(m, jump, cb);
  t_mapped_read = nullptr;
  return m.out;
}

void LineReader::scan_mapped(MappedScan& m, sigjmp_buf& jump, const LineReaderCallbacks& cb) {
  // Everything here may fault if the file shrinks. Only memchr, the
  // classifier and memcpy touch the mapping, and none of them leaves anything
  // half-done that a jump out of them could break; callbacks run disarmed,
  // on copies.
  auto file_offset = [&](const char* p) { return m.aligned + (p - m.base); };
  auto disarmed = [&](auto&& fn) {
    t_mapped_read = nullptr;
    fn();
    t_mapped_read = &jump;
  };
  auto copy_out = [&](const char* from, size_t len) {
    if (buf_.size() < len + kPad) disarmed([&] { buf_.resize(len + kPad); });
    std::memcpy(buf_.data(), from, len);
  };
  if (m.resume_oversized) {
    // The rest of an oversized line reported earlier: skip to its newline.
    const char* nl =
        static_cast<const char*>(std::memchr(m.pos, '\n', static_cast<size_t>(m.end - m.pos)));
    m.pos = nl ? nl + 1 : m.end;
    m.out.consumed_offset = file_offset(m.pos);
    m.out.inside_oversized = nl == nullptr;
  }
  while (m.pos < m.end) {
    const char* nl =
        static_cast<const char*>(std::memchr(m.pos, '\n', static_cast<size_t>(m.end - m.pos)));
    if (!nl) break;
    const size_t len = static_cast<size_t>(nl - m.pos);
    const int64_t start_off = file_offset(m.pos), end_off = file_offset(nl + 1);
    if (len > limits_.max_line_bytes) {
      disarmed([&] { cb.on_oversized(start_off); });
    } else {
      const LineVerdict v = cb.classify(std::string_view(m.pos, len));
      if (v.keep) {
        copy_out(m.pos, len);
        disarmed([&] { cb.on_line(std::string_view(buf_.data(), len), buf_.size(), end_off); });
      } else {
        disarmed([&] { cb.on_skipped(v.code, start_off, end_off); });
      }
    }
    m.pos = nl + 1;
    m.out.consumed_offset = file_offset(m.pos);
    // Pages already read are dropped from this process (they stay in the page
    // cache), so a large file costs no more resident memory than a small one.
    if (m.pos - m.released >= kReleaseEvery) {
      const char* upto = m.base + ((m.pos - m.base) / kReleaseEvery) * kReleaseEvery;
      ::madvise(const_cast<char*>(m.released), static_cast<size_t>(upto - m.released),
                MADV_DONTNEED);
      m.released = upto;
    }
  }
  if (m.pos < m.end) {
    const size_t len = static_cast<size_t>(m.end - m.pos);
    const int64_t start_off = file_offset(m.pos);
    if (len > limits_.max_line_bytes) {
      // Too long already and not finished: report it once, skip what there
      // is, and skip the rest next time.
      disarmed([&] { cb.on_oversized(start_off); });
      m.out.consumed_offset = m.out.eof_offset;
      m.out.inside_oversized = true;
    } else if (cb.on_unterminated) {
      copy_out(m.pos, len);
      bool taken = false;
      disarmed(
          [&] { taken = cb.on_unterminated(std::string_view(buf_.data(), len), buf_.size()); });
      if (taken) m.out.consumed_offset = m.out.eof_offset;
    }
  }
}

Result<ReadOutcome> LineReader::read_copying(int fd, int64_t offset, const std::string& path,
                                             const LineReaderCallbacks& cb, bool resume_oversized) {
  if (buf_.size() < limits_.chunk_bytes + kPad) buf_.resize(limits_.chunk_bytes + kPad);
  ReadOutcome out;
  out.consumed_offset = offset;
  size_t len = 0;                    // bytes held in buf_ (from file offset `base`)
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
    file_pos += n;
    out.bytes_read += n;
    len += static_cast<size_t>(n);
    size_t start = 0;
    while (true) {
      const void* nl = std::memchr(buf_.data() + start, '\n', len - start);
      if (!nl) break;
      const size_t stop = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
      if (skipping) {
        skipping = false;  // the oversized line ends here
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
      start = stop + 1;
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
      cb.on_oversized(base);
    }
    if (skipping) {  // drop what we hold of the oversized line
      base += static_cast<int64_t>(len);
      len = 0;
      out.consumed_offset = base;
    }
  }
  out.eof_offset = file_pos;
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
