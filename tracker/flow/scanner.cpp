#include "tracker/flow/scanner.hpp"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/c_handles.hpp"
#include "common/hashing.hpp"
#include "common/record/assistant.hpp"
#include "common/time.hpp"
#include "tracker/queue/commit_store.hpp"

namespace codepulse::tracker {
namespace {

constexpr int64_t kHeadBytes = 1024;

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// FNV-1a of the first `len` bytes, or nullopt if they cannot be read.
std::optional<int64_t> head_hash(int fd, int64_t len) {
  std::string buf(static_cast<size_t>(len), '\0');
  int64_t got = 0;
  while (got < len) {
    const ssize_t n = ::pread(fd, buf.data() + got, static_cast<size_t>(len - got), got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    got += n;
  }
  return static_cast<int64_t>(fnv1a64(buf));
}

}  // namespace

Status Scanner::flush(ScanStats& stats) {
  auto counts = batch_.flush(store_);
  if (!counts) return counts.error();
  stats.records_new += counts->inserted;
  stats.advisor_records_new += counts->advisors_inserted;
  stats.duplicates += counts->replaced + counts->kept;
  stats.records_updated += counts->replaced;
  return {};
}

Scanner::Scanner(LocalStore& store, std::shared_ptr<const Pricer> prices, ScanOptions options)
    : store_(store),
      options_(std::move(options)),
      builder_(options_.strip, std::move(prices)),
      lines_(store.database()),
      reader_(options_.limits) {
  if (!options_.line_key.empty()) {
    fingerprinter_ = std::make_unique<LineFingerprinter>(options_.line_key);
    parser_.set_fingerprinter(fingerprinter_.get());
    opencode_db_.set_fingerprinter(fingerprinter_.get());
  }
}

void Scanner::report(const std::string& path, std::string message, size_t& count) {
  ++count;
  if (count <= options_.max_problems_per_file) problems_.push_back({path, std::move(message)});
}

void ScanStats::count_file(std::string_view assistant) {
  for (auto& [name, n] : files_by_assistant)
    if (name == assistant) {
      ++n;
      return;
    }
  files_by_assistant.emplace_back(assistant, 1);
}

// Claude Code lines (and Codex calls) older than the written lines a scan
// keeps are parsed without fingerprinting their changes (earlier than now is
// always safe).
int64_t Scanner::fingerprint_since() const {
  return options_.line_days > 0 ? now_utc_ms() - options_.line_days * 86'400'000 : INT64_MIN;
}

Result<ScanStats> Scanner::scan_all() {
  ScanStats stats;
  Listing listing = list_transcripts(options_.projects_dirs);
  for (auto& p : listing.problems) {
    ++stats.skipped_files;
    problems_.push_back(std::move(p));
  }
  std::vector<Problem> unreadable;
  std::vector<SourceFile> logs = options_.sources.list(unreadable);
  for (auto& p : unreadable) {
    ++stats.skipped_files;
    problems_.push_back(std::move(p));
  }
  stats.files = static_cast<int64_t>(listing.files.size() + logs.size());
  if (!listing.files.empty())
    stats.files_by_assistant.emplace_back(kClaudeCode, static_cast<int64_t>(listing.files.size()));
  for (const SourceFile& log : logs)
    stats.count_file(log.assistant);
  auto known = store_.file_identities();
  if (!known) return known.error();
  // Unchanged since its last read (same file, size and time): not opened.
  // `seen`: what the listing's stat() found, when it took one.
  auto unchanged = [&known](const std::string& path, SourceFile::Seen seen = {}) {
    auto it = known->find(path);
    if (it == known->end()) return false;
    if (seen.size < 0) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) return false;
      seen = SourceFile::Seen::of(st);
    }
    return it->second.dev == seen.dev && it->second.ino == seen.ino &&
           it->second.size == seen.size && it->second.mtime_ns == seen.mtime_ns;
  };
  std::vector<const std::string*> changed;
  for (const std::string& path : listing.files)
    if (!unchanged(path)) changed.push_back(&path);
  if (options_.parallel && changed.size() >= 2) {
    if (auto s = scan_parallel(changed, stats); !s) return s.error();
  } else {
    for (const std::string* path : changed) {
      if (interrupted_ && interrupted_()) break;  // the rest is read next time
      if (auto s = scan_file(*path, stats); !s) return s.error();
    }
  }
  for (const SourceFile& log : logs) {
    if (interrupted_ && interrupted_()) break;
    // A database changes in its -wal file too: its own step decides.
    if (log.format != LogFormat::kOpenCodeDb && unchanged(log.path, log.seen)) continue;
    if (auto s = scan_source(log, stats); !s) return s.error();
  }
  if (auto s = store_.begin(); !s) return s.error();
  if (auto s = store_.end_bulk_load(); !s) return s.error();
  if (auto s = commit(); !s) return s.error();
  stats.unpriced_records = builder_.unknown_model_records();
  return stats;
}

