// The inotify watcher: one inotify instance read through an Asio
// stream_descriptor, one watch per folder below each root, and a debounce
// timer that is armed only when an event arrives, so an idle tracker never
// wakes up.
//
// Masks. A folder below a root (a "tree" folder) is watched for IN_MODIFY
// (each append), IN_CREATE / IN_MOVED_TO / IN_MOVED_FROM / IN_DELETE (files and
// folders coming and going) and IN_DELETE_SELF / IN_MOVE_SELF. IN_CLOSE_WRITE
// is left out: every byte written already raised IN_MODIFY, and truncation
// raises IN_MODIFY too. A root that does not exist yet is waited for by
// watching its nearest existing ancestor for IN_CREATE / IN_MOVED_TO only, so
// writes elsewhere in, say, the home folder cause no wake-up. Folders below a
// root are watched with IN_DONT_FOLLOW and walked only through real folders:
// symbolic links to folders are never followed (a root itself may be a link).
#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "common/c_handles.hpp"
#include "tracker/discover/claude_dirs.hpp"
#include "tracker/watch/watcher.hpp"

// Asio's inlined internals trip -Wnull-dereference (GCC 12); they are not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#pragma GCC diagnostic pop

namespace codepulse::tracker {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kTreeMask =
    IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr uint32_t kWaitMask = IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;
static_assert((kWaitMask & ~kTreeMask) == 0, "a tree folder also serves as an ancestor");
constexpr int kMaxDepth = 32;         // as deep as a scan reads
constexpr int kMaxReadsPerWake = 16;  // then let other handlers run
constexpr int kMaxResolveAttempts = 8;

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

std::string join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

// The child of `ancestor` on the way down to `path`.
std::string next_component(const std::string& path, const std::string& ancestor) {
  const size_t start = ancestor == "/" ? 1 : ancestor.size() + 1;
  if (start >= path.size()) return path;
  const size_t end = path.find('/', start);
  return path.substr(0, end);
}

std::string read_sysctl(const char* file) {
  std::ifstream in(file);
  std::string value;
  in >> value;
  return value.empty() ? "?" : value;
}

std::string normalize_root(std::string path) {
  if (!path.empty() && path[0] != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) path = join(cwd, path);
  }
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

class InotifyCore : public std::enable_shared_from_this<InotifyCore> {
 public:
  InotifyCore(asio::io_context& io, const WatchOptions& options,
              std::function<void(std::string)> on_limit)
      : options_(options), on_limit_(std::move(on_limit)), stream_(io), timer_(io) {
    debounce_ = std::chrono::milliseconds(std::max<int64_t>(options.debounce_ms, 0));
    std::set<std::string> seen;
    for (const auto& r : options.roots) {
      std::string root = normalize_root(r);
      if (!root.empty() && seen.insert(root).second) roots_.push_back(RootState{root});
    }
  }

  Status open() {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      std::string message =
          std::string("inotify is unavailable: inotify_init1: ") + std::strerror(err);
      if (err == EMFILE)
        message += " (fs.inotify.max_user_instances = " +
                   read_sysctl("/proc/sys/fs/inotify/max_user_instances") + ")";
      return make_error(message);
    }
    UniqueFd owned(fd);
    boost::system::error_code ec;
    stream_.assign(owned.get(), ec);
    if (ec) return make_error("inotify: cannot register with the event loop: " + ec.message());
    fd_ = owned.release();
    for (size_t i = 0; i < roots_.size(); ++i)
      resolve_root(i);
    if (!limit_reason_.empty()) return make_error(limit_reason_);
    return {};
  }

  Status start(std::function<void(WatchBatch)> on_batch) {
    if (stopped_) return make_error("inotify watcher: start after stop");
    if (running_) return make_error("inotify watcher: started twice");
    on_batch_ = std::move(on_batch);
    running_ = true;
    wait_for_events();
    if (!notices_.empty()) note_activity();
    return {};
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    running_ = false;
    boost::system::error_code ec;
    stream_.cancel(ec);
    stream_.close(ec);  // closes the inotify instance: the kernel drops every watch
    fd_ = -1;
    timer_.cancel();
    by_wd_.clear();
    by_path_.clear();
    on_batch_ = nullptr;
    on_limit_ = nullptr;
  }

