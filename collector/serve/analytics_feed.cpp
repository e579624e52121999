#include "collector/serve/analytics_feed.hpp"

#include <algorithm>

#include "collector/analytics/clickhouse_schema.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "collector/serve/report_runner.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kDayMs = 86'400'000;

int64_t day_of(int64_t ts_ms) {
  return (ts_ms >= 0 ? ts_ms / kDayMs : (ts_ms - kDayMs + 1) / kDayMs) * kDayMs;
}

int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

}  // namespace

AnalyticsFeed::AnalyticsFeed(Store& store, PricingState& pricing, Logger& log,
                             analytics::ClickHouseTarget target, AnalyticsFeedOptions options)
    : store_(store),
      pricing_(pricing),
      log_(log),
      target_(target),
      options_(options),
      ch_(std::move(target)) {}

AnalyticsFeed::~AnalyticsFeed() {
  stop();
}

Status AnalyticsFeed::start() {
  // From here on every commit reaches on_commit; what came before is found
  // by the first comparison of days.
  if (auto s = store_.follow_usage(
          {}, [this](std::vector<UsageChange>&& changes) { on_commit(std::move(changes)); });
      !s)
    return s;
  {
    std::lock_guard lock(mu_);
    following_ = true;
  }
  thread_ = std::thread([this] { run(); });
  return {};
}

void AnalyticsFeed::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  caught_up_.notify_all();
  if (thread_.joinable()) thread_.join();
  bool was_following = false;
  {
    std::lock_guard lock(mu_);
    was_following = following_;
    following_ = false;
  }
  if (was_following) store_.unfollow_usage();
}

void AnalyticsFeed::on_commit(std::vector<UsageChange>&& changes) {
  {
    std::lock_guard lock(mu_);
    for (UsageChange& c : changes) {
      if (c.after)
        pending_.push_back(std::move(*c.after));
      else if (c.before)  // gone from the store: its day is cleared and sent again
        pending_days_.insert(day_of(c.before->ts_ms));
    }
    // Bounded: past the limit (ClickHouse down, or slower than ingest) the
    // records are dropped and their days healed from the store instead.
    if (pending_.size() > options_.max_pending) {
      for (const report::UsageFact& f : pending_)
        pending_days_.insert(day_of(f.ts_ms));
      pending_.clear();
      pending_.shrink_to_fit();
    }
    ++committed_;
    stats_.pending_records = static_cast<int64_t>(pending_.size());
    stats_.pending_days = static_cast<int64_t>(pending_days_.size());
  }
  wake_.notify_one();
}

void AnalyticsFeed::failed(const Error& e) {
  std::lock_guard lock(mu_);
  if (stats_.reachable || stats_.last_error != e.message)
    log_.warn("analytics", "ClickHouse at " + target_.display() + ": " + e.message +
                               " (ingest goes on; the days are sent again once it answers)");
  stats_.reachable = false;
  stats_.last_error = e.message;
  caught_up_.notify_all();
}

bool AnalyticsFeed::connect() {
  if (auto s = analytics::ensure_schema(ch_); !s) {
    failed(s.error());
    return false;
  }
  auto exporter = std::make_unique<analytics::UsageExporter>(ch_, store_, pricing_.current(),
                                                             options_.rows_per_insert);
  if (auto s = exporter->prepare(); !s) {
    failed(s.error());
    return false;
  }
  exporter_ = std::move(exporter);
  {
    std::lock_guard lock(mu_);
    stats_.reachable = true;
    stats_.generation = exporter_->generation();
    position_pricer_ = exporter_->shared_pricer();
    position_generations_ = exporter_->generations();
  }
  log_.info("analytics", "ClickHouse at " + target_.display() + ": schema " +
                             std::to_string(analytics::kClickHouseSchemaVersion) +
                             ", pricing generation " + std::to_string(exporter_->generation()));
  return heal_all();
}

bool AnalyticsFeed::heal_all() {
  const auto start = Clock::now();
  // Every day a record may have: the decoder refuses times past tomorrow.
  auto healed = exporter_->heal(0, now_utc_ms() + 2 * kDayMs);
  if (!healed) {
    failed(healed.error());
    return false;
  }
  // The rollups of the facts just compared: a day whose rollup differs from
  // its facts (a crash between the facts and their mark) is rolled again.
  auto mended = analytics::verify_rollups(ch_);
  if (!mended) {
    failed(mended.error());
    return false;
  }
  if (!mended->empty())
    log_.warn("analytics", "ClickHouse at " + target_.display() + ": " +
                               std::to_string(mended->size()) +
                               " days' rollups differed from their records; rolling them again");
  if (auto g = analytics::collect_rollup_garbage(ch_, options_.rollup_keep); !g) {
    failed(g.error());
    return false;
  }
  const int64_t took = elapsed_ms(start);
  if (!healed->days.empty())
    log_.info("analytics",
              "ClickHouse at " + target_.display() + ": " + std::to_string(healed->days.size()) +
                  " days differed from the store; " + std::to_string(healed->rows_sent) +
                  " rows sent again in " + std::to_string(took) + " ms");
  std::lock_guard lock(mu_);
  if (!stats_.ready)
    log_.info("analytics", "analytics ready: ClickHouse at " + target_.display() +
                               " compared with the store in " + std::to_string(took) + " ms (" +
                               std::to_string(healed->rows_sent) + " rows sent)");
  stats_.ready = true;
  stats_.reachable = true;
  stats_.heals += 1;
  stats_.days_healed += static_cast<int64_t>(healed->days.size());
  stats_.rows_sent += healed->rows_sent;
  stats_.last_heal_ms = took;
  stats_.rollups_mended += static_cast<int64_t>(mended->size());
  may_be_dirty_ = true;
  caught_up_.notify_all();
  return true;
}

