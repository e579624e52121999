// watch: tells the daemon which transcript files changed, without reading
// them. inotify on Linux (linux_inotify.cpp), a polling walk as the fallback
// (poll.cpp); make_watcher (watcher.cpp) picks one. Everything runs on the
// io_context's thread; create, start and stop a watcher there (or before the
// io_context runs), and destroy it before the io_context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace boost::asio {
class io_context;
}

namespace codepulse::tracker {

struct WatchOptions {
  std::vector<std::string> roots;  // projects folders (may not exist yet)
  int64_t debounce_ms = 200;       // quiet time before a batch; a batch waits at most 5x this
  int64_t poll_interval_ms = 2000;
  enum class Mode { kAuto, kInotify, kPoll } mode = Mode::kAuto;
  // Which files are reported (by name) and which folders below a root are
  // entered; unset: Claude Code transcripts (is_transcript_name), every folder.
  std::function<bool(std::string_view file_name)> wanted_file;
  std::function<bool(const std::string& folder)> enter_folder;
  bool wants(std::string_view file_name) const;
  bool enters(const std::string& folder) const { return !enter_folder || enter_folder(folder); }
  // Tests only: behave as if the inotify watch limit were this many watches (0: the real one).
  int inotify_watch_limit_for_test = 0;
};

struct WatchBatch {
  std::vector<std::string> files;    // transcripts that changed or appeared, each once, sorted
  bool rescan = false;               // read every transcript again: `files` may be incomplete
                                     // (queue overflow, a folder moved, a root appeared)
  std::vector<std::string> removed;  // transcripts deleted or moved away, sorted
  std::vector<std::string> notices;  // for the log: a switch to polling, a folder not watched
};

class Watcher {
 public:
  virtual ~Watcher() = default;

  // Calls on_batch on the io_context's thread after `debounce_ms` of quiet
  // following the first event; while events keep coming, at most every
  // 5 x debounce_ms, so a file written without pause is still read in time.
  // The polling watcher reports after each pass instead. Changes made between
  // make_watcher and start are reported too.
  virtual Status start(std::function<void(WatchBatch)> on_batch) = 0;
  // No call to on_batch after this; may be called from on_batch. Idempotent.
  virtual void stop() = 0;
  virtual const char* kind() const = 0;  // "inotify" or "poll"
  virtual size_t watched_folders() const = 0;
  // Why polling was chosen in auto mode (empty when it was not).
  virtual std::string fallback_reason() const { return {}; }
  // How many completion handlers of this watcher the io_context has run:
  // stays constant while nothing changes (inotify), for tests and benchmarks.
  virtual uint64_t wakeups() const = 0;
};

// kAuto: inotify; when inotify cannot be set up or its watch limit (ENOSPC) is
// hit, at start or later, polling, with fallback_reason() and a notice saying
// why. kInotify: an error instead of falling back (a folder that cannot be
// watched later is a notice and a rescan). kPoll: polling.
Result<std::unique_ptr<Watcher>> make_watcher(boost::asio::io_context& io,
                                              const WatchOptions& options);

// The implementations, for make_watcher. `on_limit`, when set, is called on the
// io_context's thread, after the inotify watcher stopped itself, when a folder
// created later cannot be watched because the watch limit is hit. Hitting the
// limit or failing to create the inotify instance here is an error.
Result<std::unique_ptr<Watcher>> make_inotify_watcher(
    boost::asio::io_context& io, const WatchOptions& options,
    std::function<void(std::string reason)> on_limit = {});
std::unique_ptr<Watcher> make_poll_watcher(boost::asio::io_context& io, const WatchOptions& options,
                                           std::string fallback_reason = {});

}  // namespace codepulse::tracker
