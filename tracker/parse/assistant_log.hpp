// parse: the readers of the assistants other than Claude Code. Each turns
// its assistant's log into RequestLines (line_parser.hpp), the same shape
// Claude Code's lines take, so strip/ and everything after it treat every
// assistant alike. Like line_parser.cpp, a reader reads only the fields it
// names: prompts, answers, reasoning, tool arguments and outputs and patch
// lines are never copied out (a patch is reduced to its file paths and
// line counts, a command to whether it is a git commit).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/discover/sources.hpp"
#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

// What one line gave.
enum class LogLineKind {
  kIgnored,    // nothing to count (a prompt, an answer, a settings line, a repeated total)
  kRequests,   // requests were appended to the output
  kMalformed,  // not JSON, or torn
  kInvalid,    // JSON, but a usage line that fails validation
};

struct LogLineResult {
  LogLineKind kind = LogLineKind::kIgnored;
  // For kMalformed / kInvalid: what is wrong (never line content). For
  // kRequests: what is wrong with the entries of the line that gave none
  // (a line restating several requests), reported beside those stored.
  std::string error;
};

// A reader of an appended JSONL log (Codex rollouts, Gemini CLI .jsonl
// sessions, Copilot CLI OpenTelemetry exports). The scanner tails the file
// and hands over complete lines in order. What carries from one line to the
// next (the model in force, cumulative totals, tool calls waiting for the
// response they belong to) is saved with the file's offset, in the same
// transaction as the records, and given back before the next read.
class JsonlLogReader {
 public:
  virtual ~JsonlLogReader() = default;
  // A file is about to be read from the offset its carried state belongs
  // to; `carried` is what carried() returned then ("" from the start).
  // False when `carried` cannot be used (read the file from its start).
  virtual bool begin_file(const std::string& path, std::string_view carried) = 0;
  // The state after the last line handed over, for begin_file.
  virtual std::string carried() const = 0;
  // Cheap, allocation-free, must not keep `line`: false for lines that
  // cannot matter (they are counted and skipped unparsed).
  virtual bool wants(std::string_view line) const = 0;
  // A line without its newline; bytes up to line.data() + capacity are
  // readable (capacity >= line.size() + simdjson::SIMDJSON_PADDING).
  virtual LogLineResult parse(std::string_view line, size_t capacity,
                              std::vector<RequestLine>& out) = 0;
  // Line provenance (docs/PROVENANCE.md): a reader of an assistant whose
  // changes carry their text fingerprints the lines they write with `fp`
  // (nullptr: off); the others have nothing to fingerprint.
  virtual void set_fingerprinter(LineFingerprinter* /*fp*/) {}
  // Changes made before `ms` need no fingerprints (a scan drops the written
  // lines of requests older than line_provenance_days): a reader may skip
  // them. Set before each file; INT64_MIN: fingerprint every change.
  virtual void set_fingerprint_since(int64_t /*ms*/) {}
};

// A reader of a log that is one JSON document rewritten in place (Gemini
// CLI's session-*.json, OpenCode's legacy message files). The whole file is
// read again when it changes; its requests carry stable ids, so a second
// read meets the records of the first.
class DocumentLogReader {
 public:
  virtual ~DocumentLogReader() = default;
  // `text` is the whole file with simdjson padding after it. A document that
  // does not parse (being rewritten) is an error: the scanner keeps its old
  // offset and reads it on its next change.
  virtual LogLineResult parse_document(const std::string& path, std::string_view text,
                                       size_t capacity, std::vector<RequestLine>& out) = 0;
  // As JsonlLogReader::set_fingerprinter.
  virtual void set_fingerprinter(LineFingerprinter* /*fp*/) {}
};

// The reader of a format (nullptr for kClaude, read by LineParser, and for
// kOpenCodeDb, read by the scanner's database step).
std::unique_ptr<JsonlLogReader> make_jsonl_reader(LogFormat format);
std::unique_ptr<DocumentLogReader> make_document_reader(LogFormat format);

}  // namespace codepulse::tracker