  size_t watched_folders() const { return by_wd_.size(); }
  uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }

 private:
  struct DirWatch {
    std::string path;
    bool tree = false;    // at or below a root: its files are reported
    bool follow = false;  // a root or an ancestor: a symbolic link is followed
    int depth = 0;
    std::set<size_t> waiters;  // roots waiting for a folder to be created here
  };
  struct RootState {
    std::string path;
    int wd = -1;       // its own watch, once it exists
    int wait_wd = -1;  // the ancestor watched until then
  };
  enum class Added { kOk, kGone, kLimit, kFailed, kElsewhere };

  static uint32_t mask_of(const DirWatch& d) {
    uint32_t mask = IN_ONLYDIR;
    if (d.tree) mask |= kTreeMask;
    if (!d.waiters.empty()) mask |= kWaitMask;
    if (!d.follow) mask |= IN_DONT_FOLLOW;
    return mask;
  }

  // Adds (or widens) the watch on `path` with the given role.
  Added watch(const std::string& path, bool tree, bool follow, int depth,
              std::optional<size_t> waiter, int* wd_out) {
    DirWatch want;
    want.path = path;
    auto known = by_path_.find(path);
    if (known != by_path_.end()) {
      const auto it = by_wd_.find(known->second);
      if (it != by_wd_.end()) want = it->second;
    }
    want.tree = want.tree || tree;
    want.follow = want.follow || follow;
    if (tree) want.depth = depth;
    if (waiter) want.waiters.insert(*waiter);
    const int limit = options_.inotify_watch_limit_for_test;
    if (known == by_path_.end() && limit > 0 && by_wd_.size() >= static_cast<size_t>(limit)) {
      note_limit(path, std::to_string(limit) + " (test limit)");
      return Added::kLimit;
    }
    const int wd = ::inotify_add_watch(fd_, path.c_str(), mask_of(want));
    if (wd < 0) {
      const int err = errno;
      if (err == ENOSPC) {
        note_limit(path, read_sysctl("/proc/sys/fs/inotify/max_user_watches"));
        return Added::kLimit;
      }
      if (err == ENOENT || err == ENOTDIR || err == ELOOP) return Added::kGone;
      add_notice("cannot watch folder " + path + ": " + std::strerror(err));
      return Added::kFailed;
    }
    *wd_out = wd;
    if (known != by_path_.end() && known->second != wd) {
      // The folder at this path was replaced before its old watch ended:
      // the path's roles move to the new folder.
      const int old = known->second;
      by_path_.erase(known);
      by_wd_.erase(old);
      ::inotify_rm_watch(fd_, old);
      for (auto& root : roots_) {
        if (root.wd == old) root.wd = wd;
        if (root.wait_wd == old) root.wait_wd = wd;
      }
    }
    const auto same_inode = by_wd_.find(wd);
    if (same_inode != by_wd_.end() && same_inode->second.path != path) {
      // Reached by a second path (a root linked into another root's tree):
      // it is watched, and reported, under the first path only.
      DirWatch& first = same_inode->second;
      first.tree = first.tree || tree;
      if (waiter) first.waiters.insert(*waiter);
      return Added::kElsewhere;
    }
    by_wd_[wd] = std::move(want);
    by_path_[path] = wd;
    return Added::kOk;
  }

  void note_limit(const std::string& path, const std::string& limit) {
    if (!limit_reason_.empty()) return;
    limit_reason_ = "inotify watch limit reached (fs.inotify.max_user_watches = " + limit + ", " +
                    std::to_string(by_wd_.size()) + " folders watched) at " + path;
  }

  void add_notice(std::string notice) {
    notices_.push_back(std::move(notice));
    note_activity();
  }

  // Watches `path` and every folder below it, then lists it: a file created
  // before its folder's watch existed is found by the listing. Returns false
  // when the watch limit stops the walk.
  bool add_tree(const std::string& path, bool is_root, int depth, std::vector<std::string>* found) {
    int wd = -1;
    switch (watch(path, true, is_root, depth, std::nullopt, &wd)) {
      case Added::kOk:
        break;
      case Added::kLimit:
        return false;
      case Added::kGone:
      case Added::kFailed:
      case Added::kElsewhere:
        return true;
    }
    if (depth >= kMaxDepth) return true;
    UniqueDir dir(::opendir(path.c_str()));
    if (!dir) return true;
    std::vector<std::string> subdirs;
    while (const dirent* e = ::readdir(dir.get())) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st {};
        if (::fstatat(::dirfd(dir.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
      }
      if (type == DT_DIR) {
        std::string sub = join(path, name);
        if (options_.enters(sub)) subdirs.push_back(std::move(sub));
      } else if ((type == DT_REG || type == DT_LNK) && found && options_.wants(name)) {
        found->push_back(join(path, name));
      }
    }
    dir.reset();
    for (const auto& sub : subdirs)
      if (!add_tree(sub, false, depth + 1, found)) return false;
    return true;
  }

  void detach_waiter(size_t i) {
    RootState& root = roots_[i];
    const int wd = std::exchange(root.wait_wd, -1);
    const auto it = by_wd_.find(wd);
    if (it == by_wd_.end()) return;
    it->second.waiters.erase(i);
    // A folder still in use keeps its mask: kWaitMask is part of kTreeMask.
    if (!it->second.tree && it->second.waiters.empty()) drop(wd, false);
  }

  // Watches the root if it exists, else its nearest existing ancestor.
  void resolve_root(size_t i) {
    if (roots_[i].wd >= 0) return;
    detach_waiter(i);
    const std::string path = roots_[i].path;
    for (int attempt = 0; attempt < kMaxResolveAttempts; ++attempt) {
      if (is_dir(path)) {
        int wd = -1;
        const Added added = watch(path, true, true, 0, std::nullopt, &wd);
        if (added == Added::kLimit || added == Added::kFailed) return;
        if (added == Added::kGone) continue;  // removed again meanwhile
        roots_[i].wd = wd;
        if (added == Added::kOk) add_tree(path, true, 0, nullptr);
        if (running_) {
          rescan_ = true;  // a new root: everything in it is new
          note_activity();
        }
        return;
      }
      std::string ancestor = parent_of(path);
      while (ancestor != "/" && !is_dir(ancestor))
        ancestor = parent_of(ancestor);
      int wd = -1;
      const Added added = watch(ancestor, false, true, 0, i, &wd);
      if (added == Added::kLimit || added == Added::kFailed) return;
      if (added == Added::kGone) continue;
      roots_[i].wait_wd = wd;
      // The next folder may have been created before the watch was added.
      if (!is_dir(next_component(path, ancestor))) return;
      detach_waiter(i);
    }
  }

  // Forgets a watch; `gone` when the kernel already dropped it (IN_IGNORED).
  // Roots that relied on it are resolved again after the current events.
  void drop(int wd, bool gone) {
    const auto it = by_wd_.find(wd);
    if (it == by_wd_.end()) return;
    DirWatch d = std::move(it->second);
    by_wd_.erase(it);
    const auto p = by_path_.find(d.path);
    if (p != by_path_.end() && p->second == wd) by_path_.erase(p);
    if (!gone) ::inotify_rm_watch(fd_, wd);
    for (size_t i : d.waiters) {
      roots_[i].wait_wd = -1;
      to_resolve_.insert(i);
    }
    for (size_t i = 0; i < roots_.size(); ++i) {
      if (roots_[i].wd != wd) continue;
      roots_[i].wd = -1;
      to_resolve_.insert(i);
    }
    if (d.tree) drop_tree_below(d.path);
  }

  // Forgets the tree folders at and below `path` (moved away or deleted).
  void drop_tree_below(const std::string& path) {
    std::vector<int> wds;
    const auto self = by_path_.find(path);
    if (self != by_path_.end()) wds.push_back(self->second);
    const std::string prefix = path + "/";
    for (auto it = by_path_.lower_bound(prefix);
         it != by_path_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
      wds.push_back(it->second);
    for (int wd : wds) {
      const auto it = by_wd_.find(wd);
      if (it != by_wd_.end() && it->second.tree) drop(wd, false);
    }
  }

  void mark(const std::string& path, bool present) {
    pending_[path] = present;
    note_activity();
  }

  void handle(int wd, uint32_t mask, std::string_view name) {
    if (mask & IN_Q_OVERFLOW) {
      overflow_ = true;
      return;
    }
    const auto it = by_wd_.find(wd);
    if (it == by_wd_.end()) return;  // a watch already dropped
    if (mask & IN_IGNORED) {
      drop(wd, true);
      return;
    }
    const DirWatch d = it->second;  // a copy: the maps change below
    if (name.empty()) {
      // The folder itself. IN_DELETE_SELF: IN_IGNORED follows. IN_MOVE_SELF of a
      // folder whose parent is watched was handled with IN_MOVED_FROM already.
      if (mask & IN_MOVE_SELF) {
        drop(wd, false);
        if (d.tree) {
          rescan_ = true;
          note_activity();
        }
      }
      return;
    }
    const std::string path = join(d.path, name);
    if (mask & (IN_CREATE | IN_MOVED_TO)) {
      for (size_t i : d.waiters)
        if (next_component(roots_[i].path, d.path) == path) to_resolve_.insert(i);
    }
    if (!d.tree) return;
    if (mask & IN_ISDIR) {
      if ((mask & (IN_CREATE | IN_MOVED_TO)) && options_.enters(path)) {
        std::vector<std::string> found;
        add_tree(path, false, d.depth + 1, &found);
        for (const auto& f : found)
          mark(f, true);
        if (mask & IN_MOVED_TO) rescan_ = true;  // may carry files known under other paths
        note_activity();
      } else if (mask & IN_MOVED_FROM) {
        drop_tree_below(path);
        rescan_ = true;  // its files are gone from their paths
        note_activity();
      } else if (mask & IN_DELETE) {
        drop_tree_below(path);  // its files were reported one by one
      }
      return;
    }
    const std::string file_name(name);
    if (!options_.wants(file_name)) return;
    mark(path, (mask & (IN_DELETE | IN_MOVED_FROM)) == 0);
  }

  // After a queue overflow nothing is known: watch everything afresh.
  void rebuild() {
    for (const auto& [wd, d] : by_wd_)
      ::inotify_rm_watch(fd_, wd);
    by_wd_.clear();
    by_path_.clear();
    for (size_t i = 0; i < roots_.size(); ++i) {
      roots_[i].wd = -1;
      roots_[i].wait_wd = -1;
      to_resolve_.insert(i);
    }
    rescan_ = true;
    add_notice("inotify event queue overflowed; reading every transcript again");
  }

  void wait_for_events() {
    stream_.async_wait(asio::posix::stream_descriptor::wait_read,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                         self->on_readable(ec);
                       });
  }

  void on_readable(const boost::system::error_code& ec) {
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    if (stopped_ || ec) return;
    // Large enough for any event (header + NAME_MAX + 1); read with memcpy,
    // so no alignment is assumed.
    char buf[16 * 1024];
    for (int reads = 0; reads < kMaxReadsPerWake; ++reads) {
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EAGAIN: all read
      size_t off = 0;
      while (off + sizeof(inotify_event) <= static_cast<size_t>(n)) {
        inotify_event ev{};
        std::memcpy(&ev, buf + off, sizeof ev);
        const char* name = buf + off + sizeof(inotify_event);
        handle(ev.wd, ev.mask, std::string_view(name, ::strnlen(name, ev.len)));
        off += sizeof(inotify_event) + ev.len;
      }
    }
    after_events();
    if (!stopped_) wait_for_events();
  }

  void after_events() {
    if (std::exchange(overflow_, false)) rebuild();
    const std::set<size_t> roots = std::exchange(to_resolve_, {});
    for (size_t i : roots)
      resolve_root(i);
    if (limit_reason_.empty()) return;
    if (on_limit_) {
      auto hook = std::move(on_limit_);
      const std::string reason = limit_reason_;
      stop();
      hook(reason);
      return;
    }
    rescan_ = true;
    add_notice(std::exchange(limit_reason_, {}) +
               "; changes in that folder are not seen until the next rescan");
  }

  // The debounce timer runs only after an event: it fires once quiet lasted
  // debounce_ (or 5 x debounce_ after the first event) and is not re-armed
  // until the next event.
  void note_activity() {
    const auto now = Clock::now();
    last_event_ = now;
    if (!running_ || timer_armed_) return;
    first_event_ = now;
    arm_timer(now + debounce_);
  }

  void arm_timer(Clock::time_point at) {
    timer_armed_ = true;
    timer_.expires_at(at);
    timer_.async_wait(
        [self = shared_from_this()](const boost::system::error_code& ec) { self->on_timer(ec); });
  }

  void on_timer(const boost::system::error_code& ec) {
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    timer_armed_ = false;
    if (stopped_ || ec) return;
    const auto due = std::min(last_event_ + debounce_, first_event_ + 5 * debounce_);
    if (Clock::now() < due) {
      arm_timer(due);
      return;
    }
    flush();
  }

  void flush() {
    WatchBatch batch;
    for (const auto& [path, present] : pending_)
      (present ? batch.files : batch.removed).push_back(path);
    pending_.clear();
    batch.rescan = std::exchange(rescan_, false);
    batch.notices = std::exchange(notices_, {});
    if (batch.files.empty() && batch.removed.empty() && !batch.rescan && batch.notices.empty())
      return;
    auto on_batch = on_batch_;  // a copy: on_batch may stop this watcher
    if (on_batch) on_batch(std::move(batch));
  }

  WatchOptions options_;
  std::function<void(std::string)> on_limit_;
  std::function<void(WatchBatch)> on_batch_;
  asio::posix::stream_descriptor stream_;
  asio::steady_timer timer_;
  int fd_ = -1;  // owned by stream_
  std::chrono::milliseconds debounce_{0};
  bool running_ = false;
  bool stopped_ = false;
  bool timer_armed_ = false;
  bool overflow_ = false;
  Clock::time_point first_event_{};
  Clock::time_point last_event_{};
  std::atomic<uint64_t> wakeups_{0};

  std::vector<RootState> roots_;
  std::map<int, DirWatch> by_wd_;
  std::map<std::string, int> by_path_;  // ordered: a folder's subtree is one range
  std::set<size_t> to_resolve_;
  std::string limit_reason_;

  std::map<std::string, bool> pending_;  // path -> still there
  bool rescan_ = false;
  std::vector<std::string> notices_;
};

