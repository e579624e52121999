// One pass over every transcript: discover -> tail -> parse -> strip -> queue.
// `codepulse-tracker scan` runs it once; the daemon runs it on file events.
#pragma once

#include <simdjson.h>
#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "common/pricing/pricer.hpp"
#include "common/result.hpp"
#include "tracker/discover/claude_dirs.hpp"
#include "tracker/discover/sources.hpp"
#include "tracker/flow/scan_reader.hpp"
#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/line_classifier.hpp"
#include "tracker/parse/opencode_database.hpp"
#include "tracker/queue/line_store.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/queue/write_batch.hpp"
#include "tracker/strip/record_builder.hpp"
#include "tracker/tail/line_reader.hpp"

namespace codepulse::tracker {

struct ScanStats {
  int64_t files = 0;
  int64_t bytes_read = 0;
  int64_t lines = 0;
  int64_t records_new = 0;
  int64_t advisor_records_new = 0;    // of records_new: advisor calls (usage.iterations)
  int64_t records_updated = 0;        // a later, larger snapshot replaced a stored one
  int64_t duplicates = 0;             // usage lines that matched a stored request
  int64_t malformed_lines = 0;        // broken JSON, invalid usage lines, oversized lines
  int64_t synthetic_lines = 0;        // <synthetic> and API-error notices (never counted)
  int64_t skipped_files = 0;          // unreadable files and folders, folders named *.jsonl
  int64_t files_reset = 0;            // truncated, replaced or rewritten: read again from the start
  int64_t unpriced_records = 0;       // models without a price: stored with cost null
  int64_t tool_results = 0;           // patch counts and commit shas attached to tool calls
  int64_t changes_fingerprinted = 0;  // changing tool calls whose lines went to the line store
  // Logs found per assistant (scan_all), in common/record/assistant.hpp's order.
  std::vector<std::pair<std::string_view, int64_t>> files_by_assistant;
  void count_file(std::string_view assistant);
};

struct ScanOptions {
  std::vector<std::string> projects_dirs;  // Claude Code's
  Sources sources;                         // the other assistants' logs
  SourceSelection sources_selection;       // which assistants are read
  StripOptions strip;
  TailLimits limits;
  size_t max_document_bytes = 256u << 20;  // a log read whole (Gemini CLI's .json)
  int64_t commit_every_bytes = 1 << 30;    // offsets commit with records at least this often
  // Records merged in memory before they meet the store. 4,000 rather than
  // 20,000: the batch's lookup tables stay in the cache (an OpenCode cold
  // scan 5 % less CPU and 47 -> 35 MiB peak; the Claude Code, Codex and
  // Gemini CLI scans unchanged within the noise, the same rows).
  size_t max_batch_records = 4000;
  size_t max_problems_per_file = 5;  // further problems of a file are summarised
  // Keep the root folder of each repository sessions ran in (git_repos), for
  // the git scan; the only absolute paths the store then holds (git_metadata).
  bool remember_repos = false;
  // Line provenance (docs/PROVENANCE.md): the laptop's line key
  // (tracker/provenance/line_key.hpp); empty = off. The lines changes write
  // are fingerprinted under it into the line store, never into a record.
  std::string line_key;
  // Writes older than this many days before now are not stored: the git
  // pass expires them (line_provenance_days) before it matches a commit, so
  // a cold scan of months of logs stores only what can still match. 0: all.
  int64_t line_days = 0;
  // A full scan of two Claude Code transcripts or more reads, parses and
  // strips them on a second thread while this one writes
  // (flow/scan_reader.hpp); false: all on this thread.
  bool parallel = false;
  size_t parallel_chunk_requests = 512;  // requests handed over at once (tests: fewer)
};

class Scanner {
 public:
  Scanner(LocalStore& store, std::shared_ptr<const Pricer> prices, ScanOptions options);

