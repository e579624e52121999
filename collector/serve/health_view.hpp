// GET /v1/health: what the dashboard's health view shows. Trackers by device
// from the stored batches (collector_batches), whole batches this collector
// refused since it started (from its counters: those never reach the store),
// and the collector's own ingest queue. Trackers do not report their local
// queue backlog, so the reply says so instead of inventing a number.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collector/ingest/metrics.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct HealthInputs {
  std::vector<DeviceActivity> devices;  // latest first
  int64_t now_ms = 0;
  int64_t recent_ms = 24 * 3600 * 1000;  // "reported recently" means within this
  int64_t records_stored = 0;
  size_t ingest_queue_depth = 0;
};

std::string health_json(const HealthInputs& in, const Metrics& metrics);

}  // namespace codepulse::collector