class InotifyWatcher final : public Watcher {
 public:
  explicit InotifyWatcher(std::shared_ptr<InotifyCore> core) : core_(std::move(core)) {}
  ~InotifyWatcher() override { core_->stop(); }
  InotifyWatcher(const InotifyWatcher&) = delete;
  InotifyWatcher& operator=(const InotifyWatcher&) = delete;

  Status start(std::function<void(WatchBatch)> on_batch) override {
    return core_->start(std::move(on_batch));
  }
  void stop() override { core_->stop(); }
  const char* kind() const override { return "inotify"; }
  size_t watched_folders() const override { return core_->watched_folders(); }
  uint64_t wakeups() const override { return core_->wakeups(); }

 private:
  std::shared_ptr<InotifyCore> core_;  // shared with its pending handlers
};

}  // namespace

Result<std::unique_ptr<Watcher>> make_inotify_watcher(
    boost::asio::io_context& io, const WatchOptions& options,
    std::function<void(std::string reason)> on_limit) {
  auto core = std::make_shared<InotifyCore>(io, options, std::move(on_limit));
  Status opened = core->open();
  if (!opened) {
    core->stop();
    return opened.error();
  }
  return std::unique_ptr<Watcher>(std::make_unique<InotifyWatcher>(std::move(core)));
}

}  // namespace codepulse::tracker
