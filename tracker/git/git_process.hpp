// Runs `git` for the tracker's commit reading: a fixed argument list, no
// shell, a scrubbed environment (no GIT_* variable from the caller can point
// it elsewhere, no pager, no prompt, no user or system config), stdout
// streamed through a pipe in delimited records of bounded length, stdin and
// stderr on /dev/null. A child that fails, is cancelled or outlives its
// deadline is an error naming the command and the repository, never what it
// printed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::tracker {

struct GitLimits {
  int64_t timeout_ms = 300'000;           // per command, from spawn to exit
  size_t max_record_bytes = 1024 * 1024;  // longer records are cut (and flagged)
  bool operator==(const GitLimits&) const = default;
};

// One delimited record of git's output, without its delimiter. `cut` when the
// record was longer than GitLimits::max_record_bytes: only its start is given.
using GitRecordFn = std::function<Status(std::string_view record, bool cut)>;
// Polled while waiting for output: true stops the command (an error).
using CancelFn = std::function<bool()>;

// A spawned child, killed and reaped when its owner goes away unfinished.
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  // Waits until the child exits or deadline_ms (steady clock) passes; the
  // wait status, or nullopt on timeout (the child is then still running).
  std::optional<int> wait_until(int64_t deadline_ms);
  void kill();                                // SIGKILL and reap
  bool running() const { return pid_ >= 0; }  // started, not yet reaped

 private:
  pid_t pid_ = -1;
};

class GitRunner {
 public:
  explicit GitRunner(GitLimits limits = {}, CancelFn cancelled = {})
      : limits_(limits), cancelled_(std::move(cancelled)) {}

  // `git -C repo_root <fixed options> args...`; every record of stdout
  // (split at `delimiter`; a last record without one counts too) goes to
  // on_record in order. An error from on_record stops the child and is
  // returned as is.
  Status run(const std::string& repo_root, const std::vector<std::string>& args, char delimiter,
             const GitRecordFn& on_record) const;

  // Starts `git -C repo_root <fixed options> args...` with stdin from
  // stdin_fd (-1: /dev/null), stdout into stdout_fd and stderr on /dev/null
  // (for a long-lived child such as `git cat-file --batch`, git_objects.hpp).
  Result<ChildProcess> spawn(const std::string& repo_root, const std::vector<std::string>& args,
                             int stdin_fd, int stdout_fd) const;

  const GitLimits& limits() const { return limits_; }
  bool cancelled() const { return cancelled_ && cancelled_(); }

 private:
  GitLimits limits_;
  CancelFn cancelled_;
};

// The steady clock in milliseconds: deadlines of git's children.
int64_t steady_ms();

// The environment git runs with: the caller's minus every GIT_* and locale
// variable, plus LC_ALL=C and the settings that keep git quiet and local.
std::vector<std::string> git_environment(char* const* environ_in);

}  // namespace codepulse::tracker
