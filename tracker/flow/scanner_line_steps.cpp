// The scanner's steps for each line of a file, as the line reader hands them
// over: parse, strip into a record or apply a tool's result, report a bad
// line, and commit the file's progress every commit_every_bytes.
#include <simdjson.h>

#include <string>
#include <utility>

#include "tracker/flow/scanner.hpp"

namespace codepulse::tracker {

LineReaderCallbacks Scanner::line_steps(FileRead& read) {
  LineReaderCallbacks cb;
  cb.classify = [this](std::string_view line) {
    const LineClass c = classify_line(line, *pending_);
    return LineVerdict{c == LineClass::kParse, static_cast<uint8_t>(c)};
  };
  cb.on_line = [this, &read](std::string_view line, size_t capacity, int64_t end_offset) {
    take_line(read, line, capacity, end_offset);
  };
  cb.on_skipped = [this, &read](uint8_t code, int64_t start, int64_t end_offset) {
    skip_line(read, static_cast<LineClass>(code), start, end_offset);
  };
  cb.on_oversized = [this, &read](int64_t start) { report_oversized(read, start); };
  cb.on_unterminated = [this, &read](std::string_view tail, size_t capacity) {
    return take_unterminated(read, tail, capacity);
  };
  return cb;
}

// A line the classifier kept: parsed, then a record, a tool's result, the
// start of a turn, or a problem.
void Scanner::take_line(FileRead& read, std::string_view line, size_t capacity,
                        int64_t end_offset) {
  if (!read.status) return;
  read.count_line();
  const ParsedLine& p = parser_.parse(line, capacity, *pending_);
  switch (p.kind) {
    case LineKind::kRequest:
      queue_request(read, p.request);
      break;
    case LineKind::kToolResult:
      if (auto s = apply_tool_result(read, p.result); !s) {
        read.status = s;
        return;
      }
      break;
    case LineKind::kPrompt:
      read.turn = p.prompt_uuid;
      break;
    case LineKind::kMalformed:
    case LineKind::kInvalid:
      report_bad_line(
          read, end_offset - static_cast<int64_t>(line.size()) - 1,
          (p.kind == LineKind::kMalformed ? "malformed line: " : "invalid usage line: ") + p.error);
      break;
    case LineKind::kSynthetic:
      ++read.stats.synthetic_lines;
      break;
    case LineKind::kIgnored:
      break;
  }
  advance(read, end_offset);
}

// A request: stripped into a record for the batch, and each advisor call it
// made into a record of its own (keyed by the request's key and the call's
// index, so a re-read or a later snapshot of the line meets the same keys);
// every call now waits for its result: counts of changes and git commits,
// whether any call failed.
void Scanner::queue_request(FileRead& read, const RequestLine& request) {
  if (queue_copy(read, request)) return;
  const bool claude_lines = read.format == LogFormat::kClaude;
  UsageRecord rec = builder_.build(request, claude_lines ? read.turn : request.turn_id);
  if (claude_lines) rec.assistant.assign(read.assistant);
  await_results(rec.tools, claude_lines);
  if (!fingerprint_writes(read, request)) return;
  for (const AdvisorCall& call : request.advisors) {
    if (batch_.add(builder_.build_advisor(rec, call))) ++read.stats.duplicates;
  }
  if (batch_.add(std::move(rec))) ++read.stats.duplicates;
}

bool Scanner::queue_copy(FileRead& read, const RequestLine& request) {
  // Streaming writes a request once per content block, each copy with the
  // request's usage: most copies only add tool calls to the one buffered, so
  // the rest of a record is not built for them. (Advisor calls and copies
  // that would win go the whole way, as WriteBatch::add takes them.)
  if (!request.advisors.empty()) return false;
  RecordBuilder::dedupe_key(request, copy_key_);
  const int64_t at = batch_.find_key(copy_key_);
  if (at < 0) return false;
  const auto index = static_cast<size_t>(at);
  if (batch_.would_replace(index, request.sidechain, request.tokens.total(), request.tokens.fast))
    return false;
  builder_.build_tools(request, copy_tools_);
  await_results(copy_tools_, read.format == LogFormat::kClaude);
  if (!fingerprint_writes(read, request)) return true;
  batch_.add_tools(index, std::move(copy_tools_));
  ++read.stats.duplicates;
  return true;
}

void Scanner::await_results(const std::vector<ToolUse>& tools, bool claude_lines) {
  for (const ToolUse& t : tools) {
    const ToolKind kind = awaited_kind(t, claude_lines);
    if (kind != ToolKind::kOther) (*pending_)[t.tool_use_id] = kind;
  }
}

bool Scanner::fingerprint_writes(FileRead& read, const RequestLine& request) {
  // Line provenance: the lines each change wrote, once per call, in the
  // transaction of the records (only their keyed fingerprints); not those
  // the git pass would expire before matching them.
  const bool too_old = request.timestamp_ms < fingerprint_since();
  for (const ToolCall& call : request.tools) {
    if (call.written_lines.empty() || too_old) continue;
    if (auto s = guard_file(read); !s) {  // the call's row is written now
      read.status = s;
      return false;
    }
    LineWrite w;
    w.call_id = call.id;
    w.session_id = request.session_id;
    w.request_id = request.request_id.empty() ? request.message_id : request.request_id;
    w.written_ms = request.timestamp_ms;
    w.prints = &call.written_lines;
    auto added = lines_.add(w);
    if (!added) {
      read.status = added.error();
      return false;
    }
    if (*added) ++read.stats.changes_fingerprinted;
  }
  return true;
}

// A tool's result: folded into the record that made the call, in the batch
// or already stored.
Status Scanner::apply_tool_result(FileRead& read, const ToolResultLine& result) {
  if (!batch_.apply_result(result)) {
    if (auto s = guard_file(read); !s) return s;
    if (auto s = store_.apply_tool_result(result); !s) return s;
  }
  pending_->erase(result.tool_use_id);
  ++read.stats.tool_results;
  return {};
}

// A line the classifier did not keep: nothing we need, or torn or garbage.
void Scanner::skip_line(FileRead& read, LineClass c, int64_t start_offset, int64_t end_offset) {
  if (!read.status) return;
  read.count_line();
  if (c != LineClass::kSkip)
    report_bad_line(read, start_offset, std::string("malformed line: ") + line_class_error(c));
  advance(read, end_offset);
}

void Scanner::report_oversized(FileRead& read, int64_t start_offset) {
  report_bad_line(
      read, start_offset,
      "line longer than " + std::to_string(options_.limits.max_line_bytes) + " bytes; skipped");
}

// A last line without its newline is taken only when it is a complete JSON
// document (a prefix of one never is); otherwise it is being written.
bool Scanner::take_unterminated(FileRead& read, std::string_view tail, size_t capacity) {
  simdjson::dom::element el;
  if (read.validator.parse(tail.data(), tail.size(), false).get(el)) return false;
  const int64_t end = read.last_end + static_cast<int64_t>(tail.size());
  if (classify_line(tail, *pending_) == LineClass::kParse) {
    take_line(read, tail, capacity, end);
  } else {
    read.count_line();
    advance(read, end);
  }
  return true;
}

void Scanner::report_bad_line(FileRead& read, int64_t start_offset, std::string what) {
  ++read.stats.malformed_lines;
  ++read.state.malformed_lines;
  report(read.path, "byte " + std::to_string(start_offset) + ": " + what, read.problems);
}

// Past a handled line: a full batch meets the store, and every
// commit_every_bytes the file's progress is committed.
void Scanner::advance(FileRead& read, int64_t end_offset) {
  uncommitted_bytes_ += end_offset - read.last_end;
  read.last_end = end_offset;
  if (batch_.size() >= options_.max_batch_records) {
    Status s = guard_file(read);
    if (s) s = flush(read.stats);
    if (!s) {
      read.status = s;
      return;
    }
  }
  if (uncommitted_bytes_ >= options_.commit_every_bytes) {
    if (auto s = commit_progress(read, end_offset); !s) read.status = s;
  }
}

// Offsets commit with the records they produced: the file's state up to
// end_offset, then a new transaction for the rest of it.
Status Scanner::commit_progress(FileRead& read, int64_t end_offset) {
  read.state.offset = end_offset;
  if (read.reader) read.turn = read.reader->carried();
  read.state.turn_id = read.turn;
  read.state.size = end_offset;
  if (auto s = flush(read.stats); !s) return s;
  if (auto s = store_.save_file_state(read.state); !s) return s;
  if (auto s = keep_file_part(read); !s) return s;
  if (auto s = commit(); !s) return s;
  return store_.begin();
}

}  // namespace codepulse::tracker
