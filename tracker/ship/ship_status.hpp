// What the shipper reports about itself (status file, `status`).
#pragma once

#include <cstdint>
#include <string>

namespace codepulse::tracker {

struct ShipStatus {
  std::string collector;  // host:port
  int64_t batches_shipped = 0, records_shipped = 0, commits_shipped = 0;
  int64_t records_quarantined = 0;  // since start
  int64_t failures = 0;             // consecutive
  int64_t last_success_ms = 0, last_error_ms = 0, next_attempt_ms = 0;
  int last_http_status = 0;
  std::string last_error;
};

}  // namespace codepulse::tracker
