#include "tracker/daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

namespace codepulse::tracker {
namespace {

std::string lock_path(const std::string& state_dir) {
  return state_dir + "/tracker.lock";
}

std::optional<long> read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return std::nullopt;
  char* end = nullptr;
  const long pid = std::strtol(buf, &end, 10);
  if (end == buf || pid <= 0) return std::nullopt;
  return pid;
}

}  // namespace

Result<InstanceLock> InstanceLock::acquire(const std::string& state_dir) {
  const std::string path = lock_path(state_dir);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return make_error("cannot open lock file " + path + ": " + std::strerror(errno));
  // holder() takes the lock shared for an instant to see whether it is free:
  // a start that meets one of those tries again for 200 ms before giving up.
  int locked = ::flock(fd.get(), LOCK_EX | LOCK_NB);
  for (int tries = 0; locked != 0 && errno == EWOULDBLOCK && tries < 20; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    locked = ::flock(fd.get(), LOCK_EX | LOCK_NB);
  }
  if (locked != 0) {
    if (errno == EWOULDBLOCK) {
      const auto pid = read_pid(fd.get());
      return make_error("another codepulse-tracker" +
                        (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
                        " is already running on " + state_dir + "; stop it first");
    }
    return make_error("cannot lock " + path + ": " + std::strerror(errno));
  }
  // Written over the last owner's pid, then cut to length: a reader sees the
  // old pid or the new one, never an empty file.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()) ||
      ::ftruncate(fd.get(), static_cast<off_t>(pid.size())) != 0)
    return make_error("cannot write lock file " + path + ": " + std::strerror(errno));
  return InstanceLock(std::move(fd));
}

std::optional<LockHolder> InstanceLock::holder(const std::string& state_dir) {
  UniqueFd fd(::open(lock_path(state_dir).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  for (int tries = 0;; ++tries) {
    if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return std::nullopt;  // nobody holds it
    if (const auto pid = read_pid(fd.get())) return LockHolder{*pid};
    // Locked with no pid yet: a daemon between its flock() and its pwrite().
    if (tries == 20) return LockHolder{};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace codepulse::tracker
