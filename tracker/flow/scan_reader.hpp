// A full scan on two cores: a reader thread reads, classifies and parses
// Claude Code transcripts while the scanner's own thread strips what it
// parsed into records and writes them to the store, file by file in listing
// order (scanner_parallel.cpp). The store, the record builder, the batch,
// the pending tool calls and every count stay with the writing thread; the
// reader sees one file at a time.
//
// The reader knows the tool calls of the file it is reading. A tool result
// answering any other call (one made in another file, or before this scan)
// is not parsed there: it travels as a kDeferred event with its tool_use_id
// and place, and the writer, which holds every pending call, reads it again
// when that call is pending. The store thus gets exactly what a scan on one
// thread gives it (tests/integration/scan_parallel_test.cpp).
//
// Work changes hands in chunks of hundreds of requests (small files share
// one), and each side sleeps until the other has made a few chunks or room
// for them: handing over line by line or file by file cost more in thread
// wake-ups than the second core gave. Memory is freed by the thread that
// allocated it: the writer gives each chunk back, and the reader refills it,
// its parsed lines' strings reused in place. (Freeing the reader's strings
// on the writer's thread made the two contend for the reader's malloc arena:
// 22,000 futex sleeps and a third more CPU in a 1 GiB scan.)
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/record/tool_result.hpp"
#include "common/result.hpp"
#include "tracker/parse/line_parser.hpp"
#include "tracker/tail/line_reader.hpp"

namespace codepulse::tracker {

// What one line (or a run of lines) of a file came to, in file order.
struct ScanEvent {
  enum class Kind : uint8_t {
    kRequest,     // requests[index]
    kToolResult,  // results[index]
    kDeferred,    // a tool result for a call the file did not make: texts[index]
                  // is its tool_use_id, `code` the LineClass it gets when that
                  // call is not pending, [start, start + length) the line
    kPrompt,      // a turn starts: texts[index] is the prompt's uuid
    kProblem,     // a bad line (counted and reported): texts[index] says what
    kSkipped,     // `lines` lines that carry nothing (classified or parsed so)
    kSynthetic,   // a <synthetic> request or an API error notice
    kOversized,   // a line too long to read, starting at `start` (no line counted)
  };
  Kind kind = Kind::kSkipped;
  uint8_t code = 0;
  uint32_t index = 0;
  uint32_t lines = 1;
  uint32_t length = 0;
  int64_t start = 0;
  int64_t end = 0;  // file offset just after the line (and its newline)
};

// The events of one file in a chunk: events [first, last); `outcome` is set
// when the file ends here.
struct ScanPiece {
  size_t first = 0, last = 0;
  std::optional<Result<ReadOutcome>> outcome;
};

// What the reader hands over at once: pieces of one or more files, in order.
// Only the first *_used elements of requests, results and texts are this
// chunk's; the rest are kept for their buffers when the chunk is refilled.
struct ScanChunk {
  std::vector<ScanPiece> pieces;
  std::vector<ScanEvent> events;
  std::vector<RequestLine> requests;
  std::vector<ToolResultLine> results;
  std::vector<std::string> texts;
  uint32_t requests_used = 0, results_used = 0, texts_used = 0;

  template <typename T>
  static T& next(std::vector<T>& items, uint32_t& used) {
    if (used == items.size()) items.emplace_back();
    return items[used++];
  }
  void reset() {
    pieces.clear();
    events.clear();
    requests_used = results_used = texts_used = 0;
  }
};

// One file to read: where from, and the turn its next request belongs to.
struct ScanJob {
  int fd = -1;  // owned by the writer until the file's last piece is taken
  std::string path;
  int64_t offset = 0;
  bool resume_oversized = false;
};

struct ScanReaderOptions {
  TailLimits limits;
  std::string line_key;                   // line provenance; empty = off
  int64_t fingerprint_since = INT64_MIN;  // LineParser::set_fingerprint_since
  size_t chunk_requests = 512;            // a chunk is handed over at this many requests,
  size_t chunk_events = 8192;             // events,
  size_t chunk_pieces = 256;              // or files
  size_t max_chunks = 8;                  // the reader waits while this many are not taken
  size_t wake_writer_at = 2;              // a waiting writer is woken at this many
};

class ScanReader {
 public:
  explicit ScanReader(ScanReaderOptions options);  // starts the thread
  ~ScanReader();                                   // stops and joins it
  ScanReader(const ScanReader&) = delete;
  ScanReader& operator=(const ScanReader&) = delete;

  // Files to read after those added before.
  void add(std::vector<ScanJob> jobs);
  // No more files: the reader ends once the added ones are read.
  void close();
  // The next chunk, in file order; blocks until the reader has made some
  // (or has nothing more to read: then a chunk with what there is).
  ScanChunk take();
  // A chunk the writer is done with, destroyed on the reader's thread.
  void give_back(ScanChunk&& chunk);

 private:
  class Worker;
  void run();
  // Hands `chunk` over and gives back one to refill; false when stopping.
  bool put(ScanChunk&& chunk, ScanChunk& refill);

  ScanReaderOptions options_;
  std::mutex mu_;
  std::condition_variable reader_cv_;  // files added, room made, or stop
  std::condition_variable writer_cv_;  // chunks made, or the reader idle
  std::deque<ScanJob> jobs_;
  std::deque<ScanChunk> chunks_;
  std::deque<ScanChunk> spent_;  // given back: refilled, or freed by the reader when idle
  bool closed_ = false;
  std::atomic<bool> stopping_{false};  // also read, without the lock, by the reader's steps
  bool reader_idle_ = false;           // waiting for files (or ended)
  bool reader_blocked_ = false;        // waiting for room
  bool writer_waiting_ = false;
  std::unique_ptr<Worker> worker_;
  std::thread thread_;
};

}  // namespace codepulse::tracker
