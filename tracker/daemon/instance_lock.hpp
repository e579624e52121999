// One daemon per state folder: an flock()ed lock file holding the owner's pid.
#pragma once

#include <optional>
#include <string>

#include "common/c_handles.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

class InstanceLock {
 public:
  // Takes <state_dir>/tracker.lock or fails naming the pid that holds it.
  static Result<InstanceLock> acquire(const std::string& state_dir);
  // The pid of a running daemon on this state folder, if any (the lock is held).
  static std::optional<long> holder(const std::string& state_dir);

 private:
  explicit InstanceLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // released (and the lock with it) when closed
};

}  // namespace codepulse::tracker
