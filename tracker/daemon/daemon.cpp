#include "tracker/daemon/daemon.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>

#include "common/time.hpp"
#include "tracker/daemon/git_scan_service.hpp"
#include "tracker/daemon/instance_lock.hpp"
#include "tracker/daemon/status_file.hpp"
#include "tracker/discover/claude_dirs.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/ship/shipper.hpp"

namespace codepulse::tracker {
namespace {

namespace net = boost::asio;

class Service {
 public:
  Service(DaemonOptions options, Logger& log, PriceBookChoice prices, ReloadFn reload,
          LocalStore& store)
      : options_(std::move(options)),
        log_(log),
        book_choice_(std::move(prices)),
        prices_(std::make_shared<const Pricer>(book_choice_.book)),
        reload_(std::move(reload)),
        store_(store),
        signals_(io_),
        retry_(io_) {
    status_.prices = book_choice_.status();
  }

  int run() {
    status_.pid = ::getpid();
    status_.started_ms = now_utc_ms();
    if (auto s = open_signals(); !s) {
      log_.error("lifecycle", s.error().message);
      return 1;
    }
    wait_for_signal();
    if (!book_choice_.warning.empty()) log_.warn("prices", book_choice_.warning);
    log_.info("prices", "pricing with price book " + book_choice_.book->revision() + " from " +
                            book_choice_.describe());
    // Watch first, then read everything new since the last run: a change made
    // during that first round still raises an event.
    if (auto s = start_watcher(); !s) {
      log_.error("watcher", "cannot watch the Claude Code folders: " + s.error().message);
      return 1;
    }
    round({}, true);
    start_shipper();
    start_git_scan();
    io_.run();
    if (git_scan_) git_scan_->stop();
    if (watcher_) watcher_->stop();
    if (shipper_) shipper_->stop();
    log_.info("lifecycle", "stopped");
    return 0;
  }

 private:
  // Makes and starts a watcher; the current one is replaced only when the new
  // one works.
  Status start_watcher() {
    WatchOptions w = options_.watch;
    w.roots = options_.watch_roots;
    if (!options_.scan.sources.roots().empty()) {
      // The other assistants write *.json, *.db and -wal files too; scan_path
      // sorts out which changes are logs.
      w.wanted_file = [](std::string_view name) { return is_log_name(name); };
      w.enter_folder = [sources = options_.scan.sources](const std::string& folder) {
        return sources.descend(folder);
      };
    }
    auto made = make_watcher(io_, w);
    if (!made) return made.error();
    std::unique_ptr<Watcher> fresh = std::move(made).value();
    auto on_batch = [this](WatchBatch b) {
      for (const auto& n : b.notices)
        log_.warn("watcher", n);
      // While failing, only the retry timer starts rounds (with backoff); it
      // rescans everything, so no change is missed.
      if (!failed_) round(b.files, b.rescan);
    };
    if (auto s = fresh->start(on_batch); !s) return s;
    if (watcher_) watcher_->stop();
    watcher_ = std::move(fresh);
    status_.watcher = watcher_->kind();
    status_.watcher_note = watcher_->fallback_reason();
    status_.watched_folders = static_cast<int64_t>(watcher_->watched_folders());
    if (!status_.watcher_note.empty())
      log_.warn("watcher", "polling every " + std::to_string(w.poll_interval_ms) +
                               " ms instead of inotify: " + status_.watcher_note);
    log_.info("lifecycle", std::string("watching ") + std::to_string(status_.watched_folders) +
                               " folders with " + watcher_->kind());
    write_status_file();
    return {};
  }

