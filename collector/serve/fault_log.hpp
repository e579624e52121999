// One log line per run of refusals: the first 503 (the store failed, or is
// busy) is logged with its reason, the later ones are only counted, and the
// first success of a route that reads or writes the store after them says
// the service answers again. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

#include "collector/http/reply.hpp"
#include "common/log/logger.hpp"

namespace codepulse::collector {

class FaultLog {
 public:
  explicit FaultLog(Logger& log) : log_(log) {}
  // A reply about to be sent for `route`; `uses_store`: the route reads or
  // writes the store (not a dashboard file or the metrics).
  void observe(std::string_view route, const HttpReply& reply, bool uses_store);

 private:
  Logger& log_;
  std::mutex mu_;
  uint64_t refused_ = 0;
};

}  // namespace codepulse::collector
