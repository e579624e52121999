// The scanner's steps for the assistants other than Claude Code: which
// reader a changed path needs, their appended logs line by line (through the
// same line reader, offsets and transactions as Claude Code's transcripts),
// and the logs that are one JSON document rewritten whole.
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tracker/flow/scanner.hpp"
#include "tracker/parse/codex_rollout_reader.hpp"
#include "tracker/parse/copilot_otel_reader.hpp"

namespace codepulse::tracker {

Status Scanner::scan_path(const std::string& path, ScanStats& stats) {
  if (auto source = options_.sources.classify(path)) return scan_source(*source, stats);
  const size_t slash = path.rfind('/');
  if (!is_transcript_name(path.substr(slash == std::string::npos ? 0 : slash + 1))) return {};
  return scan_file(path, stats);
}

Status Scanner::scan_source(const SourceFile& file, ScanStats& stats) {
  if (file.format == LogFormat::kOpenCodeDb) return scan_database(file, stats);
  const bool whole = document_reader(file.format) != nullptr;
  if (!whole && file.format != LogFormat::kClaude && !jsonl_reader(file.format)) {
    ++stats.skipped_files;
    problems_.push_back({file.path, std::string("no reader for ") + log_format_name(file.format)});
    return {};
  }
  UniqueFd fd;
  FileState state;
  bool go = false;
  // A document is rewritten whole as a matter of course: not a problem.
  quiet_resets_ = whole;
  const Status opened = open_log(file.path, stats, fd, state, go);
  quiet_resets_ = false;
  if (!opened || !go) return opened;
  if (whole) return process_document(fd.get(), file, state, stats);
  return process_lines(fd.get(), file.path, state, stats, &file);
}

JsonlLogReader* Scanner::jsonl_reader(LogFormat format) {
  for (auto& [f, reader] : jsonl_readers_)
    if (f == format) return reader.get();
  auto made = make_jsonl_reader(format);
  if (!made) return nullptr;
  if (format == LogFormat::kCopilotOtel)
    static_cast<CopilotOtelReader&>(*made).set_copilot_home(options_.sources.copilot_home());
  made->set_fingerprinter(fingerprinter_.get());
  jsonl_readers_.emplace_back(format, std::move(made));
  return jsonl_readers_.back().second.get();
}

DocumentLogReader* Scanner::document_reader(LogFormat format) {
  for (auto& [f, reader] : document_readers_)
    if (f == format) return reader.get();
  auto made = make_document_reader(format);
  if (!made) return nullptr;
  made->set_fingerprinter(fingerprinter_.get());
  document_readers_.emplace_back(format, std::move(made));
  return document_readers_.back().second.get();
}

LineReaderCallbacks Scanner::log_steps(FileRead& read) {
  LineReaderCallbacks cb;
  JsonlLogReader* reader = read.reader;
  cb.classify = [reader](std::string_view line) { return LineVerdict{reader->wants(line), 0}; };
  cb.on_line = [this, &read](std::string_view line, size_t capacity, int64_t end_offset) {
    take_log_line(read, line, capacity, end_offset);
  };
  cb.on_skipped = [this, &read](uint8_t, int64_t, int64_t end_offset) {
    if (!read.status) return;
    read.count_line();
    advance(read, end_offset);
  };
  cb.on_oversized = [this, &read](int64_t start) { report_oversized(read, start); };
  cb.on_unterminated = [this, &read](std::string_view tail, size_t capacity) {
    return take_unterminated_log(read, tail, capacity);
  };
  return cb;
}

void Scanner::take_log_line(FileRead& read, std::string_view line, size_t capacity,
                            int64_t end_offset) {
  if (!read.status) return;
  read.count_line();
  log_requests_.clear();
  const LogLineResult r = read.reader->parse(line, capacity, log_requests_);
  switch (r.kind) {
    case LogLineKind::kRequests:
      for (const RequestLine& request : log_requests_)
        queue_request(read, request);
      // A line that restates several requests, some of which could not be read.
      if (!r.error.empty())
        report_bad_line(read, end_offset - static_cast<int64_t>(line.size()) - 1,
                        "invalid usage line: " + r.error);
      break;
    case LogLineKind::kMalformed:
    case LogLineKind::kInvalid:
      report_bad_line(
          read, end_offset - static_cast<int64_t>(line.size()) - 1,
          (r.kind == LogLineKind::kMalformed ? "malformed line: " : "invalid usage line: ") +
              r.error);
      break;
    case LogLineKind::kIgnored:
      break;
  }
  advance(read, end_offset);
}

// As for Claude Code: a last line without its newline is taken only when it
// is a complete JSON document.
bool Scanner::take_unterminated_log(FileRead& read, std::string_view tail, size_t capacity) {
  simdjson::dom::element el;
  if (read.validator.parse(tail.data(), tail.size(), false).get(el)) return false;
  const int64_t end = read.last_end + static_cast<int64_t>(tail.size());
  if (read.reader->wants(tail)) {
    take_log_line(read, tail, capacity, end);
  } else {
    read.count_line();
    advance(read, end);
  }
  return true;
}

// A log that is one document: read whole when it changed, every request in
// it queued (their ids meet the copies stored by the last read). A document
// that does not parse is being rewritten: reported, and read again on its
// next change.
Status Scanner::process_document(int fd, const SourceFile& file, FileState& state,
                                 ScanStats& stats) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ++stats.skipped_files;
    problems_.push_back({file.path, std::string("cannot stat: ") + std::strerror(errno)});
    return {};
  }
  if (static_cast<uint64_t>(st.st_size) > options_.max_document_bytes) {
    ++stats.skipped_files;
    problems_.push_back({file.path, "larger than " + std::to_string(options_.max_document_bytes) +
                                        " bytes; not read"});
    return {};
  }
  const size_t size = static_cast<size_t>(st.st_size);
  std::string text(size + simdjson::SIMDJSON_PADDING, '\0');
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::pread(fd, text.data() + got, size - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ++stats.skipped_files;
      problems_.push_back({file.path, std::string("cannot read: ") + std::strerror(errno)});
      return {};
    }
    if (n == 0) break;  // shrank while read: what was read is judged below
    got += static_cast<size_t>(n);
  }
  stats.bytes_read += static_cast<int64_t>(got);
  log_requests_.clear();
  const LogLineResult r = document_reader(file.format)
                              ->parse_document(file.path, std::string_view(text.data(), got),
                                               text.size(), log_requests_);
  if (r.kind == LogLineKind::kMalformed || r.kind == LogLineKind::kInvalid) {
    ++stats.malformed_lines;
    problems_.push_back({file.path, (r.kind == LogLineKind::kMalformed ? "malformed document: "
                                                                       : "invalid document: ") +
                                        r.error + " (read again when it next changes)"});
    return {};
  }
  if (!r.error.empty()) {
    // Its requests are stored; the entries that could not be read are not.
    ++stats.malformed_lines;
    problems_.push_back({file.path, "invalid entry in the document: " + r.error});
  }
  if (auto s = load_pending_tools(); !s) return s;  // as every file's first step
  if (auto s = store_.begin(); !s) return s;
  FileRead read(file.path, state, stats);
  read.assistant = file.assistant;
  read.format = file.format;
  read.count_line();
  for (const RequestLine& request : log_requests_)
    queue_request(read, request);
  if (read.status) read.status = flush(stats);
  if (!read.status) {
    abort();
    return make_error("storing records from " + file.path + ": " + read.status.error().message);
  }
  uncommitted_bytes_ += static_cast<int64_t>(got);
  ReadOutcome outcome;
  outcome.consumed_offset = static_cast<int64_t>(got);
  outcome.eof_offset = static_cast<int64_t>(got);
  return finish_file(read, fd, outcome);
}

}  // namespace codepulse::tracker