  // Ships to the collector when one is configured; a shipper that cannot
  // start (a missing token file) is logged and the daemon keeps queueing.
  void start_shipper() {
    if (shipper_ && options_.ship && shipper_options_ == *options_.ship) return;  // unchanged
    if (shipper_) shipper_->stop();
    shipper_.reset();
    if (options_.ship) shipper_options_ = *options_.ship;
    if (!options_.ship) {
      log_.info("ship", "no collector configured: records are queued locally only");
      return;
    }
    auto s = std::make_unique<Shipper>(io_, store_, *options_.ship, log_);
    s->set_on_change([this] { write_status_file(); });
    if (PriceRefresh* refresh = price_refresh()) s->set_price_refresh(refresh);
    if (auto st = s->start(); !st) {
      status_.last_error = "cannot ship: " + st.error().message;
      status_.last_error_ms = now_utc_ms();
      log_.error("ship", "cannot ship to the collector: " + st.error().message +
                             "; records stay queued (fix it and send SIGHUP)");
      write_status_file();
      return;
    }
    shipper_ = std::move(s);
  }

  // The collector's price book is fetched unless a prices_file is set; the
  // refresh outlives shipper replacements (SIGHUP).
  PriceRefresh* price_refresh() {
    if (book_choice_.origin == PriceBookChoice::Origin::kPricesFile) return nullptr;
    if (!refresh_)
      refresh_ = std::make_unique<PriceRefresh>(
          options_.state_dir, book_choice_, log_,
          [this](std::shared_ptr<const PriceBook> book) { use_book(std::move(book)); });
    return refresh_.get();
  }

  // A new book from the collector: records read from the next round on are
  // priced with it (rounds never run beside this handler).
  void use_book(std::shared_ptr<const PriceBook> book) {
    prices_ = std::make_shared<const Pricer>(std::move(book));
    if (scanner_) scanner_->set_pricer(prices_);
    write_status_file();
  }

  // Reads git metadata on its own thread; new commits wake the shipper here.
  void start_git_scan() {
    if (git_scan_ && git_scan_->options() == options_.git) return;  // unchanged
    git_scan_.reset();
    if (!options_.git.enabled) {
      log_.info("git", "git_metadata = false: commits are not read");
      return;
    }
    git_scan_ = std::make_unique<GitScanService>(options_.state_dir, options_.git, log_,
                                                 [this](int64_t commits) {
                                                   net::post(io_, [this, commits] {
                                                     if (shipper_)
                                                       shipper_->records_queued(commits);
                                                   });
                                                 });
    git_scan_->start();
  }

  // Signals are blocked and read from a signalfd: no handler, no global
  // state, and a long round can see a pending SIGTERM between files.
  Status open_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
      sigaddset(&set, sig);
    if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return make_error("cannot block signals");
    const int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) return make_error(std::string("signalfd: ") + std::strerror(errno));
    signals_.assign(fd);
    return {};
  }

  static bool stop_requested() {
    sigset_t pending;
    if (::sigpending(&pending) != 0) return false;
    return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
  }

