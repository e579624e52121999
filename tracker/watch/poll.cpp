// The polling watcher: every poll_interval_ms, walk the roots and stat each
// transcript; a file whose identity, size or modification time differs from
// the previous pass changed. It wakes up periodically by design: it is the
// fallback when inotify cannot be used.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/c_handles.hpp"
#include "tracker/discover/claude_dirs.hpp"
#include "tracker/watch/watcher.hpp"

// Asio's inlined internals trip -Wnull-dereference (GCC 12); they are not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#pragma GCC diagnostic pop

namespace codepulse::tracker {
namespace {

namespace asio = boost::asio;

constexpr int kMaxDepth = 32;  // as deep as a scan reads
constexpr int64_t kMinIntervalMs = 10;

struct FileState {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

using Snapshot = std::unordered_map<std::string, FileState>;

std::string join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

// Records every transcript below `path`; folders are entered only when they
// are real folders (a root itself may be a symbolic link).
void walk(const WatchOptions& options, const std::string& path, int depth, Snapshot& out,
          size_t& folders) {
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (depth > 0 ? O_NOFOLLOW : 0));
  if (fd < 0) return;
  UniqueDir dir(::fdopendir(fd));
  if (!dir) {
    ::close(fd);
    return;
  }
  ++folders;
  std::vector<std::string> subdirs;
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (e->d_type == DT_DIR) {
      std::string sub = join(path, name);
      if (options.enters(sub)) subdirs.push_back(std::move(sub));
      continue;
    }
    if (e->d_type == DT_UNKNOWN) {
      struct stat lst {};
      if (::fstatat(fd, e->d_name, &lst, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISDIR(lst.st_mode)) {
        std::string sub = join(path, name);
        if (options.enters(sub)) subdirs.push_back(std::move(sub));
        continue;
      }
    }
    if (!options.wants(name)) continue;
    struct stat st {};  // a link to a file is followed, as a scan does
    if (::fstatat(fd, e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
    out[join(path, name)] =
        FileState{st.st_dev, st.st_ino, st.st_size,
                  static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  }
  dir.reset();
  if (depth >= kMaxDepth) return;
  for (const auto& sub : subdirs)
    walk(options, sub, depth + 1, out, folders);
}

class PollCore : public std::enable_shared_from_this<PollCore> {
 public:
  PollCore(asio::io_context& io, const WatchOptions& options, std::string reason)
      : timer_(io),
        interval_(std::max(options.poll_interval_ms, kMinIntervalMs)),
        reason_(std::move(reason)),
        options_(options) {
    std::set<std::string> seen;
    for (auto root : options.roots) {
      while (root.size() > 1 && root.back() == '/')
        root.pop_back();
      if (!root.empty() && seen.insert(root).second) roots_.push_back(root);
    }
    snapshot(files_);  // the baseline: changes from here on are reported
  }

  Status start(std::function<void(WatchBatch)> on_batch) {
    if (stopped_) return make_error("poll watcher: start after stop");
    if (running_) return make_error("poll watcher: started twice");
    on_batch_ = std::move(on_batch);
    running_ = true;
    arm();
    return {};
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    running_ = false;
    timer_.cancel();
    on_batch_ = nullptr;
  }

  size_t watched_folders() const { return folders_; }
  uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }
  const std::string& reason() const { return reason_; }

 private:
  void snapshot(Snapshot& out) {
    size_t folders = 0;
    for (const auto& root : roots_)
      walk(options_, root, 0, out, folders);
    folders_ = folders;
  }

  void arm() {
    timer_.expires_after(interval_);
    timer_.async_wait(
        [self = shared_from_this()](const boost::system::error_code& ec) { self->on_tick(ec); });
  }

  void on_tick(const boost::system::error_code& ec) {
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    if (stopped_ || ec) return;
    pass();
    if (!stopped_) arm();
  }

  void pass() {
    Snapshot now;
    now.reserve(files_.size());
    snapshot(now);
    WatchBatch batch;
    for (const auto& [path, state] : now) {
      const auto before = files_.find(path);
      if (before == files_.end() || !(before->second == state)) batch.files.push_back(path);
    }
    for (const auto& [path, state] : files_)
      if (!now.count(path)) batch.removed.push_back(path);
    files_ = std::move(now);
    if (batch.files.empty() && batch.removed.empty()) return;
    std::sort(batch.files.begin(), batch.files.end());
    std::sort(batch.removed.begin(), batch.removed.end());
    auto on_batch = on_batch_;  // a copy: on_batch may stop this watcher
    if (on_batch) on_batch(std::move(batch));
  }

  asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::string reason_;
  WatchOptions options_;  // the filters
  std::vector<std::string> roots_;
  std::function<void(WatchBatch)> on_batch_;
  Snapshot files_;
  size_t folders_ = 0;
  bool running_ = false;
  bool stopped_ = false;
  std::atomic<uint64_t> wakeups_{0};
};

class PollWatcher final : public Watcher {
 public:
  explicit PollWatcher(std::shared_ptr<PollCore> core) : core_(std::move(core)) {}
  ~PollWatcher() override { core_->stop(); }
  PollWatcher(const PollWatcher&) = delete;
  PollWatcher& operator=(const PollWatcher&) = delete;

  Status start(std::function<void(WatchBatch)> on_batch) override {
    return core_->start(std::move(on_batch));
  }
  void stop() override { core_->stop(); }
  const char* kind() const override { return "poll"; }
  size_t watched_folders() const override { return core_->watched_folders(); }
  std::string fallback_reason() const override { return core_->reason(); }
  uint64_t wakeups() const override { return core_->wakeups(); }

 private:
  std::shared_ptr<PollCore> core_;  // shared with its pending timer handler
};

}  // namespace

std::unique_ptr<Watcher> make_poll_watcher(boost::asio::io_context& io, const WatchOptions& options,
                                           std::string fallback_reason) {
  return std::make_unique<PollWatcher>(
      std::make_shared<PollCore>(io, options, std::move(fallback_reason)));
}

}  // namespace codepulse::tracker
