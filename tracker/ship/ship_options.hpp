// What the shipper is told (tracker/ship/shipper.hpp): where the collector
// is, how to trust it, and how batches are sized and retried. Apart from the
// shipper so that the daemon's options and the command line need no
// Boost.Asio.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tracker/ship/collector_url.hpp"

namespace codepulse::tracker {

struct ShipOptions {
  CollectorEndpoint endpoint;
  ClientTls tls;
  std::string token_file;
  size_t batch_max_records = 5000;
  int64_t batch_max_age_ms = 1000;
  int64_t backoff_first_ms = 1000;
  int64_t backoff_max_ms = 300'000;
  int64_t timeout_ms = 30'000;
  int64_t generation_check_ms = 900'000;  // an idle queue asks this often
  std::string state_dir;                  // budgets.json is written here; "" writes none
  bool operator==(const ShipOptions&) const = default;
};

}  // namespace codepulse::tracker
