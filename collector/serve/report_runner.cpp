#include "collector/serve/report_runner.hpp"

#include <chrono>

#include "collector/analytics/clickhouse_levels.hpp"
#include "collector/analytics/clickhouse_report.hpp"
#include "collector/report/cube_build.hpp"
#include "collector/report/store_report.hpp"
#include "common/report/outcome_report.hpp"

namespace codepulse::collector {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRebuildRetry = std::chrono::seconds(5);

int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

void append(std::vector<UsageChange>& to, std::vector<UsageChange>&& from) {
  if (to.empty())
    to = std::move(from);
  else
    std::move(from.begin(), from.end(), std::back_inserter(to));
}

}  // namespace

ReportRunner::ReportRunner(Store& store, PricingState& pricing, Logger& log, size_t max_nodes,
                           report::LeverageWeights weights, size_t max_queued,
                           std::optional<analytics::ClickHouseTarget> analytics_store)
    : store_(store),
      pricing_(pricing),
      log_(log),
      max_nodes_(max_nodes),
      weights_(weights),
      max_queued_(max_queued),
      feed_(analytics_store ? std::make_unique<AnalyticsFeed>(store, pricing, log, *analytics_store)
                            : nullptr),
      report_ch_(analytics_store ? std::make_unique<analytics::ClickHouseClient>(*analytics_store)
                                 : nullptr),
      worker_([this] { run(); }) {
  pricing_.on_change([this](const std::shared_ptr<const Pricer>&) {
    {
      std::lock_guard lock(mu_);
      prices_changed_ = true;
    }
    wake_.notify_one();
  });
}

ReportRunner::~ReportRunner() {
  stop();
}

