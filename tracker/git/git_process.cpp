#include "tracker/git/git_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "common/c_handles.hpp"
#include "tracker/git/record_splitter.hpp"

extern char** environ;

namespace codepulse::tracker {
namespace {

// Options before the subcommand: output that does not depend on the user's
// configuration, and nothing that runs other programs (signature checks,
// fsmonitor hooks) or takes the index lock.
const std::vector<std::string>& fixed_options() {
  static const std::vector<std::string> options = {"--no-pager",
                                                   "-c",
                                                   "core.quotepath=off",
                                                   "-c",
                                                   "color.ui=never",
                                                   "-c",
                                                   "log.showSignature=false",
                                                   "-c",
                                                   "core.fsmonitor=false",
                                                   "-c",
                                                   "diff.noprefix=false",
                                                   "-c",
                                                   "diff.mnemonicPrefix=false",
                                                   "-c",
                                                   "log.showRoot=true",
                                                   "--no-replace-objects"};
  return options;
}

bool drops(std::string_view entry) {
  return entry.starts_with("GIT_") || entry.starts_with("LC_") || entry.starts_with("LANG=") ||
         entry.starts_with("LANGUAGE=") || entry.starts_with("PAGER=") ||
         entry.starts_with("EDITOR=") || entry.starts_with("XDG_CONFIG_HOME=");
}

std::string describe(const std::vector<std::string>& args, const std::string& repo_root) {
  return "`git " + (args.empty() ? std::string() : args.front()) + "` in " + repo_root;
}

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "ended abnormally";
}

// Owns posix_spawn_file_actions_t.
class SpawnActions {
 public:
  SpawnActions() { ok_ = ::posix_spawn_file_actions_init(&actions_) == 0; }
  ~SpawnActions() {
    if (ok_) ::posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  bool ok() const { return ok_; }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
  bool ok_ = false;
};

// Owns posix_spawnattr_t: the child starts with no blocked signals (the
// daemon blocks its own for a signalfd) and SIGPIPE at its default.
class SpawnAttributes {
 public:
  SpawnAttributes() {
    ok_ = ::posix_spawnattr_init(&attr_) == 0;
    if (!ok_) return;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    ok_ = ::posix_spawnattr_setsigmask(&attr_, &none) == 0 &&
          ::posix_spawnattr_setsigdefault(&attr_, &defaults) == 0 &&
          ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) == 0;
  }
  ~SpawnAttributes() { ::posix_spawnattr_destroy(&attr_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  bool ok() const { return ok_; }
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_{};
  bool ok_ = false;
};

}  // namespace

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  kill();
}

std::optional<int> ChildProcess::wait_until(int64_t deadline_ms) {
  if (pid_ < 0) return 0;
  int pause_us = 100;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return std::nullopt;
    }
    if (steady_ms() >= deadline_ms) return std::nullopt;
    // A child that closed its output is about to exit: look again soon.
    std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
    pause_us = std::min(pause_us * 2, 5'000);
  }
}

void ChildProcess::kill() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::vector<std::string> git_environment(char* const* environ_in) {
  std::vector<std::string> env;
  for (char* const* e = environ_in; e && *e; ++e) {
    if (!drops(*e)) env.emplace_back(*e);
  }
  for (const char* fixed :
       {"LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat", "PAGER=cat", "GIT_CONFIG_NOSYSTEM=1",
        "GIT_CONFIG_GLOBAL=/dev/null", "GIT_OPTIONAL_LOCKS=0", "GIT_ASKPASS=", "SSH_ASKPASS="})
    env.emplace_back(fixed);
  return env;
}

Result<ChildProcess> GitRunner::spawn(const std::string& repo_root,
                                      const std::vector<std::string>& args, int stdin_fd,
                                      int stdout_fd) const {
  const std::string what = describe(args, repo_root);
  std::vector<std::string> argv = {"git", "-C", repo_root};
  argv.insert(argv.end(), fixed_options().begin(), fixed_options().end());
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> env = git_environment(environ);
  std::vector<char*> cenv;
  for (auto& e : env)
    cenv.push_back(e.data());
  cenv.push_back(nullptr);
  SpawnActions actions;
  SpawnAttributes attributes;
  if (!actions.ok() || !attributes.ok()) return make_error(what + ": cannot prepare the child");
  if (stdin_fd < 0)
    ::posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  else
    ::posix_spawn_file_actions_adddup2(actions.get(), stdin_fd, 0);
  ::posix_spawn_file_actions_adddup2(actions.get(), stdout_fd, 1);
  ::posix_spawn_file_actions_addopen(actions.get(), 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc =
      ::posix_spawnp(&pid, "git", actions.get(), attributes.get(), cargv.data(), cenv.data());
  if (rc != 0) return make_error(what + ": cannot run git: " + std::strerror(rc));
  return ChildProcess(pid);
}

Status GitRunner::run(const std::string& repo_root, const std::vector<std::string>& args,
                      char delimiter, const GitRecordFn& on_record) const {
  const std::string what = describe(args, repo_root);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return make_error(what + ": cannot make a pipe: " + std::strerror(errno));
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  auto spawned = spawn(repo_root, args, -1, write_end.get());
  if (!spawned) return spawned.error();
  ChildProcess child = std::move(spawned).value();
  write_end.reset();

  const int64_t deadline = steady_ms() + limits_.timeout_ms;
  auto timed_out = [&] {
    return make_error(what + " did not finish within " + std::to_string(limits_.timeout_ms) +
                      " ms; stopped");
  };
  RecordSplitter splitter(delimiter, limits_.max_record_bytes, on_record);
  std::string buf(64 * 1024, '\0');
  for (;;) {
    if (cancelled_ && cancelled_()) return make_error(what + ": cancelled");
    const int64_t left = deadline - steady_ms();
    if (left <= 0) return timed_out();
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
    if (ready < 0 && errno != EINTR)
      return make_error(what + ": cannot wait for output: " + std::strerror(errno));
    if (ready <= 0) continue;
    const ssize_t n = ::read(read_end.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return make_error(what + ": cannot read output: " + std::strerror(errno));
    }
    if (n == 0) break;
    if (auto s = splitter.feed(std::string_view(buf.data(), static_cast<size_t>(n))); !s) return s;
  }
  const std::optional<int> status = child.wait_until(deadline);
  if (!status) return timed_out();
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
    return make_error(what + " " + exit_text(*status));
  return splitter.finish();
}

}  // namespace codepulse::tracker
