// What the shipper reports about itself (status file, `status`).
#pragma once

#include <cstdint>
#include <string>

#include "common/json_writer.hpp"

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

// The collector and what went to it since start, as fields of an open JSON
// object: spelled alike in the status file and in `status --json`, which
// then add the failures and times each in its own form.
void write_ship_counts(JsonWriter& w, const ShipStatus& status);

}  // namespace codepulse::tracker
