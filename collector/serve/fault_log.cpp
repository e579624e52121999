// The first 503 of a run logged, the rest counted, the recovery logged.
#include "collector/serve/fault_log.hpp"

#include <string>

namespace codepulse::collector {

void FaultLog::observe(std::string_view route, const HttpReply& reply, bool uses_store) {
  if (reply.status != 503 && !(uses_store && reply.status < 400)) return;
  std::lock_guard lock(mu_);
  if (reply.status == 503) {
    if (refused_++ == 0)
      log_.error("store", "503 to " + std::string(route) + ": " + reply.body.substr(0, 400) +
                              " (more 503s are counted, not logged, until a request succeeds)");
    return;
  }
  if (refused_ == 0) return;
  log_.info("store", "answering again after " + std::to_string(refused_) +
                         " requests were refused with 503");
  refused_ = 0;
}

}  // namespace codepulse::collector
