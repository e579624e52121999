// Follows the usage records of a PostgreSQL store that several collectors
// write: each poll reads, in one REPEATABLE READ snapshot, the record versions
// and retractions committed since the snapshot seen last (pg_sql.hpp). So a
// live report cube gets every collector's commits, none missed and none twice,
// whatever order the transactions commit in.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "collector/store/postgres/pg_connection.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector::pg_store {

class UsageFollower {
 public:
  // Polls every `interval_ms` on its own thread once started.
  UsageFollower(std::string uri, int64_t interval_ms);
  ~UsageFollower();
  UsageFollower(const UsageFollower&) = delete;
  UsageFollower& operator=(const UsageFollower&) = delete;

  // Scans every record of one snapshot into `scan`, then hands `listener`
  // what commits after it. One follow at a time: starting again while
  // following first hands the old listener what committed before the new
  // snapshot. Polls go on during the scan (it has its own connection).
  Status start(const UsageScan& scan, UsageListener listener);
  // Polls now: on return every commit before the call has been handed over.
  Status sync();
  void stop();

 private:
  Status poll();  // with mu_ held
  // The record versions and retractions committed after `snapshot` and
  // visible to `conn`'s transaction.
  static Result<std::vector<UsageChange>> changes_since(pg::Connection& conn,
                                                        const std::string& snapshot);
  void run();

  const std::string uri_;
  const int64_t interval_ms_;
  std::mutex mu_;  // the connection, the snapshot and the listener
  std::optional<pg::Connection> conn_;
  std::string snapshot_;  // pg_snapshot text of the last poll
  UsageListener listener_;
  int64_t pruned_ms_ = 0;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace codepulse::collector::pg_store