Status Scanner::scan_file(const std::string& path, ScanStats& stats) {
  parser_.set_fingerprint_since(fingerprint_since());
  UniqueFd fd;
  FileState state;
  bool go = false;
  if (auto s = open_log(path, stats, fd, state, go); !s || !go) return s;
  return process_lines(fd.get(), path, state, stats);
}

Status Scanner::open_log(const std::string& path, ScanStats& stats, UniqueFd& fd, FileState& state,
                         bool& go) {
  go = false;
  fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    ++stats.skipped_files;
    problems_.push_back({path, std::string("cannot open: ") + std::strerror(errno)});
    return {};
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    ++stats.skipped_files;
    problems_.push_back({path, "not a regular file"});
    return {};
  }
  std::optional<FileState> known;
  if (auto s = stored_state(path, st, known); !s) return s;

  state.path = path;
  state.dev = static_cast<int64_t>(st.st_dev);
  state.ino = static_cast<int64_t>(st.st_ino);
  state.mtime_ns = mtime_ns(st);
  if (known && !resume_point(*known, fd.get(), st, state, stats))
    return {};  // nothing new: not even opened for reading
  go = true;
  return {};
}

// What the store knows of the file at `path` (into `known`), or of the file
// it was renamed from: a renamed file keeps its identity, and its offset is
// carried over.
Status Scanner::stored_state(const std::string& path, const struct stat& st,
                             std::optional<FileState>& known) {
  auto prev = store_.file_state(path);
  if (!prev) return prev.error();
  known = std::move(prev).value();
  if (known) return {};
  auto moved =
      store_.file_by_identity(static_cast<int64_t>(st.st_dev), static_cast<int64_t>(st.st_ino));
  if (!moved) return moved.error();
  if (*moved) {
    struct stat old {};
    const bool old_gone = ::stat((*moved)->path.c_str(), &old) != 0 || old.st_ino != st.st_ino ||
                          old.st_dev != st.st_dev;
    if (old_gone) {
      if (auto s = store_.rename_file((*moved)->path, path); !s) return s;
      known = std::move(*moved);
      known->path = path;
    }
  }
  return {};
}

// Where reading resumes in a file read before: where it stopped, or its start
// when it was truncated, replaced or rewritten since (reported). False when
// it is unchanged: there is nothing to read.
bool Scanner::resume_point(const FileState& known, int fd, const struct stat& st, FileState& state,
                           ScanStats& stats) {
  const bool same_inode = known.dev == state.dev && known.ino == state.ino;
  if (same_inode && known.size == st.st_size && known.mtime_ns == state.mtime_ns) return false;
  bool reset = !same_inode || st.st_size < known.offset;
  if (!reset && known.head_len > 0) {
    const auto h = head_hash(fd, std::min<int64_t>(known.head_len, st.st_size));
    reset = !h || known.head_len > st.st_size || *h != known.head_hash;
  }
  if (!reset) {
    state.offset = known.offset;
    state.turn_id = known.turn_id;
    state.lines = known.lines;
    state.malformed_lines = known.malformed_lines;
    state.oversized_open = known.oversized_open;
  } else if (!quiet_resets_) {  // a file read whole is rewritten as a matter of course
    ++stats.files_reset;
    problems_.push_back({state.path, same_inode
                                         ? "truncated or rewritten; read again from the start"
                                         : "replaced by another file; read again from the start"});
  }
  return true;
}

// The file's new lines, in one transaction: on a store failure everything
// uncommitted is undone; on an I/O error only this file's uncommitted part
// is (its records not yet written are dropped, and what it wrote before
// reading ended is rolled back to its savepoint: guard_file).
Status Scanner::process_lines(int fd, const std::string& path, FileState& state, ScanStats& stats,
                              const SourceFile* source) {
  if (auto s = load_pending_tools(); !s) return s;
  JsonlLogReader* log_reader = nullptr;
  if (source && source->format != LogFormat::kClaude) {
    log_reader = jsonl_reader(source->format);
    log_reader->set_fingerprint_since(fingerprint_since());
    if (!log_reader->begin_file(path, state.turn_id)) {
      // What was carried cannot be used: the file is read again from its
      // start (its records meet their stored copies).
      ++stats.files_reset;
      problems_.push_back({path,
                           "state kept from the last read is unusable; read again from "
                           "the start"});
      state.offset = 0;
      state.turn_id.clear();
      state.lines = state.malformed_lines = 0;
      state.oversized_open = false;
      log_reader->begin_file(path, "");
    }
  }
  if (auto s = store_.begin(); !s) return s;
  FileRead read(path, state, stats);
  read.undo_on_error = true;
  if (source) {
    read.assistant = source->assistant;
    read.format = source->format;
  }
  read.reader = log_reader;
  auto outcome =
      reader_.read(fd, state.offset, path, log_reader ? log_steps(read) : line_steps(read),
                   state.oversized_open);
  return end_read(read, fd, std::move(outcome));
}