  void wait_for_signal() {
    signals_.async_wait(
        net::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
          if (ec) return;
          signalfd_siginfo info{};
          while (::read(signals_.native_handle(), &info, sizeof info) ==
                 static_cast<ssize_t>(sizeof info)) {
            const int sig = static_cast<int>(info.ssi_signo);
            if (sig == SIGHUP) {
              reload();
              continue;
            }
            if (sig == SIGUSR1) {  // codepulse-tracker flush
              if (shipper_) {
                log_.info("ship", "SIGUSR1: shipping the queue now");
                shipper_->ship_now();
              } else {
                log_.warn("ship", "SIGUSR1: no collector configured, nothing to ship to");
              }
              continue;
            }
            // The current round has finished (handlers run one at a time): stop.
            log_.info("lifecycle", std::string("received ") +
                                       (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
            retry_.cancel();
            if (git_scan_) git_scan_->stop();
            if (watcher_) watcher_->stop();
            if (shipper_) shipper_->stop();
            io_.stop();
            return;
          }
          wait_for_signal();
        });
  }

  void reload() {
    // First, so that what follows lands in the new file after logrotate.
    if (auto s = log_.reopen(); !s)
      log_.error("lifecycle", "SIGHUP: " + s.error().message + "; writing to the old one");
    if (!log_.path().empty()) log_.info("lifecycle", "SIGHUP: log file reopened");
    auto fresh =
        reload_ ? reload_() : Result<DaemonOptions>(make_error("no configuration to reload"));
    if (!fresh) {
      log_.error("config", "SIGHUP: configuration not reloaded, keeping the current one: " +
                               fresh.error().message);
      return;
    }
    const bool roots_changed = fresh->watch_roots != options_.watch_roots ||
                               fresh->watch.mode != options_.watch.mode ||
                               fresh->watch.debounce_ms != options_.watch.debounce_ms ||
                               fresh->watch.poll_interval_ms != options_.watch.poll_interval_ms;
    if (fresh->state_dir != options_.state_dir)
      log_.warn("config", "SIGHUP: state_dir changes take effect after a restart");
    fresh->state_dir = options_.state_dir;
    options_ = std::move(fresh).value();
    scanner_.reset();  // strip options and limits apply from the next round
    log_.info("config", "SIGHUP: configuration reloaded");
    if (roots_changed) {
      if (auto s = start_watcher(); !s)
        log_.error("watcher",
                   "SIGHUP: cannot watch with the new settings, keeping the old watcher: " +
                       s.error().message);
    }
    log_.info("config",
              "SIGHUP: prices_file, a new log_file path and log_rate_limit take effect after a "
              "restart");
    if (refresh_) refresh_->check_soon();  // the price book is checked with the next batch
    round({}, true);
    start_shipper();
    start_git_scan();
  }

  Scanner& scanner() {
    if (!scanner_) {
      ScanOptions o = options_.scan;
      o.projects_dirs.clear();
      for (const auto& d : options_.claude_roots)
        if (::access(d.c_str(), F_OK) == 0) o.projects_dirs.push_back(d);
      scanner_.emplace(store_, prices_, o);
      scanner_->set_interrupt(&Service::stop_requested);
    }
    return *scanner_;
  }

  // One round: read what changed, commit, keep the queue bounded.
  void round(const std::vector<std::string>& files, bool rescan) {
    if (rescan || failed_) scanner_.reset();  // rediscover folders
    Scanner& sc = scanner();
    ScanStats stats;
    Status result;
    if (rescan || failed_) {
      auto all = sc.scan_all();
      if (all)
        stats = *all;
      else
        result = all.error();
    } else {
      for (const auto& f : files) {
        if (result = sc.scan_path(f, stats); !result) break;
      }
      if (result) result = sc.commit();
    }
    if (result) result = enforce_bounds();
    ++status_.rounds;
    status_.last_round_ms = now_utc_ms();
    status_.records_new += stats.records_new;
    status_.malformed_lines += stats.malformed_lines;
    for (const Problem& p : sc.problems())
      log_.warn("file:" + p.path, p.path + ": " + p.message);
    sc.clear_problems();
    if (result && shipper_) shipper_->records_queued(stats.records_new + stats.records_updated);
    if (stats.records_new + stats.records_updated > 0)
      log_.info("round", "stored " + std::to_string(stats.records_new) + " new and " +
                             std::to_string(stats.records_updated) + " updated records from " +
                             std::to_string(stats.bytes_read) + " bytes");
    if (!result) {
      // Disk full, I/O error, a locked database: nothing half-done is kept (the
      // transaction is rolled back); retry with backoff until it works.
      sc.abort();
      failed_ = true;
      status_.last_error = result.error().message;
      status_.last_error_ms = now_utc_ms();
      log_.error("store", "round failed, retrying in " + std::to_string(backoff_ms_ / 1000) +
                              " s: " + result.error().message);
      schedule_retry();
    } else if (failed_) {
      failed_ = false;
      backoff_ms_ = kFirstBackoffMs;
      log_.info("store", "recovered: rounds succeed again");
    }
    write_status_file();
  }

  Status enforce_bounds() {
    if (auto s = store_.begin(); !s) return s;
    const int64_t cutoff = now_utc_ms() - options_.retention_days * 86'400'000;
    auto b = store_.enforce_bounds(options_.queue_max_bytes, cutoff);
    if (!b) {
      store_.rollback();
      return b.error();
    }
    if (auto expired = CommitStore(store_.database()).expire(cutoff); !expired) {
      store_.rollback();
      return expired.error();
    }
    if (auto s = store_.commit(); !s) return s;
    if (b->evicted_shipped > 0)
      log_.warn("evict", "queue over " + std::to_string(options_.queue_max_bytes) +
                             " bytes: removed the " + std::to_string(b->evicted_shipped) +
                             " oldest shipped records");
    if (b->evicted_unshipped > 0) {
      status_.evicted_unshipped += b->evicted_unshipped;
      log_.error("evict", "queue over " + std::to_string(options_.queue_max_bytes) +
                              " bytes: dropped the " + std::to_string(b->evicted_unshipped) +
                              " oldest records that were never shipped");
    }
    if (b->expired > 0)
      log_.info("evict", "removed " + std::to_string(b->expired) + " shipped records older than " +
                             std::to_string(options_.retention_days) + " days");
    return {};
  }

  void schedule_retry() {
    retry_.expires_after(std::chrono::milliseconds(backoff_ms_));
    backoff_ms_ = std::min<int64_t>(backoff_ms_ * 2, kMaxBackoffMs);
    retry_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) round({}, true);
    });
  }

  void write_status_file() {
    auto files = store_.database().scalar("SELECT count(*) FROM tail_files");
    if (files) status_.files = *files;
    if (watcher_) status_.watched_folders = static_cast<int64_t>(watcher_->watched_folders());
    status_.ship = shipper_ ? std::optional<ShipStatus>(shipper_->status()) : std::nullopt;
    if (refresh_) status_.prices = refresh_->status();
    if (auto s = write_status(options_.state_dir, status_); !s)
      log_.warn("status", s.error().message);
  }

  static constexpr int64_t kFirstBackoffMs = 1000;
  static constexpr int64_t kMaxBackoffMs = 60'000;

  DaemonOptions options_;
  Logger& log_;
  PriceBookChoice book_choice_;           // the book at start, and where it came from
  std::shared_ptr<const Pricer> prices_;  // replaced when the collector's book changes
  ReloadFn reload_;
  LocalStore& store_;
  net::io_context io_;
  net::posix::stream_descriptor signals_;
  net::steady_timer retry_;
  std::unique_ptr<Watcher> watcher_;
  std::optional<Scanner> scanner_;
  std::unique_ptr<PriceRefresh> refresh_;  // outlives shipper_, which points to it
  std::unique_ptr<Shipper> shipper_;
  std::unique_ptr<GitScanService> git_scan_;  // stopped before io_ goes
  ShipOptions shipper_options_;               // what shipper_ was made with
  DaemonStatus status_;
  bool failed_ = false;
  int64_t backoff_ms_ = kFirstBackoffMs;
};

}  // namespace

int run_daemon(const Environment& env, DaemonOptions options, Logger& log, PriceBookChoice prices,
               ReloadFn reload) {
  // Block the service's signals first: a SIGUSR1 from `flush` or a SIGHUP
  // during start-up (lock, integrity check, migrations) must wait, not kill.
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
    sigaddset(&set, sig);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    log.error("lifecycle", "cannot block signals");
    return 1;
  }
  auto lock = InstanceLock::acquire(options.state_dir);
  if (!lock) {
    log.error("lifecycle", lock.error().message);
    return 1;
  }
  std::string moved;
  auto store = LocalStore::open_recovering(options.state_dir, moved);
  if (!store) {
    log.error("store", store.error().message);
    return 1;
  }
  if (!moved.empty())
    log.error("store", "the local database was corrupt and was moved aside to " + moved +
                           "; rebuilding it from the logs that still exist");
  log.info("lifecycle",
           "started (pid " + std::to_string(::getpid()) + ", state " + options.state_dir + ")");
  (void)env;
  Service service(std::move(options), log, std::move(prices), std::move(reload), *store);
  return service.run();
}

}  // namespace codepulse::tracker