  // Records read from here on are priced with `prices` (the daemon swaps in
  // a refreshed price book between rounds).
  void set_pricer(std::shared_ptr<const Pricer> prices) { builder_.set_pricer(std::move(prices)); }

  // Reads what is new in every transcript. Problems with single files or lines
  // are counted and listed; only a failing store is an error.
  Result<ScanStats> scan_all();
  // Reads what is new in one file (the daemon's entry point). Work is
  // committed every commit_every_bytes; call commit() to end a round.
  Status scan_file(const std::string& path, ScanStats& stats);
  // The daemon's entry point for a changed path: a Claude Code transcript,
  // another assistant's log (options.sources), or nothing to read.
  Status scan_path(const std::string& path, ScanStats& stats);
  // One log of another assistant (or Claude Desktop's transcripts).
  Status scan_source(const SourceFile& file, ScanStats& stats);
  Status commit();
  // Undoes everything not committed (after a failure): nothing half-done stays.
  void abort();

  const std::vector<Problem>& problems() const { return problems_; }
  void clear_problems() { problems_.clear(); }
  // Checked between files: when it says stop, scan_all() ends early with what
  // it has (committed) and the caller decides what to do next.
  void set_interrupt(bool (*interrupted)()) { interrupted_ = interrupted; }

 private:
  // One file being read: what the steps below share while its lines go by.
  // It holds references to the file's state and the scan's counts.
  struct FileRead {
    FileRead(const std::string& file, FileState& file_state, ScanStats& scan_stats)
        : path(file),
          state(file_state),
          stats(scan_stats),
          last_end(file_state.offset),
          turn(file_state.turn_id) {}

    const std::string& path;
    std::string_view assistant = "claude-code";
    LogFormat format = LogFormat::kClaude;
    JsonlLogReader* reader = nullptr;  // another assistant's appended log
    FileState& state;
    ScanStats& stats;
    int64_t last_end = 0;  // file offset just after the last line handled
    std::string turn;      // the prompt the next request belongs to
    size_t problems = 0;   // reported for this file so far
    // The store's first failure; the lines after it are not handled.
    Status status;
    // Tells whether an unterminated last line is complete.
    simdjson::dom::parser validator;
    // Reading a line again failed (scanner_parallel.cpp): the file's
    // uncommitted part is undone as for any read error.
    std::string io_error;
    // A read error undoes this file's uncommitted part (appended logs read
    // line by line; a database or a whole document keeps what it read).
    bool undo_on_error = false;
    // A savepoint is open for this file: opened before the first write to the
    // store while reading may still fail (guard_file).
    bool savepoint = false;

    void count_line() {
      ++stats.lines;
      ++state.lines;
    }
  };

  // Steps of scan_file: where reading resumes in the file, then its lines.
  Status stored_state(const std::string& path, const struct stat& st,
                      std::optional<FileState>& known);
  bool resume_point(const FileState& known, int fd, const struct stat& st, FileState& state,
                    ScanStats& stats);
  Status process_lines(int fd, const std::string& path, FileState& state, ScanStats& stats,
                       const SourceFile* source = nullptr);
  // Opens `path` and finds where reading resumes; false in `go` when there
  // is nothing new (or the file cannot be read: reported).
  Status open_log(const std::string& path, ScanStats& stats, UniqueFd& fd, FileState& state,
                  bool& go);
  // Another assistant's log read whole (scanner_sources.cpp).
  Status process_document(int fd, const SourceFile& file, FileState& state, ScanStats& stats);
  LineReaderCallbacks log_steps(FileRead& read);
  void take_log_line(FileRead& read, std::string_view line, size_t capacity, int64_t end_offset);
  bool take_unterminated_log(FileRead& read, std::string_view tail, size_t capacity);
  JsonlLogReader* jsonl_reader(LogFormat format);
  // An OpenCode database (scanner_database.cpp).
  Status scan_database(const SourceFile& file, ScanStats& stats);
  DocumentLogReader* document_reader(LogFormat format);
  Status load_pending_tools();
  int64_t fingerprint_since() const;
  // After a file's lines: its records stored and its progress saved, or
  // its uncommitted part undone on a read error.
  Status end_read(FileRead& read, int fd, Result<ReadOutcome> outcome);
  Status finish_file(FileRead& read, int fd, const ReadOutcome& outcome);