bool AnalyticsFeed::roll_quiet_days() {
  // Idle, with every day rolled: nothing to ask ClickHouse until a send.
  if (!may_be_dirty_) return true;
  const auto start = Clock::now();
  size_t dirty = 0;
  auto days = analytics::days_to_roll(ch_, options_.rollup_quiet, 64, &dirty);
  if (!days) {
    failed(days.error());
    return false;
  }
  may_be_dirty_ = dirty > 0;
  {
    std::lock_guard lock(mu_);
    stats_.dirty_days = static_cast<int64_t>(dirty);
  }
  for (int64_t day : *days) {
    {
      std::lock_guard lock(mu_);
      // Commits first: reports wait for them, not for rollups.
      if (stopping_ || !pending_.empty() || !pending_days_.empty()) return true;
    }
    if (auto e = analytics::roll_day(ch_, day); !e) {
      failed(e.error());
      return false;
    }
    {
      std::lock_guard lock(mu_);
      stats_.rollups += 1;
      stats_.dirty_days = std::max<int64_t>(0, stats_.dirty_days - 1);
    }
    if (elapsed_ms(start) > 2'000) break;
  }
  return true;
}

bool AnalyticsFeed::send_pending() {
  std::vector<report::UsageFact> batch;
  std::vector<int64_t> days;
  uint64_t target = 0;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
    days.assign(pending_days_.begin(), pending_days_.end());
    target = committed_;
  }
  if (!batch.empty()) {
    auto sent = exporter_->send(batch);
    if (!sent) {
      {
        std::lock_guard lock(mu_);
        for (const report::UsageFact& f : batch)
          pending_days_.insert(day_of(f.ts_ms));
        stats_.pending_days = static_cast<int64_t>(pending_days_.size());
      }
      failed(sent.error());
      return false;
    }
    std::lock_guard lock(mu_);
    stats_.rows_sent += *sent;
  }
  for (int64_t day : days) {
    auto healed = exporter_->heal(day, day + kDayMs);
    if (!healed) {
      failed(healed.error());
      return false;
    }
    // Marked even when nothing differed: a send whose records went in but
    // whose mark failed left the day's rollup stale.
    if (auto s = analytics::mark_days_dirty(ch_, {day}); !s) {
      failed(s.error());
      return false;
    }
    std::lock_guard lock(mu_);
    pending_days_.erase(day);
    stats_.rows_sent += healed->rows_sent;
    stats_.days_healed += static_cast<int64_t>(healed->days.size());
  }
  if (!batch.empty() || !days.empty()) may_be_dirty_ = true;
  std::lock_guard lock(mu_);
  sent_ = std::max(sent_, target);
  stats_.reachable = true;
  stats_.pending_records = static_cast<int64_t>(pending_.size());
  stats_.pending_days = static_cast<int64_t>(pending_days_.size());
  caught_up_.notify_all();
  return true;
}

void AnalyticsFeed::run() {
  bool connected = false;
  auto retry = std::chrono::milliseconds(1000);
  auto next_heal = Clock::now() + options_.heal_interval;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    bool ok = true;
    if (!connected) {
      ok = connected = connect();
      if (ok) next_heal = Clock::now() + options_.heal_interval;
    } else if (pricing_.current()->fingerprint() != exporter_->pricer().fingerprint()) {
      // New prices: a new generation, and the rows of every model whose
      // prices changed priced again. Reports over rows not yet re-priced
      // read the store meanwhile.
      log_.info("analytics",
                "re-pricing the models whose prices changed in ClickHouse at " + target_.display());
      ok = connected = connect();
    } else if (Clock::now() >= next_heal) {
      ok = heal_all();
      next_heal = Clock::now() + options_.heal_interval;
    }
    if (ok && connected) ok = send_pending();
    if (ok && connected) ok = roll_quiet_days();
    if (!ok) connected = false;
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (!ok) {
      wake_.wait_for(lock, retry, [this] { return stopping_; });
      retry = std::min(retry * 2, options_.retry_max);
      continue;
    }
    retry = std::chrono::milliseconds(1000);
    // Woken by a commit, the hourly heal, or the price poll's second.
    wake_.wait_until(lock, std::min(next_heal, Clock::now() + std::chrono::seconds(1)),
                     [this] { return stopping_ || !pending_.empty() || !pending_days_.empty(); });
  }
}

Result<AnalyticsFeed::Position> AnalyticsFeed::catch_up(std::chrono::milliseconds wait) {
  // Other collectors' commits on a shared database reach on_commit first.
  if (auto s = store_.sync_usage(); !s)
    return make_error(std::string(kStoreUnavailable) + ": " + s.error().message);
  std::unique_lock lock(mu_);
  const uint64_t target = committed_;
  wake_.notify_one();
  caught_up_.wait_for(lock, wait, [&] {
    return stopping_ || !stats_.ready || !stats_.reachable || sent_ >= target;
  });
  const std::string where = "the analytics store (ClickHouse at " + target_.display() + ")";
  if (stopping_) return make_error(std::string(kStoreUnavailable) + ": the collector is stopping");
  if (stats_.ready && stats_.reachable && sent_ >= target)
    return Position{position_generations_, position_pricer_};
  if (!stats_.reachable && !stats_.last_error.empty())
    return make_error(std::string(kStoreUnavailable) + ": " + where +
                      " cannot be reached: " + stats_.last_error);
  if (!stats_.ready)
    return make_error(std::string(kStoreUnavailable) + ": " + where +
                      " is being compared with the store after a start; retry shortly");
  return make_error(std::string(kStoreUnavailable) + ": " + where + " has not caught up within " +
                    std::to_string(wait.count()) + " ms");
}

AnalyticsStats AnalyticsFeed::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace codepulse::collector
