// make_watcher: inotify where it can be used, polling where it cannot, and the
// switch from one to the other when the watch limit is hit while running.
#include "tracker/watch/watcher.hpp"

#include <utility>

#include "tracker/discover/claude_dirs.hpp"

namespace codepulse::tracker {

bool WatchOptions::wants(std::string_view file_name) const {
  return wanted_file ? wanted_file(file_name) : is_transcript_name(std::string(file_name));
}

namespace {

// inotify until a folder cannot be watched for the watch limit, then polling.
class AutoWatcher final : public Watcher {
 public:
  AutoWatcher(boost::asio::io_context& io, WatchOptions options)
      : io_(io), options_(std::move(options)) {}
  ~AutoWatcher() override { stop(); }
  AutoWatcher(const AutoWatcher&) = delete;
  AutoWatcher& operator=(const AutoWatcher&) = delete;

  Status init() {
    auto made =
        make_inotify_watcher(io_, options_, [this](std::string reason) { switch_to_poll(reason); });
    if (!made) return made.error();
    current_ = std::move(made).value();
    return {};
  }

  Status start(std::function<void(WatchBatch)> on_batch) override {
    on_batch_ = std::move(on_batch);
    return current_->start(on_batch_);
  }
  void stop() override {
    if (std::exchange(stopped_, true)) return;
    if (current_) current_->stop();
    on_batch_ = nullptr;
  }
  const char* kind() const override { return current_->kind(); }
  size_t watched_folders() const override { return current_->watched_folders(); }
  std::string fallback_reason() const override { return reason_; }
  uint64_t wakeups() const override { return retired_wakeups_ + current_->wakeups(); }

 private:
  // Called from the inotify watcher's handler after it stopped itself; its
  // state lives on until that handler returns.
  void switch_to_poll(const std::string& reason) {
    reason_ = reason;
    retired_wakeups_ += current_->wakeups();
    current_ = make_poll_watcher(io_, options_, reason_);
    auto on_batch = on_batch_;
    if (!current_->start(on_batch)) return;
    // Whatever changed since the last batch is only in the files now.
    WatchBatch batch;
    batch.rescan = true;
    batch.notices.push_back("switched from inotify to polling every " +
                            std::to_string(options_.poll_interval_ms) + " ms: " + reason);
    if (on_batch) on_batch(std::move(batch));
  }

  boost::asio::io_context& io_;
  WatchOptions options_;
  std::unique_ptr<Watcher> current_;
  std::function<void(WatchBatch)> on_batch_;
  std::string reason_;
  uint64_t retired_wakeups_ = 0;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<Watcher>> make_watcher(boost::asio::io_context& io,
                                              const WatchOptions& options) {
  switch (options.mode) {
    case WatchOptions::Mode::kPoll:
      return make_poll_watcher(io, options);
    case WatchOptions::Mode::kInotify:
      return make_inotify_watcher(io, options);
    case WatchOptions::Mode::kAuto:
      break;
  }
  auto watcher = std::make_unique<AutoWatcher>(io, options);
  Status ready = watcher->init();
  if (ready) return std::unique_ptr<Watcher>(std::move(watcher));
  return make_poll_watcher(io, options, ready.error().message);
}

}  // namespace codepulse::tracker