Status Scanner::end_read(FileRead& read, int fd, Result<ReadOutcome> outcome) {
  if (outcome && !read.io_error.empty()) outcome = make_error(read.io_error);
  if (read.status && !outcome) {
    // An I/O error on one file: its uncommitted part is undone (the records
    // not yet written dropped, what was written rolled back); report, go on.
    // Tool calls resolved during the undone part are pending again.
    batch_ = WriteBatch();
    pending_.reset();
    lines_.drop_staged();
    if (read.savepoint) {
      read.savepoint = false;
      if (auto s = store_.rollback_to_savepoint(); !s) {
        abort();
        return s;
      }
    }
    ++read.stats.skipped_files;
    problems_.push_back({read.path, outcome.error().message});
    return {};
  }
  if (read.status) read.status = flush(read.stats);
  if (!read.status) {
    abort();
    return make_error("storing records from " + read.path + ": " + read.status.error().message);
  }
  return finish_file(read, fd, *outcome);
}

// The kinds of the tool calls still waiting for their result, loaded once.
Status Scanner::load_pending_tools() {
  if (pending_) return {};
  pending_.emplace();
  if (auto s = store_.load_pending_tools(*pending_); !s) {
    pending_.reset();
    return s;
  }
  return {};
}

// Saves where the file was read to (and a hash of its head, to notice a
// rewrite) with the records its lines produced.
Status Scanner::finish_file(FileRead& read, int fd, const ReadOutcome& outcome) {
  FileState& state = read.state;
  read.stats.bytes_read += outcome.bytes_read;
  state.offset = outcome.consumed_offset;
  state.oversized_open = outcome.inside_oversized;
  if (read.reader) read.turn = read.reader->carried();
  state.turn_id = read.turn;
  // The size we saw at end of file, so that any later append is noticed.
  state.size = outcome.eof_offset;
  state.head_len = std::min<int64_t>(kHeadBytes, state.size);
  if (state.head_len > 0) {
    const auto h = head_hash(fd, state.head_len);
    state.head_hash = h ? *h : 0;
  }
  if (read.problems > options_.max_problems_per_file)
    problems_.push_back({read.path, std::to_string(read.problems - options_.max_problems_per_file) +
                                        " more problems in this file"});
  Status saved = store_.save_file_state(state);
  if (saved) saved = keep_file_part(read);
  if (!saved) {
    abort();
    return saved;
  }
  if (uncommitted_bytes_ >= options_.commit_every_bytes) return commit();
  return {};
}

Status Scanner::guard_file(FileRead& read) {
  if (!read.undo_on_error || read.savepoint) return {};
  if (auto s = store_.savepoint(); !s) return s;
  read.savepoint = true;
  return {};
}

Status Scanner::keep_file_part(FileRead& read) {
  if (read.savepoint) {
    read.savepoint = false;
    if (auto s = store_.release_savepoint(); !s) return s;
  }
  return lines_.keep_staged();
}

void Scanner::abort() {
  batch_ = WriteBatch();
  pending_.reset();
  lines_.drop_all();
  uncommitted_bytes_ = 0;
  store_.rollback();
}

Status Scanner::note_repos() {
  if (!options_.remember_repos) return {};
  CommitStore commits(store_.database());
  for (const auto& [root, identity] : builder_.repo_roots()) {
    if (noted_roots_.count(root)) continue;
    if (auto s = commits.note_repo(root, identity); !s) return s;
  }
  return {};
}

Status Scanner::commit() {
  uncommitted_bytes_ = 0;
  Status written = note_repos();
  if (written) written = lines_.write_kept();
  if (!written) {
    lines_.drop_all();
    store_.rollback();
    return written;
  }
  if (auto s = store_.commit(); !s) return s;
  for (const auto& [root, identity] : builder_.repo_roots())
    noted_roots_.insert(root);
  return {};
}

}  // namespace codepulse::tracker
