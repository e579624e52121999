#include "tracker/daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

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
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      const auto pid = read_pid(fd.get());
      return make_error("another codepulse-tracker" +
                        (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
                        " is already running on " + state_dir + "; stop it first");
    }
    return make_error("cannot lock " + path + ": " + std::strerror(errno));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 ||
      ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    return make_error("cannot write lock file " + path + ": " + std::strerror(errno));
  return InstanceLock(std::move(fd));
}

std::optional<long> InstanceLock::holder(const std::string& state_dir) {
  UniqueFd fd(::open(lock_path(state_dir).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return std::nullopt;  // nobody holds it
  return read_pid(fd.get()).value_or(0);
}

}  // namespace codepulse::tracker
