// The daemon's lock file and the commands that ask who holds it: a daemon
// caught between taking the lock and writing its pid is "starting", and no
// command may signal pid 0 (that reaches the caller's whole process group;
// the npm package test's cleanup once did so to ctest's).
#include "tracker/daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "common/c_handles.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;
using codepulse::UniqueFd;
using codepulse::tracker::InstanceLock;

namespace {

// A state folder with a store, from a scan of an empty Claude folder.
std::string scanned_state(const TempDir& dir) {
  const std::string claude = dir.path() + "/claude", state = dir.path() + "/state";
  std::filesystem::create_directories(claude + "/projects");
  auto r = run({tracker_bin(), "scan", "--claude-dir", claude, "--state", state, "--quiet"});
  REQUIRE(r.exit_code == 0);
  return state;
}

// Holds state/tracker.lock as a daemon does, with `content` in it.
UniqueFd hold_lock(const std::string& state, const std::string& content) {
  UniqueFd fd(::open((state + "/tracker.lock").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600));
  REQUIRE(fd.valid());
  REQUIRE(::flock(fd.get(), LOCK_EX | LOCK_NB) == 0);
  REQUIRE(::write(fd.get(), content.data(), content.size()) ==
          static_cast<ssize_t>(content.size()));
  return fd;
}

}  // namespace

TEST_CASE("a daemon that has not written its pid is starting, and nobody signals pid 0",
          "[daemon][cli]") {
  TempDir dir;
  const std::string state = scanned_state(dir);
  UniqueFd lock = hold_lock(state, "");

  auto status = run({tracker_bin(), "status", "--state", state, "--json"});
  REQUIRE(status.exit_code == 0);
  CHECK(status.out.find("\"running\":true") != std::string::npos);
  CHECK(status.out.find("\"pid\"") == std::string::npos);
  auto text = run({tracker_bin(), "status", "--state", state});
  CHECK(text.out.find("codepulse-tracker is starting (its pid is not written yet)") !=
        std::string::npos);

  // In a session of their own: had they signalled pid 0, SIGUSR1 would have
  // ended them (exit 138), and nothing else.
  auto flush = run({"setsid", "-w", tracker_bin(), "flush", "--state", state});
  CHECK(flush.exit_code == 1);
  CHECK(flush.err.find("a codepulse-tracker holds " + state +
                       " but has not written its pid yet (it is starting); run flush again") !=
        std::string::npos);
  auto release = run({"setsid", "-w", tracker_bin(), "queue", "release", "--state", state});
  CHECK(release.exit_code == 0);
}

TEST_CASE(
    "status names the pid in the lock file, a start waits out a reader, its pid replaces a longer "
    "one",
    "[daemon][cli]") {
  TempDir dir;
  const std::string state = scanned_state(dir);
  {
    UniqueFd lock = hold_lock(state, "4194303\n");
    auto status = run({tracker_bin(), "status", "--state", state, "--json"});
    CHECK(status.out.find("\"running\":true,\"pid\":4194303") != std::string::npos);
    auto holder = InstanceLock::holder(state);
    REQUIRE(holder);
    CHECK(holder->pid == 4194303);
  }
  CHECK_FALSE(InstanceLock::holder(state));  // released with its descriptor
  // A start meeting a reader's shared lock of an instant (holder()) waits it out.
  UniqueFd reader(::open((state + "/tracker.lock").c_str(), O_RDONLY));
  REQUIRE(::flock(reader.get(), LOCK_SH) == 0);
  std::thread unlock([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::flock(reader.get(), LOCK_UN);
  });
  auto lock = InstanceLock::acquire(state);
  unlock.join();
  REQUIRE(lock);
  auto holder = InstanceLock::holder(state);
  REQUIRE(holder);
  CHECK(holder->pid == static_cast<long>(::getpid()));
  CHECK(read_file(state + "/tracker.lock") == std::to_string(::getpid()) + "\n");
  auto again = InstanceLock::acquire(state);
  REQUIRE_FALSE(again);
  CHECK(again.error().message == "another codepulse-tracker (pid " + std::to_string(::getpid()) +
                                     ") is already running on " + state + "; stop it first");
}
