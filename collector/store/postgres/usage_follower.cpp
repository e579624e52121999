#include "collector/store/postgres/usage_follower.hpp"

#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_usage_scan.hpp"
#include "common/report/usage_source.hpp"
#include "common/time.hpp"

namespace codepulse::collector::pg_store {
namespace {

constexpr int64_t kRetractionKeepMs = 86'400'000;  // a day
constexpr int64_t kPruneEveryMs = 600'000;

// Ends the snapshot transaction on every path.
struct EndTransaction {
  pg::Connection& conn;
  bool committed = false;
  ~EndTransaction() {
    if (!committed) (void)conn.exec("ROLLBACK");
  }
};

}  // namespace

UsageFollower::UsageFollower(std::string uri, int64_t interval_ms)
    : uri_(std::move(uri)), interval_ms_(interval_ms) {}

UsageFollower::~UsageFollower() {
  stop();
}

Status UsageFollower::start(const UsageScan& scan, UsageListener listener) {
  // The scan reads its snapshot on a connection of its own, so polls go on
  // (on conn_) while a new cube is built beside the live one.
  auto opened = pg::Connection::open(uri_);
  if (!opened) return opened.error();
  pg::Connection scan_conn = std::move(opened).value();
  if (auto s = scan_conn.exec(pg_sql::kBeginSnapshot); !s) return s;
  EndTransaction end{scan_conn};
  {
    std::lock_guard lock(mu_);
    if (!conn_) {
      auto polls = pg::Connection::open(uri_);
      if (!polls) return polls.error();
      conn_.emplace(std::move(polls).value());
    }
    // The snapshot is taken here, between two polls: what committed since
    // the last poll goes to the listener followed so far, and everything
    // after the snapshot to the new one.
    auto snap = scan_conn.query(pg_sql::kCurrentSnapshot);
    if (!snap) return snap.error();
    if (listener_) {
      auto changes = changes_since(scan_conn, snapshot_);
      if (!changes) return changes.error();
      if (!changes->empty()) listener_(std::move(changes).value());
    }
    snapshot_ = std::string(snap->text(0, 0));
    listener_ = std::move(listener);
  }
  const std::string select =
      std::string("SELECT ") + report::kUsageFactColumns + " FROM usage_records";
  auto scanned = scan ? scan_facts(scan_conn, select, {}, /*with_tools=*/true, scan) : Status{};
  if (scanned) scanned = scan_conn.exec("COMMIT");
  if (!scanned) {
    std::lock_guard lock(mu_);
    listener_ = nullptr;
    return scanned;
  }
  end.committed = true;
  {
    std::lock_guard wake_lock(wake_mu_);
    stopping_ = false;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  return {};
}

Status UsageFollower::sync() {
  std::lock_guard lock(mu_);
  if (!listener_) return {};
  return poll();
}

void UsageFollower::stop() {
  {
    std::lock_guard wake_lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  listener_ = nullptr;
}

Result<std::vector<UsageChange>> UsageFollower::changes_since(pg::Connection& conn,
                                                              const std::string& snapshot) {
  pg::Params since;
  since.add(snapshot);
  auto retracted = conn.query(std::string("SELECT ") + pg_sql::kRetractionFactColumns +
                                  " FROM usage_retractions" + pg_sql::kRetractedSinceWhere,
                              since);
  if (!retracted) return retracted.error();
  auto added = conn.query(std::string("SELECT ") + report::kUsageFactColumns +
                              " FROM usage_records" + pg_sql::kNewVersionsWhere,
                          since);
  if (!added) return added.error();
  std::vector<UsageChange> changes;
  changes.reserve(static_cast<size_t>(retracted->size() + added->size()));
  for (int i = 0; i < retracted->size(); ++i) {
    report::UsageFact f;
    if (auto s = read_fact(*retracted, i, true, f); !s) return s.error();
    changes.push_back({std::move(f), std::nullopt});
  }
  for (int i = 0; i < added->size(); ++i) {
    report::UsageFact f;
    if (auto s = read_fact(*added, i, true, f); !s) return s.error();
    changes.push_back({std::nullopt, std::move(f)});
  }
  return changes;
}

Status UsageFollower::poll() {
  if (auto s = conn_->exec(pg_sql::kBeginSnapshot); !s) return s;
  EndTransaction end{*conn_};
  auto snap = conn_->query(pg_sql::kCurrentSnapshot);
  if (!snap) return snap.error();
  auto changes = changes_since(*conn_, snapshot_);
  if (!changes) return changes.error();
  if (auto s = conn_->exec("COMMIT"); !s) return s;
  end.committed = true;
  snapshot_ = std::string(snap->text(0, 0));
  if (!changes->empty()) listener_(std::move(changes).value());
  const int64_t now = now_utc_ms();
  if (now - pruned_ms_ >= kPruneEveryMs) {
    pruned_ms_ = now;
    pg::Params cutoff;
    cutoff.add(now - kRetractionKeepMs);
    (void)conn_->query(pg_sql::kPruneRetractions, cutoff);
  }
  return {};
}

void UsageFollower::run() {
  while (true) {
    {
      std::unique_lock wake_lock(wake_mu_);
      if (wake_.wait_for(wake_lock, std::chrono::milliseconds(interval_ms_),
                         [this] { return stopping_; }))
        return;
    }
    std::lock_guard lock(mu_);
    if (listener_) (void)poll();  // an error (server away) is retried at the next poll
  }
}

}  // namespace codepulse::collector::pg_store
