// One pass over every transcript: discover -> tail -> parse -> strip -> queue.
// `codepulse-tracker scan` runs it once; the daemon runs it on file events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/pricing.hpp"
#include "common/result.hpp"
#include "tracker/discover/claude_dirs.hpp"
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
  int64_t records_updated = 0;   // a later, larger snapshot replaced a stored one
  int64_t duplicates = 0;        // usage lines that matched a stored request
  int64_t malformed_lines = 0;   // broken JSON, invalid usage lines, oversized lines
  int64_t synthetic_lines = 0;   // <synthetic> and API-error notices (never counted)
  int64_t skipped_files = 0;     // unreadable files and folders, folders named *.jsonl
  int64_t files_reset = 0;       // truncated, replaced or rewritten: read again from the start
  int64_t unpriced_records = 0;  // models without a price: stored with cost null
  int64_t tool_results = 0;      // patch counts and commit shas attached to tool calls
};

struct ScanOptions {
  std::vector<std::string> projects_dirs;
  StripOptions strip;
  TailLimits limits;
  int64_t commit_every_bytes = 1 << 30;  // offsets commit with records at least this often
  size_t max_batch_records = 20000;      // merged in memory before they meet the store
  size_t max_problems_per_file = 5;      // further problems of a file are summarised
  // Keep the root folder of each repository sessions ran in (git_repos), for
  // the git scan; the only absolute paths the store then holds (git_metadata).
  bool remember_repos = false;
};

class Scanner {
 public:
  Scanner(LocalStore& store, const PriceTable& prices, ScanOptions options);

  // Reads what is new in every transcript. Problems with single files or lines
  // are counted and listed; only a failing store is an error.
  Result<ScanStats> scan_all();
  // Reads what is new in one file (the daemon's entry point). Work is
  // committed every commit_every_bytes; call commit() to end a round.
  Status scan_file(const std::string& path, ScanStats& stats);
  Status commit();
  // Undoes everything not committed (after a failure): nothing half-done stays.
  void abort();

  const std::vector<Problem>& problems() const { return problems_; }
  void clear_problems() { problems_.clear(); }
  // Checked between files: when it says stop, scan_all() ends early with what
  // it has (committed) and the caller decides what to do next.
  void set_interrupt(bool (*interrupted)()) { interrupted_ = interrupted; }

 private:
  Status process_lines(int fd, const std::string& path, FileState& state, ScanStats& stats);
  void report(const std::string& path, std::string message, size_t& count_for_file);
  Status flush(ScanStats& stats);
  // Records the repositories sessions ran in (for the git scan) in the
  // transaction about to commit.
  Status note_repos();

  LocalStore& store_;
  ScanOptions options_;
  RecordBuilder builder_;
  LineParser parser_;
  LineReader reader_;
  WriteBatch batch_;
  bool (*interrupted_)() = nullptr;
  int64_t uncommitted_bytes_ = 0;
  std::optional<PendingTools> pending_;  // loaded on first need
  std::vector<Problem> problems_;
  std::unordered_set<std::string> noted_roots_;  // repositories already in the store
};

}  // namespace codepulse::tracker
