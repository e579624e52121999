#include "tests/support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "tests/support/tls_peer.hpp"

namespace codepulse::test {
namespace {

void reset_close(int fd) {
  linger l{1, 0};  // close with RST
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

bool send_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

FaultProxy::FaultProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = listen_loopback(64, port_, "fault proxy");
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::FaultProxy(int target_port, int bound_fd)
    : target_port_(target_port), listen_fd_(bound_fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("fault proxy: cannot listen on the socket given");
  }
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  for (auto& t : workers_)
    t.join();
  ::close(listen_fd_);
}

void FaultProxy::set_fault(Fault fault, size_t after_bytes, int delay_ms) {
  std::lock_guard lock(mu_);
  setting_ = {fault, after_bytes, delay_ms};
}

void FaultProxy::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++connections_;
    Setting s;
    {
      std::lock_guard lock(mu_);
      s = setting_;
    }
    workers_.emplace_back([this, client, s] { pump(client, s); });
  }
}

void FaultProxy::pump(int client, Setting s) {
  if (s.fault == Fault::kDrop) {
    reset_close(client);
    return;
  }
  int server = -1;
  try {
    server = connect_tcp(target_port_.load());
  } catch (const std::exception&) {
    ::close(client);
    return;
  }
  size_t up = 0;  // client -> server bytes so far
  bool stalled = false, reset = false;
  char buf[16384];
  // Moves one chunk from side i (0: client, 1: server); false ends the pump.
  auto forward = [&](int i) -> bool {
    const int from = i == 0 ? client : server, to = i == 0 ? server : client;
    const ssize_t n = ::recv(from, buf, sizeof buf, 0);
    if (n <= 0) return false;
    if (stalled) return true;  // read and drop: the peers see a silent line
    size_t len = static_cast<size_t>(n);
    if (i == 0) {
      const bool crosses = up + len > s.after_bytes;
      if (crosses &&
          (s.fault == Fault::kReset || s.fault == Fault::kTruncate || s.fault == Fault::kStall)) {
        const size_t keep = s.after_bytes > up ? s.after_bytes - up : 0;
        send_all(to, buf, keep);
        up += keep;
        if (s.fault == Fault::kStall) {
          stalled = true;
          return true;
        }
        reset = s.fault == Fault::kReset;
        return false;
      }
      if (crosses && s.fault == Fault::kCorrupt && up <= s.after_bytes) {
        buf[s.after_bytes - up] = static_cast<char>(buf[s.after_bytes - up] ^ 0x20);
        s.fault = Fault::kNone;  // one byte per connection
      }
      up += len;
    }
    if (s.fault == Fault::kDelay)
      std::this_thread::sleep_for(std::chrono::milliseconds(s.delay_ms));
    return send_all(to, buf, len);
  };
  bool open = true;
  while (open && !stop_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2 && open; ++i)
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) open = forward(i);
  }
  if (reset) {
    reset_close(client);
    reset_close(server);
  } else {
    ::close(client);
    ::close(server);
  }
}

}  // namespace codepulse::test