bool ReportRunner::submit(std::shared_ptr<ReportJob> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

CubeStats ReportRunner::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::optional<AnalyticsStats> ReportRunner::analytics_stats() const {
  if (!feed_) return std::nullopt;
  return feed_->stats();
}

void ReportRunner::stop() {
  std::deque<std::shared_ptr<ReportJob>> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  // A scan running now is cut short (its reply says it failed).
  stop_scan_ = true;
  wake_.notify_one();
  if (feed_) feed_->stop();    // a report waiting for it returns
  for (auto& job : dropped) {  // no result: their replies say 503
    auto done = std::move(job->done);
    job->done = nullptr;
    if (done) done();
  }
  if (worker_.joinable()) worker_.join();
  if (rebuilder_.joinable()) rebuilder_.join();
  store_.unfollow_usage();
}

UsageListener ReportRunner::listener(uint64_t gen) {
  return [this, gen](std::vector<UsageChange>&& changes) {
    {
      std::lock_guard lock(mu_);
      // Every commit after the snapshot of a cube being rebuilt goes to it
      // too; the live cube gets every commit.
      if (gen == building_gen_)
        next_changes_.insert(next_changes_.end(), changes.begin(), changes.end());
      append(changes_, std::move(changes));
    }
    wake_.notify_one();
  };
}

Status ReportRunner::build_cube(report::UsageCube& cube, uint64_t gen) {
  return build_cube_from(
      cube, [&](const UsageScan& scan) { return store_.follow_usage(scan, listener(gen)); },
      [this] { return stop_scan_.load(std::memory_order_relaxed); });
}

void ReportRunner::set_live_stats(const report::UsageCube& cube, int64_t build_ms) {
  const auto bytes = static_cast<int64_t>(cube.memory_bytes());  // outside the lock
  memory_measured_ = Clock::now();
  std::lock_guard lock(mu_);
  stats_.ready = true;
  stats_.memory_bytes = bytes;
  stats_.pricing = cube.pricer().book().revision();
  stats_.pricing_digest = cube.pricer().fingerprint();
  stats_.records = cube.record_count();
  stats_.groups = static_cast<int64_t>(cube.group_count());
  stats_.unpriced_records = cube.unpriced_count();
  stats_.unpriced_models = static_cast<int64_t>(cube.unpriced_model_count());
  if (built_once_) {
    ++stats_.reprices;
    stats_.reprice_ms = build_ms;
  } else {
    stats_.build_ms = build_ms;
  }
  built_once_ = true;
  log_.info("reports",
            "report cube ready with prices " + stats_.pricing + " (" +
                stats_.pricing_digest.substr(0, 12) + "): " + std::to_string(cube.record_count()) +
                " records in " + std::to_string(cube.group_count()) + " groups, " +
                std::to_string(bytes >> 20) + " MiB, built in " + std::to_string(build_ms) + " ms");
}

void ReportRunner::apply_changes(report::UsageCube& cube) {
  std::vector<UsageChange> changes;
  {
    std::lock_guard lock(mu_);
    changes.swap(changes_);
  }
  for (const UsageChange& c : changes) {
    if (c.before) cube.add(*c.before, -1);
    if (c.after) cube.add(*c.after);
  }
  // Groups made since the start lie in arrival order again; once they are
  // a tenth of the cube, it is compacted (130 ms at 3.4 million groups).
  if (cube.compaction_due()) cube.compact();
  // The memory walk visits every turn: at most once a second, and outside
  // the lock the store's listener takes at every commit.
  const auto now = Clock::now();
  std::optional<int64_t> bytes;
  if (now - memory_measured_ >= std::chrono::seconds(1)) {
    memory_measured_ = now;
    bytes = static_cast<int64_t>(cube.memory_bytes());
  }
  std::lock_guard lock(mu_);
  stats_.records = cube.record_count();
  stats_.groups = static_cast<int64_t>(cube.group_count());
  stats_.unpriced_records = cube.unpriced_count();
  stats_.unpriced_models = static_cast<int64_t>(cube.unpriced_model_count());
  if (bytes) stats_.memory_bytes = *bytes;
}

void ReportRunner::rebuild(std::shared_ptr<const Pricer> pricer, uint64_t gen) {
  const auto start = Clock::now();
  auto cube = std::make_unique<report::UsageCube>(std::move(pricer));
  auto s = build_cube(*cube, gen);
  {
    std::lock_guard lock(mu_);
    // building_gen_ stays until the swap: the commits until then go to the
    // new cube's changes too.
    rebuild_done_ = true;
    built_ms_ = elapsed_ms(start);
    if (s)
      built_ = std::move(cube);
    else
      rebuild_error_ = s.error().message;
  }
  wake_.notify_one();
}

void ReportRunner::swap_in_rebuilt(std::unique_ptr<report::UsageCube>& cube, bool& live) {
  std::unique_ptr<report::UsageCube> built;
  std::vector<UsageChange> changes;
  std::optional<std::string> error;
  int64_t build_ms = 0;
  {
    std::lock_guard lock(mu_);
    if (!rebuild_done_) return;
    rebuild_done_ = false;
    built = std::move(built_);
    error = std::move(rebuild_error_);
    rebuild_error_.reset();
    build_ms = built_ms_;
    stats_.repricing = false;
    // The commits after the new snapshot are all in next_changes_, those
    // before it in the new cube; the old cube's are of no more use.
    building_gen_ = 0;
    if (built) changes.swap(next_changes_);
    next_changes_.clear();
    changes_.clear();
    if (!built) stats_.ready = false;
  }
  rebuilder_.join();
  if (!built) {
    // The store follows nothing now: reports read the database until a
    // later build succeeds.
    live = false;
    retry_at_ = Clock::now() + kRebuildRetry;
    if (!stop_scan_)
      log_.warn("reports", "cannot build the report cube (" + error.value_or("") +
                               "): reports read the database");
    return;
  }
  for (const UsageChange& c : changes) {
    if (c.before) built->add(*c.before, -1);
    if (c.after) built->add(*c.after);
  }
  cube = std::move(built);
  live = true;
  set_live_stats(*cube, build_ms);
}

void ReportRunner::start_rebuild(const report::UsageCube* cube, bool live) {
  if (rebuilder_.joinable() || stop_scan_ || Clock::now() < retry_at_) return;
  auto pricer = pricing_.current();
  if (live && cube && cube->pricer().fingerprint() == pricer->fingerprint()) return;
  uint64_t gen = 0;
  {
    std::lock_guard lock(mu_);
    gen = ++generations_;
    building_gen_ = gen;
    next_changes_.clear();
    stats_.repricing = true;
  }
  log_.info("reports", "re-pricing: building a report cube with prices " +
                           pricer->book().revision() + " (" + pricer->fingerprint().substr(0, 12) +
                           ")");
  rebuilder_ = std::thread([this, pricer, gen] { rebuild(pricer, gen); });
}

Result<std::string> ReportRunner::answer(const report::ReportRequest& request,
                                         report::UsageCube* cube) {
  auto seats = store_seats(store_);
  if (!seats) return seats.error();
  // The directory is read for every report, like the seats: a change (the
  // import, the admin API, another collector) re-groups the next report.
  auto people = store_people(store_);
  if (!people) return people.error();
  if (cube && report::UsageCube::answers(request.query)) {
    auto epics = store_.load_epics();
    if (!epics) return epics.error();
    cube->set_seats(*seats);
    cube->set_people(*people);
    auto r = report::query_cube(*cube, request.query, *epics, outcome_reader(store_));
    if (!r) return r.error();
    return render_priced(*r, request.format, cube->pricer());
  }
  return answer_from_store(request, *seats, *people);
}

Result<std::string> ReportRunner::answer_from_store(
    const report::ReportRequest& request, const report::SeatContext& seats,
    const std::shared_ptr<const report::PeopleTimeline>& people) {
  auto pricer = pricing_.current();
  auto r = report::build_report(
      [this](int64_t since, int64_t until, bool with_tools, report::EpicMap& epics,
             const std::function<bool(const report::UsageFact&)>& fn) {
        return store_.read_usage(since, until, with_tools, epics, [&](const report::UsageFact& f) {
          return !stop_scan_.load(std::memory_order_relaxed) && fn(f);
        });
      },
      request.query, outcome_reader(store_), pricer, &seats, people);
  if (!r) return r.error();
  return render_priced(*r, request.format, *pricer);
}

Result<std::string> ReportRunner::answer_analytics(const report::ReportRequest& request) {
  auto seats = store_seats(store_);
  if (!seats) return seats.error();
  auto people = store_people(store_);
  if (!people) return people.error();
  const bool spread = seats->charges && !seats->charges->empty();
  const bool whole = analytics::levels_answer(request.query, spread);
  if (whole || analytics::groups_answer(request.query)) {
    auto position = feed_->catch_up();
    if (!position) return position.error();
    // ClickHouse's failures (unreachable, refused, a reply too big) are a
    // 503; the query's (too many nodes, the privacy floor) are its own.
    auto unavailable = [](const Error& e) -> Error {
      if (e.message.rfind("ClickHouse at ", 0) != 0) return e;
      return make_error(std::string(kStoreUnavailable) + ": " + e.message);
    };
    auto epics = store_.load_epics();
    if (!epics) return epics.error();
    if (whole) {
      auto answer =
          analytics::level_report(*report_ch_, request.query, *position->generations, *epics);
      if (!answer) return unavailable(answer.error());
      if (answer->report) {
        ++analytics_answers_;
        return render_priced(*answer->report, request.format, *position->pricer);
      }
      log_.info("reports", "answered from the store: " + answer->stale_reason);
      ++store_answers_;
      return answer_from_store(request, *seats, *people);
    }
    auto grouped =
        analytics::grouped_report(*report_ch_, request.query, *epics, position->pricer,
                                  *position->generations, &*seats, *people, outcome_reader(store_));
    if (!grouped) return unavailable(grouped.error());
    if (grouped->report) {
      ++analytics_answers_;
      return render_priced(*grouped->report, request.format, *position->pricer);
    }
    log_.info("reports", "answered from the store: " + grouped->stale_reason);
  }
  ++store_answers_;
  return answer_from_store(request, *seats, *people);
}

void ReportRunner::dispatch(
    ReportJob& job, const std::optional<Error>& behind,
    const std::function<Result<std::string>(const report::ReportRequest&)>& answer_fn) {
  job.request.query.max_nodes = max_nodes_;
  job.request.query.weights = weights_;
  if (job.access) {
    job.request.query.scope = job.access->scope;
    job.request.query.min_group_size = job.access->min_group_size;
  }
  if (behind)
    job.rendered = Result<std::string>(*behind);
  else if (!job.access)
    job.rendered = Result<std::string>(make_error("the report has no caller's scope"));
  else if (job.run)
    job.rendered = job.run(*job.access);
  else
    job.rendered = answer_fn(job.request);
  auto done = std::move(job.done);
  job.done = nullptr;
  if (done) done();
}

std::shared_ptr<ReportJob> ReportRunner::next_job(std::chrono::steady_clock::time_point& next_poll,
                                                  bool& stop) {
  std::shared_ptr<ReportJob> job;
  {
    std::unique_lock lock(mu_);
    wake_.wait_until(lock, next_poll, [this] {
      return stopping_ || !jobs_.empty() || !changes_.empty() || rebuild_done_ || prices_changed_;
    });
    if (stopping_ && jobs_.empty()) {
      stop = true;
      return nullptr;
    }
    prices_changed_ = false;
    if (!jobs_.empty()) {
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
  }
  if (Clock::now() >= next_poll) {
    // Another process's change (a collector on the same database, the CLI).
    if (auto changed = pricing_.refresh(); !changed)
      log_.warn("reports", "cannot check the prices: " + changed.error().message);
    next_poll = Clock::now() + std::chrono::milliseconds(kPricingPollMs);
  }
  return job;
}

void ReportRunner::run_analytics() {
  if (auto s = feed_->start(); !s)
    log_.error("analytics", "cannot follow the store's commits (" + s.error().message +
                                "): reports answer 503 until the collector restarts");
  auto next_poll = Clock::now() + std::chrono::milliseconds(kPricingPollMs);
  while (true) {
    bool stop = false;
    std::shared_ptr<ReportJob> job = next_job(next_poll, stop);
    if (stop) return;
    if (!job) continue;
    dispatch(*job, std::nullopt,
             [this](const report::ReportRequest& r) { return answer_analytics(r); });
  }
}

void ReportRunner::run() {
  if (feed_) {
    run_analytics();
    return;
  }
  auto cube = std::make_unique<report::UsageCube>(pricing_.current());
  const auto start = Clock::now();
  bool live = false;
  if (auto s = build_cube(*cube, ++generations_); s) {
    apply_changes(*cube);
    live = true;
    set_live_stats(*cube, elapsed_ms(start));
  } else {
    retry_at_ = Clock::now() + kRebuildRetry;
    if (!stop_scan_)
      log_.warn("reports", "cannot build the report cube (" + s.error().message +
                               "): reports read the database");
  }
  auto next_poll = Clock::now() + std::chrono::milliseconds(kPricingPollMs);
  while (true) {
    bool stop = false;
    std::shared_ptr<ReportJob> job = next_job(next_poll, stop);
    if (stop) return;
    swap_in_rebuilt(cube, live);
    start_rebuild(cube.get(), live);
    std::optional<Error> behind;
    if (live) {
      // Every commit up to now, this collector's or another's, is in the
      // report; a report that cannot be sure of that is refused, not stale.
      if (job) {
        if (auto s = store_.sync_usage(); !s)
          behind = make_error(std::string(kStoreUnavailable) + ": " + s.error().message);
      }
      apply_changes(*cube);
    } else {
      std::lock_guard lock(mu_);
      changes_.clear();
    }
    if (!job) continue;
    dispatch(*job, behind, [&](const report::ReportRequest& r) {
      return answer(r, live ? cube.get() : nullptr);
    });
  }
}

}  // namespace codepulse::collector