  // The full scan's Claude Code transcripts read by a ScanReader
  // (scanner_parallel.cpp), and what this thread does with its chunks.
  Status scan_parallel(const std::vector<const std::string*>& paths, ScanStats& stats);
  void replay(FileRead& read, int fd, const ScanChunk& chunk, const ScanEvent& event);
  void take_deferred(FileRead& read, int fd, const std::string& tool_use_id,
                     const ScanEvent& event);

  // Steps of each line, called by the line reader (line_steps binds them).
  LineReaderCallbacks line_steps(FileRead& read);
  void take_line(FileRead& read, std::string_view line, size_t capacity, int64_t end_offset);
  void queue_request(FileRead& read, const RequestLine& request);
  // A copy of a request the batch holds and that would not replace it: only
  // its tool calls join; true when `request` was such a copy.
  bool queue_copy(FileRead& read, const RequestLine& request);
  // The calls whose results are still to come now wait for them.
  void await_results(const std::vector<ToolUse>& tools, bool claude_lines);
  // The lines each of the request's changes wrote (line provenance); false
  // when that failed (read.status says why).
  bool fingerprint_writes(FileRead& read, const RequestLine& request);
  Status apply_tool_result(FileRead& read, const ToolResultLine& result);
  void skip_line(FileRead& read, LineClass c, int64_t start_offset, int64_t end_offset);
  void report_oversized(FileRead& read, int64_t start_offset);
  bool take_unterminated(FileRead& read, std::string_view tail, size_t capacity);
  void report_bad_line(FileRead& read, int64_t start_offset, std::string what);
  void advance(FileRead& read, int64_t end_offset);
  Status commit_progress(FileRead& read, int64_t end_offset);
  // Before a write to the store while the file's reading may still fail:
  // opens the file's savepoint (once), so that a read error undoes only
  // this file's part. A file whose records are written only once it has
  // been read needs none (a savepoint copies each page it first touches).
  Status guard_file(FileRead& read);
  // The file's part so far is kept: its savepoint, if open, released, and
  // the line provenance it staged kept.
  Status keep_file_part(FileRead& read);

  void report(const std::string& path, std::string message, size_t& count_for_file);
  Status flush(ScanStats& stats);
  // Records the repositories sessions ran in (for the git scan) in the
  // transaction about to commit.
  Status note_repos();

  LocalStore& store_;
  ScanOptions options_;
  RecordBuilder builder_;
  LineParser parser_;
  std::unique_ptr<LineFingerprinter> fingerprinter_;  // line provenance on
  LineStore lines_;
  LineReader reader_;
  WriteBatch batch_;
  std::string copy_key_;             // scratch of queue_copy
  std::vector<ToolUse> copy_tools_;  // scratch of queue_copy
  bool (*interrupted_)() = nullptr;
  int64_t uncommitted_bytes_ = 0;
  std::optional<PendingTools> pending_;  // loaded on first need
  // One reader per format, made on first need; requests of the current line.
  std::vector<std::pair<LogFormat, std::unique_ptr<JsonlLogReader>>> jsonl_readers_;
  std::vector<std::pair<LogFormat, std::unique_ptr<DocumentLogReader>>> document_readers_;
  std::vector<RequestLine> log_requests_;
  opencode::DatabaseReader opencode_db_;  // OpenCode's databases (scanner_database.cpp)
  bool quiet_resets_ = false;             // resume_point: a rewrite is not reported
  std::vector<Problem> problems_;
  std::unordered_set<std::string> noted_roots_;  // repositories already in the store
  std::string reread_;                           // a deferred line read again, padded
};

}  // namespace codepulse::tracker
