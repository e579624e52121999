// The collector's counters and latency histograms, rendered in the Prometheus
// text format for GET /metrics. Thread-safe; one instance per server.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "collector/store/store.hpp"

namespace codepulse::collector {

enum class BatchOutcome {
  kStored,          // 200, new to the collector
  kDuplicateBatch,  // 200, the same batch id was stored before
  kBad,             // 400: not decodable, or a bad header
  kUnauthorized,    // 401
  kForbidden,       // 403: a token without the tracker role
  kTooLarge,        // 413
  kUnsupported,     // 415
  kRateLimited,     // 429
  kStoreError,      // 503
  kCount
};

class Histogram {
 public:
  // Upper bounds in seconds, ascending (+Inf is implied).
  static constexpr std::array<double, 12> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1.0,  2.5,   10.0};
  void observe(double seconds);
  void render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
};

class Metrics {
 public:
  void request(const std::string& path, int status);
  void batch(BatchOutcome outcome);
  uint64_t batches(BatchOutcome outcome) const {
    return batches_[static_cast<size_t>(outcome)].load();
  }
  void records(const IngestResult& result);
  void connection_opened() { ++connections_open_, ++connections_total_; }
  void connection_closed() { --connections_open_; }
  void connection_refused() { ++connections_refused_; }
  Histogram& batch_latency() { return batch_latency_; }
  Histogram& commit_latency() { return commit_latency_; }

  std::string render(int64_t store_bytes, int64_t records_stored, size_t queue_depth) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  // By class of status: 1xx-5xx (index 1-5), each shown from the start so an
  // alert on 5xx matches a series before the first error.
  std::array<std::atomic<uint64_t>, 6> classes_{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(BatchOutcome::kCount)> batches_{};
  std::atomic<uint64_t> new_{0}, duplicate_{0}, replaced_{0}, stale_{0}, rejected_{0};
  std::atomic<uint64_t> commits_new_{0}, commits_duplicate_{0}, commits_rejected_{0};
  std::atomic<int64_t> connections_open_{0};
  std::atomic<uint64_t> connections_total_{0}, connections_refused_{0};
  Histogram batch_latency_, commit_latency_;
};

}  // namespace codepulse::collector
