#include "tracker/flow/scan_reader.hpp"

#include <pthread.h>
#include <simdjson.h>

#include "common/line_fingerprint.hpp"
#include "common/text_controls.hpp"
#include "tracker/parse/line_classifier.hpp"
#include "tracker/strip/record_builder.hpp"

namespace codepulse::tracker {
namespace {

// A skipped line's code when the classifier's verdict hung on the tool
// calls pending: the writer decides (ScanEvent::Kind::kDeferred).
constexpr uint8_t kDeferredFlag = 0x80;

}  // namespace

// The thread's line reader and parser, and the file it is on.
class ScanReader::Worker {
 public:
  Worker(ScanReader& owner, const ScanReaderOptions& options)
      : owner_(owner), options_(options), reader_(options.limits) {
    if (!options.line_key.empty()) {
      fingerprinter_ = std::make_unique<LineFingerprinter>(options.line_key);
      parser_.set_fingerprinter(fingerprinter_.get());
      parser_.set_fingerprint_since(options.fingerprint_since);
    }
    steps_.classify = [this](std::string_view line) { return classify(line); };
    steps_.on_line = [this](std::string_view line, size_t capacity, int64_t end) {
      take_line(line, capacity, end);
    };
    steps_.on_skipped = [this](uint8_t code, int64_t start, int64_t end) {
      skipped(code, start, end);
    };
    steps_.on_oversized = [this](int64_t start) {
      if (stopped_) return;
      ScanEvent& e = add(ScanEvent::Kind::kOversized);
      e.start = start;
      after_event();
    };
    steps_.on_unterminated = [this](std::string_view tail, size_t capacity) {
      return take_unterminated(tail, capacity);
    };
    // The writer gave up: the rest of the file is not read.
    steps_.stop = [this] { return stopped_ || owner_.stopping_.load(std::memory_order_relaxed); };
  }

  // Reads a file to its end into the chunk being filled, handing chunks
  // over as they fill; false when the writer stopped.
  bool read_file(const ScanJob& job) {
    pending_.clear();
    last_end_ = job.offset;
    chunk_.pieces.push_back({chunk_.events.size(), 0, std::nullopt});
    auto outcome = reader_.read(job.fd, job.offset, job.path, steps_, job.resume_oversized);
    if (stopped_) return false;
    chunk_.pieces.back().last = chunk_.events.size();
    chunk_.pieces.back().outcome = std::move(outcome);
    if (chunk_.pieces.size() >= options_.chunk_pieces) hand_over();
    return !stopped_;
  }

  // The chunk so far, when it holds anything (the reader has nothing more
  // to read for now).
  bool hand_over_partial() {
    if (!chunk_.pieces.empty()) hand_over();
    return !stopped_;
  }

 private:
  LineVerdict classify(std::string_view line) {
    if (stopped_) return {false, 0};
    std::string_view unanswered;
    const LineClass c = classify_line(line, pending_, unanswered);
    if (c == LineClass::kParse) return {true, 0};
    if (!unanswered.empty()) {
      unanswered_ = unanswered;  // on_skipped follows for this same line
      return {false, static_cast<uint8_t>(kDeferredFlag | static_cast<uint8_t>(c))};
    }
    return {false, static_cast<uint8_t>(c)};
  }

  void skipped(uint8_t code, int64_t start, int64_t end) {
    if (stopped_) return;
    if (code & kDeferredFlag) {
      defer(unanswered_, static_cast<uint8_t>(code & ~kDeferredFlag), start, end - start - 1, end);
    } else if (static_cast<LineClass>(code) == LineClass::kSkip) {
      skip_run(end);
    } else {
      problem(start, end,
              std::string("malformed line: ") + line_class_error(static_cast<LineClass>(code)));
    }
    last_end_ = end;
    after_event();
  }

