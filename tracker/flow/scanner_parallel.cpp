// A full scan's Claude Code transcripts on two cores: a ScanReader reads,
// parses and strips them; this thread opens each file (where reading resumes
// comes from the store), then replays what the workers made of its lines,
// in order, through the same steps a one-thread scan takes: the batch, the
// pending tool calls, the line store, the file's savepoint and the commits.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>

#include "common/c_handles.hpp"
#include "tracker/flow/scanner.hpp"

namespace codepulse::tracker {
namespace {

size_t files_ahead() {
  constexpr size_t kAhead = 256, kLeast = 16;
  rlimit fds{};
  if (::getrlimit(RLIMIT_NOFILE, &fds) != 0 || fds.rlim_cur == RLIM_INFINITY) return kAhead;
  return std::clamp<size_t>(static_cast<size_t>(fds.rlim_cur / 4), kLeast, kAhead);
}

}  // namespace

Status Scanner::scan_parallel(const std::vector<const std::string*>& paths, ScanStats& stats) {
  ScanReaderOptions o;
  o.limits = options_.limits;
  o.line_key = options_.line_key;
  o.fingerprint_since = fingerprint_since();
  o.chunk_requests = options_.parallel_chunk_requests;
  o.chunk_events = 16 * options_.parallel_chunk_requests;
  ScanReader reader(std::move(o));
  struct Opened {
    UniqueFd fd;
    FileState state;
  };
  std::deque<Opened> opened;  // added to the reader, not yet written
  size_t next = 0;
  // Files are opened (where reading resumes comes from the store) ahead of
  // the one being written, topped up in batches of kTopUp so the reader is
  // woken once per batch. A chunk can hold hundreds of small files: with 64
  // opened, the reader ran out of files about 90 times in a 1 GiB scan while
  // the writer still had a chunk of them to write (0.15 s idle on each side).
  // A quarter of the descriptor limit at most.
  const size_t ahead = files_ahead();
  constexpr size_t kTopUp = 16;
  auto top_up = [&]() -> Status {
    if (opened.size() + kTopUp > ahead || next == paths.size()) return {};
    std::vector<ScanJob> jobs;
    while (opened.size() < ahead && next < paths.size()) {
      const std::string& path = *paths[next++];
      Opened file;
      bool go = false;
      if (auto s = open_log(path, stats, file.fd, file.state, go); !s) return s;
      if (!go) continue;
      ScanJob& job = jobs.emplace_back();
      job.fd = file.fd.get();
      job.path = path;
      job.offset = file.state.offset;
      job.resume_oversized = file.state.oversized_open;
      opened.push_back(std::move(file));
    }
    reader.add(std::move(jobs));
    if (next == paths.size()) reader.close();
    return {};
  };
  if (auto s = top_up(); !s) return s;
  std::optional<FileRead> read;  // the file being written
  while (!opened.empty()) {
    ScanChunk chunk = reader.take();
    // Nothing of the chunk is kept: it goes back to the reader's thread.
    for (ScanPiece& piece : chunk.pieces) {
      Opened& file = opened.front();
      if (!read) {
        if (interrupted_ && interrupted_()) return {};  // the rest is read next time
        if (auto s = load_pending_tools(); !s) return s;
        if (auto s = store_.begin(); !s) return s;
        read.emplace(file.state.path, file.state, stats);
        read->undo_on_error = true;
      }
      for (size_t i = piece.first; i < piece.last; ++i) {
        if (!read->status || !read->io_error.empty()) break;
        replay(*read, file.fd.get(), chunk, chunk.events[i]);
      }
      if (piece.outcome) {
        if (auto s = end_read(*read, file.fd.get(), *piece.outcome); !s) return s;
        read.reset();
        opened.pop_front();
        if (auto s = top_up(); !s) return s;
      } else if (!read->status) {
        abort();
        return make_error("storing records from " + read->path + ": " +
                          read->status.error().message);
      }
    }
    reader.give_back(std::move(chunk));
  }
  return {};
}

// One event through the step the one-thread scan takes for its line.
void Scanner::replay(FileRead& read, int fd, const ScanChunk& chunk, const ScanEvent& event) {
  using Kind = ScanEvent::Kind;
  switch (event.kind) {
    case Kind::kRequest:
      read.count_line();
      queue_request(read, chunk.requests[event.index]);
      break;
    case Kind::kToolResult:
      read.count_line();
      if (auto s = apply_tool_result(read, chunk.results[event.index]); !s) {
        read.status = s;
        return;
      }
      break;
    case Kind::kDeferred:
      take_deferred(read, fd, chunk.texts[event.index], event);
      return;  // take_line or skip_line advanced
    case Kind::kPrompt:
      read.count_line();
      read.turn = chunk.texts[event.index];
      break;
    case Kind::kProblem:
      read.count_line();
      report_bad_line(read, event.start, chunk.texts[event.index]);
      break;
    case Kind::kSkipped:
      read.stats.lines += event.lines;
      read.state.lines += event.lines;
      break;
    case Kind::kSynthetic:
      read.count_line();
      ++read.stats.synthetic_lines;
      break;
    case Kind::kOversized:
      report_oversized(read, event.start);
      return;  // nothing handled: no progress
  }
  if (read.status) advance(read, event.end);
}

// A tool result the worker could not place: parsed here when its call is
// pending (made in another file, or before this scan), as a one-thread scan
// would have; otherwise passed over as the classifier said.
void Scanner::take_deferred(FileRead& read, int fd, const std::string& tool_use_id,
                            const ScanEvent& event) {
  if (pending_->find(tool_use_id) == pending_->end()) {
    skip_line(read, static_cast<LineClass>(event.code), event.start, event.end);
    return;
  }
  reread_.resize(event.length + simdjson::SIMDJSON_PADDING);
  size_t got = 0;
  while (got < event.length) {
    const ssize_t n = ::pread(fd, reread_.data() + got, event.length - got,
                              event.start + static_cast<int64_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      read.io_error = "read " + read.path + " at byte " + std::to_string(event.start) + ": " +
                      (n < 0 ? std::strerror(errno) : "the file shrank while it was being read");
      return;
    }
    got += static_cast<size_t>(n);
  }
  take_line(read, std::string_view(reread_.data(), event.length), reread_.size(), event.end);
}

}  // namespace codepulse::tracker
