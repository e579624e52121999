#include "tracker/git/git_child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace codepulse::tracker {
namespace {

// Writes all of `data` to a pipe whose reader may have died: SIGPIPE is held
// back for this thread and a pending one taken, so the tracker gets EPIPE
// instead of being killed.
Status write_all(int fd, std::string_view data, const std::string& what) {
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
  int error = 0;
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno;
      break;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (error == EPIPE) {
    const timespec zero{};
    while (::sigtimedwait(&pipe_signal, nullptr, &zero) > 0) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (error != 0) return make_error(what + ": cannot write to git: " + std::strerror(error));
  return {};
}

}  // namespace

GitChild::GitChild(const GitRunner& git, std::string repo_root, std::vector<std::string> args)
    : git_(git), root_(std::move(repo_root)), args_(std::move(args)) {
  what_ = "`git";
  for (size_t i = 0; i < args_.size() && i < 2; ++i)
    what_ += " " + args_[i];
  what_ += "` in " + root_;
}

void GitChild::stop() {
  to_.reset();
  from_.reset();
  process_.kill();
  buffered_.clear();
}

Status GitChild::start() {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0)
    return make_error(what_ + ": cannot make a pipe: " + std::strerror(errno));
  UniqueFd child_in(in[0]), to(in[1]);
  if (::pipe2(out, O_CLOEXEC) != 0)
    return make_error(what_ + ": cannot make a pipe: " + std::strerror(errno));
  UniqueFd from(out[0]), child_out(out[1]);
  auto spawned = git_.spawn(root_, args_, child_in.get(), child_out.get());
  if (!spawned) return spawned.error();
  ++processes_;
  process_ = std::move(spawned).value();
  to_ = std::move(to);
  from_ = std::move(from);
  buffered_.clear();
  return {};
}

Status GitChild::send(std::string_view request) {
  if (!process_.running())
    if (auto s = start(); !s) return s;
  deadline_ = steady_ms() + git_.limits().timeout_ms;
  return write_all(to_.get(), request, what_);
}

Status GitChild::fill() {
  char buf[64 * 1024];
  for (;;) {
    if (git_.cancelled()) return make_error(what_ + ": cancelled");
    const int64_t left = deadline_ - steady_ms();
    if (left <= 0)
      return make_error(what_ + ": no answer within " + std::to_string(git_.limits().timeout_ms) +
                        " ms");
    pollfd p{from_.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
    if (ready < 0 && errno != EINTR)
      return make_error(what_ + ": cannot wait for output: " + std::strerror(errno));
    if (ready <= 0) continue;
    const ssize_t n = ::read(from_.get(), buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return make_error(what_ + ": cannot read output: " + std::strerror(errno));
    if (n == 0) return make_error(what_ + ": git ended unexpectedly");
    buffered_.append(buf, static_cast<size_t>(n));
    return {};
  }
}

Status GitChild::read_line(std::string& line) {
  size_t looked = 0;
  for (;;) {
    const size_t nl = buffered_.find('\n', looked);
    if (nl != std::string::npos) {
      line.assign(buffered_, 0, nl);
      buffered_.erase(0, nl + 1);
      return {};
    }
    looked = buffered_.size();
    if (buffered_.size() > git_.limits().max_record_bytes)
      return make_error(what_ + ": an answer line longer than the line limit");
    if (auto s = fill(); !s) return s;
  }
}

Status GitChild::read_exact(int64_t bytes, const std::function<Status(std::string_view)>& take) {
  while (bytes > 0) {
    if (buffered_.empty())
      if (auto s = fill(); !s) return s;
    const size_t n = std::min<size_t>(buffered_.size(), static_cast<size_t>(bytes));
    if (auto s = take(std::string_view(buffered_).substr(0, n)); !s) return s;
    buffered_.erase(0, n);
    bytes -= static_cast<int64_t>(n);
  }
  return {};
}

Status GitChild::read_some(const std::function<Status(std::string_view)>& take) {
  if (buffered_.empty())
    if (auto s = fill(); !s) return s;
  const std::string chunk = std::move(buffered_);
  buffered_.clear();
  return take(chunk);
}

}  // namespace codepulse::tracker