  void take_line(std::string_view line, size_t capacity, int64_t end) {
    if (stopped_) return;
    const ParsedLine& p = parser_.parse(line, capacity, pending_);
    switch (p.kind) {
      case LineKind::kRequest:
        request(p.request, end);
        break;
      case LineKind::kToolResult: {
        pending_.erase(p.result.tool_use_id);
        ScanEvent& e = add(ScanEvent::Kind::kToolResult);
        e.index = chunk_.results_used;
        e.end = end;
        ScanChunk::next(chunk_.results, chunk_.results_used) = p.result;
        break;
      }
      case LineKind::kPrompt: {
        ScanEvent& e = add(ScanEvent::Kind::kPrompt);
        e.index = chunk_.texts_used;
        e.end = end;
        ScanChunk::next(chunk_.texts, chunk_.texts_used) = p.prompt_uuid;
        break;
      }
      case LineKind::kMalformed:
      case LineKind::kInvalid:
        problem(end - static_cast<int64_t>(line.size()) - 1, end,
                (p.kind == LineKind::kMalformed ? "malformed line: " : "invalid usage line: ") +
                    p.error);
        break;
      case LineKind::kSynthetic:
        add(ScanEvent::Kind::kSynthetic).end = end;
        break;
      case LineKind::kIgnored:
        skip_run(end);
        break;
    }
    last_end_ = end;
    after_event();
  }

  // As the one-thread scan: a last line without its newline is taken only
  // when it is a complete JSON document.
  bool take_unterminated(std::string_view tail, size_t capacity) {
    if (stopped_) return false;
    simdjson::dom::element el;
    if (validator_.parse(tail.data(), tail.size(), false).get(el)) return false;
    const int64_t end = last_end_ + static_cast<int64_t>(tail.size());
    std::string_view unanswered;
    const LineClass c = classify_line(tail, pending_, unanswered);
    if (c == LineClass::kParse) {
      take_line(tail, capacity, end);
    } else if (!unanswered.empty()) {
      // Not pending anywhere: counted and passed over, never reported.
      defer(unanswered, static_cast<uint8_t>(LineClass::kSkip), last_end_,
            static_cast<int64_t>(tail.size()), end);
      last_end_ = end;
      after_event();
    } else {
      skip_run(end);
      last_end_ = end;
      after_event();
    }
    return true;
  }

  // A request goes to the writer as parsed; its calls now wait for their
  // results in this file, keyed and kinded as the record will have them.
  void request(const RequestLine& line, int64_t end) {
    for (const ToolCall& call : line.tools) {
      const ToolKind kind = awaited_call_kind(call, line.cwd);
      if (kind != ToolKind::kOther) pending_[replace_control_characters(call.id)] = kind;
    }
    ScanEvent& e = add(ScanEvent::Kind::kRequest);
    e.index = chunk_.requests_used;
    e.end = end;
    ScanChunk::next(chunk_.requests, chunk_.requests_used) = line;
  }

  void defer(std::string_view tool_use_id, uint8_t code, int64_t start, int64_t length,
             int64_t end) {
    ScanEvent& e = add(ScanEvent::Kind::kDeferred);
    e.code = code;
    e.index = chunk_.texts_used;
    e.start = start;
    e.length = static_cast<uint32_t>(length);
    e.end = end;
    ScanChunk::next(chunk_.texts, chunk_.texts_used) = tool_use_id;
  }

  void problem(int64_t start, int64_t end, std::string what) {
    ScanEvent& e = add(ScanEvent::Kind::kProblem);
    e.index = chunk_.texts_used;
    e.start = start;
    e.end = end;
    ScanChunk::next(chunk_.texts, chunk_.texts_used) = std::move(what);
  }

  // Lines that carry nothing join the run before them.
  void skip_run(int64_t end) {
    if (chunk_.events.size() > chunk_.pieces.back().first &&  // this file's events only
        chunk_.events.back().kind == ScanEvent::Kind::kSkipped) {
      ++chunk_.events.back().lines;
      chunk_.events.back().end = end;
      return;
    }
    add(ScanEvent::Kind::kSkipped).end = end;
  }

  ScanEvent& add(ScanEvent::Kind kind) {
    ScanEvent& e = chunk_.events.emplace_back();
    e.kind = kind;
    return e;
  }

  void after_event() {
    if (chunk_.requests_used >= options_.chunk_requests ||
        chunk_.events.size() >= options_.chunk_events)
      hand_over();
  }

