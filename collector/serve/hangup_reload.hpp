// What SIGHUP changes in a running collector once its log file is reopened:
// the configuration is read again, log_level takes effect at once, and every
// other changed setting is named in a log line as waiting for a restart.
#pragma once

#include <functional>

#include "common/config/config.hpp"
#include "common/log/logger.hpp"

namespace codepulse::collector {

class HangupReload {
 public:
  // `load` reads the configuration as at start (file and flags); `running`
  // is the one the server started with.
  HangupReload(std::function<Result<Config>()> load, Config running, Logger& log)
      : load_(std::move(load)), running_(std::move(running)), log_(log) {}

  // Reads the configuration again and applies or reports each change.
  void operator()();

 private:
  std::function<Result<Config>()> load_;
  const Config running_;
  Logger& log_;
};

}  // namespace codepulse::collector
