// One daemon per state folder: an flock()ed lock file holding the owner's pid.
#pragma once

#include <optional>
#include <string>

#include "common/c_handles.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

// The daemon holding a state folder's lock. Its pid is written right after
// the lock is taken; a daemon caught in between (starting) has pid 0, which
// must never be signalled: kill(0, ...) reaches the caller's whole process group.
struct LockHolder {
  long pid = 0;
  bool pid_known() const { return pid > 0; }
};

class InstanceLock {
 public:
  // Takes <state_dir>/tracker.lock or fails naming the pid that holds it.
  static Result<InstanceLock> acquire(const std::string& state_dir);
  // The daemon running on this state folder, if any (the lock is held). Waits
  // up to 1 s for a starting daemon to write its pid.
  static std::optional<LockHolder> holder(const std::string& state_dir);

 private:
  explicit InstanceLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // released (and the lock with it) when closed
};

}  // namespace codepulse::tracker