  // The chunk goes to the writer; the file being read goes on in the next.
  void hand_over() {
    if (stopped_) return;
    const bool open_piece = !chunk_.pieces.empty() && !chunk_.pieces.back().outcome;
    if (open_piece) chunk_.pieces.back().last = chunk_.events.size();
    ScanChunk refill;
    if (!owner_.put(std::move(chunk_), refill)) stopped_ = true;
    chunk_ = std::move(refill);
    chunk_.reset();
    if (open_piece) chunk_.pieces.push_back({0, 0, std::nullopt});
  }

  ScanReader& owner_;
  const ScanReaderOptions& options_;
  LineReader reader_;
  LineParser parser_;
  std::unique_ptr<LineFingerprinter> fingerprinter_;
  LineReaderCallbacks steps_;
  simdjson::dom::parser validator_;
  // The file being read.
  PendingTools pending_;  // calls this file made that wait for their result
  int64_t last_end_ = 0;
  std::string_view unanswered_;
  ScanChunk chunk_;
  bool stopped_ = false;
};

ScanReader::ScanReader(ScanReaderOptions options) : options_(std::move(options)) {
  worker_ = std::make_unique<Worker>(*this, options_);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "scan-reader");  // as top and perf show it
    run();
  });
}

ScanReader::~ScanReader() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  reader_cv_.notify_all();
  thread_.join();
}

void ScanReader::add(std::vector<ScanJob> jobs) {
  std::lock_guard lock(mu_);
  for (ScanJob& job : jobs)
    jobs_.push_back(std::move(job));
  if (reader_idle_) reader_cv_.notify_all();
}

void ScanReader::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  reader_cv_.notify_all();
}

void ScanReader::run() {
  while (true) {
    ScanJob job;
    {
      std::unique_lock lock(mu_);
      if (jobs_.empty() && !stopping_) {
        // Nothing to read for now: what is made goes to the writer first.
        lock.unlock();
        if (!worker_->hand_over_partial()) return;
        lock.lock();
      }
      if (jobs_.empty() && !stopping_) {
        std::deque<ScanChunk> spent;
        spent.swap(spent_);
        lock.unlock();
        spent.clear();
        lock.lock();
      }
      if (jobs_.empty() && !stopping_) {
        reader_idle_ = true;
        if (writer_waiting_) writer_cv_.notify_all();
        reader_cv_.wait(lock, [this] { return stopping_ || closed_ || !jobs_.empty(); });
        reader_idle_ = false;
      }
      if (stopping_ || jobs_.empty()) {
        reader_idle_ = true;
        writer_cv_.notify_all();
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    if (!worker_->read_file(job)) return;
  }
}

bool ScanReader::put(ScanChunk&& chunk, ScanChunk& refill) {
  std::unique_lock lock(mu_);
  // One given back is refilled; the others wait for the next hand-overs (no
  // more chunks exist than were ever handed over at once; those left when
  // the reader goes idle are freed then). Destroying them here and making
  // new ones freed and made again every string of their requests.
  if (!spent_.empty()) {
    refill = std::move(spent_.front());
    spent_.pop_front();
  }
  if (chunks_.size() >= options_.max_chunks) {
    reader_blocked_ = true;
    if (writer_waiting_) writer_cv_.notify_all();
    reader_cv_.wait(lock, [this] { return stopping_ || !reader_blocked_; });
  }
  if (stopping_) return false;
  chunks_.push_back(std::move(chunk));
  if (writer_waiting_ && chunks_.size() >= options_.wake_writer_at) writer_cv_.notify_all();
  return true;
}

void ScanReader::give_back(ScanChunk&& chunk) {
  std::lock_guard lock(mu_);
  spent_.push_back(std::move(chunk));
}

ScanChunk ScanReader::take() {
  std::unique_lock lock(mu_);
  writer_waiting_ = true;
  writer_cv_.wait(lock, [this] {
    return !chunks_.empty() &&
           (chunks_.size() >= options_.wake_writer_at || reader_idle_ || reader_blocked_);
  });
  writer_waiting_ = false;
  ScanChunk chunk = std::move(chunks_.front());
  chunks_.pop_front();
  // The reader, once stopped for room, goes on when half the room is free.
  if (reader_blocked_ && chunks_.size() <= options_.max_chunks / 2) {
    reader_blocked_ = false;
    reader_cv_.notify_all();
  }
  return chunk;
}

}  // namespace codepulse::tracker
